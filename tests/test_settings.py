"""The extractors' YAML settings load into typed models: a misspelt or mistyped key fails at load."""
from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from extractors import DATA_DIR
from extractors.scan import ocr_engines, scan
from extractors.settings import PdfTextSettings, ScanSettings, load_settings, pdf_text_settings, scan_settings


def test_settings_are_the_files_values_unchanged():
    assert scan_settings().model_dump() == yaml.safe_load((DATA_DIR / "scan.yaml").read_text(encoding="utf-8"))
    assert pdf_text_settings().model_dump() == yaml.safe_load((DATA_DIR / "pdf_text.yaml").read_text(encoding="utf-8"))


def test_rapidocr_detection_size_comes_from_the_data_file():
    # the engine's code once defaulted to 2000 while scan.yaml said 1600; the file decides
    assert scan_settings().rapidocr.det_max_side == 1600


def test_misspelt_key_fails_at_load():
    raw = scan_settings().model_dump()
    raw["rapidocr"]["det_max_sde"] = raw["rapidocr"].pop("det_max_side")
    with pytest.raises(ValidationError, match="det_max_sde"):
        ScanSettings.model_validate(raw)


def test_wrong_type_fails_at_load():
    raw = pdf_text_settings().model_dump()
    raw["grid_tolerance"] = "two"
    with pytest.raises(ValidationError, match="grid_tolerance"):
        PdfTextSettings.model_validate(raw)


def test_misspelt_key_in_the_file_fails_at_load_naming_file_and_key(tmp_path):
    text = (DATA_DIR / "scan.yaml").read_text(encoding="utf-8").replace("checked_fill:", "checked_fil:")
    path = tmp_path / "scan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="checked_fil") as caught:
        load_settings(path, ScanSettings)
    assert str(path) in str(caught.value) and "checked_fill" in str(caught.value)


def test_ocr_engines_have_no_code_defaults_that_could_shadow_scan_yaml():
    import inspect

    for engine in (ocr_engines.RapidOcrEngine, ocr_engines.TesseractEngine):
        params = inspect.signature(engine.__init__).parameters.values()
        assert [p.name for p in params if p.default is not inspect.Parameter.empty] == []


def test_engine_for_passes_every_rapidocr_and_tesseract_setting(monkeypatch):
    seen = {}
    monkeypatch.setattr(scan, "get_engine", lambda name, **kw: seen.setdefault(name, kw))
    cfg = scan_settings()
    scan.engine_for(scan.ExtractOptions(ocr="rapidocr"))
    scan.engine_for(scan.ExtractOptions(ocr="tesseract"))
    assert seen["rapidocr"] == {"threads": cfg.ocr_threads, **cfg.rapidocr.model_dump()}
    assert seen["tesseract"] == {"threads": cfg.ocr_threads, **cfg.tesseract.model_dump()}
