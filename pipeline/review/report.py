"""The review report: a static HTML site in OUT_DIR/report/ where a person checks what was read.

``write_report(out_dir)`` reads the tables of a finished run (forms, indicators, anomalies and
run.json), renders the source pages of PDF and scan inputs to images, and writes through Jinja2
templates an overview page (batch counts, failed files, charts, a sortable and filterable list of
forms) and one page per form (header, indicator table with each anomaly beside its row, page
images with the cell boxes drawn over them). The site opens from disk: no server, no network;
the small script and style sheet are copied beside it. Edits made on a form page are kept in the
browser and exported as corrections.csv, which ``jixiao extract --corrections`` applies.

All document text goes through Jinja2 autoescaping; nothing from a document is placed into a
script, only into escaped attributes and element text.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ValidationError

from extractors.options import ExtractOptions
from normalizers import plausibility
from normalizers.records import Anomaly, FormRecord, IndicatorRecord, field_allows_none, field_type

from .charts import bar_chart, histogram, label_extent  # noqa: F401 - label_extent re-exported
from .settings import STATIC, TEMPLATES, report_settings

SEVERITIES = ("error", "warning", "info")
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}


class PageBox(BaseModel):
    seq: int
    x: float
    y: float
    w: float
    h: float
    confidence: float
    tone: str  # ok | mid | low: how sure the reader was
    severity: str = ""  # worst anomaly of the row


class PageImage(BaseModel):
    page: int
    src: str  # relative to the form page
    width: float  # viewBox: page units
    height: float
    boxes: list[PageBox]


class Batch(BaseModel):
    forms: list[FormRecord]
    indicators: list[IndicatorRecord]
    anomalies: list[Anomaly]
    run: dict[str, Any]
    problems: list[str]  # rows or files of the run that the report could not read


# --------------------------------------------------------------------------- reading the run






def _cell_value(model: type[BaseModel], field: str, value: Any) -> Any:
    """A table cell as the record field wants it (CSV gives text, Parquet NaN for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    kind = field_type(model, field)
    if isinstance(value, str):
        if value == "":
            return "" if kind is str and not field_allows_none(model, field) else None
        if kind is int:
            return int(float(value))
        if kind is float:
            return float(value)
        return value
    if kind is int:
        return int(value)
    if kind is str:
        return _text(value)
    return value


def _text(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _records(rows: Iterable[dict[str, Any]], model: type[BaseModel], name: str,
             problems: list[str]) -> list[Any]:
    out = []
    for i, row in enumerate(rows, start=1):
        try:
            data = {k: _cell_value(model, k, v) for k, v in row.items() if k in model.model_fields}
            data = {k: v for k, v in data.items() if v is not None or field_allows_none(model, k)}
            out.append(model(**data))
        except (ValidationError, ValueError, TypeError) as exc:
            first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            problems.append(f"{name} row {i} could not be read: {first}")
    return out




def read_table(out_dir: Path, name: str, model: type[BaseModel], problems: list[str]) -> list[Any]:
    """One output table as records: Parquet when present, else the CSV, else nothing."""
    import pandas as pd

    parquet, csv_path = out_dir / f"{name}.parquet", out_dir / f"{name}.csv"
    frame = None
    if parquet.exists():
        try:
            frame = pd.read_parquet(parquet)
        except (OSError, ValueError) as exc:  # a damaged Parquet file (ArrowInvalid is a ValueError): use the CSV
            problems.append(f"{parquet.name} could not be read ({type(exc).__name__}); used the CSV")
    if frame is None and csv_path.exists():
        try:
            frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, ValueError) as exc:  # empty file, bad encoding, ragged rows
            problems.append(f"{csv_path.name} could not be read ({type(exc).__name__})")
            return []
    if frame is None:
        problems.append(f"{name}: neither {parquet.name} nor {csv_path.name} in the output directory")
        return []
    frame = frame.astype(object).where(frame.notna(), None)
    return _records(frame.to_dict("records"), model, name, problems)


def read_batch(out_dir: Path) -> Batch:
    problems: list[str] = []
    run: dict[str, Any] = {}
    run_path = out_dir / "run.json"
    if run_path.exists():
        try:
            loaded = json.loads(run_path.read_text(encoding="utf-8"))
            run = loaded if isinstance(loaded, dict) else {}
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"run.json could not be read: {exc}")
    return Batch(
        forms=read_table(out_dir, "forms", FormRecord, problems),
        indicators=read_table(out_dir, "indicators", IndicatorRecord, problems),
        anomalies=read_table(out_dir, "anomalies", Anomaly, problems),
        run=run,
        problems=problems,
    )


