"""Scanned forms — PNG/JPEG/TIFF images and image-only PDF pages — read into the IR by OCR.

Per page: level the image (quarter turns, skew up to ±5°), find the table from its ruling lines
(morphological line detection -> pdfplumber's intersection/cell functions -> extractors.grid),
read the small checkbox squares from their pixels, whiten rulings and boxes, OCR the whole page
once, and assign the OCR items to cells by their centre. Cells the page pass left empty although
they hold ink are read again from their own crop. Text outside tables becomes positioned lines.
After OCR, ocr_repair fixes what the form's structure makes evident (operators in the type column,
digits in value cells, units, dates) and every change is logged on the cell.

Bounding boxes are in the pixels of the page image as loaded or rasterized (before levelling).
Settings live in extractors/data/scan.yaml. This module is the reader (formats, sniff, extract,
the page loop); its steps live beside it: levelling.py, grid.py (ruled tables), checkboxes.py,
cells.py (cell crops, items to cells), lines.py (text assembly), page_breaks.py (split rows).
"""
from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np

from vocab import CHECKED, UNCHECKED, values

from ..errors import JixiaoError, UnreadableFileError
from ..ir import Cell, CheckboxState, Document, DocumentNote, Page, Repair, Table, TextLine
from ..options import ExtractOptions
from ..settings import ScanSettings, ScanUnreadSettings, scan_settings
from . import image_prep as prep
from . import ocr_repair
from .cells import (
    CellRead,
    assign_items,
    cell_cutter,
    cell_ink_ems,
    cell_interior,
    cell_line_crops,
    cell_text_crop,
    crop_with_box,
    drop_fragments,
    ink_box,
    lost_characters,
    read_cell_by_cell,
    readings_per_cell,
    stacked_line_boxes,
)
from .checkboxes import checkbox_segments, find_cell_checkboxes
from .grid import find_tables, table_rule_pixels
from .levelling import level_page, looks_garbled, upside_down
from .lines import group_lines, join_texts, line_text, split_line_runs, union_bbox
from .ocr_engines import CropKey, OcrEngine, RecordedEngine, RecordingEngine, get_engine
from .page_breaks import join_split_row


def settings() -> ScanSettings:
    """extractors/data/scan.yaml, validated once by extractors.settings.ScanSettings."""
    return scan_settings()


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
    margin: float, min_area: int, pad: int, number: int, turn: int, max_chars: int, doubt_below: float,
    stacked_share: float | None = None,
) -> None:
    """Cells read again by the second engine, its reading kept on the cell (``other_engine``): short
    cells holding digits, and any cell the page engine read with confidence under ``doubt_below``
    (two engines that agree on a doubtful cell confirm it; build_table weighs both); a doubtful cell
    of several lines is read line by line (``stacked_share``: scan.yaml's stacked_line_min_share
    unless given)."""
    if stacked_share is None:
        stacked_share = float(settings().text.stacked_line_min_share)
    todo: list[tuple[CellRead, str, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            if cr.labels:
                continue
            text = "".join(i.text for i in cr.items) if cr.items else (cr.reread[0] if cr.reread else "")
            if not text.strip():
                continue
            conf = min(i.confidence for i in cr.items) if cr.items else (cr.reread[1] if cr.reread else 1.0)
            short_number = len(text.strip()) <= max_chars and any(ch.isdigit() for ch in text)
            # a doubtful cell of one line: a line reader reads a wrapped cell's crop as garbage, and a
            # lone sign glyph or a checkbox cell is the strokes' to read
            doubtful = conf < doubt_below and len(cr.items) == 1 and cr.glyph is None and not cr.checkboxes
            # a doubtful cell of several lines is read by the second engine line by line
            wrapped = (conf < doubt_below and len(cr.items) > 1 and cr.glyph is None and not cr.checkboxes
                       and not short_number)
            if wrapped:
                lines = cell_line_crops(ocr_image, text_ink, cr.grid.bbox, margin, min_area, pad, stacked_share)
                if len(lines) > 1:
                    cr.other_engine_by_lines = True
                    todo.extend((cr, text, CropKey(number, "cross", at, turn), crop) for crop, at in lines)
                continue
            if not short_number and not doubtful:
                continue
            found = cell_text_crop(ocr_image, text_ink, cr.grid.bbox, margin, min_area, pad)
            if found is None:
                continue
            crop, at = found
            todo.append((cr, text, CropKey(number, "cross", at, turn), crop))
    if not todo:
        return
    answers = second.read_lines([crop for *_, crop in todo], [key for _, _, key, _ in todo])
    for cr, (other, conf) in readings_per_cell([cr for cr, *_ in todo], answers):
        if other.strip():
            cr.other_engine = (other.strip(), conf)


class SecondReading(NamedTuple):
    """How the second engine's reading of a cell compares with the first's: ``agree`` when they read
    it alike, ``sign_seen`` when the second reads a comparison sign where the first has one."""

    agree: bool
    sign_seen: bool


_LEAD = re.compile(r"^(\D{0,2}?)(?=\d)")


def compare_readings(first: str, second: str, operator_digits: str, sign_chars: str) -> SecondReading:
    """Compare two engines' readings of one cell, spacing and full-width forms aside. A sign before a
    number is judged apart from the rest: the second engine may read it as a digit an operator is
    misread as ('298.5%' for '≥98.5%'), lose it ('98.5%') or read another glyph of the sign family
    ('>z25座' for '≥25座'); the rest then agrees, and the sign is seen where one of ``sign_chars``
    stands before the number."""
    a, b = (re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)) for t in (first, second))
    if not a or not b:
        return SecondReading(False, False)
    if a == b:
        return SecondReading(True, a[0] in sign_chars)
    if a[0].isalnum() or not a[1:2].isdigit():
        return SecondReading(False, False)
    rest = a[1:]
    if len(b) == len(rest) + 1 and b[0] in operator_digits and b[1:] == rest:
        return SecondReading(True, False)
    lead = _LEAD.match(b)
    if lead is None or b[lead.end():] != rest:
        return SecondReading(False, False)
    return SecondReading(True, any(ch in sign_chars for ch in lead.group(1)))


