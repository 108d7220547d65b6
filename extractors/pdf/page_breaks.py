"""Tables that run on over page breaks merged into one IR Table (cells keep their own page): a run
of page tables with matching columns, a cell left open at the break kept as one cell, a repeated
header row dropped and a row split by the break joined. Settings: pdf_text.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from vocab import CHECKED, UNCHECKED

from ..grid import GridCell, grid_positions
from ..ir import Cell, Repair, Table, TextLine
from ..ir import checkbox_state_of as checkbox_state
from ..settings import PdfTextSettings
from .glyphs import join_wrapped
from .tables import PageTable, TableCell


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
    """Whether ``nxt`` (first block of its page) carries on ``prev`` (last block of the page before).

    The right edges agree and the columns match. The left edges may not: a part may lack an outer
    column that only a merged label cell fills (绩效指标 running down the page with its text on
    another page: no ruling closes a cell there), so its left edge is a column edge of the other part."""
    tol = cfg.continuation_column_tolerance
    if abs(prev.bbox[2] - nxt.bbox[2]) > tol:
        return False
    a, b = column_edges(prev, tol), column_edges(nxt, tol)
    if abs(prev.bbox[0] - nxt.bbox[0]) > tol:
        narrow, wide = (a, b) if prev.bbox[0] > nxt.bbox[0] else (b, a)
        if not any(abs(narrow[0] - y) <= tol for y in wide):
            return False
        if len(wide) - len(narrow) > 1:
            return False  # one outer column at most: more is another table
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
