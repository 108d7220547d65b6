"""Real OCR of a small page with each engine (slow: a few seconds each)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.errors import MissingDependencyError
from extractors.ir import CheckboxState, Table
from extractors.options import ExtractOptions
from extractors.scan import image_prep as prep
from extractors.scan import scan
from extractors.scan.ocr_engines import probe_tesseract

FIXTURE = Path(__file__).parent / "fixtures" / "scan" / "form_page.png"

pytestmark = pytest.mark.slow


def rows(doc) -> list[list[str]]:
    table = next(b for _, b in doc.blocks() if isinstance(b, Table))
    return [[c.text for c in row] for row in table.rows()]


@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_engine_reads_the_fixture_page(engine):
    doc = scan.extract(FIXTURE, ExtractOptions(ocr=engine))
    assert doc.extractor == f"scan:{engine}"
    assert doc.timings["ocr"] > 0
    got = rows(doc)
    assert got[1][3:6] == ["预算成本", "☑≤", "4865.5"]
    assert got[4][2:5] == ["受益人口", "☑≥", "16000"]
    assert got[2][2] == "☐"
    table = next(b for _, b in doc.blocks() if isinstance(b, Table))
    assert next(c for c in table.cells if c.text == "☐").checkbox == CheckboxState.UNCHECKED


def test_upside_down_page_is_turned_by_the_engine_s_reading(tmp_path):
    import cv2

    page = prep.load_image_pages(FIXTURE)[0]
    turned = tmp_path / "turned.png"
    cv2.imwrite(str(turned), prep.rotate_quarter(page, 2))
    doc = scan.extract(turned, ExtractOptions(ocr="rapidocr"))
    got = rows(doc)
    assert got[1][3:6] == ["预算成本", "☑≤", "4865.5"]
    # boxes are in the pixels of the image as given (upside down): 预算成本 is bottom right
    table = next(b for _, b in doc.blocks() if isinstance(b, Table))
    cell = next(c for c in table.cells if c.text == "预算成本")
    assert cell.bbox == pytest.approx((3508 - 1207, 2481 - 816, 3508 - 773, 2481 - 688), abs=8)


def test_missing_tesseract_language_is_a_clear_error_with_an_install_hint():
    with pytest.raises(MissingDependencyError) as err:
        probe_tesseract("chi_sim+klingon_xx")
    assert "apt-get install" in str(err.value)
    assert probe_tesseract("chi_sim+eng")  # the version, when all is there