def agreeing_confidence(first: float, second: float) -> float:
    """Confidence of a reading two independent engines gave alike: wrong only if both are wrong the
    same way, so at least 1 - (1 - first)(1 - second)."""
    return max(first, 1.0 - (1.0 - first) * (1.0 - second))


def numbers_disagree(first: str, second: str, operator_digits: str) -> bool:
    """The second reading holds numbers, but not every number of the first. An operator the second
    engine reads as a digit ('2 14100' for '≥14100') is no disagreement on the number (and the
    reverse: '290%' for '≥90%'), nor is a unit it reads as digits after the number ('256008' for
    '25600套', '24528' for '245公里')."""
    mine = [(m.group(), _unit_follows(first, m.end())) for m in _CELL_NUMBER.finditer(first)]
    # the second reading's numbers, each with whether its unit is missing (what the unit became)
    found = [(m.group(), not _unit_follows(second, m.end())) for m in _CELL_NUMBER.finditer(second)]
    found += [(t[1:], bare) for t, bare in found if len(t) > 1 and t[0] in operator_digits]
    if not found:
        return False
    theirs = {t for t, _ in found}
    return not all(n in theirs or (unit and any(bare and t.startswith(n) for t, bare in found))
                   for n, unit in mine)


def _unit_follows(text: str, at: int) -> bool:
    """Whether a character other than a digit, a point or a space follows the number ending at ``at``."""
    rest = text[at:].lstrip()
    return bool(rest) and not rest[0].isdigit() and rest[0] not in ".%"


