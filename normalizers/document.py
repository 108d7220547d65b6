"""Process one input file: extract -> find forms -> read headers -> interpret rows -> validate.

``process_file`` never raises for bad input: every failure ends as anomalies and a status in the
returned FileOutcome, so a batch (local processes or a Dask cluster) goes on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import time
from pathlib import Path

from extractors.errors import JixiaoError, ParseError
from extractors.file_hash import file_sha256
from extractors.ir import Cell, Document
from extractors.limits import InputLimitError, check_input
from extractors.options import ExtractOptions
from extractors.registry import extractor_for
from normalizers.columns import IndicatorDraft, RowAnomaly, interpret_rows
from normalizers.forms import FormHeader, FormSpan, document_items, find_forms, read_form
from normalizers.outcome import FileOutcome
from normalizers.plausibility import assess_rows, bare_rows, bare_rows_elsewhere, implied_operators
from normalizers.records import Anomaly, FormRecord, IndicatorRecord
from normalizers.validate import (
    budget_issue,
    missing_groups,
    validate_indicators,
    validation_rules,
    weight_issue,
)
from vocab import values
from vocab.labels import clean_text, form_labels

FUND_FIELDS = ("fund_total", "fund_fiscal", "fund_carryover", "fund_other", "fund_superior", "fund_total_all")
# the sources a year's 资金总额 is the sum of
FUND_SOURCES = ("fund_fiscal", "fund_superior", "fund_carryover", "fund_other")


def form_id_for(sha256: str, form_index: int) -> str:
    """Stable id: same input bytes and same form position give the same id on every run."""
    return hashlib.sha256(f"{sha256}:{form_index}".encode()).hexdigest()[:16]


def process_file(path: Path, source_file: str, options: ExtractOptions, sha256: str = "") -> FileOutcome:
    """One file -> its outcome. ``sha256`` is the file's content hash when the caller already took
    it (the batch, for the cache key), so the file is hashed once."""
    path = Path(path)
    out = FileOutcome(source_file=source_file, path=str(path.resolve()))
    t0 = time.perf_counter()
    try:
        check_input(path, options.limits)  # before the bytes are read: a file may be huge
        sha256 = sha256 or file_sha256(path)  # streamed: the extractor reads the file as it needs
    except InputLimitError as e:
        out.timings["extract"] = time.perf_counter() - t0
        return _failed(out, e.message + f" ({e.hint})", code=e.code)
    except OSError as e:
        return _failed(out, f"cannot read the file: {e.strerror or e}")
    except Exception as e:  # noqa: BLE001 - a library's surprise while looking at a header
        return _failed(out, f"could not be read ({type(e).__name__}: {e})")
    out.sha256 = sha256
    try:
        doc = extractor_for(path)(path, options)
    except JixiaoError as e:
        out.timings["extract"] = time.perf_counter() - t0
        code = e.code if isinstance(e, InputLimitError) else "unreadable_file"
        return _failed(out, e.message + (f" ({e.hint})" if e.hint else ""), code=code)
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


def _failed(out: FileOutcome, message: str, code: str = "unreadable_file") -> FileOutcome:
    out.status = "failed"
    out.errors.append(message)
    out.anomalies.append(Anomaly(source_file=out.source_file, code=code, severity="error",
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
    assembled: list[tuple[FormRecord, list[IndicatorRecord], list[Anomaly]]] = []
    partial = False
    for index, span in enumerate(spans):
        fid = form_id_for(out.sha256, index)
        header = read_form(span)
        if span.kind != "self_evaluation" and form_labels().self_evaluation_columns & set(header.indicator_header):
            # 实际完成值 / 得分 columns: a self-evaluation, whatever the title says
            span = dataclasses.replace(span, kind="self_evaluation")
        form, anomalies = _form_record(span, header, fid, src, index, doc)
        drafts = interpret_rows(header.indicator_rows, header.indicator_header)
        extra = validate_indicators(drafts, form.fund_total, set(header.indicator_header) or None)
        why = weight_issue(drafts)
        if why:
            anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, field="weight",
                                     code="weight_mismatch", severity="warning", message=why))
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
        else:
            absent = missing_groups(drafts, span.kind)
            if absent:
                anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, code="missing_group",
                                         field="level1", severity="warning", raw_value="、".join(absent),
                                         message=f"the form holds no {'、'.join(absent)} (a whole level-1 group "
                                                 f"is absent)", page=form.page_end))
            cut = _looks_truncated(header, drafts, index == len(spans) - 1)
            if cut or (absent and not header.has_footer and not header.has_notes and not span.closed):
                why = ("its last row is incomplete" if cut else
                       f"it ends without its footer (填表人/填报日期) and lacks {'、'.join(absent)}")
                anomalies.append(Anomaly(source_file=src, form_id=fid, form_index=index, code="form_truncated",
                                         severity="error", seq=len(indicators), page=form.page_end,
                                         message=f"the form looks cut off: {why}; rows may be lost"))
                partial = True
        assembled.append((form, indicators, anomalies))
        page_ranges.append((form.page_start, form.page_end, fid, index))
    # the row plausibility step once every form is read: a form's siblings show how the document
    # writes its targets
    others = bare_rows_elsewhere([bare_rows(ind, implied_operators(an)) for _, ind, an in assembled])
    for (form, indicators, anomalies), elsewhere in zip(assembled, others):
        if options.row_plausibility:
            anomalies.extend(assess_rows(indicators, anomalies, form, elsewhere))
        confs = [r.confidence for r in indicators]
        form.confidence = round(min(confs), 3) if confs else form.confidence
        out.forms.append(form)
        out.indicators.extend(indicators)
        out.anomalies.extend(anomalies)
    out.anomalies.extend(_register_sum_anomalies(spans, out.forms, src))
    _document_notes(doc, out, page_ranges)
    if partial or any(a.severity == "error" for a in out.anomalies):
        out.status = "partial"


def _register_sum_anomalies(spans: list[FormSpan], forms: list[FormRecord], src: str) -> list[Anomaly]:
    """A register table's 小计/合计 rows checked against the amounts of the projects they add up."""
    found: list[Anomaly] = []
    tolerance = validation_rules().budget_tolerance
    for index, span in enumerate(spans):
        for check in span.sum_checks:
            members = forms[max(0, index - check.members + 1): index + 1]
            form = forms[index]
            try:
                stated = values.read_amount(clean_text(check.raw), check.unit).wan
            except ParseError:
                found.append(Anomaly(source_file=src, form_id=form.form_id, form_index=index, field="fund_total",
                                     code="non_numeric_value", raw_value=check.raw, page=check.page,
                                     message=f"the {check.label} amount '{check.raw}' is not a number"))
                continue
            amounts = [f.fund_total for f in members if f.fund_total is not None]
            if stated is None or not amounts:
                continue
            total = round(sum(amounts), 6)
            if len(amounts) < len(members) or abs(total - stated) > tolerance:
                found.append(Anomaly(
                    source_file=src, form_id=form.form_id, form_index=index, field="fund_total",
                    code="budget_mismatch", raw_value=check.raw, fixed_value=f"{total:g}", page=check.page,
                    message=f"the {check.label} row states {stated:g}万元 but its {len(members)} project(s) "
                            f"add up to {total:g}万元"))
    return found


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
    before = drafts[:-1][-3:]
    # the last row lacks what every row before it has (a rule, a value): the file ended inside it
    return bool(before) and any(getattr(d, f) in (None, "") and all(getattr(x, f) for x in before)
                                for f in ("scoring_rule", "value"))


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
    v, units = _resolve_fund_total(v, h.units)
    funds: dict[str, float | None] = {}
    for f in FUND_FIELDS:
        raw = v.get(f, "")
        funds[f] = None
        if raw:
            try:
                amount = values.read_amount(clean_text(raw), units.get(f) or h.amount_unit)
            except ParseError:
                note(f, "non_numeric_value", "warning", raw, "", f"the amount '{raw}' is not a number")
                continue
            funds[f] = amount.wan
            if amount.converted:
                where = "" if amount.unit in clean_text(raw) else " (as its label or the form's unit note says)"
                note(f, "unit_converted", "info", clean_text(raw), f"{amount.wan:g}",
                     f"the amount was written in {amount.unit}{where}; the record holds it in 万元")
    _check_task_sums(h, funds, note)
    why = budget_issue(funds["fund_total"], [funds[f] for f in FUND_SOURCES])
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
    agency_code = _text_or_none(v.get("agency_code"))
    if agency:
        code, agency = values.split_coded_name(agency)
        agency_code = agency_code or code
    competent, competent_code = v.get("competent_dept"), None
    if competent:
        competent_code, competent = values.split_coded_name(_strip_phone(clean_text(competent)))
        competent = competent or None
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
        overall_goal_long_term=_text_or_none(v.get("overall_goal_long_term")), agency_code=agency_code,
        competent_dept_code=competent_code, implementing_agency=_text_or_none(v.get("implementing_agency")),
        project_attribute=_text_or_none(v.get("project_attribute")), period=_text_or_none(v.get("period")),
        budget_code=_text_or_none(v.get("budget_code")),
    )
    unreadable = {a.field for a in anomalies}
    for f in validation_rules().required_form_fields:
        if getattr(form, f, None) in (None, "") and f not in unreadable:
            note(f, "missing_field", "warning", "", "", f"{f} is not given in the form")
    return form, anomalies


