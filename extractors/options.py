"""Options every extractor accepts (same signature for all formats)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .limits import InputLimits, default_limits


class ExtractOptions(BaseModel):
    ocr: Literal["auto", "rapidocr", "tesseract"] = "auto"
    dpi: int = 300  # rasterisation resolution for image-only PDF pages
    low_confidence: float = 0.80  # cells read with less confidence than this are flagged
    limits: InputLimits = Field(default_factory=default_limits)  # what one input may demand (limits.yaml)
    row_plausibility: bool = True  # per-row evidence sets indicators.confidence (normalizers/plausibility.py)
    ocr_cross_check: bool = True  # scans: short cells with digits and doubtful one-line cells are read again by the other engine (scan.yaml)
