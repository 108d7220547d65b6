"""Scanned forms — PNG/JPEG/TIFF images and image-only PDF pages — read into the IR by OCR.

Per page: level the image (quarter turns, skew up to ±5°), find the table from its ruling lines
(morphological line detection -> pdfplumber's intersection/cell functions -> extractors.grid),
read the small checkbox squares from their pixels, whiten rulings and boxes, OCR the whole page
once, and assign the OCR items to cells by their centre. Cells the page pass left empty although
they hold ink are read again from their own crop. Text outside tables becomes positioned lines.
After OCR, ocr_repair fixes what the form's structure makes evident (operators in the type column,
digits in value cells, units, dates) and every change is logged on the cell.

Bounding boxes are in the pixels of the page image as loaded or rasterized (before levelling).
Settings live in extractors/data/scan.yaml.
"""
from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from vocab import CHECKED, UNCHECKED

from ..errors import JixiaoError, UnreadableFileError
from ..grid import GridCell, grid_from_cell_boxes
from ..ir import Cell, CheckboxState, Document, DocumentNote, Page, Repair, Table, TextLine
from ..options import ExtractOptions
from ..settings import (
    ScanCheckboxSettings,
    ScanOrientationSettings,
    ScanPageBreakSettings,
    ScanSettings,
    ScanTableSettings,
    ScanTextSettings,
    ScanUnreadSettings,
    scan_settings,
)
from . import image_prep as prep
from . import ocr_repair
from .ocr_engines import CropKey, OcrEngine, OcrItem, RecordedEngine, RecordingEngine, get_engine

BBox = tuple[float, float, float, float]


def settings() -> ScanSettings:
    """extractors/data/scan.yaml, validated once by extractors.settings.ScanSettings."""
    return scan_settings()


def prep_settings(cfg: ScanSettings) -> prep.PrepSettings:
    return prep.PrepSettings(**cfg.prep.model_dump())


def engine_name(options: ExtractOptions, cfg: ScanSettings | None = None) -> str:
    cfg = cfg or settings()
    return cfg.auto_engine if options.ocr == "auto" else options.ocr


def cross_engine_for(options: ExtractOptions, engine: OcrEngine) -> OcrEngine | None:
    """The engine that re-reads doubtful cells (``cross_check`` in scan.yaml), or None: turned off,
    the page engine is that engine already or a recorded one, or the engine is not installed."""
    cfg = settings()
    name = cfg.cross_check.engine
    if not options.ocr_cross_check or engine.name == name or isinstance(engine, (RecordedEngine, RecordingEngine)):
        return None
    try:
        return engine_for(options.model_copy(update={"ocr": name}))
    except JixiaoError:
        return None