_CELL_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def self_check_cells(
    engine: OcrEngine, reads: list[list[CellRead]], ocr_image: np.ndarray, text_ink: np.ndarray,
    margin: float, min_area: int, pad: int, number: int, turn: int, max_chars: int,
) -> None:
    """Short cells with digits that the page pass read, read again by the same engine from their
    own crop (``self_check`` in scan.yaml); the reading is kept on the cell (``own_reading``) for
    build_table to take a sign from it that the page pass lost."""
    todo: list[tuple[CellRead, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            if cr.labels or cr.checkboxes or not cr.items:
                continue
            text = "".join(i.text for i in cr.items).strip()
            if not text or len(text) > max_chars or not any(ch.isdigit() for ch in text):
                continue
            found = cell_text_crop(ocr_image, text_ink, cr.grid.bbox, margin, min_area, pad)
            if found is not None:
                todo.append((cr, CropKey(number, "self", found[1], turn), found[0]))
    if todo:
        answers = engine.read_lines([crop for *_, crop in todo], [key for _, key, _ in todo])
        for (cr, _, _), answer in zip(todo, answers):
            cr.own_reading = (str(answer[0]), float(answer[1]))


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


# ---------------------------------------------------------------- one page


class PageRead(NamedTuple):
    page: Page
    ocr_seconds: float
    roles: dict[int, str]  # column roles of the page's last table (for a continuation page)
    # columns of the page's last table whose last cell has no bottom rule: they go on overleaf
    open_bottom: frozenset[int]


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
    min_area = max(cfg.text.min_ink_area_px, int(cfg.text.min_ink_area_frac * page.ink.size))
    margin = max(cfg.table.cell_margin_min_px, short * cfg.table.cell_margin_frac)
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
    close_look = int(cfg.checkbox.max_text_glyph_cell)
    least = int(cfg.table.min_interior_px)
    choice = int(cfg.checkbox.min_boxes_choice)
    stacked_share = float(cfg.text.stacked_line_min_share)
    e = int(cfg.checkbox.erase_pad_px)
    todo: list[tuple[CellRead, CropKey, np.ndarray]] = []
    label_todo: list[tuple[CellRead, int, CropKey, np.ndarray]] = []
    for table_reads in reads:
        for cr in table_reads:
            text = "".join(i.text for i in cr.items)
            a, b, c, d = cell_interior(cr.grid.bbox, margin, text_ink.shape)
            if c - a < least or d - b < least:
                continue
            if len(text) <= close_look and any(ch.isdigit() for ch in text[:3]):
                lead = prep.leading_glyph(text_ink[b:d, a:c], min_area)
                if lead is not None:
                    cr.lead_glyph = prep.classify_operator_glyph(lead, min_area)
            if len(text) > close_look:
                continue
            cr.checkboxes = find_cell_checkboxes(text_ink, cr.grid.bbox, cfg)
            if len(cr.checkboxes) < choice and len(text) > short_text:
                cr.checkboxes = []
                continue
            cell_ink = text_ink[b:d, a:c].copy()
            cell_img = ocr_image[b:d, a:c].copy()
            for box in cr.checkboxes:
                x0, y0, x1, y1 = (round(v) for v in box.bbox)
                cell_ink[max(0, y0 - b - e) : y1 - b + e, max(0, x0 - a - e) : x1 - a + e] = 0
                cell_img[max(0, y0 - b - e) : y1 - b + e, max(0, x0 - a - e) : x1 - a + e] = 255
            if len(cr.checkboxes) >= choice:
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
            cr.strokes_tried = True
            if cr.checkboxes or not cr.items:
                # a line reader reads one line: lines stacked in the cell are read one by one
                for lx0, ly0, lx1, ly1 in stacked_line_boxes(cell_ink[y0:y1, x0:x1], min_area, stacked_share):
                    crop, at = crop_with_box(cell_img, x0 + lx0 - pad, y0 + ly0 - pad, x0 + lx1 + pad, y0 + ly1 + pad)
                    key = CropKey(number, "reread", (at[0] + a, at[1] + b, at[2] + a, at[3] + b), extra_quarters)
                    todo.append((cr, key, crop))
    if todo:
        answers = engine.read_lines([crop for *_, crop in todo], [k for _, k, _ in todo])
        for cr, reading in readings_per_cell([cr for cr, *_ in todo], answers):
            cr.items = []
            cr.reread = reading
    if label_todo:
        label_keys = [key for _, _, key, _ in label_todo]
        for (cr, k, _, _), res in zip(label_todo, engine.read_lines([crop for *_, crop in label_todo], label_keys)):
            cr.labels[k] = (res[0].strip(), res[1])
    for table_reads in reads:
        for cr in table_reads:
            if (cr.items or cr.reread) and not cr.labels and not cr.checkboxes:
                cr.ink_ems = cell_ink_ems(text_ink, cr.grid.bbox, margin, min_area)
    if cfg.self_check.enabled and not getattr(engine, "reads_cells", False) \
            and not isinstance(engine, (RecordedEngine, RecordingEngine)):
        self_check_cells(engine, reads, ocr_image, text_ink, margin, min_area, pad, number, extra_quarters,
                         int(cfg.self_check.max_chars))
    if second is not None:
        before = second.seconds
        cross_check_cells(second, reads, ocr_image, text_ink, margin, min_area, pad, number, extra_quarters,
                          int(cfg.cross_check.max_chars), options.low_confidence, stacked_share)
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
    return PageRead(result, engine.seconds - ocr_before, roles, open_bottom[-1] if open_bottom else frozenset())


def confirmed_repairs(repairs: list[Repair], why: str) -> list[Repair]:
    """A digit taken for a sign is a guess to confirm (operator_misread); once a second reading of the
    cell agrees, it is a routine sign repair (operator), with the confirmation in its message."""
    return [r.model_copy(update={"kind": "operator", "message": f"{r.message}; {why}"})
            if r.kind == "operator_misread" else r for r in repairs]


def build_table(
    reads: list[CellRead], number: int, to_orig: np.ndarray, cfg: ScanSettings, roles: dict[int, str] | None
) -> tuple[Table, dict[int, str]]:
    """IR Table from the cells' OCR: text in reading order, checkbox glyphs, repairs by column role."""
    overlap = cfg.text.line_overlap
    checked_fill = cfg.checkbox.checked_fill
    strict_unconfirmed = ocr_repair.rules().strict_needs_strokes
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
                # a digit taken for the sign is a guess to confirm, as in normalizers/operator_misread.py,
                # unless the digit cannot be one ('295%' is no percentage): strokes and value agree
                impossible = m.group(1).isdigit() and values.leading_digit_is_sign(text, fixed)
                repairs.append(
                    Repair(kind="operator_misread" if m.group(1).isdigit() and not impossible else "operator",
                           raw=text, fixed=fixed,
                           message="sign before the number read from its strokes"
                                   + (f"; '{text}' read with the digit is no percentage" if impossible else ""))
                )
                text, conf = fixed, min(conf, glyph_conf)
        if cr.own_reading is not None:
            text, own_repairs = ocr_repair.reconcile_own_reading(
                text, cr.own_reading[0], cr.own_reading[1], float(cfg.self_check.min_confidence),
                float(cfg.self_check.unit_min_confidence))
            repairs.extend(own_repairs)
            agree = re.sub(r"\s+", "", cr.own_reading[0]) == re.sub(r"\s+", "", text)
            if own_repairs or agree:
                conf = max(conf, cr.own_reading[1])  # two readings of the cell that agree (but for the sign)
            if agree:
                # a digit the strokes show to be a sign, and the crop read as that sign: two ways of
                # reading agree, so the repair is routine (info), not a guess to confirm
                repairs = confirmed_repairs(repairs, "the cell's own crop reads the same")
        digits = str(cfg.cross_check.operator_digits)
        second = (compare_readings(text, cr.other_engine[0], digits, str(cfg.cross_check.sign_chars))
                  if cr.other_engine is not None else SecondReading(False, False))
        if second.sign_seen:
            # the second engine reads a sign where the first has one: two engines agree there is a sign, so
            # a digit the strokes showed to be that sign is a routine repair (info), as with the own crop
            repairs = confirmed_repairs(repairs, "the second OCR engine reads a sign there too")
        if second.agree:
            conf = agreeing_confidence(conf, cr.other_engine[1])
        # judged on the text as repaired: the page's '224' is no disagreement once it reads '≥24'
        # (a reading line by line confirms a long cell when it agrees; its numbers are not weighed)
        elif cr.other_engine is not None and not cr.other_engine_by_lines \
                and numbers_disagree(text, cr.other_engine[0], digits):
            other, other_conf = cr.other_engine
            repairs.append(Repair(kind="engines_disagree", raw=other, fixed=text,
                                  message=f"the second OCR engine reads '{other}' ({other_conf:.2f}) where the "
                                          f"first read '{text}'"))
        sign = ocr_repair.split_glyphs(text)[1]
        if cr.strokes_tried and cr.glyph is None and sign in strict_unconfirmed:
            # OCR reads ⩾ whose bar is faint as '>': a strict sign the strokes do not show is a guess
            repairs.append(Repair(kind="operator_guess", raw=text, fixed=text,
                                  message=f"the sign '{sign}' was read by OCR alone (its strokes read as no sign), "
                                          f"and a ≥ or ≤ whose bar is faint reads so too: check the sign"))
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
    ink = cfg.ink_check
    lost = lost_characters([(c.text, cr.ink_ems) for c, cr in zip(cells, reads)], int(ink.min_cells),
                           float(ink.min_extra_chars), float(ink.min_ratio), float(ink.max_ratio))
    for cell, n in zip(cells, lost):
        if n:
            read = len("".join(cell.text.split()))
            cell.repairs.append(Repair(kind="ink_unread", raw=cell.text, fixed=cell.text,
                                       message=f"the cell holds ink for about {read + n:.0f} characters, OCR read "
                                               f"{read}: a character may be lost"))
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
    open_before: frozenset[int] = frozenset()
    for gray, n in zip(images, numbers):
        read = read_page_image(gray, n, engine, options, cfg, roles, second=second)
        roles = read.roles
        if open_before and pages and pages[-1].number == n - 1:
            join_split_row(pages[-1], read.page, open_cols=open_before)
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


