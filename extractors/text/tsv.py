"""The tab-separated parser: consecutive lines holding a TAB form one table, every field a cell
at its raw position (empty fields included: shifted cells are the normalizer's business).
"""
from __future__ import annotations

from .cleanup import decode_markup
from .markdown import is_pipe_row


def is_tab_row(line: str) -> bool:
    return "\t" in line and not is_pipe_row(line)


def read_tab_rows(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    """The rows of the run of tab-separated lines starting at ``lines[i]``, and the index after
    its last row: blank lines inside the run do not end it, and a bare line squeezed between two
    tab rows is a one-field row."""
    n = len(lines)
    rows: list[list[str]] = []
    j = i
    while j < n:
        if is_tab_row(lines[j]):
            rows.append([decode_markup(field) for field in lines[j].split("\t")])
            i = j = j + 1
        elif not lines[j].strip():
            j += 1  # blank lines inside a run of tab rows do not break the table
        else:
            # Lines without a tab squeezed between tab rows (no blank line around them) are
            # rows whose merged cell lost its tabs, e.g. "年度总体目标 推进…": one field each.
            k = j
            while k < n and lines[k].strip() and not is_tab_row(lines[k]) and not is_pipe_row(lines[k]):
                k += 1
            if j == i and k < n and is_tab_row(lines[k]):
                rows.extend([decode_markup(lines[m])] for m in range(j, k))
                i = j = k
            else:
                break
    return rows, i
