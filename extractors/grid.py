"""Table geometry: turn a bag of cell rectangles into grid positions with row/column spans.

Shared by the text-layer PDF extractor (cells from pdfplumber's ruling-line table finder) and the
scan extractor (cells from ruling lines detected in an image). Boxes use pdfplumber's convention
(x0, top, x1, bottom) with y growing downwards, in any unit.

The grid lines are the distinct cell edges: all x edges clustered within ``tol`` give the column
boundaries, all y edges the row boundaries. A box then starts at the boundary its top-left corner
snaps to and spans as many rows/columns as boundaries it crosses, so a merged cell is one
GridCell with its span. Positions no box covers are simply absent (holes).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]


def cluster_positions(values: Iterable[float], tol: float) -> list[float]:
    """Distinct positions: sorted values whose neighbours lie within ``tol`` merge into their mean."""
    ordered = sorted(values)
    if not ordered:
        return []
    groups: list[list[float]] = [[ordered[0]]]
    for v in ordered[1:]:
        # Compare with the group's first member, so a slow drift cannot chain far-apart edges.
        if v - groups[-1][0] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def nearest_index(positions: Sequence[float], value: float) -> int:
    """Index of the position closest to ``value`` (positions sorted ascending, non-empty)."""
    i = bisect_left(positions, value)
    if i == 0:
        return 0
    if i == len(positions):
        return len(positions) - 1
    return i if positions[i] - value < value - positions[i - 1] else i - 1


def grid_positions(boxes: list[Box], tol: float = 2.0) -> list[GridCell | None]:
    """Grid position of each box, in input order (None for a box that collapses to nothing).

    Useful when the caller keeps data alongside each box (text, page); see grid_from_cell_boxes.
    """
    if not boxes:
        return []
    xs = cluster_positions((v for b in boxes for v in (b[0], b[2])), tol)
    ys = cluster_positions((v for b in boxes for v in (b[1], b[3])), tol)
    out: list[GridCell | None] = []
    for x0, top, x1, bottom in boxes:
        c0, c1 = sorted((nearest_index(xs, x0), nearest_index(xs, x1)))
        r0, r1 = sorted((nearest_index(ys, top), nearest_index(ys, bottom)))
        if c1 == c0 or r1 == r0:
            out.append(None)
            continue
        out.append(
            GridCell(row=r0, col=c0, rowspan=r1 - r0, colspan=c1 - c0, bbox=(xs[c0], ys[r0], xs[c1], ys[r1]))
        )
    return out


def grid_from_cell_boxes(boxes: list[Box], tol: float = 2.0) -> list[GridCell]:
    """Grid positions of cell boxes (x0, top, x1, bottom), sorted by row then column.

    Each box becomes one GridCell whose bbox is snapped to the grid lines. Boxes that collapse to
    nothing after snapping (thinner than ``tol``) and boxes starting at a position an earlier box
    already starts at are dropped.
    """
    cells: dict[tuple[int, int], GridCell] = {}
    for g in grid_positions(boxes, tol):
        if g is not None and (g.row, g.col) not in cells:
            cells[(g.row, g.col)] = g
    return [cells[k] for k in sorted(cells)]
