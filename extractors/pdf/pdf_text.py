"""Text-layer PDFs (exported from Word, Excel, WPS or a budget system) read into the IR.

Tables come from pdfplumber's ruling-line table finder; their cells are rebuilt into a grid with
row/column spans (extractors.grid) and filled with the chars whose centre lies inside each cell.
Text outside tables becomes positioned TextLines. A table that runs on over a page break is merged
into one Table (cells keep their own page): a cell left open at the break is one cell, a repeated
header row is dropped and a row split by the break is joined. Pages without a text layer go to the
scan extractor. Settings live in extractors/data/pdf_text.yaml.
"""
from __future__ import annotations

import re
import time
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.table import (
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from vocab import CHECKED, UNCHECKED

from .. import flat_table
from ..errors import EncryptedFileError, JixiaoError, UnreadableFileError
from ..grid import GridCell, grid_positions
from ..ir import Cell, Document, DocumentNote, Page, Repair, Table, TextLine
from ..ir import checkbox_state_of as checkbox_state
from ..options import ExtractOptions
from ..settings import PdfTextSettings, pdf_text_settings

NAME = "pdf_text"


def settings() -> PdfTextSettings:
    """extractors/data/pdf_text.yaml, validated once by extractors.settings.PdfTextSettings."""
    return pdf_text_settings()


# ---------------------------------------------------------------------------------------------
# chars


@dataclass(frozen=True)
class Glyph:
    """One char of the text layer (or a checkbox drawn as a rectangle), y growing downwards."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def is_cjk(ch: str) -> bool:
    """CJK ideographs and full-width punctuation: text in these scripts is written without spaces."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x3000 <= o <= 0x303F
        or unicodedata.east_asian_width(ch) in ("W", "F")
    )


def _font_key(fontname: str) -> str:
    base = fontname.split("+", 1)[-1]
    return re.sub(r"[^a-z0-9]", "", base.lower())


def canonical_glyph(text: str, fontname: str, cfg: PdfTextSettings) -> str:
    """The canonical checkbox glyph for a checkbox char, else the char itself."""
    glyphs = cfg.checkbox_glyphs
    if text in glyphs.checked:
        return CHECKED
    if text in glyphs.unchecked:
        return UNCHECKED
    key = _font_key(fontname)
    for font in sorted(cfg.symbol_font_checkboxes, key=len, reverse=True):
        if key.startswith(font):
            table = cfg.symbol_font_checkboxes[font]
            if text in table.checked:
                return CHECKED
            if text in table.unchecked:
                return UNCHECKED
            break
    return text


def is_checkbox_rect(obj: dict[str, Any], cfg: PdfTextSettings) -> bool:
    box = cfg.checkbox_rect
    w, h = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return (
        box.min_side <= w <= box.max_side
        and box.min_side <= h <= box.max_side
        and abs(w - h) <= box.max_side_difference
    )


def _inside(inner: dict[str, Any], outer: dict[str, Any], pad: float = 1.0) -> bool:
    return (
        inner["x0"] >= outer["x0"] - pad
        and inner["x1"] <= outer["x1"] + pad
        and inner["top"] >= outer["top"] - pad
        and inner["bottom"] <= outer["bottom"] + pad
    )


def _is_filled_dark(rect: dict[str, Any]) -> bool:
    if not rect.get("fill"):
        return False
    color = rect.get("non_stroking_color")
    if color is None:
        return True
    values = color if isinstance(color, (tuple, list)) else (color,)
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return True
    if len(numbers) == 4:  # CMYK: dark when K or the inks are high
        return numbers[3] > 0.5 or sum(numbers[:3]) > 1.5
    return sum(numbers) / max(len(numbers), 1) < 0.5