def run_inputs(run: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-file entries of run.json, whatever shape they come in."""
    inputs = run.get("inputs") or run.get("files") or []
    if isinstance(inputs, dict):
        inputs = [dict(v, source_file=v.get("source_file", k)) if isinstance(v, dict) else {"source_file": k}
                  for k, v in inputs.items()]
    return [i for i in inputs if isinstance(i, dict) and i.get("source_file")]


def source_paths(run: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """source_file -> the file as read (relative paths are taken relative to the output directory)."""
    out = {}
    for entry in run_inputs(run):
        if entry.get("path"):
            path = Path(str(entry["path"]))
            out[str(entry["source_file"])] = path if path.is_absolute() else (out_dir / path)
    return out


# --------------------------------------------------------------------------- summaries


def severity_rank(severity: str) -> int:
    return {"error": 3, "warning": 2, "info": 1}.get(severity, 0)


def worst(severities: Iterable[str]) -> str:
    return max(severities, key=severity_rank, default="")


def form_title(form: FormRecord) -> str:
    return form.project_name or form.agency or form.competent_dept or form.source_file


def page_name(form_id: str) -> str:
    """File name of a form's page: the stable id, restricted to characters safe in any file system."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", form_id)[:120] + ".html"


def form_summaries(batch: Batch) -> list[dict[str, Any]]:
    by_form: dict[str, list[IndicatorRecord]] = defaultdict(list)
    for r in batch.indicators:
        by_form[r.form_id].append(r)
    counts: dict[str, Counter] = defaultdict(Counter)
    for a in batch.anomalies:
        if a.form_id:
            counts[a.form_id][a.severity] += 1
    out = []
    for f in batch.forms:
        rows = by_form.get(f.form_id, [])
        confidences = [f.confidence] + [r.confidence for r in rows]
        out.append({
            "form_id": f.form_id,
            "href": "forms/" + page_name(f.form_id),
            "title": form_title(f),
            "source_file": f.source_file,
            "form_index": f.form_index,
            "form_kind": f.form_kind,
            "year": f.year,
            "extractor": f.extractor,
            "indicators": len(rows),
            "errors": counts[f.form_id]["error"],
            "warnings": counts[f.form_id]["warning"],
            "infos": counts[f.form_id]["info"],
            "min_confidence": min(confidences),
            "tone": row_tone(min(confidences)),
            "pages": f"{f.page_start}" if f.page_start == f.page_end else f"{f.page_start}–{f.page_end}",
        })
    return out


def file_summaries(batch: Batch) -> list[dict[str, Any]]:
    """One entry per input file: from run.json when it lists the inputs, else from the tables."""
    forms = Counter(f.source_file for f in batch.forms)
    indicators = Counter(r.source_file for r in batch.indicators)
    file_errors: dict[str, list[str]] = defaultdict(list)
    for a in batch.anomalies:
        if a.code in ("unreadable_file", "no_form_found"):
            file_errors[a.source_file].append(a.message or a.code)
    entries = run_inputs(batch.run)
    if not entries:
        names = sorted(set(forms) | set(indicators) | {a.source_file for a in batch.anomalies if a.source_file})
        entries = [{"source_file": n} for n in names]
    out = []
    for e in entries:
        name = str(e["source_file"])
        errors = [str(x) for x in (e.get("errors") or [])] or file_errors.get(name, [])
        status = str(e.get("status") or ("failed" if name in file_errors and not forms[name] else "succeeded"))
        out.append({
            "source_file": name,
            "status": status,
            "extractor": str(e.get("extractor") or ""),
            "pages": e.get("pages") or "",
            "forms": forms[name],
            "indicators": indicators[name],
            "errors": errors,
            "failed": status == "failed" or (bool(errors) and not forms[name]),
        })
    return out


def overview_charts(batch: Batch) -> dict[str, Any]:
    by_code: dict[str, Counter] = defaultdict(Counter)
    for a in batch.anomalies:
        by_code[a.code][a.severity] += 1
    code_items = sorted(by_code.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    anomalies = bar_chart([(code, {s: c[s] for s in SEVERITIES}) for code, c in code_items])
    level2 = Counter(r.level2 or "（未识别）" for r in batch.indicators)
    level1_of = {r.level2 or "（未识别）": r.level1 or "" for r in batch.indicators}
    level1_order = ["成本指标", "产出指标", "效益指标", "满意度指标"]
    l2_items = sorted(level2.items(), key=lambda kv: (
        level1_order.index(level1_of[kv[0]]) if level1_of[kv[0]] in level1_order else 9, -kv[1], kv[0]))
    tone = {name: f"l1-{level1_order.index(level1_of[name]) if level1_of[name] in level1_order else 9}"
            for name, _ in l2_items}
    indicators = bar_chart([(name, {tone[name]: n}) for name, n in l2_items])
    conf = histogram([r.confidence for r in batch.indicators], int(report_settings()["histogram_bins"]))
    return {"anomalies": anomalies, "level2": indicators, "confidence": conf}


# --------------------------------------------------------------------------- page images


def render_page_image(source: Path, page: int, dest_dir: Path, target_width: int) -> tuple[str, float, float] | None:
    """Render one page of a PDF or image file into dest_dir; returns (file name, natural width, height).

    The natural size is in the units the extractors use for bboxes: PDF points, image pixels.
    Returns None when the page cannot be rendered (missing file, page out of range, unreadable).
    """
    suffix = source.suffix.lower()
    stat = source.stat()
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", source.stem)[:40]
    identity = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{target_width}"
    key = f"{stem}-{hashlib.sha1(identity.encode()).hexdigest()[:10]}-p{page}"
    if suffix in PDF_SUFFIXES:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(source))
        try:
            if not 1 <= page <= len(pdf):
                return None
            pdf_page = pdf[page - 1]
            width, height = pdf_page.get_size()
            name = key + ".jpg"
            if not (dest_dir / name).exists():
                scale = min(4.0, target_width / max(width, 1.0))
                image = pdf_page.render(scale=scale).to_pil().convert("RGB")
                image.save(dest_dir / name, quality=85, optimize=True)
            return name, float(width), float(height)
        finally:
            pdf.close()
    if suffix in IMAGE_SUFFIXES:
        from PIL import Image

        with Image.open(source) as img:
            frames = getattr(img, "n_frames", 1)
            if not 1 <= page <= frames:
                return None
            img.seek(page - 1)
            width, height = img.size
            name = key + ".jpg"
            if not (dest_dir / name).exists():
                frame = img.convert("RGB")
                if frame.width > target_width:
                    frame = frame.resize((target_width, round(frame.height * target_width / frame.width)),
                                         Image.LANCZOS)
                frame.save(dest_dir / name, quality=85, optimize=True)
            return name, float(width), float(height)
    return None


def _floats(text: str | None, n: int) -> list[float] | None:
    if not text:
        return None
    try:
        parts = [float(p) for p in str(text).replace(" ", "").split(",")]
    except ValueError:
        return None
    return parts if len(parts) == n and all(math.isfinite(p) for p in parts) else None


def row_boxes(row: IndicatorRecord) -> list[tuple[float, float, float, float, float, int]]:
    """The row's cell boxes (x0, y0, x1, y1, confidence, page); the row bbox when no cell boxes were kept.

    A cell box may carry its page as a sixth number (a row split over a page break); without it the
    box is on the row's page.
    """
    boxes = []
    if row.cell_boxes:
        try:
            loaded = json.loads(row.cell_boxes)
        except ValueError:
            loaded = []
        for b in loaded if isinstance(loaded, list) else []:
            if isinstance(b, (list, tuple)) and len(b) >= 4:
                try:
                    x0, y0, x1, y1 = (float(v) for v in b[:4])
                    conf = float(b[4]) if len(b) > 4 and b[4] is not None else row.confidence
                    page = int(b[5]) if len(b) > 5 and b[5] is not None else row.page
                except (TypeError, ValueError):
                    continue
                if all(math.isfinite(v) for v in (x0, y0, x1, y1)):
                    boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), conf, page))
    if not boxes:
        bbox = _floats(row.bbox, 4)
        if bbox:
            boxes.append((bbox[0], bbox[1], bbox[2], bbox[3], row.confidence, row.page))
    return boxes


