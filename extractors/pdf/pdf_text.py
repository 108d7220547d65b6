"""Text-layer PDFs (exported from Word, Excel, WPS or a budget system) read into the IR.

Tables come from pdfplumber's ruling-line table finder; their cells are rebuilt into a grid with
row/column spans (extractors.grid) and filled with the chars whose centre lies inside each cell.
Text outside tables becomes positioned TextLines. A table that runs on over a page break is merged
into one Table (cells keep their own page): a cell left open at the break is one cell, a repeated
header row is dropped and a row split by the break is joined. Pages without a text layer go to the
scan extractor. Settings live in extractors/data/pdf_text.yaml.

This module is the reader (formats, sniff, extract, the text-layer test); its steps live beside
it: glyphs.py (chars, lines, text), checkboxes.py, tables.py (ruled tables of one page) and
page_breaks.py (tables over page breaks).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pdfplumber

from .. import flat_table
from ..errors import EncryptedFileError, JixiaoError, UnreadableFileError
from ..ir import Document, DocumentNote, Page, TextLine
from ..options import ExtractOptions
from ..settings import PdfTextSettings, pdf_text_settings
from .checkboxes import drawn_checkboxes
from .glyphs import page_glyphs, page_text_lines
from .page_breaks import build_tables, merge_page_runs
from .tables import PageTable, find_page_tables

NAME = "pdf_text"


def settings() -> PdfTextSettings:
    """extractors/data/pdf_text.yaml, validated once by extractors.settings.PdfTextSettings."""
    return pdf_text_settings()


def _open_error(path: Path, exc: BaseException) -> JixiaoError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return EncryptedFileError(
            "the PDF is encrypted and cannot be opened without its password",
            file=str(path),
            hint="save an unprotected copy of the PDF and run again",
        )
    detail = f"{name}: {inner}" if str(inner) else name
    return UnreadableFileError(
        f"the PDF cannot be read ({detail})",
        file=str(path),
        hint="the file is corrupt or truncated; export it again from its source",
    )


def text_layer_state(page: Any, cfg: PdfTextSettings) -> str:
    """"usable", "none" (no chars: an image or vector drawing) or "unmapped" (glyphs without Unicode)."""
    visible = [ch["text"] for ch in page.chars if not ch["text"].isspace()]
    if not visible:
        return "none"
    unmapped = sum(t.startswith("(cid:") or t == "\ufffd" for t in visible)
    return "unmapped" if unmapped > cfg.max_unmapped_fraction * len(visible) else "usable"


def scan_pages(path: Path, numbers: list[int], options: ExtractOptions
               ) -> tuple[list[Page], dict[str, float]] | None:
    """Pages read by the scan extractor with its {"ocr", "layout"} seconds, or None when no scan
    extractor for PDF pages is installed."""
    try:
        from ..scan import scan

        reader = scan.read_pdf_pages
    except (ImportError, AttributeError):
        return None
    return reader(path, numbers, options)


FORMATS = (".pdf",)


def sniff(head: bytes) -> bool:
    """A PDF header within the first KiB (readers accept junk before it)."""
    return b"%PDF-" in head[:1024]


def extract(path: Path, options: ExtractOptions) -> Document:
    path = Path(path)
    cfg = settings()
    started = time.perf_counter()
    try:
        pdf = pdfplumber.open(path)
    except (OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise UnreadableFileError("the file does not exist", file=str(path)) from None
        raise _open_error(path, exc) from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types for broken files
        raise _open_error(path, exc) from None
    notes: list[DocumentNote] = []
    page_blocks: list[tuple[list[TextLine], list[PageTable]]] = []
    pages: list[Page] = []
    image_pages: list[int] = []
    try:
        with pdf:
            if not pdf.pages:
                raise UnreadableFileError("the PDF has no pages", file=str(path),
                                          hint="export the document again")
            for page in pdf.pages:
                n = page.page_number
                pages.append(Page(number=n, width=float(page.width), height=float(page.height), unit="pt"))
                state = text_layer_state(page, cfg)
                if state != "usable":
                    if state == "unmapped":
                        notes.append(DocumentNote(
                            code="no_text_layer", severity="warning", page=n,
                            message=f"page {n} has a text layer without Unicode mapping; it is read as an image",
                        ))
                    image_pages.append(n)
                    page_blocks.append(([], []))
                    continue
                boxes = drawn_checkboxes(page, cfg)
                glyphs = page_glyphs(page, boxes, cfg)
                tables, in_cells = find_page_tables(page, glyphs, boxes, n, cfg)
                page_blocks.append((page_text_lines(glyphs, in_cells, n, cfg), tables))
                page.flush_cache()
    except JixiaoError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken object deep in the file, reported as unreadable
        raise _open_error(path, exc) from None
    layout_seconds = time.perf_counter() - started

    runs = merge_page_runs(page_blocks, cfg)
    tables = build_tables(runs, cfg)
    for page, (lines, page_tables) in zip(pages, page_blocks):
        items: list[tuple[float, Any]] = [(ln.bbox[1], ln) for ln in lines]
        items += [(t.bbox[1], tables[id(t)]) for t in page_tables if id(t) in tables]
        # a table the layout could not see (no rules, cells as loose lines) is rebuilt from its header
        page.blocks = flat_table.rebuild_flat_tables_in_blocks([b for _, b in sorted(items, key=lambda it: it[0])])

    extractor = NAME
    timings = {"layout": round(layout_seconds, 4)}
    if image_pages:
        scan_timings: dict[str, float] = {}
        try:
            result = scan_pages(path, image_pages, options)
            scanned, scan_timings = result if result is not None else (None, {})
            reason = "which is not available for PDF pages"
        except JixiaoError as exc:  # e.g. no OCR engine installed
            if len(image_pages) == len(pages):
                exc.file = exc.file or str(path)
                raise
            scanned, reason = None, f"which failed: {exc.message}"
        if scanned is None:
            for n in image_pages:
                notes.append(
                    DocumentNote(
                        code="no_text_layer",
                        severity="error",
                        page=n,
                        message=f"page {n} has no text layer (an image only) and needs OCR, {reason}",
                    )
                )
        else:
            by_number = {p.number: p for p in scanned}
            pages = [by_number.get(p.number, p) for p in pages]
            if len(image_pages) == len(pages) and scanned and scanned[0].extractor:
                extractor = scanned[0].extractor
            # the scan path's own split: engine time vs our preprocessing/grid/assignment time
            timings["ocr"] = round(scan_timings.get("ocr", 0.0), 4)
            timings["layout"] = round(timings["layout"] + scan_timings.get("layout", 0.0), 4)
    return Document(source_path=str(path), extractor=extractor, pages=pages, notes=notes, timings=timings)