def without_overprints(chars: list[dict[str, Any]], tol: float) -> list[dict[str, Any]]:
    """Chars minus copies drawn again at (almost) the same place, as exporters do for fake bold."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for ch in chars:
        x, y = round(ch["x0"] / tol), round(ch["top"] / tol)
        text = ch["text"]
        if not text.isspace() and any(
            (text, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)
        ):
            continue
        seen.add((text, x, y))
        out.append(ch)
    return out


@dataclass
class DrawnCheckbox:
    """A checkbox drawn with rectangles: its outer box, and whether something marks it."""

    box: dict[str, Any]
    parts: list[dict[str, Any]]
    ticked: bool = False


def _on_outline(obj: dict[str, Any], tol: float = 0.8) -> bool:
    """Whether a path outlines its own bounding box (a box, not a tick): every point lies on the
    box's edges and at least three of its corners are points of the path."""
    pts = obj.get("pts") or []
    x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
    on_edge = all(min(abs(x - x0), abs(x - x1), abs(y - top), abs(y - bottom)) <= tol for x, y in pts)
    corners = sum(
        any(abs(x - cx) <= tol and abs(y - cy) <= tol for x, y in pts)
        for cx in (x0, x1)
        for cy in (top, bottom)
    )
    return bool(pts) and on_edge and corners >= 3


def line_squares(lines: list[dict[str, Any]], cfg: PdfTextSettings) -> list[tuple[dict[str, Any], list]]:
    """Checkbox-sized squares drawn as four separate lines: (the square, its lines)."""
    box = cfg.checkbox_rect
    tol = box.max_side_difference
    short = [ln for ln in lines if box.min_side - tol <= max(ln["x1"] - ln["x0"], ln["bottom"] - ln["top"])
             <= box.max_side + tol]
    hs = [ln for ln in short if ln["bottom"] - ln["top"] < 0.5]
    vs = [ln for ln in short if ln["x1"] - ln["x0"] < 0.5]
    found = []
    for i, top in enumerate(hs):
        for bottom in hs[i + 1:]:
            if abs(top["x0"] - bottom["x0"]) > tol or abs(top["x1"] - bottom["x1"]) > tol:
                continue
            upper, lower = sorted((top, bottom), key=lambda ln: ln["top"])
            square = {"x0": upper["x0"], "x1": upper["x1"], "top": upper["top"], "bottom": lower["top"],
                      "fill": False, "object_type": "rect"}
            if not is_checkbox_rect(square, cfg):
                continue
            sides = [v for v in vs if v["top"] >= square["top"] - tol and v["bottom"] <= square["bottom"] + tol
                     and min(abs(v["x0"] - square["x0"]), abs(v["x0"] - square["x1"])) <= tol]
            if {abs(v["x0"] - square["x0"]) <= tol for v in sides} == {True, False}:
                found.append((square, [upper, lower, *sides]))
    return found


def drawn_checkboxes(page: Any, cfg: PdfTextSettings) -> list[DrawnCheckbox]:
    """Checkboxes drawn as small squares (rectangles, closed paths or four lines), each grouped
    with the squares drawn inside it (border rings, fills).

    A box is ticked when its innermost fill is dark, ignoring even-odd fills (how a border ring is
    painted), or when a line or curve that is not part of the box is drawn inside it (a tick)."""
    outlines = [c for c in page.curves if is_checkbox_rect(c, cfg) and _on_outline(c)]
    squares = [(r, [r]) for r in (*page.rects, *outlines) if is_checkbox_rect(r, cfg)]
    squares += line_squares(page.lines, cfg)
    squares.sort(key=lambda sq: (sq[0]["x1"] - sq[0]["x0"]) * (sq[0]["bottom"] - sq[0]["top"]), reverse=True)
    boxes: list[DrawnCheckbox] = []
    for square, parts in squares:
        holder = next((b for b in boxes if _inside(square, b.box, 0.5)), None)
        if holder is None:
            boxes.append(DrawnCheckbox(box=square, parts=list(parts)))
        else:
            holder.parts.extend(parts)
    for b in boxes:
        own = {id(p) for p in b.parts}
        interior = [r for r in b.parts if r.get("fill") and not r.get("evenodd")]
        b.ticked = (bool(interior) and _is_filled_dark(interior[-1])) or any(
            id(o) not in own and _inside(o, b.box) for o in (*page.lines, *page.curves)
        )
    return boxes


