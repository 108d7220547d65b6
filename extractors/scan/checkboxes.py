"""Checkbox squares inside a table cell, read from their pixels, and the region of each box's
label. Settings: scan.yaml's checkbox and table sections.
"""
from __future__ import annotations

import numpy as np

from ..settings import ScanCheckboxSettings, ScanSettings, scan_settings
from . import image_prep as prep
from .cells import BBox, cell_interior


def find_cell_checkboxes(text_ink: np.ndarray, bbox: BBox, cfg: ScanSettings) -> list[prep.Checkbox]:
    """Checkbox squares standing first on their line inside a cell, and not under a line of the
    cell's text, in page coordinates."""
    short = min(text_ink.shape)
    margin = max(cfg.table.cell_margin_min_px, short * cfg.table.cell_margin_frac)
    a, b, c, d = cell_interior(bbox, margin, text_ink.shape)
    if c - a < cfg.table.min_interior_px or d - b < cfg.table.min_interior_px:
        return []
    crop = text_ink[b:d, a:c]
    cb = cfg.checkbox
    boxes = prep.find_checkboxes(crop, int(short * cb.min_side_frac), int(short * cb.max_side_frac))
    out: list[prep.Checkbox] = []
    for box in boxes:
        x0, y0, x1, y1 = box.bbox
        band = crop[int(y0) : int(y1), : max(0, int(x0) - 1)]
        after_a_box = any(o.bbox[1] - b < y1 and y0 < o.bbox[3] - b for o in out)
        if band.size and np.count_nonzero(band) > cb.ink_before_share * band.size and not after_a_box:
            continue  # ink before it on the same line: a glyph inside text, not a box
        if _below_text(crop, box, boxes, cb.ink_before_share, cb.text_above_min_heights):
            continue  # a line of text above it in the cell: a glyph of wrapped text (整治问题 / 图斑)
        out.append(prep.Checkbox(bbox=(x0 + a, y0 + b, x1 + a, y1 + b), fill=box.fill))
    return out


def _below_text(crop: np.ndarray, box: prep.Checkbox, boxes: list[prep.Checkbox], share: float,
                min_heights: float) -> bool:
    """Whether the cell holds a line of ink above the square that no other square heads: boxes of a
    choice stand one under another (☐≥ / ☑≤), a square under a line of text is a glyph of that
    text wrapped onto the next line (图 of 整治问题图斑)."""
    x0, y0, x1, y1 = box.bbox
    above = crop[: max(0, int(y0) - 1), :]
    if not above.size or np.count_nonzero(above) <= share * above.size:
        return False
    # tall and wider than the square: a line of characters, not a remnant of a ruling
    rows, cols = np.count_nonzero(above.any(axis=1)), np.count_nonzero(above.any(axis=0))
    if rows < min_heights * (y1 - y0) or cols < x1 - x0:
        return False
    return not any(o is not box and o.bbox[3] <= y0 for o in boxes)


def checkbox_segments(
    boxes: list[prep.Checkbox], cell: tuple[int, int, int, int], cb: ScanCheckboxSettings | None = None
) -> list[tuple[int, int, int, int]]:
    """For each checkbox (page coordinates), the region of its label: right of it up to the next
    box on the same line or the cell's edge, as high as the box and half again (``cb``: scan.yaml's
    checkbox section unless given)."""
    cb = cb or scan_settings().checkbox
    gap, reach = cb.label_gap_px, cb.label_reach_heights
    _, b, c, d = cell
    out = []
    for box in boxes:
        _, y0, x1, y1 = box.bbox
        h = y1 - y0
        nxt = [o.bbox[0] for o in boxes if o.bbox[0] > x1 and o.bbox[1] < y1 and y0 < o.bbox[3]]
        right = min(nxt) - gap if nxt else c
        out.append((int(x1) + gap, max(b, int(y0 - reach * h)), int(right), min(d, int(y1 + reach * h))))
    return out
