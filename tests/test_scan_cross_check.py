"""The second OCR engine's reading of short cells with digits (extractors/scan/scan.py cross_check):
where it does not hold the first reading's numbers the cell carries an engines_disagree note, which
becomes an ocr_disagreement anomaly and evidence of the row's plausibility. Tests are named after the
damage they cover; the engines are stand-ins, so no OCR runs here."""
from __future__ import annotations

import numpy as np
import pytest

from extractors.grid import GridCell
from extractors.options import ExtractOptions
from extractors.scan import scan
from extractors.scan.cells import CellRead
from extractors.scan.ocr_engines import OcrItem, RecordedEngine
from normalizers import plausibility
from normalizers.records import Anomaly, IndicatorRecord


class SecondEngine:
    """Answers each crop with the next of the given readings."""

    name = "tesseract"
    seconds = 0.0

    def __init__(self, answers: list[str]):
        self.answers = list(answers)
        self.asked = 0

    def read_lines(self, crops, keys=None):
        self.asked += len(crops)
        return [(self.answers.pop(0), 0.9) for _ in crops]


def cells(texts: list[str]) -> tuple[list[list[CellRead]], np.ndarray, np.ndarray]:
    """One table row of cells 100 px wide, each with a blot of ink in it."""
    image = np.full((60, 100 * len(texts)), 255, np.uint8)
    ink = np.zeros_like(image)
    reads = []
    for i, t in enumerate(texts):
        image[20:40, 100 * i + 20:100 * i + 80] = 0
        ink[20:40, 100 * i + 20:100 * i + 80] = 255
        reads.append(CellRead(grid=GridCell(0, i, 1, 1, (100 * i, 0, 100 * i + 99, 59)),
                                   items=[OcrItem(t, 0.99, (100 * i + 20, 20, 100 * i + 80, 40))]))
    return [reads], image, ink


def check(texts: list[str], answers: list[str]) -> tuple[list[CellRead], SecondEngine]:
    reads, image, ink = cells(texts)
    second = SecondEngine(answers)
    scan.cross_check_cells(second, reads, image, ink, 2.0, 4, 4, 1, 0, 16, "2")
    return reads[0], second


def test_digit_misread_by_one_engine_is_noted_on_the_cell():
    (value,), _ = check(["25600株"], [">5600株"])  # the page engine read '≥' as '2'
    assert value.other_engine == (">5600株", 0.9)


@pytest.mark.parametrize(("first", "second"), [
    ("≥14100人", "2 14100A"),  # the second engine reads the sign as a digit: same number
    ("≥90%", "290%"),
    ("2024年12月", "2024年12月"),
    ("95%", "%"),  # the second engine read no number: no evidence
])
def test_readings_that_agree_on_the_numbers_are_not_noted(first, second):
    (cell,), _ = check([first], [second])
    assert cell.other_engine is None


def test_only_short_cells_with_digits_are_read_again():
    row, second = check(["培训人次", "≥1800", "按实际完成数/1800*指标分值计算，达到指标得满分"], ["≥1800"])
    assert second.asked == 1 and [c.other_engine for c in row] == [None, None, None]


def test_a_recorded_or_same_engine_gets_no_second_reading():
    options = ExtractOptions()
    assert scan.cross_engine_for(options, RecordedEngine({"name": "rapidocr", "reads": []})) is None
    assert scan.cross_engine_for(options, SecondEngine([])) is None  # already tesseract
    assert scan.cross_engine_for(ExtractOptions(ocr_cross_check=False), RecordedEngine({"name": "x"})) is None


def test_engines_disagreeing_on_a_value_is_evidence_that_needs_support():
    rec = IndicatorRecord(form_id="f", source_file="s.png", form_index=0, seq=1, level1="产出指标", level2="数量指标",
                          level3="植树数量", operator="=", value="5600", value_num=5600.0, unit="株")
    note = Anomaly(source_file="s.png", seq=1, field="value", code="ocr_disagreement", severity="info")
    alone = plausibility.assess_form([rec], set(), disputed=plausibility.disputed_cells([note]))[0]
    assert alone.features["engines_disagree"] == 1.0
    assert "the two OCR engines read the value differently" in alone.reasons
    assert not alone.doubtful  # alone it does not flag (Tesseract disagrees on some right cells)
    weak = rec.model_copy(update={"confidence": 0.88})  # with a cell read less surely it does
    both = plausibility.assess_form([weak], set(), disputed=plausibility.disputed_cells([note]))[0]
    assert both.doubtful
    assert not plausibility.assess_form([weak], set())[0].doubtful


def test_damaged_scan_generator_damages_drawn_cells_and_keeps_the_source_truth():
    import random as _random

    from layouts.damage_scans import damage_doc
    from layouts.docs import all_docs

    doc = next(d for d in all_docs() if "scan" in d.kinds)
    damaged, log = damage_doc(doc, _random.Random(0), 3)
    assert len(log) == 3 * len(doc.forms)  # three damaged rows per form
    changed = [(fi, ri) for fi, (a, b) in enumerate(zip(doc.forms, damaged.forms))
               for ri, (ra, rb) in enumerate(zip(a.grid, b.grid)) if [c.text for c in ra] != [c.text for c in rb]]
    assert sorted(changed) == sorted((e["form_index"], e["grid_row"]) for e in log)
    assert damaged.gt("x") == doc.gt("x")  # the truth is the source's
    assert {e["kind"] for e in log} <= {"confusable", "digit_changed", "operator_lost"}


def test_disagreement_is_judged_on_the_repaired_text():
    # Regression: the page's '224公里' (≥ read as 2) was repaired to '≥24公里', yet the second
    # engine's 'z24公里' was still reported as a disagreement with '224' and the right row flagged.
    assert scan.numbers_disagree("224公里", "z24公里", "2")
    assert not scan.numbers_disagree("≥24公里", "z24公里", "2")
    assert scan.numbers_disagree("≥24公里", "≥34公里", "2")
