"""Intermediate representation that every extractor emits and the normalizers read.

A Document is pages of blocks in reading order; a block is a positioned text line or a table of
cells. Cells keep where they came from (page, bbox in page units), how sure the reader was
(confidence), the checkbox state the reader saw, and any repair the extractor made to their text,
so that later stages can report it. Nothing here knows about performance-target forms.
"""
from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

import vocab

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in page units, y grows downwards


class CheckboxState(str, Enum):
    CHECKED = "checked"
    UNCHECKED = "unchecked"
    NONE = "none"


CHECKED_GLYPH = vocab.CHECKED
UNCHECKED_GLYPH = vocab.UNCHECKED


def checkbox_state_of(text: str) -> CheckboxState:
    """The IR convention: checked if the text holds any ☑, unchecked if it holds only ☐, else none."""
    if CHECKED_GLYPH in text:
        return CheckboxState.CHECKED
    if UNCHECKED_GLYPH in text:
        return CheckboxState.UNCHECKED
    return CheckboxState.NONE


class Repair(BaseModel):
    """A change an extractor made to the text it read (logged later as an info anomaly)."""

    kind: str  # operator | digit | unit | taxonomy | date | glyph | join ...
    raw: str
    fixed: str
    message: str = ""


class Cell(BaseModel):
    text: str = ""
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    page: int = 1
    confidence: float = 1.0
    checkbox: CheckboxState = CheckboxState.NONE
    repairs: list[Repair] = Field(default_factory=list)


class TextLine(BaseModel):
    kind: Literal["line"] = "line"
    text: str
    bbox: BBox | None = None
    page: int = 1
    confidence: float = 1.0
    repairs: list[Repair] = Field(default_factory=list)


class Table(BaseModel):
    kind: Literal["table"] = "table"
    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int = 1
    bbox: BBox | None = None
    confidence: float = 1.0

    def rows(self) -> list[list[Cell]]:
        """Cells that start in each row, left to right (span continuations are not repeated)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            if 0 <= c.row < self.n_rows:
                out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def grid(self) -> list[list[Cell | None]]:
        """n_rows x n_cols grid; every position a span covers holds the spanning cell."""
        g: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    g[r][k] = c
        return g


Block = Annotated[TextLine | Table, Field(discriminator="kind")]


class DocumentNote(BaseModel):
    """Something an extractor noticed about the file as a whole or one page (becomes an anomaly)."""

    code: str  # a contract anomaly code, e.g. unreadable_file, low_confidence
    severity: Literal["info", "warning", "error"] = "warning"
    message: str
    page: int | None = None
    field: str = ""
    raw_value: str = ""
    fixed_value: str = ""


class Page(BaseModel):
    number: int  # 1-based
    width: float | None = None
    height: float | None = None
    unit: Literal["pt", "px", "none"] = "none"
    blocks: list[Block] = Field(default_factory=list)
    extractor: str | None = None  # set when this page was read differently from the document


class Document(BaseModel):
    source_path: str
    extractor: str  # ocr_text | pdf_text | scan:rapidocr | scan:tesseract | xlsx | docx
    pages: list[Page] = Field(default_factory=list)
    notes: list[DocumentNote] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)  # e.g. {"ocr": 3.1, "layout": 0.4} seconds

    def blocks(self) -> Iterator[tuple[Page, TextLine | Table]]:
        for p in self.pages:
            for b in p.blocks:
                yield p, b