def _check_task_sums(h: FormHeader, funds: dict[str, float | None], note) -> None:
    """A department form's table of main tasks against its total row: a total that differs from
    its tasks' sum is reported; with no total row the sums are the funds, reported as a guess."""
    tolerance = validation_rules().budget_tolerance
    for f, total in h.task_sums.items():
        if f not in funds:
            continue
        if f in h.task_total_fields:
            stated = funds[f]
            if stated is not None and abs(stated - total) > tolerance:
                note(f, "budget_mismatch", "warning", f"{stated:g}", f"{total:g}",
                     f"the tasks of the 年度主要任务 table add up to {total:g}, its total row says {stated:g}")
        elif funds[f] is None and not h.task_total_fields:
            funds[f] = total
            note(f, "missing_field", "warning", "", f"{total:g}",
                 f"the 年度主要任务 table has no total row; {f} is the sum of its tasks' amounts")


def _resolve_fund_total(v: dict[str, str], units: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """'资金总额' alone is the year's total; beside '当年资金总额' it is the whole period's."""
    raw = v.get("fund_total_any")
    if not raw:
        return v, units
    target = "fund_total_all" if v.get("fund_total") else "fund_total"
    v = {k: x for k, x in v.items() if k != "fund_total_any"}
    v.setdefault(target, raw)
    units = dict(units)
    if "fund_total_any" in units:
        units.setdefault(target, units.pop("fund_total_any"))
    return v, units


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
    judged = [c for c in d.judged_cells if c.text.strip()] if d.judged_cells else cells
    conf = min((c.confidence for c in judged), default=1.0)
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
        level2_raw=d.level2_raw, target_period=d.target_period, weight=d.weight, score=d.score,
        standard=d.standard, direction=d.direction, actual_value=d.actual_value, actual_score=d.actual_score,
        deviation_reason=d.deviation_reason, page=d.page, confidence=round(conf, 3), bbox=bbox, page_size=page_size,
        cell_boxes=cell_boxes,
    )
    anomalies = [
        Anomaly(source_file=src, form_id=fid, form_index=index, seq=seq, field=a.field, code=a.code,
                severity=a.severity, raw_value=a.raw_value, fixed_value=a.fixed_value, message=a.message, page=d.page)
        for a in list(d.anomalies) + list(more)
    ]
    low = [c for c in judged if c.confidence < options.low_confidence]
    if low:
        # evidence, not a flag: the row plausibility step weighs the OCR confidence with the rest
        # (fitted on scans of the form family, tests/family) and flags the row when it falls under
        # the model's threshold
        anomalies.append(Anomaly(
            source_file=src, form_id=fid, form_index=index, seq=seq, field="", code="ocr_low_confidence",
            severity="info", raw_value=" | ".join(clean_text(c.text) for c in low)[:200], fixed_value="",
            message=f"{len(low)} cell(s) of this row were read with confidence under {options.low_confidence:.2f} "
                    f"(lowest {conf:.2f})", page=d.page))
    return rec, anomalies