def row_tone(confidence: float) -> str:
    """A row's confidence (normalizers/plausibility.py): low under the flagging threshold, ok at the
    confidence of a row without any doubtful evidence."""
    if confidence < plausibility.rules().threshold:
        return "low"
    return "mid" if confidence < min(plausibility.row_confidence({}), float(report_settings()["confidence_good"])) - 0.001 \
        else "ok"


def least_confident_rows(rows: list[IndicatorRecord], by_seq: dict[int, list[Anomaly]], limit: int = 10) -> list[dict]:
    """The rows a reviewer should read first: under the flagging threshold, lowest confidence first."""
    doubtful = sorted((r for r in rows if row_tone(r.confidence) == "low"), key=lambda r: (r.confidence, r.seq))
    return [{"seq": r.seq, "level3": r.level3 or "", "confidence": r.confidence,
             "why": next((a.message for a in by_seq.get(r.seq, []) if a.code == "low_confidence"), "")}
            for r in doubtful[:limit]]


def confidence_tone(confidence: float) -> str:
    if confidence < ExtractOptions().low_confidence:
        return "low"
    return "mid" if confidence < float(report_settings()["confidence_good"]) else "ok"


def page_units(rows: list[IndicatorRecord], page: int, natural_w: float, natural_h: float) -> tuple[float, float]:
    """Width and height of the page in the units of the boxes (the overlay's viewBox).

    The rows record it (page_size); a page that holds only the continuation of a row takes the size
    another row gives when its shape matches the rendered page, else the rendered page's own size
    (points for a PDF, pixels for an image, which is what the extractors use).
    """
    sizes = [(r.page == page, s) for r in rows for s in [_floats(r.page_size, 2)] if s and s[0] > 0 and s[1] > 0]
    for on_page, (w, h) in sorted(sizes, key=lambda x: not x[0]):
        if on_page or abs(w / h - natural_w / natural_h) < 0.01:
            return w, h
    return natural_w, natural_h


