"""Ruled tables of one PDF page: pdfplumber's ruling edges (its edge stage only), groups of
connected rulings closed at top and bottom so a cell the page break leaves open is still found,
cells rebuilt into a grid (extractors.grid) and filled with the glyphs whose centre lies inside.
Small pure geometry functions over edges and boxes. Settings: pdf_text.yaml.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.table import (
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from ..grid import grid_positions
from ..ir import Repair
from ..settings import PdfTextSettings
from .checkboxes import DrawnCheckbox
from .glyphs import Glyph, glyphs_text


@dataclass
class TableCell:
    """A cell of one page's table, before tables running over a page break are merged."""

    box: tuple[float, float, float, float]
    text: str = ""
    page: int = 1
    open_top: bool = False  # no ruling line closes the cell at the table's top: it began on the page before
    open_bottom: bool = False  # ... at the table's bottom: it goes on on the next page
    repairs: list[Repair] = field(default_factory=list)


@dataclass
class PageTable:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[TableCell]


def _covered(edges: list[dict[str, Any]], y: float, x0: float, x1: float, tol: float) -> bool:
    """Whether real horizontal rulings at height y cover most of [x0, x1]."""
    spans = sorted((max(e["x0"], x0), min(e["x1"], x1)) for e in edges if abs(e["top"] - y) <= tol)
    covered, reach = 0.0, x0
    for a, b in spans:
        if b <= reach:
            continue
        covered += b - max(a, reach)
        reach = b
    return covered >= 0.8 * (x1 - x0)


def ruling_edges(page: Any, table_settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's ruling lines as pdfplumber's table finder sees them (snapped, joined, filtered)."""
    finder = TableFinder.__new__(TableFinder)  # only its edge stage: cells are built below
    finder.page = page
    finder.settings = TableSettings.resolve(table_settings)
    return finder.get_edges()


def ruling_groups(edges: list[dict[str, Any]], tol: float) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of the groups of rulings that touch each other (one group per ruled table)."""
    h = [e for e in edges if e["orientation"] == "h"]
    v = [e for e in edges if e["orientation"] == "v"]
    parent = list(range(len(h) + len(v)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(h):
        for j, b in enumerate(v):
            if a["x0"] - tol <= b["x0"] <= a["x1"] + tol and b["top"] - tol <= a["top"] <= b["bottom"] + tol:
                parent[root(i)] = root(len(h) + j)
    boxes: dict[int, list[float]] = {}
    for i, e in enumerate(h + v):
        r = root(i)
        box = boxes.setdefault(r, [e["x0"], e["top"], e["x1"], e["bottom"]])
        box[0], box[1] = min(box[0], e["x0"]), min(box[1], e["top"])
        box[2], box[3] = max(box[2], e["x1"]), max(box[3], e["bottom"])
    return [tuple(b) for b in boxes.values() if b[2] - b[0] > tol and b[3] - b[1] > tol]


def find_page_tables(
    page: Any, glyphs: list[Glyph], boxes: list[DrawnCheckbox], page_number: int, cfg: PdfTextSettings
) -> tuple[list[PageTable], set[int]]:
    """Ruled tables of a page, each cell with its text and whether the page break left it open;
    and the indices of the glyphs that went into cells."""
    ts = dict(cfg.table_settings)
    drawn = {id(p) for b in boxes for p in b.parts}  # checkboxes are no rulings
    ruled = page.filter(lambda o: id(o) not in drawn) if drawn else page
    edges = ruling_edges(ruled, ts)
    h_edges = [e for e in edges if e["orientation"] == "h"]
    tol = float(ts["intersection_tolerance"])
    # Close every group of connected rulings at its top and bottom, so that a cell the page break
    # leaves open (no ruling at the break) is still found; remember which cells were closed so.
    closers = []
    for x0, top, x1, bottom in ruling_groups(edges, tol):
        for y in (top, bottom):
            closers.append(
                {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0, "orientation": "h"}
            )
    intersections = edges_to_intersections(edges + closers, tol, tol)
    groups = cells_to_tables(intersections_to_cells(intersections))
    grid_tol = cfg.grid_tolerance
    tables: list[PageTable] = []
    for cell_boxes in groups:
        tx0 = min(b[0] for b in cell_boxes)
        ttop = min(b[1] for b in cell_boxes)
        tx1 = max(b[2] for b in cell_boxes)
        tbottom = max(b[3] for b in cell_boxes)
        cells = [
            TableCell(
                box=b,
                page=page_number,
                open_top=abs(b[1] - ttop) <= grid_tol and not _covered(h_edges, b[1], b[0], b[2], tol),
                open_bottom=abs(b[3] - tbottom) <= grid_tol and not _covered(h_edges, b[3], b[0], b[2], tol),
            )
            for b in cell_boxes
        ]
        tables.append(PageTable(page=page_number, bbox=(tx0, ttop, tx1, tbottom), cells=cells))
    return tables, fill_cell_texts(tables, glyphs, cfg)


def fill_cell_texts(tables: list[PageTable], glyphs: list[Glyph], cfg: PdfTextSettings) -> set[int]:
    """Give every cell the text of the glyphs whose centre lies in it (each glyph looked up once).

    Returns the indices of the glyphs used: a glyph inside a table's outline but in no cell (a
    hole in an irregular table) stays text outside the table."""
    used: set[int] = set()
    for t in tables:
        positions = grid_positions([c.box for c in t.cells], cfg.grid_tolerance)
        xs = sorted({v for g in positions if g for v in (g.bbox[0], g.bbox[2])})
        ys = sorted({v for g in positions if g for v in (g.bbox[1], g.bbox[3])})
        owner: dict[tuple[int, int], int] = {}
        for i, g in enumerate(positions):
            if g is None:
                continue
            for r in range(g.row, g.row + g.rowspan):
                for c in range(g.col, g.col + g.colspan):
                    owner.setdefault((r, c), i)
        inside: dict[int, list[Glyph]] = {}
        x0, top, x1, bottom = t.bbox
        for n, gl in enumerate(glyphs):
            if n in used or not (x0 <= gl.cx <= x1 and top <= gl.cy <= bottom):
                continue
            key = (min(bisect_right(ys, gl.cy), len(ys) - 1) - 1, min(bisect_right(xs, gl.cx), len(xs) - 1) - 1)
            i = owner.get(key)
            if i is not None:
                inside.setdefault(i, []).append(gl)
                used.add(n)
        for i, cell in enumerate(t.cells):
            cell.text = glyphs_text(inside.get(i, []), cfg)
    return used
