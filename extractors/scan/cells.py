"""Table cells of a scanned page and the OCR items in them: cell crops and interiors, the cut of
detected text boxes at cell borders, detector fragments, assignment of items to cells by their
centre, and cell-by-cell reading for engines that segment a ruled page poorly.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

import cv2
import numpy as np

from ..grid import GridCell
from ..settings import ScanTextSettings, scan_settings
from . import image_prep as prep
from .lines import BBox, _centre, join_texts
from .ocr_engines import CropKey, OcrEngine, OcrItem


@dataclass
class CellRead:
    grid: GridCell
    items: list[OcrItem] = field(default_factory=list)
    checkboxes: list[prep.Checkbox] = field(default_factory=list)
    reread: tuple[str, float] | None = None  # the cell's own crop read again
    glyph: tuple[str, float] | None = None  # a comparison sign read from its strokes
    strokes_tried: bool = False  # the strokes were read for a sign (glyph None: they show none)
    lead_glyph: tuple[str, float] | None = None  # the same for a sign before a number
    # several checkboxes (☑≥ ☐≤ ☐定性): each box's label read on its own, with its sign if any
    labels: list[tuple[str, float]] = field(default_factory=list)
    label_glyphs: list[tuple[str, float] | None] = field(default_factory=list)
    other_engine: tuple[str, float] | None = None  # the second engine's reading of the cell (cross_check)
    other_engine_by_lines: bool = False  # ... read line by line (a cell of several lines)
    own_reading: tuple[str, float] | None = None  # the page engine's reading of the cell's own crop
    ink_ems: float | None = None  # width of the cell's ink lines, in line heights (ink_check)


def crop_with_box(image: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``image[y0:y1, x0:x1]`` clipped to the image, and the box it really covers (the crop's replay key)."""
    h, w = image.shape[:2]
    a, b, c, d = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    c, d = max(a, c), max(b, d)
    return image[b:d, a:c], (a, b, c, d)


def cell_ink_box(ink: np.ndarray, bbox: BBox, margin: float, min_area: int) -> tuple[int, int, int, int] | None:
    """The box (page pixels) of the ink inside a grid cell; None for a cell too small to read or
    holding no ink."""
    a, b, c, d = cell_interior(bbox, margin, ink.shape)
    least = scan_settings().table.min_interior_px
    if c - a < least or d - b < least:
        return None
    box = ink_box(ink[b:d, a:c], min_area)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return a + x0, b + y0, a + x1, b + y1


def cell_text_crop(image: np.ndarray, ink: np.ndarray, bbox: BBox, margin: float, min_area: int,
                   pad: int) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The crop of ``image`` around the ink inside a grid cell (``pad`` pixels around it) and the box
    it covers; None for a cell too small to read or holding no ink."""
    box = cell_ink_box(ink, bbox, margin, min_area)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return crop_with_box(image, x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def cell_line_crops(image: np.ndarray, ink: np.ndarray, bbox: BBox, margin: float, min_area: int, pad: int,
                    min_share: float) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """Crops of ``image`` around each stacked text line of a grid cell (``stacked_line_boxes``), top
    to bottom, each with the box it covers; one crop for a cell of one line, none for a cell too
    small to read or holding no ink."""
    box = cell_ink_box(ink, bbox, margin, min_area)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    return [crop_with_box(image, x0 + lx0 - pad, y0 + ly0 - pad, x0 + lx1 + pad, y0 + ly1 + pad)
            for lx0, ly0, lx1, ly1 in stacked_line_boxes(ink[y0:y1, x0:x1], min_area, min_share)]


def cell_interior(bbox: BBox, margin: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    h, w = shape
    x0, y0, x1, y1 = bbox
    return (
        max(0, int(x0 + margin)),
        max(0, int(y0 + margin)),
        min(w, int(x1 - margin)),
        min(h, int(y1 - margin)),
    )


def ink_box(mask: np.ndarray, min_area: int) -> tuple[int, int, int, int] | None:
    """Bounds of the blobs in ``mask`` bigger than ``min_area`` pixels (noise ignored)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not keep:
        return None
    x0 = min(stats[i, 0] for i in keep)
    y0 = min(stats[i, 1] for i in keep)
    x1 = max(stats[i, 0] + stats[i, 2] for i in keep)
    y1 = max(stats[i, 1] + stats[i, 3] for i in keep)
    return int(x0), int(y0), int(x1), int(y1)