def form_page_images(form: FormRecord, rows: list[IndicatorRecord], row_severity: dict[int, str],
                     source: Path | None, pages_dir: Path) -> tuple[list[PageImage], str]:
    """Page images of the form with its rows' boxes; the second value explains a missing image."""
    if source is None:
        return [], "The run does not record where the source file is, so no page image can be shown."
    if source.suffix.lower() not in PDF_SUFFIXES | IMAGE_SUFFIXES:
        return [], ""
    if not source.exists():
        return [], f"The source file is no longer at {source}."
    boxes_of = {r.seq: row_boxes(r) for r in rows}
    pages = sorted(set(range(form.page_start, form.page_end + 1)) | {r.page for r in rows}
                   | {b[5] for boxes in boxes_of.values() for b in boxes})
    target = int(report_settings()["page_image_width"])
    images = []
    for page in pages:
        try:
            rendered = render_page_image(source, page, pages_dir, target)
        except Exception as exc:  # noqa: BLE001 - whatever a damaged source raises, the report goes on
            return images, f"Page {page} of the source could not be rendered ({type(exc).__name__})."
        if rendered is None:
            continue
        name, natural_w, natural_h = rendered
        size = page_units(rows, page, natural_w, natural_h)
        boxes = [
            PageBox(seq=r.seq, x=x0, y=y0, w=max(x1 - x0, 0.5), h=max(y1 - y0, 0.5), confidence=conf,
                    tone=confidence_tone(conf), severity=row_severity.get(r.seq, ""))
            for r in rows
            for x0, y0, x1, y1, conf, box_page in boxes_of[r.seq]
            if box_page == page
        ]
        images.append(PageImage(page=page, src="../pages/" + name, width=size[0], height=size[1], boxes=boxes))
    return images, ""


