"""Process one input file: extract -> find forms -> read headers -> interpret rows -> validate.

``process_file`` never raises for bad input: every failure ends as anomalies and a status in the
returned FileOutcome, so a batch (local processes or a Dask cluster) goes on.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from extractors.errors import JixiaoError, ParseError
from extractors.ir import Cell, Document
from extractors.options import ExtractOptions
from extractors.registry import extractor_for
from normalizers import values
from normalizers.columns import IndicatorDraft, RowAnomaly, interpret_rows
from normalizers.forms import FormHeader, FormSpan, document_items, find_forms, read_form
from normalizers.outcome import FileOutcome
from normalizers.records import Anomaly, FormRecord, IndicatorRecord
from normalizers.validate import budget_issue, validate_indicators, validation_rules
from vocab.labels import clean_text

FUND_FIELDS = ("fund_total", "fund_fiscal", "fund_carryover", "fund_other")


def form_id_for(sha256: str, form_index: int) -> str:
    """Stable id: same input bytes and same form position give the same id on every run."""
    return hashlib.sha256(f"{sha256}:{form_index}".encode()).hexdigest()[:16]


def process_file(path: Path, source_file: str, options: ExtractOptions) -> FileOutcome:
    path = Path(path)
    out = FileOutcome(source_file=source_file, path=str(path.resolve()))
    t0 = time.perf_counter()
    try:
        data = path.read_bytes()
    except OSError as e:
        return _failed(out, f"cannot read the file: {e.strerror or e}")
    out.sha256 = hashlib.sha256(data).hexdigest()
    try:
        doc = extractor_for(path)(path, options)
    except JixiaoError as e:
        out.timings["extract"] = time.perf_counter() - t0
        return _failed(out, e.message + (f" ({e.hint})" if e.hint else ""))
    except Exception as e:  # noqa: BLE001 - a library's surprise on odd input: recorded, the batch goes on
        out.timings["extract"] = time.perf_counter() - t0
        return _failed(out, f"could not be read ({type(e).__name__}: {e})")
    t1 = time.perf_counter()
    out.timings["extract"] = t1 - t0
    for k, v in doc.timings.items():
        out.timings[k] = v
    out.extractor = doc.extractor
    out.pages = len(doc.pages)
    try:
        records_from_document(doc, out, options)
    except Exception as e:  # noqa: BLE001 - never lose the file silently
        out.status = "failed"
        out.errors.append(f"{type(e).__name__}: {e}")
        out.anomalies.append(Anomaly(source_file=source_file, code="unreadable_file", severity="error",
                                     message=f"the forms of this file could not be interpreted ({type(e).__name__}: {e})"))
    out.timings["normalize"] = time.perf_counter() - t1
    return out


def _failed(out: FileOutcome, message: str) -> FileOutcome:
    out.status = "failed"
    out.errors.append(message)
    out.anomalies.append(Anomaly(source_file=out.source_file, code="unreadable_file", severity="error",
                                 message=f"{out.source_file}: {message}"))
    return out


def records_from_document(doc: Document, out: FileOutcome, options: ExtractOptions) -> None:
    items = document_items(doc)
    spans = find_forms(items)
    src = out.source_file
    if not spans:
        out.status = "failed"
        out.anomalies.append(Anomaly(source_file=src, code="no_form_found", severity="error",
                                     message=f"{src} was read but holds no performance-target form (绩效目标表)"))
        _document_notes(doc, out, [])
        return
    page_ranges = []
    partial = False
    for index, span in enumerate(spans):
        fid = form_id_for(out.sha256, index)
        header = read_form(span)
        form, anomalies = _form_record(span, header, fid, src, index, doc)
        drafts = interpret_rows(header.indicator_rows, header.indicator_header)
        extra = validate_indicators(drafts, form.fund_total)
        indicators = []
        for seq, (d, more) in enumerate(zip(drafts, extra), start=1):
            rec, row_anoms = _indicator_record(d, more, fid, src, index, seq, doc, options)
            indicators.append(rec)
            anomalies.extend(row_anoms)
        if not indicators:
            anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, code="missing_field",
                                     field="indicators", severity="error",
                                     message="the form holds no indicator rows (三级指标)"))
            partial = True
        elif _looks_truncated(header, drafts, index == len(spans) - 1):
            anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, code="form_truncated",
                                     severity="error", seq=len(indicators),
                                     message="the form ends inside its indicator table (no footer); rows may be lost"))
            partial = True
        confs = [r.confidence for r in indicators]
        form.confidence = round(min(confs), 3) if confs else form.confidence
        out.forms.append(form)
        out.indicators.extend(indicators)
        out.anomalies.extend(anomalies)
        page_ranges.append((form.page_start, form.page_end, fid, index))
    _document_notes(doc, out, page_ranges)
    if partial or any(a.severity == "error" for a in out.anomalies):
        out.status = "partial"


def _document_notes(doc: Document, out: FileOutcome, page_ranges) -> None:
    for n in doc.notes:
        fid, idx = "", None
        for start, end, f, i in page_ranges:
            if n.page is not None and start <= n.page <= end:
                fid, idx = f, i
                break
        out.anomalies.append(Anomaly(source_file=out.source_file, form_id=fid, form_index=idx, field=n.field,
                                     code=n.code, severity=n.severity, raw_value=n.raw_value,
                                     fixed_value=n.fixed_value, message=n.message, page=n.page))


def _looks_truncated(header: FormHeader, drafts: list[IndicatorDraft], last: bool) -> bool:
    """A form cut off mid-table: no footer or notes after it, and its last row lacks what rows have."""
    if header.has_footer or header.has_notes or not last or not drafts:
        return False
    d = drafts[-1]
    return len(drafts) > 1 and d.scoring_rule is None and all(x.scoring_rule for x in drafts[:-1][-3:])


_PHONE_TAIL = re.compile(r"[\s,，;；/、]*(?:联系)?(?:电话|tel|TEL)?[:：]?\s*[\d０-９][\d０-９\-－—()（）\s]{5,}$")


def _strip_phone(text: str) -> str:
    return _PHONE_TAIL.sub("", text).strip()


def _form_record(span: FormSpan, h: FormHeader, fid: str, src: str, index: int, doc: Document):
    anomalies: list[Anomaly] = []

    def note(field: str, code: str, severity: str, raw: str, fixed: str, message: str) -> None:
        anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, field=field, code=code,
                                 severity=severity, raw_value=raw, fixed_value=fixed, message=message,
                                 page=h.pages.get(field)))

    v = h.values
    year = None
    if not v.get("year") and v.get("year_title"):
        v = {**v, "year": v["year_title"]}
    if v.get("year"):
        try:
            year = _parse_year(v["year"])
        except ParseError:
            note("year", "date_invalid", "warning", v["year"], "", f"年度 '{v['year']}' cannot be read as a year")
    funds: dict[str, float | None] = {}
    for f in FUND_FIELDS:
        raw = v.get(f, "")
        funds[f] = None
        if raw:
            try:
                funds[f] = values.parse_amount(clean_text(raw))
            except ParseError:
                note(f, "non_numeric_value", "warning", raw, "", f"the amount '{raw}' is not a number")
    why = budget_issue(funds["fund_total"], [funds["fund_fiscal"], funds["fund_carryover"], funds["fund_other"]])
    if why:
        note("fund_total", "budget_mismatch", "warning", str(funds["fund_total"]), "", why)
    fill_date = None
    if v.get("fill_date"):
        try:
            fill_date = values.parse_date(v["fill_date"])
        except ParseError:
            note("fill_date", "date_invalid", "warning", v["fill_date"], "", f"填报日期 '{v['fill_date']}' is not a valid date")
    agency = v.get("agency") or (v.get("agency_line") if span.kind == "department" else None)
    if agency:
        agency = re.sub(r"^[（(]?\s*(盖章|公章)\s*[)）]?[:：]?", "", clean_text(agency)).strip() or None
    competent = v.get("competent_dept")
    if competent:
        competent = _strip_phone(clean_text(competent)) or None
    phone = v.get("phone")
    if phone:
        phone = re.sub(r"\s+", "", clean_text(phone)) or None
    pages = [it.page for it in span.items]
    form = FormRecord(
        form_id=fid, source_file=src, form_index=index, form_kind=span.kind, year=year,
        agency=agency or None, project_name=_text_or_none(v.get("project_name")), competent_dept=competent,
        overall_goal=_text_or_none(v.get("overall_goal")), preparer=_text_or_none(v.get("preparer")), phone=phone,
        fill_date=fill_date, unit_head=_text_or_none(v.get("unit_head")),
        page_start=min(pages) if pages else 1, page_end=max(pages) if pages else 1,
        extractor=_form_extractor(doc, pages), **funds,
    )
    unreadable = {a.field for a in anomalies}
    for f in validation_rules().required_form_fields:
        if getattr(form, f, None) in (None, "") and f not in unreadable:
            note(f, "missing_field", "warning", "", "", f"{f} is not given in the form")
    return form, anomalies


def _parse_year(text: str) -> int:
    try:
        return values.parse_year(text)
    except ParseError:
        return values.parse_year(text.strip() + "年")  # '年度：2024' leaves a bare year


def _form_extractor(doc: Document, pages: list[int]) -> str:
    names = {p.extractor for p in doc.pages if p.number in set(pages) and p.extractor}
    if len(names) == 1:
        return names.pop()
    return doc.extractor


def _text_or_none(s: str | None) -> str | None:
    t = clean_text(s or "")
    return t or None


def _indicator_record(d: IndicatorDraft, more: list[RowAnomaly], fid: str, src: str, index: int, seq: int,
                      doc: Document, options: ExtractOptions):
    cells: list[Cell] = d.cells
    conf = min((c.confidence for c in cells), default=1.0)
    boxes = [c for c in cells if c.bbox is not None]
    bbox = page_size = cell_boxes = None
    if boxes:
        x0 = min(c.bbox[0] for c in boxes)
        y0 = min(c.bbox[1] for c in boxes if c.page == d.page) if any(c.page == d.page for c in boxes) else 0
        x1 = max(c.bbox[2] for c in boxes)
        y1 = max(c.bbox[3] for c in boxes if c.page == d.page) if any(c.page == d.page for c in boxes) else 0
        bbox = ",".join(f"{x:.1f}" for x in (x0, y0, x1, y1))
        cell_boxes = json.dumps([[round(x, 1) for x in c.bbox] + [round(c.confidence, 3), c.page] for c in boxes])
        page = next((p for p in doc.pages if p.number == d.page), None)
        if page is not None and page.width and page.height:
            page_size = f"{page.width:.1f},{page.height:.1f}"
    rec = IndicatorRecord(
        form_id=fid, source_file=src, form_index=index, seq=seq, level1=d.level1, level2=d.level2,
        level3=d.level3, operator=d.operator, value=d.value, value_num=d.value_num, unit=d.unit,
        explanation=d.explanation, scoring_rule=d.scoring_rule, note=d.note, level1_raw=d.level1_raw,
        level2_raw=d.level2_raw, page=d.page, confidence=round(conf, 3), bbox=bbox, page_size=page_size,
        cell_boxes=cell_boxes,
    )
    anomalies = [
        Anomaly(source_file=src, form_id=fid, form_index=index, seq=seq, field=a.field, code=a.code,
                severity=a.severity, raw_value=a.raw_value, fixed_value=a.fixed_value, message=a.message, page=d.page)
        for a in list(d.anomalies) + list(more)
    ]
    low = [c for c in cells if c.confidence < options.low_confidence]
    if low:
        anomalies.append(Anomaly(
            source_file=src, form_id=fid, form_index=index, seq=seq, field="", code="low_confidence",
            severity="warning", raw_value=" | ".join(clean_text(c.text) for c in low)[:200], fixed_value="",
            message=f"{len(low)} cell(s) of this row were read with confidence under {options.low_confidence:.2f} "
                    f"(lowest {conf:.2f})", page=d.page))
    return rec, anomalies
