"""The extractors' settings (extractors/data/scan.yaml, pdf_text.yaml) as typed, validated models.

Each file is validated once when first read: a misspelt or missing key, or a value of the wrong
type, fails at load with the file named, not deep inside a page. Every value comes from the file;
the models carry no defaults that could shadow it. The readers take these models (or the section
they need) and read attributes.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from extractors import DATA_DIR


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)



class ScanRapidocrSettings(_Section):
    det_max_side: int
    rec_height: int
    rec_batch: int
    pad: int


class ScanTesseractSettings(_Section):
    lang: str
    page_psm: int
    line_psm: int
    block_psm: int


class ScanPrepSettings(_Section):
    max_skew_deg: float
    skew_work_width: int
    skew_coarse_step: float
    skew_fine_step: float
    min_skew_deg: float
    rule_min_frac: float
    rule_max_thickness_frac: float
    rule_gap_frac: float
    denoise_median: int


class ScanTableSettings(_Section):
    snap_frac: float
    min_cells: int
    rule_erase_dilate_px: int
    cell_margin_frac: float
    cell_margin_min_px: float
    snap_min_px: float
    erase_reach_min_px: int
    open_end_tolerances: int
    end_group_tolerances: int
    min_interior_px: int


class ScanTextSettings(_Section):
    line_overlap: float
    word_gap_heights: float
    min_ink_area_frac: float
    min_ink_area_px: int
    reread_pad_px: int
    garbled_median_confidence: float
    min_single_char_confidence: float
    garbled_min_items: int
    fragment_inside: float
    min_piece_heights: float
    line_min_char_px: int
    line_close_height_divisor: int
    min_line_heights: float
    stacked_line_min_share: float


class ScanCheckboxSettings(_Section):
    min_side_frac: float
    max_side_frac: float
    checked_fill: float
    max_text_after: int
    max_text_glyph_cell: int
    min_boxes_choice: int
    erase_pad_px: int
    ink_before_share: float
    text_above_min_heights: float
    label_gap_px: int
    label_reach_heights: float


class ScanOrientationSettings(_Section):
    lines_tested: int
    turned_margin: float
    rule_filter_frac: float
    rule_filter_min_px: int
    rule_erase_px: int
    char_gap_frac: float
    char_gap_min_px: int
    min_aspect: int
    min_height_frac: float
    max_height_frac: float
    max_width_heights: int
    pad_height_divisor: int
    pad_min_px: int


class ScanPageBreakSettings(_Section):
    max_text_between_chars: int


class ScanUnreadSettings(_Section):
    min_ink: float
    max_ink: float


class ScanCrossCheckSettings(_Section):
    engine: str
    max_chars: int
    operator_digits: str
    sign_chars: str


class ScanSelfCheckSettings(_Section):
    enabled: bool
    max_chars: int
    min_confidence: float
    unit_min_confidence: float


class ScanInkCheckSettings(_Section):
    min_cells: int
    min_extra_chars: float
    min_ratio: float
    max_ratio: float


class ScanSettings(_Section):
    auto_engine: str
    ocr_threads: int
    rapidocr: ScanRapidocrSettings
    tesseract: ScanTesseractSettings
    prep: ScanPrepSettings
    table: ScanTableSettings
    text: ScanTextSettings
    checkbox: ScanCheckboxSettings
    cross_check: ScanCrossCheckSettings
    orientation: ScanOrientationSettings
    page_break: ScanPageBreakSettings
    unread: ScanUnreadSettings
    self_check: ScanSelfCheckSettings
    ink_check: ScanInkCheckSettings


class PdfTextCheckboxRectSettings(_Section):
    min_side: float
    max_side: float
    max_side_difference: float


class PdfTextCheckboxGlyphsSettings(_Section):
    checked: list[str]
    unchecked: list[str]


class PdfTextSettings(_Section):
    table_settings: dict[str, str | int | float]  # passed to pdfplumber as is
    grid_tolerance: float
    checkbox_rect: PdfTextCheckboxRectSettings
    line_merge_fraction: float
    space_gap_cjk: float
    space_gap_other: float
    continuation_column_tolerance: float
    checkbox_glyphs: PdfTextCheckboxGlyphsSettings
    symbol_font_checkboxes: dict[str, PdfTextCheckboxGlyphsSettings]  # font name -> its box glyphs
    tick_marks: list[str]
    page_number_line: str
    max_unmapped_fraction: float
    duplicate_char_tolerance: float
    continuation_mark_line: str


def load_settings(path: Path, model: type[_Section]) -> _Section:
    """``path`` validated by ``model``; any error names the file and the key."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from e


@cache
def scan_settings() -> ScanSettings:
    return load_settings(DATA_DIR / "scan.yaml", ScanSettings)


@cache
def pdf_text_settings() -> PdfTextSettings:
    return load_settings(DATA_DIR / "pdf_text.yaml", PdfTextSettings)