# --------------------------------------------------------------------------- form pages


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _text(value) if value == int(value) else f"{value:g}" if abs(value) >= 1e-4 else str(value)
    return str(value)


def applied_corrections(anomalies: list[Anomaly]) -> dict[tuple[int, str], str]:
    """(seq, field) -> the value extracted before a manual correction replaced it (seq 0: header)."""
    out: dict[tuple[int, str], str] = {}
    for a in anomalies:
        if a.code == "manual_correction" and a.field:
            out.setdefault((a.seq or 0, a.field), a.raw_value)  # the first correction saw the extracted value
    return out


def form_view(form: FormRecord, rows: list[IndicatorRecord], anomalies: list[Anomaly]) -> dict[str, Any]:
    settings = report_settings()
    editable_form = set(settings["editable_form_fields"])
    editable_rows = set(settings["editable_indicator_fields"])
    by_seq: dict[int, list[Anomaly]] = defaultdict(list)
    form_level = []
    for a in anomalies:
        (by_seq[a.seq] if a.seq else form_level).append(a)
    extracted = applied_corrections(anomalies)
    header = [
        {"field": name, "label": label, "value": _display(getattr(form, name)),
         "editable": name in editable_form, "extracted": extracted.get((0, name)),
         "flags": sorted({a.severity for a in form_level if a.field == name}, key=severity_rank, reverse=True)}
        for name, label in settings["form_fields"].items()
    ]
    shown = list(settings["indicator_columns"]) + [
        c for c in settings.get("optional_indicator_columns", [])
        if any(getattr(r, c) not in (None, "", "annual") for r in rows)]
    columns = [{"field": c, "label": settings["indicator_fields"][c], "editable": c in editable_rows}
               for c in shown]
    table = []
    for r in sorted(rows, key=lambda r: r.seq):
        row_anomalies = sorted(by_seq.get(r.seq, []), key=lambda a: -severity_rank(a.severity))
        flagged = defaultdict(list)
        for a in row_anomalies:
            flagged[a.field].append(a.severity)
        table.append({
            "seq": r.seq,
            "severity": worst(a.severity for a in row_anomalies),
            "tone": row_tone(r.confidence),
            "has_boxes": bool(row_boxes(r)),
            "confidence": r.confidence,
            "page": r.page,
            "cells": [{"field": c["field"], "value": _display(getattr(r, c["field"])), "editable": c["editable"],
                       "flag": worst(flagged.get(c["field"], [])), "extracted": extracted.get((r.seq, c["field"]))}
                      for c in columns],
            "anomalies": row_anomalies,
        })
    # anomalies about a seq that has no indicator row (e.g. a dropped row) stay visible at form level
    known = {r.seq for r in rows}
    orphans = [a for seq, items in by_seq.items() if seq not in known for a in items]
    return {"header": header, "columns": columns, "rows": table,
            "least_confident": least_confident_rows(rows, by_seq),
            "form_anomalies": sorted(form_level + orphans, key=lambda a: -severity_rank(a.severity))}


