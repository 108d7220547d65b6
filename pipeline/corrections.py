"""Manual corrections: what a person fixed on the review page, applied again on every later run.

A corrections file is a CSV with the columns ``form_id, seq, field, value`` (the review page
exports it; an optional ``original`` column holds the value the person saw). ``seq`` empty or 0
addresses a header field of the form, otherwise the indicator with that seq. An empty ``value``
clears the field. Form ids are stable across runs (same input bytes, same form position), so a
file of corrections stays valid as long as the source does not change.

Each applied correction is logged as an ``manual_correction`` info anomaly; a correction whose
form, indicator or field does not exist becomes a ``correction_unmatched`` warning, and a value
that the field cannot hold (``abc`` for fund_total) a ``correction_invalid`` warning, and a
correction whose ``original`` no longer matches what this run extracted (the extraction changed
under it) a ``correction_stale`` warning beside the applied correction, so nothing a person typed
is silently lost or silently misapplied.
"""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from extractors.errors import JixiaoError
from normalizers.records import Anomaly, FormRecord, IndicatorRecord, field_allows_none, field_type

REQUIRED_COLUMNS = ("form_id", "seq", "field", "value")

# Identity and provenance columns: a correction may not rewrite which form or row a record is.
FROZEN_FIELDS = frozenset(
    {"form_id", "source_file", "form_index", "seq", "bbox", "page_size", "cell_boxes"}
)

QUALITATIVE = "定性"


class CorrectionsFileError(JixiaoError):
    """The corrections file cannot be read or lacks the required columns."""

    code = "unreadable_file"


class Correction(BaseModel):
    form_id: str
    seq: int = 0  # 0: a header field of the form
    field: str
    value: str = ""
    original: str | None = None  # what the person saw when they made the correction
    line: int = 0  # line of the corrections file, for messages


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorrectionsFileError("corrections file is neither UTF-8 nor GB18030 text", file=str(path))


def _parse_seq(text: str, path: Path, line: int) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isnan(number) or number < 0 or number != int(number):
        raise CorrectionsFileError(
            f"line {line}: seq {text!r} is not a non-negative whole number", file=str(path),
            hint="leave seq empty or 0 for a header field of the form",
        )
    return int(number)


def load_corrections(path: Path) -> list[Correction]:
    """Read a corrections CSV (UTF-8 with or without BOM, or GB18030)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorrectionsFileError(f"cannot read corrections file: {exc.strerror}", file=str(path)) from exc
    reader = csv.DictReader(io.StringIO(_decode(data, path), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CorrectionsFileError(
            f"corrections file lacks the column(s) {', '.join(missing)}", file=str(path),
            hint="the header must be form_id,seq,field,value",
        )
    reader.fieldnames = header
    out: list[Correction] = []
    for row in reader:
        line = reader.line_num
        form_id = (row.get("form_id") or "").strip()
        field = (row.get("field") or "").strip()
        if not form_id and not field:
            continue  # blank line
        original = row.get("original")
        out.append(
            Correction(
                form_id=form_id,
                seq=_parse_seq(row.get("seq") or "", path, line),
                field=field,
                value=row.get("value") or "",
                original=original if original not in (None, "") else None,
                line=line,
            )
        )
    return out




def _coerce(model: type[BaseModel], field: str, text: str) -> Any:
    """Turn the typed text into the field's value; raises ValueError when it cannot hold it."""
    text = text.strip()
    kind = field_type(model, field)
    if text == "":
        if model.model_fields[field].is_required() or not field_allows_none(model, field):
            raise ValueError("this field cannot be empty")
        return None
    if kind is float:
        return _parse_number(text, strict=True)
    if kind is int:
        number = _parse_number(text, strict=True)
        if number != int(number):
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)
    if get_origin(kind) is Literal:
        allowed = get_args(kind)
        if text not in allowed:
            raise ValueError(f"{text!r} is not one of {', '.join(allowed)}")
    return text




_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


def _parse_number(text: str, strict: bool) -> float | None:
    """A plain decimal number as people type it (thousands separators allowed)."""
    cleaned = text.strip().replace("，", ",").replace("．", ".")
    if not _NUMBER.match(cleaned):
        if strict:
            raise ValueError(f"{text!r} is not a number")
        return None
    return float(cleaned.replace(",", ""))


def derived_value_num(operator: str | None, value: str | None) -> float | None:
    """value_num as the contract defines it: the number of a quantitative indicator's value."""
    if operator == QUALITATIVE or value is None:
        return None
    return _parse_number(value, strict=False)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


