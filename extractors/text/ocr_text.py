"""Extractor for OCR'd text exports (.md .txt .html .htm), as written by MinerU, Marker or PaddleOCR.

The file becomes one Page (number 1, unit "none", no boxes) whose blocks follow the text:

- consecutive lines holding a TAB form one Table, every tab-separated field a cell at its raw
  position (empty fields included: shifted cells are the normalizer's business); blank lines do
  not end the run, and a bare line squeezed between two tab rows is a one-field row;
- markdown pipe tables (separator row dropped, an all-empty header row dropped);
- HTML ``<table>`` elements, anywhere in the text, with rowspan/colspan placed on the grid the way
  browsers do it;
- every other non-empty line is a TextLine (markdown heading marks and bold markers removed).

Inside cells and lines, markup is decoded: HTML entities and tags, LaTeX math ($\\geq$, $95\\%$),
look-alike operators (＞ ≧ >=) become ≥ ≤ > < =, and checkbox markup or glyphs become ☑ / ☐ in
place. The vocabulary lives in ``extractors/data/ocr_text_markup.yaml``.

This module is the reader (formats, sniff, extract); each parser is a module beside it:
decoding.py (bytes to text), cleanup.py (the markup cleanup of one cell or line, shared),
html_tables.py, markdown.py (pipe tables), tsv.py (tab rows), plain.py (a run of lines).

Text is decoded by detection, not assumption: UTF-8 (with or without BOM), UTF-16 with BOM,
GB18030/GBK, else charset-normalizer's guess. Binary, undecodable and empty files raise
UnreadableFileError.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import UnreadableFileError
from ..ir import Document, Page
from ..options import ExtractOptions
from .cleanup import Block
from .decoding import decode_text
from .html_tables import HTML_DOCUMENT_RE, blocks_from_html_table, html_text_lines, split_html_tables
from .markdown import markdown_text_lines
from .plain import blocks_from_lines

EXTRACTOR_NAME = "ocr_text"
FORMATS = (".md", ".txt", ".html", ".htm")


def sniff(head: bytes) -> bool:
    """Text: a byte-order mark, or no NUL byte in the first bytes."""
    return head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\0" not in head


def blocks_from_text(text: str) -> list[Block]:
    """All blocks of a decoded document, in reading order."""
    html_document = HTML_DOCUMENT_RE.match(text) is not None
    blocks: list[Block] = []
    for kind, piece in split_html_tables(text):
        if kind == "table":
            blocks.extend(blocks_from_html_table(piece))
        elif html_document:
            blocks.extend(blocks_from_lines(html_text_lines(piece)))
        else:
            blocks.extend(blocks_from_lines(markdown_text_lines(piece)))
    return blocks


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read one OCR'd text file into the IR; raises UnreadableFileError for what is not text."""
    started = time.perf_counter()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
    text, notes = decode_text(raw, str(path))
    decoded = time.perf_counter()
    blocks = blocks_from_text(text)
    page = Page(number=1, unit="none", blocks=blocks)
    return Document(
        source_path=str(path),
        extractor=EXTRACTOR_NAME,
        pages=[page],
        notes=notes,
        timings={"decode": decoded - started, "parse": time.perf_counter() - decoded},
    )
