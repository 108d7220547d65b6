"""The scan extractor end to end on a fixture page, with recorded OCR output replayed.

The fixture is part of a dev-corpus scan (dev_012 page 1, its header and first rows) on a blank
300-dpi A4 canvas; the engines' answers were recorded by tests/fixtures/scan/record_ocr.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractors.ir import CheckboxState, Table
from extractors.options import ExtractOptions
from extractors.scan import scan
from extractors.scan.ocr_engines import CropKey, RecordedEngine, RecordingEngine, ReplayMissError

FIXTURE = Path(__file__).parent / "fixtures" / "scan" / "form_page.png"


def extract_replayed(engine: str):
    recorded = RecordedEngine.load(FIXTURE.with_suffix(f".{engine}.json"))
    return scan.extract(FIXTURE, ExtractOptions(ocr=engine), engine=recorded)


def only_table(doc) -> Table:
    tables = [b for _, b in doc.blocks() if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def row_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows()]


@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_replayed_page_gives_the_table_with_spans_checkboxes_and_operators(engine):
    doc = extract_replayed(engine)
    assert doc.extractor == f"scan:{engine}"
    page = doc.pages[0]
    assert (page.unit, page.width, page.height, page.extractor) == ("px", 3508.0, 2481.0, f"scan:{engine}")
    table = only_table(doc)
    rows = row_texts(table)
    assert rows[0] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标类型", "指标值", "计量单位", "指标解释"]
    assert rows[1][3:7] == ["预算成本", "☑≤", "4865.5", "万元"]
    assert rows[2][:2] == ["社会成本指标", ""] and rows[2][2] == "☐"
    assert rows[4][2:5] == ["受益人口", "☑≥", "16000"]
    assert rows[5][:3] == ["采购设备数量", "☑≥", "59"]
    grid = table.grid()
    assert grid[1][1] is grid[3][1] and grid[1][1].text == "成本指标"  # 成本指标 spans three rows
    assert grid[4][2] is grid[5][2] and grid[4][2].text == "数量指标"
    boxes = {(c.row, c.col): c.checkbox for c in table.cells}
    assert boxes[(1, 4)] == CheckboxState.CHECKED
    assert boxes[(2, 4)] == CheckboxState.UNCHECKED
    assert boxes[(1, 5)] == CheckboxState.NONE


def test_cells_carry_page_bbox_in_image_pixels_and_confidence():
    table = only_table(extract_replayed("rapidocr"))
    cell = next(c for c in table.cells if c.text == "预算成本")
    # the fixture holds the dev_012 cell 预算成本 at about x 773..1207, y 688..816
    assert cell.page == 1
    assert cell.bbox == pytest.approx((773, 688, 1207, 816), abs=6)
    assert all(0.0 <= c.confidence <= 1.0 for c in table.cells)
    assert all(0 <= c.bbox[0] < c.bbox[2] <= 3508 and 0 <= c.bbox[1] < c.bbox[3] <= 2481 for c in table.cells)


def test_operator_read_from_strokes_is_logged_as_a_repair():
    table = only_table(extract_replayed("rapidocr"))
    cell = next(c for c in table.cells if c.row == 4 and c.text.endswith("≥"))
    assert cell.repairs and cell.repairs[0].kind == "operator"
    assert cell.repairs[0].fixed == "≥" and cell.repairs[0].raw != "≥"


def test_timings_split_ocr_and_own_time():
    doc = extract_replayed("rapidocr")
    assert set(doc.timings) == {"ocr", "layout"}
    assert doc.timings["ocr"] == 0.0  # replayed: no time inside an engine
    assert doc.timings["layout"] > 0.0


def test_pdf_pages_hook_reads_rasterized_pages(tmp_path):
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.open(FIXTURE).convert("L").save(pdf, resolution=300.0)
    recorded = RecordedEngine.load(FIXTURE.with_suffix(".rapidocr.json"))
    pages = scan.extract_pdf_pages(pdf, [1], ExtractOptions(dpi=300), engine=recorded)
    assert [p.number for p in pages] == [1]
    assert pages[0].unit == "px" and pages[0].extractor == "scan:rapidocr"
    assert pages[0].width == pytest.approx(3508, abs=2)
    assert any(isinstance(b, Table) for b in pages[0].blocks)


def test_pdf_page_that_does_not_exist_is_an_error(tmp_path):
    from PIL import Image

    from extractors.errors import UnreadableFileError

    pdf = tmp_path / "one.pdf"
    Image.new("L", (100, 100), 255).save(pdf)
    with pytest.raises(UnreadableFileError):
        scan.extract_pdf_pages(pdf, [3], ExtractOptions(), engine=RecordedEngine({"name": "x", "reads": []}))


def test_blank_back_page_gives_no_warning_but_unreadable_ink_does(tmp_path):
    import cv2
    import numpy as np
    from PIL import Image

    blank = np.full((1240, 1754), 255, np.uint8)
    smudged = blank.copy()
    cv2.circle(smudged, (800, 600), 150, 0, -1)  # ink that no engine reads as text
    path = tmp_path / "two.tif"
    Image.fromarray(blank).save(path, save_all=True, append_images=[Image.fromarray(smudged)])
    # both pages read as nothing: the first has no ink, the second only a blot
    nothing = [{"key": {"page": n, "kind": "page", "box": [0, 0, 1754, 1240]}, "items": []} for n in (1, 2)]
    doc = scan.extract(path, ExtractOptions(), engine=RecordedEngine({"name": "rapidocr", "reads": nothing}))
    assert [p.number for p in doc.pages] == [1, 2]
    assert [(n.code, n.page) for n in doc.notes] == [("low_confidence", 2)]


def one_read_recording(box=(100, 200, 300, 260)) -> dict:
    key = CropKey(page=1, kind="reread", box=box)
    return {"name": "rapidocr", "reads": [{"key": key.to_json(), "line": ["≥95%", 0.9]}]}


def test_replay_matches_a_crop_whose_box_moved_by_a_pixel_or_two():
    recorded = RecordedEngine(one_read_recording())
    crop = np.zeros((60, 200), np.uint8)  # pixels play no part in the lookup
    assert recorded.read_lines([crop], [CropKey(1, "reread", (102, 199, 301, 258))]) == [("≥95%", 0.9)]


def test_replay_miss_raises_naming_page_and_box_instead_of_answering_nothing():
    recorded = RecordedEngine(one_read_recording())
    crop = np.zeros((60, 200), np.uint8)
    with pytest.raises(ReplayMissError, match=r"page 1 reread crop at box \[100, 200, 330, 260\]"):
        recorded.read_lines([crop], [CropKey(1, "reread", (100, 200, 330, 260))])
    with pytest.raises(ReplayMissError, match="page 2"):
        recorded.read_lines([crop], [CropKey(2, "reread", (100, 200, 300, 260))])
    with pytest.raises(ReplayMissError, match="label"):
        recorded.read_lines([crop], [CropKey(1, "label", (100, 200, 300, 260))])


def test_stale_fixture_names_the_fixture_file(tmp_path):
    stale = tmp_path / "stale.rapidocr.json"
    stale.write_text(json.dumps({"name": "rapidocr", "reads": []}), encoding="utf-8")
    with pytest.raises(ReplayMissError, match="stale.rapidocr.json: recorded rapidocr engine has no answer for page 1"):
        scan.extract(FIXTURE, ExtractOptions(ocr="rapidocr"), engine=RecordedEngine.load(stale))


class ScriptedEngine:
    """Answers every crop with its size, to check what a recording keeps."""

    name = "scripted"
    seconds = 0.0
    reads_cells = True

    def read_page(self, image, cut=None, key=None):
        return []

    def read_lines(self, crops, keys=None):
        return [(f"{c.shape[1]}x{c.shape[0]}", 0.5) for c in crops]

    def read_blocks(self, crops, keys=None):
        from extractors.scan.ocr_engines import OcrItem

        return [[OcrItem(text=f"{c.shape[1]}x{c.shape[0]}", confidence=0.5, bbox=(0, 0, 1, 1))] for c in crops]


def test_recording_round_trips_through_replay_by_key():
    recording = RecordingEngine(ScriptedEngine())
    crops = [np.zeros((10, 20), np.uint8), np.zeros((30, 40), np.uint8)]
    keys = [CropKey(1, "cell", (0, 0, 20, 10)), CropKey(1, "line", (500, 500, 540, 530), turn=2)]
    live = recording.read_blocks(crops, keys)
    replay = RecordedEngine(json.loads(json.dumps(recording.recording())))
    assert replay.reads_cells is True and replay.name == "scripted"
    assert replay.read_blocks(crops[::-1], keys[::-1]) == live[::-1]  # order does not matter, keys do
    with pytest.raises(ReplayMissError, match="turned 2"):
        replay.read_blocks(crops[:1], [CropKey(1, "line", (0, 0, 20, 10), turn=2)])