class _Unmatched:
    """Builds the warning for a correction that names no existing form, row or field."""

    def __init__(self, correction: Correction, source_file: str, form_index: int | None, where: str):
        self.c, self.source_file, self.form_index, self.where = correction, source_file, form_index, where

    def __call__(self, message: str) -> Anomaly:
        return Anomaly(
            source_file=self.source_file, form_id=self.c.form_id, form_index=self.form_index,
            seq=self.c.seq or None, field=self.c.field, code="correction_unmatched", severity="warning",
            fixed_value=self.c.value, message=f"{self.where}: {message}; the correction was not applied.",
        )


def apply_corrections(
    forms: list[FormRecord],
    indicators: list[IndicatorRecord],
    corrections: list[Correction],
) -> tuple[list[FormRecord], list[IndicatorRecord], list[Anomaly]]:
    """Apply the corrections in file order (a later line wins); the inputs are not modified."""
    forms_out = list(forms)
    indicators_out = list(indicators)
    form_at = {f.form_id: i for i, f in enumerate(forms_out)}
    indicator_at = {(r.form_id, r.seq): i for i, r in enumerate(indicators_out)}
    anomalies: list[Anomaly] = []

    for c in corrections:
        where = f"corrections line {c.line}" if c.line else "corrections file"
        form_pos = form_at.get(c.form_id)
        form = forms_out[form_pos] if form_pos is not None else None
        source_file = form.source_file if form else ""
        form_index = form.form_index if form else None
        seq = c.seq or None
        unmatched = _Unmatched(c, source_file, form_index, where)

        if form is None:
            anomalies.append(unmatched(f"no form has the id {c.form_id!r}"))
            continue
        if c.seq == 0:
            model: type[BaseModel] = FormRecord
            target: BaseModel = form
            row_pos = None
        else:
            row_pos = indicator_at.get((c.form_id, c.seq))
            if row_pos is None:
                anomalies.append(unmatched(f"the form has no indicator with seq {c.seq}"))
                continue
            model = IndicatorRecord
            target = indicators_out[row_pos]
        if c.field not in model.model_fields or c.field in FROZEN_FIELDS:
            kind = "header field" if c.seq == 0 else "indicator column"
            anomalies.append(unmatched(f"{c.field!r} is not a {kind} that can be corrected"))
            continue
        try:
            new_value = _coerce(model, c.field, c.value)
        except ValueError as exc:
            anomalies.append(
                Anomaly(
                    source_file=source_file, form_id=c.form_id, form_index=form_index, seq=seq,
                    field=c.field, code="correction_invalid", severity="warning",
                    raw_value=_shown(getattr(target, c.field)), fixed_value=c.value,
                    message=f"{where}: {exc}; the correction was not applied.",
                )
            )
            continue

        old_value = getattr(target, c.field)
        update: dict[str, Any] = {c.field: new_value}
        if model is IndicatorRecord and c.field in ("value", "operator"):
            operator = new_value if c.field == "operator" else target.operator
            value = new_value if c.field == "value" else target.value
            update["value_num"] = derived_value_num(operator, value)
        updated = target.model_copy(update=update)
        if row_pos is None:
            forms_out[form_pos] = updated  # type: ignore[assignment]
        else:
            indicators_out[row_pos] = updated  # type: ignore[assignment]

        page = getattr(target, "page", None) if row_pos is not None else form.page_start
        anomalies.append(
            Anomaly(
                source_file=source_file, form_id=c.form_id, form_index=form_index, seq=seq,
                field=c.field, code="manual_correction", severity="info",
                raw_value=_shown(old_value), fixed_value=_shown(new_value),
                message=f"corrected by hand ({where}).", page=page,
            )
        )
        extraction_changed = c.original is not None and c.original.strip() != _shown(old_value).strip()
        if extraction_changed and _shown(old_value).strip() != _shown(new_value).strip():
            anomalies.append(
                Anomaly(
                    source_file=source_file, form_id=c.form_id, form_index=form_index, seq=seq,
                    field=c.field, code="correction_stale", severity="warning",
                    raw_value=c.original or "", fixed_value=_shown(new_value), page=page,
                    message=(
                        f"{where}: the field read {c.original!r} when the correction was made but "
                        f"{_shown(old_value)!r} in this run; check that the correction still fits."
                    ),
                )
            )
    return forms_out, indicators_out, anomalies