def page_glyphs(page: Any, boxes: list[DrawnCheckbox], cfg: PdfTextSettings) -> list[Glyph]:
    """The page's chars with checkbox glyphs made canonical, plus the drawn checkboxes ``boxes``
    (a tick or box char drawn inside such a box marks the box and is not text of its own)."""
    glyphs = cfg.checkbox_glyphs
    marks = set(cfg.tick_marks) | set(glyphs.checked) | set(glyphs.unchecked)
    out: list[Glyph] = []
    for ch in without_overprints(page.chars, cfg.duplicate_char_tolerance):
        text = canonical_glyph(ch["text"], ch.get("fontname", ""), cfg)
        if boxes and (text in marks or text in (CHECKED, UNCHECKED)):
            holder = next((b for b in boxes if _inside(ch, b.box, 2.0)), None)
            if holder is not None:
                holder.ticked = holder.ticked or text != UNCHECKED
                continue
        out.append(
            Glyph(
                text=radical_to_ideograph(text),
                x0=ch["x0"],
                top=ch["top"],
                x1=ch["x1"],
                bottom=ch["bottom"],
                size=float(ch.get("size") or (ch["bottom"] - ch["top"]) or 1.0),
            )
        )
    for b in boxes:
        r = b.box
        out.append(
            Glyph(
                text=CHECKED if b.ticked else UNCHECKED,
                x0=r["x0"],
                top=r["top"],
                x1=r["x1"],
                bottom=r["bottom"],
                size=r["bottom"] - r["top"],
            )
        )
    return out


