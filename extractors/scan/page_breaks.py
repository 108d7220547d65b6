"""A table row split by a page break joined again: the rest of the row, at the top of the next
page's table, appended to the cells above the break. Settings: scan.yaml's page_break section.
"""
from __future__ import annotations

from ..ir import Page, Repair, Table, TextLine
from ..settings import ScanPageBreakSettings, scan_settings
from . import ocr_repair
from .lines import join_texts


def join_split_row(before: Page, after: Page, page_break: ScanPageBreakSettings | None = None,
                   open_cols: frozenset[int] | None = None) -> None:
    """Join a table row split by a page break (in place).

    ``before``'s last table has no bottom rule under ``open_cols`` (every column when not given);
    when ``after`` opens with a table of as many columns whose first row is not a header row, that
    row is the rest of the split one: each of its cells is appended to the cell above the break and
    the row is dropped. Cells that span on down the new page (a merged 一级指标 cell) stay where
    they are. Where the bottom rule is drawn under some columns (the row above the break closes,
    only merged label cells beside it go on), a first row with text in those columns is a row of
    its own and nothing is joined. (``page_break``: scan.yaml's page_break section unless given.)
    """
    longest = (page_break or scan_settings().page_break).max_text_between_chars
    last = before.blocks[-1] if before.blocks else None
    first_index = next((i for i, b in enumerate(after.blocks) if isinstance(b, Table)), None)
    if not isinstance(last, Table) or first_index is None:
        return
    if any(isinstance(b, TextLine) and len(b.text) > longest for b in after.blocks[:first_index]):
        return  # real text between the tables: a new table, not the same one going on
    nxt = after.blocks[first_index]
    if nxt.n_cols != last.n_cols or ocr_repair.is_header_row([c for c in nxt.cells if c.row == 0]):
        return
    if open_cols is not None and len(open_cols) < last.n_cols and any(
            c.row == 0 and c.text.strip() and not set(range(c.col, c.col + c.colspan)) <= open_cols
            for c in nxt.cells):
        return  # the row above the break is closed: this one starts afresh
    grid = last.grid()
    kept = []
    for cell in nxt.cells:
        if cell.row == 0 and cell.rowspan == 1:
            target = grid[last.n_rows - 1][cell.col]
            if target is not None and cell.text:
                joined = join_texts([target.text, cell.text])
                target.repairs.append(
                    Repair(kind="join", raw=cell.text, fixed=joined, message=f"row split by the page break after page {before.number}")
                )
                target.text = joined
                target.confidence = min(target.confidence, cell.confidence)
            continue
        if cell.row == 0:
            kept.append(cell.model_copy(update={"rowspan": cell.rowspan - 1}))
        else:
            kept.append(cell.model_copy(update={"row": cell.row - 1}))
    if not kept:
        after.blocks.pop(first_index)
        return
    after.blocks[first_index] = nxt.model_copy(update={"cells": kept, "n_rows": nxt.n_rows - 1})