def cross_check_cells(
    second: OcrEngine, reads: list[list[CellRead]], ocr_image: np.ndarray, text_ink: np.ndarray,
    margin: float, min_area: int, pad: int, number: int, turn: int, max_chars: int, operator_digits: str = "",
) -> None:
    """Short cells holding digits read again by the second engine; where the second reading holds
    numbers but not every number of the first, it is kept on the cell (``other_engine``)."""
    todo: list[tuple[CellRead, str, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            if cr.labels:
                continue
            text = "".join(i.text for i in cr.items) if cr.items else (cr.reread[0] if cr.reread else "")
            if not text.strip() or len(text.strip()) > max_chars or not any(ch.isdigit() for ch in text):
                continue
            found = cell_text_crop(ocr_image, text_ink, cr.grid.bbox, margin, min_area, pad)
            if found is None:
                continue
            crop, at = found
            todo.append((cr, text, CropKey(number, "cross", at, turn), crop))
    if not todo:
        return
    answers = second.read_lines([crop for *_, crop in todo], [key for _, _, key, _ in todo])
    for (cr, text, _, _), (other, conf) in zip(todo, answers):
        # the numbers of the first reading must all be among the second's: an operator the second
        # engine reads as a digit ('2 14100' for '≥14100') is no disagreement on the number
        # (and the reverse: '290%' for '≥90%')
        mine, theirs = set(_CELL_NUMBER.findall(text)), set(_CELL_NUMBER.findall(other))
        theirs |= {t[1:] for t in theirs if len(t) > 1 and t[0] in operator_digits}
        if theirs and not mine <= theirs:
            cr.other_engine = (other.strip(), conf)


_CELL_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def engine_for(options: ExtractOptions) -> OcrEngine:
    cfg = settings()
    name = engine_name(options, cfg)
    if name == "rapidocr":
        r = cfg.rapidocr
        return get_engine("rapidocr", threads=cfg.ocr_threads, det_max_side=r.det_max_side,
                          rec_height=r.rec_height, rec_batch=r.rec_batch, pad=r.pad)
    t = cfg.tesseract
    return get_engine(
        name,
        threads=cfg.ocr_threads,
        lang=t.lang,
        page_psm=t.page_psm,
        line_psm=t.line_psm,
        block_psm=t.block_psm,
    )


# ---------------------------------------------------------------- levelling


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


def crop_with_box(image: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``image[y0:y1, x0:x1]`` clipped to the image, and the box it really covers (the crop's replay key)."""
    h, w = image.shape[:2]
    a, b, c, d = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    c, d = max(a, c), max(b, d)
    return image[b:d, a:c], (a, b, c, d)


def upside_down(
    gray: np.ndarray, ink: np.ndarray, engine: OcrEngine, number: int = 1, orient: ScanOrientationSettings | None = None
) -> bool:
    """True when the OCR engine reads the page's text lines clearly better turned by 180°
    (``orient``: scan.yaml's orientation section unless given)."""
    orient = orient or settings().orientation
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
    ps = prep_settings(cfg)
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


# ---------------------------------------------------------------- tables


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
    table = table or settings().table
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


def find_tables(ink: np.ndarray, cfg: ScanSettings) -> tuple[list[list[GridCell]], np.ndarray, list[bool]]:
    """Grids of the ruled tables on a levelled page, the mask of ruling pixels, and for each grid
    whether its bottom rule was missing all across (its last row runs on over the page break)."""
    ps = prep_settings(cfg)
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
        open_bottom.append(
            any(abs(e["top"] - bottom) <= end_tol and e["x0"] <= x0 + end_tol and e["x1"] >= x1 - end_tol for e in added)
        )
    return grids, rule_mask, open_bottom


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


# ---------------------------------------------------------------- checkboxes


def cell_text_crop(image: np.ndarray, ink: np.ndarray, bbox: BBox, margin: float, min_area: int,
                   pad: int) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The crop of ``image`` around the ink inside a grid cell (``pad`` pixels around it) and the box
    it covers; None for a cell too small to read or holding no ink."""
    a, b, c, d = cell_interior(bbox, margin, ink.shape)
    least = settings().table.min_interior_px
    if c - a < least or d - b < least:
        return None
    box = ink_box(ink[b:d, a:c], min_area)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return crop_with_box(image, a + x0 - pad, b + y0 - pad, a + x1 + pad, b + y1 + pad)


def cell_interior(bbox: BBox, margin: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    h, w = shape
    x0, y0, x1, y1 = bbox
    return (
        max(0, int(x0 + margin)),
        max(0, int(y0 + margin)),
        min(w, int(x1 - margin)),
        min(h, int(y1 - margin)),
    )


def find_cell_checkboxes(text_ink: np.ndarray, bbox: BBox, cfg: ScanSettings) -> list[prep.Checkbox]:
    """Checkbox squares standing first on their line inside a cell, in page coordinates."""
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
        out.append(prep.Checkbox(bbox=(x0 + a, y0 + b, x1 + a, y1 + b), fill=box.fill))
    return out


def checkbox_segments(
    boxes: list[prep.Checkbox], cell: tuple[int, int, int, int], cb: ScanCheckboxSettings | None = None
) -> list[tuple[int, int, int, int]]:
    """For each checkbox (page coordinates), the region of its label: right of it up to the next
    box on the same line or the cell's edge, as high as the box and half again (``cb``: scan.yaml's
    checkbox section unless given)."""
    cb = cb or settings().checkbox
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


# ---------------------------------------------------------------- text assembly


def _centre(b: BBox) -> tuple[float, float]:
    return (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0


def group_lines(items: Sequence[OcrItem], overlap: float) -> list[list[OcrItem]]:
    """Items grouped into text lines (top to bottom), each line left to right."""
    lines: list[list[OcrItem]] = []
    for it in sorted(items, key=lambda i: (_centre(i.bbox)[1], i.bbox[0])):
        placed = False
        for line in lines:
            top = min(x.bbox[1] for x in line)
            bottom = max(x.bbox[3] for x in line)
            inter = min(bottom, it.bbox[3]) - max(top, it.bbox[1])
            height = min(bottom - top, it.bbox[3] - it.bbox[1])
            if height > 0 and inter / height >= overlap:
                line.append(it)
                placed = True
                break
        if not placed:
            lines.append([it])
    for line in lines:
        line.sort(key=lambda i: i.bbox[0])
    lines.sort(key=lambda ln: min(i.bbox[1] for i in ln))
    return lines


def join_texts(parts: Sequence[str]) -> str:
    """Concatenate text runs: no space between CJK runs, one space between two Latin words."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalpha():
            out += " "
        out += p
    return out


def line_text(lines: Sequence[Sequence[OcrItem]]) -> str:
    return join_texts([join_texts([i.text for i in line]) for line in lines])


def split_line_runs(line: Sequence[OcrItem], gap_heights: float) -> list[list[OcrItem]]:
    """Split one text line where items stand far apart (the footer's separate fields)."""
    runs: list[list[OcrItem]] = []
    for it in line:
        if runs:
            prev = runs[-1][-1]
            height = max(prev.bbox[3] - prev.bbox[1], it.bbox[3] - it.bbox[1], 1.0)
            if it.bbox[0] - prev.bbox[2] <= gap_heights * height:
                runs[-1].append(it)
                continue
        runs.append([it])
    return runs


def union_bbox(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# ---------------------------------------------------------------- one page


@dataclass
class CellRead:
    grid: GridCell
    items: list[OcrItem] = field(default_factory=list)
    checkboxes: list[prep.Checkbox] = field(default_factory=list)
    reread: tuple[str, float] | None = None  # the cell's own crop read again
    glyph: tuple[str, float] | None = None  # a comparison sign read from its strokes
    lead_glyph: tuple[str, float] | None = None  # the same for a sign before a number
    # several checkboxes (☑≥ ☐≤ ☐定性): each box's label read on its own, with its sign if any
    labels: list[tuple[str, float]] = field(default_factory=list)
    label_glyphs: list[tuple[str, float] | None] = field(default_factory=list)
    other_engine: tuple[str, float] | None = None  # the second engine's reading, where its digits differ


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


def cell_cutter(grids: list[list[GridCell]], text: ScanTextSettings | None = None):
    """A function splitting a detected text box at the cell borders it crosses (``text``: scan.yaml's
    text section unless given)."""
    boxes = [g.bbox for grid in grids for g in grid]
    piece_heights = (text or settings().text).min_piece_heights

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
    inside = settings().text.fragment_inside if inside is None else inside

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


class PageRead(NamedTuple):
    page: Page
    ocr_seconds: float
    roles: dict[int, str]  # column roles of the page's last table (for a continuation page)
    open_bottom: bool  # the page's last table has no bottom rule: its last row goes on overleaf


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
    text = text or settings().text
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


def read_page_image(
    gray: np.ndarray,
    number: int,
    engine: OcrEngine,
    options: ExtractOptions,
    cfg: ScanSettings,
    roles: dict[int, str] | None = None,
    extra_quarters: int = 0,
    second: OcrEngine | None = None,
) -> PageRead:
    """One page image -> IR Page (bboxes in ``gray``'s pixels), the seconds spent inside OCR, and
    the column roles of its last table (a table continued on the next page has no header).

    When the page reads as garbage, and its text lines read clearly better turned round, the
    page was scanned upside down: it is read again turned by 180°.
    """
    ocr_before = engine.seconds
    page = level_page(gray, cfg, extra_quarters)
    grids, rule_mask, open_bottom = find_tables(page.ink, cfg)
    short = min(page.ink.shape)
    rule_erase = table_rule_pixels(rule_mask, grids, cfg)
    text_ink = cv2.bitwise_and(page.ink, cv2.bitwise_not(rule_erase))
    ocr_image = page.gray.copy()
    ocr_image[rule_erase > 0] = 255

    reads = [[CellRead(grid=g) for g in grid] for grid in grids]
    min_area = max(4, int(cfg.text.min_ink_area_frac * page.ink.size))
    margin = max(2.0, short * cfg.table.cell_margin_frac)
    pad = int(cfg.text.reread_pad_px)
    if getattr(engine, "reads_cells", False):
        outside = read_cell_by_cell(engine, ocr_image, text_ink, reads, margin, min_area, pad, number, extra_quarters)
    else:
        whole_page = CropKey(number, "page", (0, 0, ocr_image.shape[1], ocr_image.shape[0]), extra_quarters)
        items = [
            it for it in engine.read_page(ocr_image, cell_cutter(grids), key=whole_page)
            # a lone, barely legible mark is a remnant of a ruling or a speck, not text
            if not (len(it.text) == 1 and it.confidence < cfg.text.min_single_char_confidence)
        ]
        outside = assign_items(drop_fragments(items), reads)

    if extra_quarters == 0 and looks_garbled(outside, reads, cfg) and upside_down(page.gray, text_ink, engine, number):
        again = read_page_image(gray, number, engine, options, cfg, roles, extra_quarters=2, second=second)
        return again._replace(ocr_seconds=engine.seconds - ocr_before)

    # Small cells: the checkbox squares are read from their pixels, the rest of the cell from its own
    # crop; cells the page pass left empty although they hold ink are read from their crop too.
    short_text = int(cfg.checkbox.max_text_after)
    todo: list[tuple[CellRead, CropKey, np.ndarray]] = []
    label_todo: list[tuple[CellRead, int, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            text = "".join(i.text for i in cr.items)
            a, b, c, d = cell_interior(cr.grid.bbox, margin, text_ink.shape)
            if c - a < 5 or d - b < 5:
                continue
            if len(text) <= 2 * short_text and any(ch.isdigit() for ch in text[:3]):
                lead = prep.leading_glyph(text_ink[b:d, a:c], min_area)
                if lead is not None:
                    cr.lead_glyph = prep.classify_operator_glyph(lead, min_area)
            if len(text) > 2 * short_text:
                continue
            cr.checkboxes = find_cell_checkboxes(text_ink, cr.grid.bbox, cfg)
            if len(cr.checkboxes) < 2 and len(text) > short_text:
                cr.checkboxes = []
                continue
            cell_ink = text_ink[b:d, a:c].copy()
            cell_img = ocr_image[b:d, a:c].copy()
            for box in cr.checkboxes:
                x0, y0, x1, y1 = (round(v) for v in box.bbox)
                cell_ink[max(0, y0 - b - 2) : y1 - b + 2, max(0, x0 - a - 2) : x1 - a + 2] = 0
                cell_img[max(0, y0 - b - 2) : y1 - b + 2, max(0, x0 - a - 2) : x1 - a + 2] = 255
            if len(cr.checkboxes) >= 2:
                cr.items = []
                for sx0, sy0, sx1, sy1 in checkbox_segments(cr.checkboxes, (a, b, c, d)):
                    seg = cell_ink[sy0 - b : sy1 - b, sx0 - a : sx1 - a] if sx1 > sx0 else cell_ink[:0, :0]
                    found = ink_box(seg, min_area) if seg.size else None
                    cr.labels.append(("", 1.0))
                    cr.label_glyphs.append(None)
                    if found is None:
                        continue
                    fx0, fy0, fx1, fy1 = found
                    cr.label_glyphs[-1] = prep.classify_operator_glyph(seg[fy0:fy1, fx0:fx1], min_area)
                    top, left = sy0 - b + fy0, sx0 - a + fx0
                    crop, at = crop_with_box(cell_img, left - pad, top - pad, left + (fx1 - fx0) + pad, top + (fy1 - fy0) + pad)
                    key = CropKey(number, "label", (at[0] + a, at[1] + b, at[2] + a, at[3] + b), extra_quarters)
                    label_todo.append((cr, len(cr.labels) - 1, key, crop))
                continue
            box = ink_box(cell_ink, min_area)
            if box is None:
                if cr.checkboxes:
                    cr.items = []  # what the page pass saw here was the checkbox itself
                continue
            x0, y0, x1, y1 = box
            cr.glyph = prep.classify_operator_glyph(cell_ink[y0:y1, x0:x1], min_area)
            if cr.checkboxes or not cr.items:
                crop, at = crop_with_box(cell_img, x0 - pad, y0 - pad, x1 + pad, y1 + pad)
                key = CropKey(number, "reread", (at[0] + a, at[1] + b, at[2] + a, at[3] + b), extra_quarters)
                todo.append((cr, key, crop))
    if todo:
        for (cr, _, _), res in zip(todo, engine.read_lines([crop for *_, crop in todo], [k for _, k, _ in todo])):
            cr.items = []
            cr.reread = res
    if label_todo:
        label_keys = [key for _, _, key, _ in label_todo]
        for (cr, k, _, _), res in zip(label_todo, engine.read_lines([crop for *_, crop in label_todo], label_keys)):
            cr.labels[k] = (res[0].strip(), res[1])
    if second is not None:
        before = second.seconds
        cross_check_cells(second, reads, ocr_image, text_ink, margin, min_area, pad, number, extra_quarters,
                          int(cfg.cross_check.max_chars), str(cfg.cross_check.operator_digits))
        ocr_before -= second.seconds - before  # the second engine's time counts as OCR time too

    to_orig = page.to_original
    blocks: list[tuple[float, Any]] = []
    for grid, table_reads in zip(grids, reads):
        table, roles = build_table(table_reads, number, to_orig, cfg, roles)
        blocks.append((min(g.bbox[1] for g in grid), table))
    for line in group_lines(outside, cfg.text.line_overlap):
        for run in split_line_runs(line, cfg.text.word_gap_heights):
            text = join_texts([i.text for i in run])
            box = union_bbox([i.bbox for i in run])
            fixed, repairs = ocr_repair.repair_free_line(text)
            blocks.append(
                (
                    box[1],
                    TextLine(
                        text=fixed,
                        bbox=prep.map_bbox(to_orig, box),
                        page=number,
                        confidence=round(min(i.confidence for i in run), 4),
                        repairs=repairs,
                    ),
                )
            )
    blocks.sort(key=lambda b: b[0])
    h, w = gray.shape[:2]
    result = Page(
        number=number,
        width=float(w),
        height=float(h),
        unit="px",
        blocks=[b for _, b in blocks],
        extractor=f"scan:{engine.name}",
    )
    return PageRead(result, engine.seconds - ocr_before, roles, bool(open_bottom and open_bottom[-1]))


def build_table(
    reads: list[CellRead], number: int, to_orig: np.ndarray, cfg: ScanSettings, roles: dict[int, str] | None
) -> tuple[Table, dict[int, str]]:
    """IR Table from the cells' OCR: text in reading order, checkbox glyphs, repairs by column role."""
    overlap = cfg.text.line_overlap
    checked_fill = cfg.checkbox.checked_fill
    cells: list[Cell] = []
    for cr in reads:
        repairs: list[Repair] = []
        if cr.items:
            text = line_text(group_lines(cr.items, overlap))
            conf = min(i.confidence for i in cr.items)
        elif cr.reread is not None:
            text, conf = cr.reread[0].strip(), cr.reread[1]
            if not text:
                conf = 0.0  # ink that no engine could read
        else:
            text, conf = "", 1.0
        if cr.glyph is not None and (len(ocr_repair.split_glyphs(text)[1]) <= 1 or ocr_repair.glyph_may_replace(text)):
            op, glyph_conf = cr.glyph
            if text == op:
                conf = max(conf, glyph_conf)
            else:
                repairs.append(
                    Repair(kind="operator", raw=text, fixed=op, message="comparison sign read from its strokes")
                )
                text, conf = op, glyph_conf
        if cr.lead_glyph is not None:
            op, glyph_conf = cr.lead_glyph
            m = re.match(r"^\s*(\S)\s*(?=\d)", text)
            if m and m.group(1) != op and (not m.group(1).isdigit() or ocr_repair.glyph_may_replace(m.group(1))):
                fixed = op + text[m.end() :]
                repairs.append(
                    Repair(kind="operator", raw=text, fixed=fixed, message="sign before the number read from its strokes")
                )
                text, conf = fixed, min(conf, glyph_conf)
        if cr.other_engine is not None:
            other, other_conf = cr.other_engine
            repairs.append(Repair(kind="engines_disagree", raw=other, fixed=text,
                                  message=f"the second OCR engine reads '{other}' ({other_conf:.2f}) where the "
                                          f"first read '{text}'"))
        marks = [CHECKED if b.fill >= checked_fill else UNCHECKED for b in cr.checkboxes]
        glyphs = "".join(marks)
        state = CheckboxState.NONE
        if glyphs:
            state = CheckboxState.CHECKED if CHECKED in glyphs else CheckboxState.UNCHECKED
        if cr.labels:
            parts = []
            conf = 1.0
            for mark, (label, label_conf), glyph in zip(marks, cr.labels, cr.label_glyphs):
                if glyph is not None and label == glyph[0]:
                    label_conf = max(label_conf, glyph[1])
                elif glyph is not None and (len(label) <= 1 or ocr_repair.glyph_may_replace(label)):
                    repairs.append(
                        Repair(kind="operator", raw=label, fixed=glyph[0], message="comparison sign read from its strokes")
                    )
                    label, label_conf = glyph
                parts.append(mark + label)
                conf = min(conf, label_conf if label else 1.0)
            text, glyphs = " ".join(parts), ""
        g = cr.grid
        cells.append(
            Cell(
                text=glyphs + text,
                row=g.row,
                col=g.col,
                rowspan=g.rowspan,
                colspan=g.colspan,
                bbox=prep.map_bbox(to_orig, g.bbox),
                page=number,
                confidence=round(float(conf), 4),
                checkbox=state,
                repairs=repairs,
            )
        )
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    table = Table(
        cells=cells,
        n_rows=n_rows,
        n_cols=n_cols,
        page=number,
        bbox=prep.map_bbox(to_orig, union_bbox([r.grid.bbox for r in reads])),
        confidence=round(min(c.confidence for c in cells), 4),
    )
    return ocr_repair.repair_table(table, roles)


# ---------------------------------------------------------------- documents


def join_split_row(before: Page, after: Page, page_break: ScanPageBreakSettings | None = None) -> None:
    """Join a table row split by a page break (in place).

    ``before``'s last table has no bottom rule; when ``after`` opens with a table of as many
    columns whose first row is not a header row, that row is the rest of the split one: each of
    its cells is appended to the cell above the break and the row is dropped. Cells that span on
    down the new page (a merged 一级指标 cell) stay where they are. (``page_break``: scan.yaml's
    page_break section unless given.)
    """
    longest = (page_break or settings().page_break).max_text_between_chars
    last = before.blocks[-1] if before.blocks else None
    first_index = next((i for i, b in enumerate(after.blocks) if isinstance(b, Table)), None)
    if not isinstance(last, Table) or first_index is None:
        return
    if any(isinstance(b, TextLine) and len(b.text) > longest for b in after.blocks[:first_index]):
        return  # real text between the tables: a new table, not the same one going on
    nxt = after.blocks[first_index]
    if nxt.n_cols != last.n_cols or ocr_repair.is_header_row([c for c in nxt.cells if c.row == 0]):
        return
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


def read_pages(
    images: list[np.ndarray], numbers: list[int], options: ExtractOptions, engine: OcrEngine | None = None
) -> tuple[list[Page], dict[str, float]]:
    """OCR page images -> Pages, with timings {"ocr": engine seconds, "layout": our own seconds}."""
    cfg = settings()
    engine = engine or engine_for(options)
    second = cross_engine_for(options, engine)
    started = time.perf_counter()
    ocr = 0.0
    pages = []
    roles: dict[int, str] = {}
    open_before = False
    for gray, n in zip(images, numbers):
        read = read_page_image(gray, n, engine, options, cfg, roles, second=second)
        roles = read.roles
        if open_before and pages and pages[-1].number == n - 1:
            join_split_row(pages[-1], read.page)
        pages.append(read.page)
        open_before = read.open_bottom
        ocr += read.ocr_seconds
    total = time.perf_counter() - started
    return pages, {"ocr": round(ocr, 4), "layout": round(max(0.0, total - ocr), 4)}


def extract_pdf_pages(
    path: Path, page_numbers: list[int], options: ExtractOptions, engine: OcrEngine | None = None
) -> list[Page]:
    """Pages of a PDF that have no text layer, rasterized at options.dpi and OCR'd (for pdf_text)."""
    pages, _ = read_pdf_pages(path, page_numbers, options, engine)
    return pages


def read_pdf_pages(
    path: Path, page_numbers: list[int], options: ExtractOptions, engine: OcrEngine | None = None
) -> tuple[list[Page], dict[str, float]]:
    """Like extract_pdf_pages, also returning {"ocr": ..., "layout": ...} seconds (rasterizing is layout)."""
    t = time.perf_counter()
    images = prep.rasterize_pdf_pages(Path(path), list(page_numbers), options.dpi, options.limits)
    raster = time.perf_counter() - t
    pages, timings = read_pages(images, list(page_numbers), options, engine)
    timings["layout"] = round(timings["layout"] + raster, 4)
    return pages, timings


def unread_page_notes(
    pages: list[Page], images: list[np.ndarray], unread: ScanUnreadSettings | None = None
) -> list[DocumentNote]:
    """A page that holds ink but gave no text is worth a look; a blank page (the back of a sheet)
    is not. (``unread``: scan.yaml's unread section unless given.)"""
    unread = unread or settings().unread
    notes = []
    for page, gray in zip(pages, images):
        if page.blocks:
            continue
        ink = float(np.count_nonzero(prep.binarize(gray))) / max(1, gray.size)
        if unread.min_ink < ink < unread.max_ink:
            notes.append(
                DocumentNote(
                    code="low_confidence",
                    severity="warning",
                    page=page.number,
                    message=f"page {page.number} holds ink but OCR read no text from it",
                )
            )
    return notes


FORMATS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def sniff(head: bytes) -> bool:
    return head.startswith(IMAGE_MAGIC)


def extract(path: Path, options: ExtractOptions, engine: OcrEngine | None = None) -> Document:
    """An image file (PNG, JPEG, TIFF; every TIFF frame a page) read into one Document."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError("the file does not exist", file=str(path))
    t = time.perf_counter()
    images = prep.load_image_pages(path, options.limits)
    load = time.perf_counter() - t
    try:
        engine = engine or engine_for(options)
    except JixiaoError as exc:
        exc.file = exc.file or str(path)
        raise
    pages, timings = read_pages(images, list(range(1, len(images) + 1)), options, engine)
    timings["layout"] = round(timings["layout"] + load, 4)
    notes = unread_page_notes(pages, images)
    return Document(
        source_path=str(path), extractor=f"scan:{engine.name}", pages=pages, notes=notes, timings=timings
    )