def group_lines(glyphs: list[Glyph], cfg: PdfTextSettings) -> list[list[Glyph]]:
    """Glyphs grouped into text lines, top to bottom, each left to right."""
    frac = cfg.line_merge_fraction
    lines: list[list[Glyph]] = []
    centre = height = 0.0
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        h = max(g.bottom - g.top, 0.1)
        if lines and abs(g.cy - centre) <= frac * max(height, h):
            lines[-1].append(g)
            n = len(lines[-1])
            centre += (g.cy - centre) / n
            height += (h - height) / n
        else:
            lines.append([g])
            centre, height = g.cy, h
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: list[Glyph], cfg: PdfTextSettings) -> str:
    """Text of one line: real spaces kept (collapsed), a space added where a wide gap stands for one."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if prev is not None and not g.text.isspace() and not prev.text.isspace():
            gap = g.x0 - prev.x1
            both_cjk = is_cjk(prev.text[-1:]) and is_cjk(g.text[:1])
            limit = cfg.space_gap_cjk if both_cjk else cfg.space_gap_other
            if gap > limit * max(min(g.size, prev.size), 1.0):
                parts.append(" ")
        parts.append(g.text)
        prev = g
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def join_wrapped(texts: list[str]) -> str:
    """Lines of one cell joined: wrapped CJK text joins directly, Latin words with a space."""
    out = ""
    for t in texts:
        if not t:
            continue
        latin_pair = out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum()
        if latin_pair and (out[-1].isalpha() or t[0].isalpha()):
            out += " "
        out += t
    return out


def glyphs_text(glyphs: list[Glyph], cfg: PdfTextSettings) -> str:
    return join_wrapped([line_text(line, cfg) for line in group_lines(glyphs, cfg)])




# ---------------------------------------------------------------------------------------------
# tables on one page


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


def page_text_lines(glyphs: list[Glyph], in_cells: set[int], page_number: int, cfg: PdfTextSettings) -> list[TextLine]:
    """Text lines of the glyphs that are in no table cell, top to bottom."""
    outside = [g for n, g in enumerate(glyphs) if n not in in_cells]
    lines = []
    for line in group_lines(outside, cfg):
        text = line_text(line, cfg)
        if text:
            bbox = (min(g.x0 for g in line), min(g.top for g in line), max(g.x1 for g in line),
                    max(g.bottom for g in line))
            lines.append(TextLine(text=text, bbox=bbox, page=page_number))
    return lines


# ---------------------------------------------------------------------------------------------
# tables over page breaks


@dataclass
class MergedTable:
    """Cells of one table, possibly from several pages, with positions on one grid."""

    cells: list[tuple[GridCell, TableCell]]
    page: int
    bbox: tuple[float, float, float, float]


def column_edges(t: PageTable, tol: float) -> list[float]:
    xs = sorted({v for c in t.cells for v in (c.box[0], c.box[2])})
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > tol:
            out.append(x)
    return out


def continues(prev: PageTable, nxt: PageTable, cfg: PdfTextSettings) -> bool:
    """Whether ``nxt`` (first block of its page) carries on ``prev`` (last block of the page before)."""
    tol = cfg.continuation_column_tolerance
    if abs(prev.bbox[0] - nxt.bbox[0]) > tol or abs(prev.bbox[2] - nxt.bbox[2]) > tol:
        return False
    a, b = column_edges(prev, tol), column_edges(nxt, tol)
    matched = sum(any(abs(x - y) <= tol for y in a) for x in b)
    return matched >= 0.8 * len(b)


def merge_tables(parts: list[PageTable], cfg: PdfTextSettings) -> MergedTable:
    """One grid over the parts, stacked so that each part starts where the one before ends."""
    boxes, cells = [], []
    offset = 0.0
    for i, part in enumerate(parts):
        if i:
            offset += parts[i - 1].bbox[3] - part.bbox[1]
        for c in part.cells:
            boxes.append((c.box[0], c.box[1] + offset, c.box[2], c.box[3] + offset))
            cells.append(c)
    positions = grid_positions(boxes, cfg.grid_tolerance)
    taken: set[tuple[int, int]] = set()
    merged = []
    for g, c in zip(positions, cells):
        if g is None or (g.row, g.col) in taken:
            continue
        taken.add((g.row, g.col))
        merged.append((g, c))
    first = parts[0]
    return MergedTable(cells=merged, page=first.page, bbox=first.bbox)


def _row_cells(cells: list[tuple[GridCell, TableCell]], row: int) -> list[tuple[GridCell, TableCell]]:
    return sorted((p for p in cells if p[0].row == row), key=lambda p: p[0].col)


def _covering(cells, row: int, col: int):
    for p in cells:
        g = p[0]
        if g.row <= row < g.row + g.rowspan and g.col <= col < g.col + g.colspan:
            return p
    return None


def _row_texts(cells, row: int) -> list[str]:
    return [c.text for g, c in _row_cells(cells, row) if c.text]


def drop_row(cells: list[tuple[GridCell, TableCell]], row: int) -> list[tuple[GridCell, TableCell]]:
    """The cells with grid row ``row`` removed: cells starting there go, spans over it shrink."""
    out = []
    for g, c in cells:
        if g.row == row and g.rowspan == 1:
            continue
        if g.row > row:
            g = replace(g, row=g.row - 1)
        elif g.row <= row < g.row + g.rowspan:
            g = replace(g, rowspan=g.rowspan - 1)
        out.append((g, c))
    return out


def _append_text(target: TableCell, extra: str, message: str) -> None:
    if not extra:
        return
    joined = join_wrapped([target.text, extra])
    target.repairs.append(Repair(kind="join", raw=extra, fixed=joined, message=message))
    target.text = joined


def repeats_header(texts: list[str], header: list[str]) -> bool:
    """Whether a row with ``texts`` repeats the header row ``header`` (a label may be left out)."""
    if len(texts) < 3 or len(header) < 3:
        return texts == header
    return set(texts) <= set(header) and len(texts) >= 0.6 * len(header)


def join_page_break(cells, boundary: int, header_texts: list[list[str]]):
    """Repair the rows around a page break at grid row ``boundary`` (first row of the next page).

    A repeated header row is dropped. A cell the break left open (no ruling at the bottom of the
    page) joins its part on the next page: that part is open at the top too, or sits right under
    the dropped header. A row that went on over the break in this way, or that the content shows
    to be split (see split_row), is one row. Returns the cells and the number of grid rows removed.
    """
    removed = 0
    header_dropped = False
    texts = _row_texts(cells, boundary)
    if texts and any(repeats_header(texts, h) for h in header_texts):
        cells = drop_row(cells, boundary)
        removed, header_dropped = 1, True
    if boundary == 0 or not _row_cells(cells, boundary):
        return cells, removed
    joined_open = False
    for g, c in [p for p in _row_cells(cells, boundary) if p[1].open_top or header_dropped]:
        above = _covering(cells, boundary - 1, g.col)
        if above is None:
            continue
        ga, ca = above
        if ca.open_bottom and ga.col == g.col and ga.colspan == g.colspan and ga.row + ga.rowspan == boundary:
            if c.text != ca.text:  # a label repeated on the new page is not more text
                _append_text(ca, c.text, "cell continued over a page break joined")
            cells = [p for p in cells if p[1] is not c]
            cells = [(replace(ga, rowspan=ga.rowspan + g.rowspan), ca) if p[1] is ca else p for p in cells]
            joined_open = True
    rest = _row_cells(cells, boundary)
    if joined_open and all(not c.text and g.rowspan == 1 for g, c in rest):
        # the whole row went on from the page before: nothing of its own is left
        return drop_row(cells, boundary), removed + 1
    if rest and split_row(cells, boundary - 1, boundary):
        for g, c in rest:
            above = _covering(cells, boundary - 1, g.col)
            if above is not None and above[1] is not c:
                _append_text(above[1], c.text, "row split by a page break joined")
        cells = drop_row(cells, boundary)
        removed += 1
    return cells, removed


def key_column(cells, min_share: float = 0.6) -> int | None:
    """The column that names each row: the leftmost column in which most of the table's fullest
    rows have a filled single cell of their own (the 三级指标 column of a performance form)."""
    starts: dict[int, dict[int, tuple[GridCell, TableCell]]] = {}
    for g, c in cells:
        starts.setdefault(g.row, {})[g.col] = (g, c)
    if not starts:
        return None
    widest = max(len(r) for r in starts.values())
    body = [r for r in starts.values() if len(r) >= min_share * widest]
    for col in sorted({g.col for g, _ in cells}):
        named = sum(
            1 for r in body if col in r and r[col][0].rowspan == 1 and r[col][0].colspan == 1 and r[col][1].text
        )
        if named >= min_share * len(body):
            return col
    return None


def split_row(cells, last: int, first: int, key_col: int | None = None) -> bool:
    """Whether grid row ``first`` (top of a page) is the rest of row ``last`` (bottom of the page before).

    Evidence: the rest of a split row has no text in the row-naming column (``key_col``, see
    key_column) nor left of it while the row above has a name; it has text only in columns where
    the row above has text of its own (long texts carried on) and no checkbox; and at least one
    more of the row above's filled cells is empty on it (short values ended before the break).
    """
    lower = _row_cells(cells, first)
    if not lower or not any(c.text for _, c in lower):
        return False
    own = [(g, c) for g, c in _row_cells(cells, last) if g.rowspan == 1 and c.text]
    if not own:
        return False
    if key_col is None:
        key_col = key_column(cells)
    if key_col is None:
        key_col = own[0][0].col
    if not any(g.col == key_col for g, _ in own):
        return False
    above_filled = set()
    for g, c in own:
        above_filled.update(range(g.col, g.col + g.colspan))
    for g, c in lower:
        if not c.text:
            continue
        if g.col <= key_col or CHECKED in c.text or UNCHECKED in c.text:
            return False
        if not all(k in above_filled for k in range(g.col, g.col + g.colspan)):
            return False
    lower_filled = {k for g, c in lower if c.text for k in range(g.col, g.col + g.colspan)}
    emptied = [g for g, _ in own if not any(k in lower_filled for k in range(g.col, g.col + g.colspan))]
    return len(emptied) >= 2


def to_ir_table(merged: MergedTable) -> Table:
    cells = []
    for g, c in sorted(merged.cells, key=lambda p: (p[0].row, p[0].col)):
        cells.append(
            Cell(
                text=c.text,
                row=g.row,
                col=g.col,
                rowspan=g.rowspan,
                colspan=g.colspan,
                bbox=c.box,
                page=c.page,
                checkbox=checkbox_state(c.text),
                repairs=c.repairs,
            )
        )
    n_rows = max((c.row + c.rowspan for c in cells), default=0)
    n_cols = max((c.col + c.colspan for c in cells), default=0)
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, page=merged.page, bbox=merged.bbox)


def merge_page_runs(page_blocks: list[tuple[list[TextLine], list[PageTable]]], cfg: PdfTextSettings):
    """Tables of the document in reading order, each a run of page parts: a table that is the last
    block of its page and whose columns the first block of the next page continues is one run.
    Page numbers, and continuation marks (续表) above the continuing part, are not blocks here."""
    page_number = re.compile(cfg.page_number_line)
    continued = re.compile(cfg.continuation_mark_line)
    runs: list[list[PageTable]] = []
    previous: list[Any] = []  # blocks of the page before, without page numbers
    for lines, tables in page_blocks:
        items = sorted([(ln.bbox[1], ln) for ln in lines] + [(t.bbox[1], t) for t in tables], key=lambda it: it[0])
        blocks = [b for _, b in items if not (isinstance(b, TextLine) and page_number.match(b.text))]
        for i, block in enumerate(blocks):
            if not isinstance(block, PageTable):
                continue
            above = blocks[:i]
            first = all(isinstance(b, TextLine) and continued.search(b.text) for b in above)
            if first and runs and previous and previous[-1] is runs[-1][-1] and continues(runs[-1][-1], block, cfg):
                runs[-1].append(block)
            else:
                runs.append([block])
        previous = blocks
    return runs


def build_tables(runs: list[list[PageTable]], cfg: PdfTextSettings) -> dict[int, Table]:
    """IR tables keyed by id() of their first page part."""
    out: dict[int, Table] = {}
    for parts in runs:
        merged = merge_tables(parts, cfg)
        cells = merged.cells
        if len(parts) > 1:
            # grid row where each later part starts: its top edge on the stacked grid
            starts = []
            for part in parts[1:]:
                ids = {id(c) for c in part.cells}
                starts.append(min(g.row for g, c in cells if id(c) in ids))
            removed = 0
            for p_index, start in enumerate(starts):
                boundary = start - removed
                before = {id(c) for part in parts[: p_index + 1] for c in part.cells}
                header_texts = [
                    _row_texts(cells, r) for r in range(boundary)
                    if any(id(c) in before for g, c in _row_cells(cells, r))
                ]
                cells, n = join_page_break(cells, boundary, [h for h in header_texts if h])
                removed += n
        merged.cells = cells
        out[id(parts[0])] = to_ir_table(merged)
    return out


# ---------------------------------------------------------------------------------------------
# document


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


def radical_to_ideograph(text: str) -> str:
    """Kangxi/CJK radicals and compatibility ideographs some exporters emit, as the common ideograph.

    The page shows the ideograph; only the font's Unicode mapping is off, so this is no repair.
    """
    if len(text) != 1:
        return text
    o = ord(text)
    if 0x2E80 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF:
        mapped = unicodedata.normalize("NFKC", text)
        return mapped if len(mapped) == 1 else text
    return text


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
