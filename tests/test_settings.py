"""The extractors' YAML settings load into typed models: a misspelt or mistyped key fails at load."""
from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from extractors import DATA_DIR
from extractors.settings import PdfTextSettings, ScanSettings, as_mapping, pdf_text_settings, scan_settings


def test_settings_are_the_files_values_unchanged():
    assert as_mapping(scan_settings()) == yaml.safe_load((DATA_DIR / "scan.yaml").read_text(encoding="utf-8"))
    assert as_mapping(pdf_text_settings()) == yaml.safe_load((DATA_DIR / "pdf_text.yaml").read_text(encoding="utf-8"))


def test_rapidocr_detection_size_comes_from_the_data_file():
    # the engine's code once defaulted to 2000 while scan.yaml said 1600; the file decides
    assert scan_settings().rapidocr.det_max_side == 1600


def test_misspelt_key_fails_at_load():
    raw = as_mapping(scan_settings())
    raw["rapidocr"]["det_max_sde"] = raw["rapidocr"].pop("det_max_side")
    with pytest.raises(ValidationError, match="det_max_sde"):
        ScanSettings.model_validate(raw)


def test_wrong_type_fails_at_load():
    raw = as_mapping(pdf_text_settings())
    raw["grid_tolerance"] = "two"
    with pytest.raises(ValidationError, match="grid_tolerance"):
        PdfTextSettings.model_validate(raw)