def stacked_line_spans(mask: np.ndarray, min_area: int, min_share: float) -> list[tuple[int, int]]:
    """The text lines of a cell's ink, top to bottom, as row spans (y0, y1): runs of inked rows, a
    run lower than ``min_share`` of the tallest merged into its nearer neighbour (a character's
    separate strokes, 二 or 宀 over 正, are not lines). One span for one line of text."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not keep:
        return []
    inked = np.isin(labels, keep).any(axis=1)
    spans: list[list[int]] = []
    for y, on in enumerate(inked):
        if on and spans and spans[-1][1] == y:
            spans[-1][1] = y + 1
        elif on:
            spans.append([y, y + 1])
    while len(spans) > 1:
        tallest = max(b - a for a, b in spans)
        low = min(range(len(spans)), key=lambda k: spans[k][1] - spans[k][0])
        if spans[low][1] - spans[low][0] >= min_share * tallest:
            break
        gap_above = spans[low][0] - spans[low - 1][1] if low > 0 else None
        gap_below = spans[low + 1][0] - spans[low][1] if low + 1 < len(spans) else None
        into = low - 1 if gap_below is None or (gap_above is not None and gap_above <= gap_below) else low + 1
        a, b = sorted((low, into))
        spans[a:b + 1] = [[spans[a][0], spans[b][1]]]
    # a line holds a character, not only flat strokes: the two bars of '=' are one sign
    tops, heights, widths = stats[keep, cv2.CC_STAT_TOP], stats[keep, cv2.CC_STAT_HEIGHT], stats[keep, cv2.CC_STAT_WIDTH]
    for a, b in spans:
        inside = (tops >= a) & (tops + heights <= b)
        if not np.any(inside & (widths <= 3 * heights) & (heights >= 0.5 * (b - a))):
            return [(spans[0][0], spans[-1][1])]
    return [(a, b) for a, b in spans]


def stacked_line_boxes(mask: np.ndarray, min_area: int, min_share: float) -> list[tuple[int, int, int, int]]:
    """Boxes (in ``mask``'s pixels) to read one by one: one per stacked text line
    (``stacked_line_spans``), each as wide as its own ink; the whole mask for one line."""
    spans = stacked_line_spans(mask, min_area, min_share)
    if len(spans) < 2:
        return [(0, 0, mask.shape[1], mask.shape[0])]
    boxes = []
    for y0, y1 in spans:
        found = ink_box(mask[y0:y1], min_area)
        if found is not None:
            boxes.append((found[0], y0, found[2], y1))
    return boxes


def readings_per_cell(cells: list[CellRead], answers: list[tuple[str, float]]) -> list[tuple[CellRead, tuple[str, float]]]:
    """Line readings, asked for in order (``cells[i]`` the cell of ``answers[i]``, a cell's lines one
    after another), joined into one reading per cell (``joined_reading``), in the order first asked."""
    lines: dict[int, tuple[CellRead, list[tuple[str, float]]]] = {}
    for cr, answer in zip(cells, answers):
        lines.setdefault(id(cr), (cr, []))[1].append(answer)
    return [(cr, joined_reading(read)) for cr, read in lines.values()]


def joined_reading(lines: list[tuple[str, float]]) -> tuple[str, float]:
    """The readings of a cell's lines, top to bottom, as one: texts joined as the page pass joins
    lines, the least sure line's confidence."""
    read = [(t, c) for t, c in lines if t.strip()]
    if not read:
        return "", min((c for _, c in lines), default=0.0)
    return join_texts([t for t, _ in read]), min(c for _, c in read)


def cell_cutter(grids: list[list[GridCell]], text: ScanTextSettings | None = None):
    """A function splitting a detected text box at the cell borders it crosses (``text``: scan.yaml's
    text section unless given)."""
    boxes = [g.bbox for grid in grids for g in grid]
    piece_heights = (text or scan_settings().text).min_piece_heights

    def cut(box: BBox) -> list[BBox]:
        x0, y0, x1, y1 = box
        cy = (y0 + y1) / 2.0
        # A sliver narrower than a character is the detector's margin spilling over a border.
        min_piece = piece_heights * (y1 - y0)
        xs = sorted({e for c in boxes if c[1] <= cy < c[3] for e in (c[0], c[2]) if x0 < e < x1})
        if not xs:
            return [box]
        bounds = [x0] + xs + [x1]
        pieces = [(a, y0, b, y1) for a, b in pairwise(bounds)]
        kept = [p for p in pieces if p[2] - p[0] >= min_piece]
        return kept or [max(pieces, key=lambda p: p[2] - p[0])]

    return cut


def drop_fragments(items: list[OcrItem], inside: float | None = None) -> list[OcrItem]:
    """Drop items lying mostly inside a bigger item: the detector's second box on part of a
    character (走 of 超, 导 of 得) read as a character of its own. ``inside``: the share of an item
    that must lie inside (scan.yaml's text.fragment_inside unless given)."""
    inside = scan_settings().text.fragment_inside if inside is None else inside

    def area(b: BBox) -> float:
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    keep = []
    for it in items:
        a = area(it.bbox)
        covered = any(
            other is not it
            and area(other.bbox) > a
            and area(
                (
                    max(it.bbox[0], other.bbox[0]),
                    max(it.bbox[1], other.bbox[1]),
                    min(it.bbox[2], other.bbox[2]),
                    min(it.bbox[3], other.bbox[3]),
                )
            )
            >= inside * a
            for other in items
        )
        if not covered:
            keep.append(it)
    return keep


def assign_items(items: list[OcrItem], reads: list[list[CellRead]]) -> list[OcrItem]:
    """Put each item into the cell holding its centre; return the items outside every table."""
    outside = []
    for it in items:
        cx, cy = _centre(it.bbox)
        home = next(
            (
                cr
                for table_reads in reads
                for cr in table_reads
                if cr.grid.bbox[0] <= cx < cr.grid.bbox[2] and cr.grid.bbox[1] <= cy < cr.grid.bbox[3]
            ),
            None,
        )
        if home is None:
            outside.append(it)
        else:
            home.items.append(it)
    return outside


def read_cell_by_cell(
    engine: OcrEngine,
    ocr_image: np.ndarray,
    text_ink: np.ndarray,
    reads: list[list[CellRead]],
    margin: float,
    min_area: int,
    pad: int,
    number: int = 1,
    turn: int = 0,
) -> list[OcrItem]:
    """For engines that segment a ruled page poorly (Tesseract): each inked cell is read from its
    own crop, the page outside the tables in one pass. Returns the items outside the tables."""
    outside_img = ocr_image.copy()
    todo: list[tuple[CellRead, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            x0, y0, x1, y1 = (round(v) for v in cr.grid.bbox)
            outside_img[max(0, y0) : y1 + 1, max(0, x0) : x1 + 1] = 255
            found = cell_text_crop(ocr_image, text_ink, cr.grid.bbox, margin, min_area, pad)
            if found is None:
                continue
            crop, at = found
            todo.append((cr, CropKey(number, "cell", at, turn), crop))
    outside_ink = text_ink.copy()
    outside_ink[outside_img == 255] = 0
    lines = []
    for x0, y0, x1, y1 in text_line_boxes(outside_ink, min_area):
        crop, at = crop_with_box(ocr_image, x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        lines.append((None, CropKey(number, "line", at, turn), crop))
    jobs = todo + lines
    blocks = engine.read_blocks([crop for *_, crop in jobs], [key for _, key, _ in jobs]) if jobs else []
    outside: list[OcrItem] = []
    for (cr, key, _), items in zip(jobs, blocks):
        left, top = key.box[0], key.box[1]
        moved = [
            OcrItem(text=i.text, confidence=i.confidence, bbox=(i.bbox[0] + left, i.bbox[1] + top, i.bbox[2] + left, i.bbox[3] + top))
            for i in items
        ]
        if cr is None:
            outside.extend(moved)
        else:
            cr.items = moved
    return outside


def text_line_boxes(ink: np.ndarray, min_area: int, text: ScanTextSettings | None = None) -> list[tuple[int, int, int, int]]:
    """Boxes of text lines in an ink mask: characters closer than about one character height merge.

    Footer fields set far apart on one line stay separate boxes. (``text``: scan.yaml's text
    section unless given.)
    """
    text = text or scan_settings().text
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = [int(stats[i, 3]) for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not heights:
        return []
    char_h = max(text.line_min_char_px, int(np.median(heights)))
    closing = cv2.getStructuringElement(cv2.MORPH_RECT, (char_h, max(1, char_h // text.line_close_height_divisor)))
    merged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, closing)
    n, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if stats[i, cv2.CC_STAT_AREA] >= min_area and h >= text.min_line_heights * char_h:
            out.append((x, y, x + w, y + h))
    return out


def cell_ink_ems(text_ink: np.ndarray, bbox: BBox, margin: float, min_area: int) -> float | None:
    """How many line heights of ink the cell's text lines are wide together (a CJK character is
    about one), or None for a cell without ink."""
    a, b, c, d = cell_interior(bbox, margin, text_ink.shape)
    least = scan_settings().table.min_interior_px
    if c - a < least or d - b < least:
        return None
    lines = text_line_boxes(text_ink[b:d, a:c], min_area)
    if not lines:
        return None
    height = float(np.median([y1 - y0 for _, y0, _, y1 in lines]))
    return sum(x1 - x0 for x0, _, x1, _ in lines) / max(1.0, height)


def _wide_text_ems(text: str) -> float | None:
    """The text's width in character widths when it is CJK (wide) characters only, else None:
    digits, Latin letters and signs vary too much in width from font to font."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars or not all(unicodedata.east_asian_width(ch) in ("W", "F") for ch in chars):
        return None
    return float(len(chars))


def lost_characters(cells: list[tuple[str, float | None]], min_cells: int, min_extra: float, min_ratio: float,
                    max_ratio: float) -> list[float]:
    """For each (text, ink width in line heights) of a table: about how many characters its ink holds
    beyond the text OCR gave ('明提升' where 明顯提升 is drawn), 0 where they agree. The ink per
    character is the table's own (the median over its CJK-only cells), so font and spacing cancel;
    a cell with far more ink than text (several times) is left alone: its text stands elsewhere."""
    sized = [(_wide_text_ems(t), ink) for t, ink in cells]
    ratios = sorted(ink / ems for ems, ink in sized if ems and ink)
    if len(ratios) < min_cells:
        return [0.0] * len(cells)
    per_char = ratios[len(ratios) // 2]
    out = []
    for ems, ink in sized:
        lost = 0.0
        if ems and ink:
            drawn = ink / per_char
            if drawn - ems >= min_extra and min_ratio <= drawn / ems <= max_ratio:
                lost = drawn - ems
        out.append(lost)
    return out
