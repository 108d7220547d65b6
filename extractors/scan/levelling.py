"""Levelling a scanned page: quarter turns, skew, and the upside-down test (OCR of a few long
text lines read upright and turned). Settings: scan.yaml's prep and orientation sections.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..settings import ScanOrientationSettings, ScanSettings, scan_settings
from . import image_prep as prep
from .cells import CellRead, crop_with_box
from .ocr_engines import CropKey, OcrEngine, OcrItem


@dataclass
class LevelledPage:
    gray: np.ndarray  # levelled, denoised grayscale
    ink: np.ndarray  # its ink mask (255 = ink)
    to_original: np.ndarray  # 2x3 affine: levelled -> original pixel coordinates
    quarter_turns: int = 0
    skew_deg: float = 0.0


def text_line_crops(
    gray: np.ndarray, ink: np.ndarray, count: int, orient: ScanOrientationSettings
) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """Up to ``count`` crops of long text lines (rulings excluded) with their boxes, for orientation tests."""
    h, w = ink.shape
    short = min(h, w)
    k = max(orient.rule_filter_min_px, int(short * orient.rule_filter_frac))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    grow = orient.rule_erase_px
    text = cv2.subtract(ink, cv2.dilate(lines, np.ones((grow, grow), np.uint8)))
    gap = max(orient.char_gap_min_px, int(short * orient.char_gap_frac))
    merged = cv2.morphologyEx(text, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    cands = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        if bw > orient.min_aspect * bh and short * orient.min_height_frac < bh < short * orient.max_height_frac:
            cands.append((bw, x, y, bw, bh))
    cands.sort(reverse=True)
    out = []
    for _, x, y, bw, bh in cands[:count]:
        pad = max(orient.pad_min_px, bh // orient.pad_height_divisor)
        width = min(bw, orient.max_width_heights * bh)
        out.append(crop_with_box(gray, x - pad, y - pad, x + width + pad, y + bh + pad))
    return out


def upside_down(
    gray: np.ndarray, ink: np.ndarray, engine: OcrEngine, number: int = 1, orient: ScanOrientationSettings | None = None
) -> bool:
    """True when the OCR engine reads the page's text lines clearly better turned by 180°
    (``orient``: scan.yaml's orientation section unless given)."""
    orient = orient or scan_settings().orientation
    found = text_line_crops(gray, ink, orient.lines_tested, orient)
    if not found:
        return False
    crops = [c for c, _ in found]
    upright = engine.read_lines(crops, [CropKey(number, "upright", box) for _, box in found])
    turned = engine.read_lines([np.ascontiguousarray(c[::-1, ::-1]) for c in crops],
                               [CropKey(number, "turned", box) for _, box in found])
    score_up = float(np.mean([c for _, c in upright]))
    score_turned = float(np.mean([c for _, c in turned]))
    return score_turned > score_up + orient.turned_margin


def looks_garbled(outside: list[OcrItem], reads: list[list[CellRead]], cfg: ScanSettings) -> bool:
    """The page pass read mostly nonsense: typical of a page upside down."""
    confidences = [i.confidence for i in outside] + [i.confidence for t in reads for cr in t for i in cr.items]
    if len(confidences) < cfg.text.garbled_min_items:
        return False
    return float(np.median(confidences)) < cfg.text.garbled_median_confidence


def level_page(gray: np.ndarray, cfg: ScanSettings, extra_quarters: int = 0) -> LevelledPage:
    """Turn the page upright (quarter turns) and remove skew; keep the way back to the original.

    A page whose text runs top to bottom is turned by 90°; ``extra_quarters`` adds turns the
    caller found necessary (180° when the OCR engine reads the page better upside down).
    """
    ps = cfg.prep
    work = prep.denoise(gray, ps)
    ink = prep.binarize(work)
    quarters = (1 if prep.is_sideways(ink) else 0) + extra_quarters
    if quarters % 4:
        work = prep.rotate_quarter(work, quarters)
        ink = prep.rotate_quarter(ink, quarters)
    m = prep.quarter_turn_matrix(gray.shape[:2], quarters)
    skew = prep.estimate_skew(ink, ps)
    if abs(skew) >= ps.min_skew_deg:
        work, m_skew = prep.rotate_image(work, skew)
        ink = prep.binarize(work)
        m = prep.compose(m_skew, m)
    return LevelledPage(gray=work, ink=ink, to_original=prep.invert(m), quarter_turns=quarters % 4, skew_deg=skew)