# --------------------------------------------------------------------------- writing


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{float(v) * 100:.0f}%"
    env.filters["conf"] = lambda v: "" if v is None else f"{float(v):.2f}"
    env.globals["severity_rank"] = severity_rank
    return env


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(out_dir: Path) -> Path:
    """Write OUT_DIR/report/ (index.html, forms/*.html, pages/*, static/*); returns index.html."""
    out_dir = Path(out_dir)
    report = out_dir / "report"
    forms_dir, pages_dir, static_dir = report / "forms", report / "pages", report / "static"
    for d in (forms_dir, pages_dir, static_dir):
        d.mkdir(parents=True, exist_ok=True)
    for asset in STATIC.iterdir():
        if asset.is_file():
            shutil.copyfile(asset, static_dir / asset.name)

    batch = read_batch(out_dir)
    settings = report_settings()
    env = _environment()
    summaries = form_summaries(batch)
    files = file_summaries(batch)
    sources = source_paths(batch.run, out_dir)

    severity_counts = Counter(a.severity for a in batch.anomalies)
    code_counts: dict[str, Counter] = defaultdict(Counter)
    for a in batch.anomalies:
        code_counts[a.code][a.severity] += 1
    file_level = [a for a in batch.anomalies if not a.form_id]

    rows_by_form: dict[str, list[IndicatorRecord]] = defaultdict(list)
    for r in batch.indicators:
        rows_by_form[r.form_id].append(r)
    anomalies_by_form: dict[str, list[Anomaly]] = defaultdict(list)
    for a in batch.anomalies:
        if a.form_id:
            anomalies_by_form[a.form_id].append(a)

    written, images_used = set(), set()
    form_template = env.get_template("form.html")
    for i, (form, summary) in enumerate(zip(batch.forms, summaries)):
        rows = rows_by_form.get(form.form_id, [])
        anomalies = anomalies_by_form.get(form.form_id, [])
        view = form_view(form, rows, anomalies)
        severity_of = {row["seq"]: row["severity"] for row in view["rows"]}
        images, image_note = form_page_images(form, rows, severity_of, sources.get(form.source_file), pages_dir)
        images_used.update(Path(img.src).name for img in images)
        name = page_name(form.form_id)
        _write(forms_dir / name, form_template.render(
            form=form, summary=summary, view=view, images=images, image_note=image_note,
            kind_label=settings["form_kinds"].get(form.form_kind, form.form_kind),
            prev=summaries[i - 1] if i > 0 else None,
            next=summaries[i + 1] if i + 1 < len(summaries) else None,
            position=i + 1, total=len(summaries),
        ))
        written.add(name)
    for stale in forms_dir.glob("*.html"):
        if stale.name not in written:
            stale.unlink()
    for stale in pages_dir.iterdir():
        if stale.name not in images_used:
            stale.unlink()

    index = report / "index.html"
    _write(index, env.get_template("index.html").render(
        run=batch.run, problems=batch.problems, files=files, forms=summaries,
        failed=[f for f in files if f["failed"]],
        totals={"files": len(files), "forms": len(batch.forms), "indicators": len(batch.indicators),
                "anomalies": len(batch.anomalies), "failed": sum(1 for f in files if f["failed"])},
        severity_counts=severity_counts, severities=SEVERITIES,
        code_table=sorted(code_counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])),
        file_level=file_level, charts=overview_charts(batch), run_facts=run_facts(batch.run),
        applied=[a for a in batch.anomalies if a.code == "manual_correction" and a.form_id and a.field],
        run_line=run_line(batch.run),
    ))
    return index


def run_facts(run: dict[str, Any]) -> list[tuple[str, str]]:
    """Scalar facts of run.json (times, versions, options, totals), one level of nesting flattened."""
    def scalar(v: Any) -> bool:
        return isinstance(v, (str, int, float, bool))

    facts = []
    for key, value in run.items():
        if key in ("inputs", "files", "outputs"):
            continue
        if scalar(value):
            facts.append((key, _display(value)))
        elif isinstance(value, dict):
            shown = [f"{k}: {_display(v)}" for k, v in value.items() if scalar(v)]
            if shown:
                facts.append((key, ", ".join(shown)))
    return facts


def run_line(run: dict[str, Any]) -> list[tuple[str, str]]:
    """The few run facts shown under the overview title: when, how long, which version."""
    totals = run.get("totals") if isinstance(run.get("totals"), dict) else {}
    candidates = [("started", run.get("started")), ("finished", run.get("finished")),
                  ("seconds", totals.get("seconds") if totals else run.get("seconds")),
                  ("jixiao", run.get("jixiao") or run.get("version"))]
    return [(k, _display(round(v, 1) if isinstance(v, float) else v)) for k, v in candidates
            if isinstance(v, (str, int, float)) and v != ""]
