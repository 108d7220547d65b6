"""The ruled tables of a levelled page: ruling segments -> pdfplumber edges -> cells -> grids
(extractors.grid), the open bottom of a table cut by a page break, and the ruling pixels to
whiten before OCR. Settings: scan.yaml's prep and table sections.
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from ..grid import GridCell, grid_from_cell_boxes
from ..settings import ScanSettings, ScanTableSettings, scan_settings
from . import image_prep as prep


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    return {
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "object_type": "line",
    }


def close_open_ends(
    edges: list[dict[str, Any]], tol: float, table: ScanTableSettings | None = None
) -> list[dict[str, Any]]:
    """Add the missing bottom (top) rule of a table cut off by a page break.

    Vertical rulings that run on well past the last horizontal rule they meet, and end together,
    mark an open table edge; a horizontal edge across their ends closes it so the last row's
    cells exist. (``table``: scan.yaml's table section unless given.)
    """
    table = table or scan_settings().table
    open_tol, end_tol = table.open_end_tolerances * tol, table.end_group_tolerances * tol
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if not hs or len(vs) < 2:
        return edges
    added = []
    for end in ("bottom", "top"):
        tails = []
        for v in vs:
            crossing = [
                h["top"]
                for h in hs
                if v["top"] - tol <= h["top"] <= v["bottom"] + tol and h["x0"] - tol <= v["x0"] <= h["x1"] + tol
            ]
            if not crossing:
                continue
            if end == "bottom":
                last = max(crossing)
                if v["bottom"] - last > open_tol:
                    tails.append((v["bottom"], v["x0"]))
            else:
                first = min(crossing)
                if first - v["top"] > open_tol:
                    tails.append((v["top"], v["x0"]))
        tails.sort()
        group: list[tuple[float, float]] = []
        for item in tails + [(float("inf"), 0.0)]:
            if group and item[0] - group[0][0] > end_tol:
                if len(group) >= 2:
                    y = sum(g[0] for g in group) / len(group)
                    # Span every ruling ending there, closed ones too, so the new edge meets the
                    # part of the border that is drawn.
                    xs = [v["x0"] for v in vs if abs(v[end] - y) <= end_tol]
                    added.append(_edge("h", min(xs), y, max(xs), y))
                group = []
            group.append(item)
    return edges + added


def find_tables(ink: np.ndarray, cfg: ScanSettings) -> tuple[list[list[GridCell]], np.ndarray, list[frozenset[int]]]:
    """Grids of the ruled tables on a levelled page, the mask of ruling pixels, and for each grid
    the columns of its last row whose bottom rule is missing (the row, or the merged cells in those
    columns, run on over the page break; empty where the bottom is closed)."""
    ps = cfg.prep
    segments, rule_mask = prep.find_rulings(ink, ps)
    tol = max(cfg.table.snap_min_px, min(ink.shape) * cfg.table.snap_frac)
    edges = [
        _edge("h", s.x0, s.y0, s.x1, s.y0) if s.orientation == "h" else _edge("v", s.x0, s.y0, s.x0, s.y1)
        for s in segments
    ]
    if not edges:
        return [], rule_mask, []
    edges = merge_edges(edges, tol, tol, tol, tol)
    closed = close_open_ends(edges, tol, cfg.table)
    added = [e for e in closed[len(edges) :] if e["orientation"] == "h"]
    cells = intersections_to_cells(edges_to_intersections(closed, tol, tol))
    grids = []
    for boxes in cells_to_tables(cells):
        if len(boxes) >= cfg.table.min_cells:
            grids.append(grid_from_cell_boxes([tuple(b) for b in boxes], tol))
    grids.sort(key=lambda g: (min(c.bbox[1] for c in g), min(c.bbox[0] for c in g)))
    open_bottom = []
    end_tol = cfg.table.end_group_tolerances * tol
    for grid in grids:
        x0, x1 = min(c.bbox[0] for c in grid), max(c.bbox[2] for c in grid)
        bottom = max(c.bbox[3] for c in grid)
        cut = any(abs(e["top"] - bottom) <= end_tol and e["x0"] <= x0 + end_tol and e["x1"] >= x1 - end_tol
                  for e in added)
        open_bottom.append(open_bottom_columns(grid, rule_mask, tol) if cut else frozenset())
    return grids, rule_mask, open_bottom


def open_bottom_columns(grid: list[GridCell], rule_mask: np.ndarray, tol: float, drawn: float = 0.5) -> frozenset[int]:
    """The columns of a grid's last row whose cell has no bottom rule drawn (under ``drawn`` of its
    width holds ruling pixels near the grid's bottom). A table cut by a page break may leave open
    only its merged label columns (一级/二级指标 going on overleaf) while the row beside them closes:
    that row is complete, the next page's first row is a row of its own."""
    bottom = max(c.bbox[3] for c in grid)
    y0, y1 = max(0, int(bottom - tol)), min(rule_mask.shape[0], int(bottom + tol) + 1)
    band = rule_mask[y0:y1].any(axis=0)
    out: set[int] = set()
    for c in grid:
        if abs(c.bbox[3] - bottom) > tol:
            continue
        xa, xb = int(c.bbox[0] + tol), int(c.bbox[2] - tol)
        if xb <= xa or band[xa:xb].mean() < drawn:
            out.update(range(c.col, c.col + c.colspan))
    return frozenset(out)


def table_rule_pixels(rule_mask: np.ndarray, grids: list[list[GridCell]], cfg: ScanSettings) -> np.ndarray:
    """Ruling pixels on the tables' cell borders (grown a little), to be whitened before OCR.

    Long strokes of large characters (a bold title) pass the line filter too; only ink lying on
    a cell border is a ruling.
    """
    dil = int(cfg.table.rule_erase_dilate_px)
    grown = cv2.dilate(rule_mask, np.ones((2 * dil + 1, 2 * dil + 1), np.uint8)) if dil else rule_mask
    borders = np.zeros_like(rule_mask)
    reach = max(cfg.table.erase_reach_min_px, int(min(rule_mask.shape) * cfg.table.snap_frac) + dil)
    for grid in grids:
        for g in grid:
            x0, y0, x1, y1 = (round(v) for v in g.bbox)
            cv2.rectangle(borders, (x0, y0), (x1, y1), 255, thickness=2 * reach + 1)
    return cv2.bitwise_and(grown, borders)
