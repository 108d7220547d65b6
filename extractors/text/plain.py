"""The plain-text parser: a run of lines read into blocks in order. Tables that conversion
flattened into lines are rebuilt first (extractors.flat_table); tab-row runs (tsv) and pipe
tables (markdown) become tables; every other non-empty line is a TextLine.
"""
from __future__ import annotations

from .cleanup import Block, decode_markup, table_from_rows, text_line_block
from .markdown import is_pipe_row, is_pipe_separator, read_pipe_rows
from .tsv import is_tab_row, read_tab_rows


def blocks_from_lines(lines: list[str]) -> list[Block]:
    """Blocks of a run of lines; tables that conversion flattened into lines are rebuilt first."""
    from .. import flat_table

    lines = flat_table.join_vertical_labels(flat_table.drop_page_furniture(lines))
    blocks: list[Block] = []
    start = 0
    for flat in flat_table.find_flat_tables(lines):
        blocks.extend(_blocks_from_grid_lines(lines[start:flat.start]))
        rows = [[decode_markup(c) for c in row] for row in flat.rows]
        blocks.append(table_from_rows(rows))
        start = flat.end
    blocks.extend(_blocks_from_grid_lines(lines[start:]))
    return blocks


def _blocks_from_grid_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if is_tab_row(line):
            rows, i = read_tab_rows(lines, i)
            blocks.append(table_from_rows(rows))
            continue
        has_separator = i + 1 < n and is_pipe_separator(lines[i + 1]) and "|" in line
        if is_pipe_row(line) or has_separator:
            rows, i = read_pipe_rows(lines, i, has_separator)
            if rows:
                blocks.append(table_from_rows(rows))
            continue
        block = text_line_block(line)
        if block is not None:
            blocks.append(block)
        i += 1
    return blocks
