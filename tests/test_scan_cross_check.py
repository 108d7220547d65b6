"""The second OCR engine's reading of short cells with digits and of doubtful cells
(extractors/scan/scan.py cross_check): where it does not hold the first reading's numbers the cell
carries an engines_disagree note, which becomes an ocr_disagreement anomaly and evidence of the row's
plausibility; where both engines read a doubtful cell alike, the cell is confirmed. Tests are named
after the damage they cover; the engines are stand-ins, so no OCR runs here."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def cells(texts: list[str], conf: float = 0.99) -> tuple[list[list[CellRead]], np.ndarray, np.ndarray]:
    """One table row of cells 100 px wide, each with a blot of ink in it."""
    image = np.full((60, 100 * len(texts)), 255, np.uint8)
    ink = np.zeros_like(image)
    reads = []
    for i, t in enumerate(texts):
        image[20:40, 100 * i + 20:100 * i + 80] = 0
        ink[20:40, 100 * i + 20:100 * i + 80] = 255
        reads.append(CellRead(grid=GridCell(0, i, 1, 1, (100 * i, 0, 100 * i + 99, 59)),
                                   items=[OcrItem(t, conf, (100 * i + 20, 20, 100 * i + 80, 40))]))
    return [reads], image, ink


def check(texts: list[str], answers: list[str], conf: float = 0.99) -> tuple[list[CellRead], SecondEngine]:
    reads, image, ink = cells(texts, conf)
    second = SecondEngine(answers)
    scan.cross_check_cells(second, reads, image, ink, 2.0, 4, 4, 1, 0, 16, 0.80)
    return reads[0], second


def built(reads: list[CellRead]):
    table, _ = scan.build_table(reads, 1, np.array([[1.0, 0, 0], [0, 1.0, 0]]), scan.settings(), None)
    return table.cells


def test_digit_misread_by_one_engine_is_noted_on_the_cell():
    (value,), _ = check(["25600株"], [">5600株"])  # the page engine read '≥' as '2'
    assert value.other_engine == (">5600株", 0.9)
    (cell,) = built([value])
    assert [r.kind for r in cell.repairs] == ["engines_disagree"]
    assert "'>5600株'" in cell.repairs[0].message


@pytest.mark.parametrize(("first", "second"), [
    ("≥14100人", "2 14100A"),  # the second engine reads the sign as a digit: same number
    ("≥90%", "290%"),
    ("2024年12月", "2024年12月"),
    ("95%", "%"),  # the second engine read no number: no evidence
])
def test_readings_that_agree_on_the_numbers_are_not_noted(first, second):
    (cell,), _ = check([first], [second])
    assert "engines_disagree" not in [r.kind for r in built([cell])[0].repairs]


def test_only_short_cells_with_digits_and_doubtful_cells_are_read_again():
    row, second = check(["培训人次", "≥1800", "按实际完成数/1800*指标分值计算，达到指标得满分"], ["≥1800"])
    assert second.asked == 1 and [c.other_engine for c in row] == [None, ("≥1800", 0.9), None]
    row, second = check(["培训人次", "按实际完成数计算，达到指标得满分"], ["培训人次", "按实际完成数计算"], conf=0.6)
    assert second.asked == 2


def test_doubtful_cell_both_engines_read_alike_is_confirmed():
    # Regression: a cell the page engine read right but with confidence 0.54 ('清淤疏浚工程单位长度
    # 成本') flagged its right row low_confidence, though Tesseract read the same text
    (cell,), _ = check(["清淤疏浚工程单位长度成本"], ["清淤疏浚工程单位长度成本"], conf=0.54)
    (out,) = built([cell])
    assert out.text == "清淤疏浚工程单位长度成本" and out.confidence == pytest.approx(1 - 0.46 * 0.1)
    assert out.confidence >= ExtractOptions().low_confidence


def test_doubtful_cell_the_engines_read_differently_stays_doubtful():
    # a look-alike one engine misreads (養 as 飬) is not confirmed by the other's different reading
    (cell,), _ = check(["開展社區飬老服務"], ["开展社区养老服务"], conf=0.46)
    (out,) = built([cell])
    assert out.confidence == 0.46 and out.repairs == []


@pytest.mark.parametrize(("first", "second", "agree", "sign_seen"), [
    ("≥98.5%", "298.5%", True, False),  # the sign read as a digit by the second engine
    ("≥98.5%", "98.5%", True, False),  # ... or lost
    ("≥25座", ">z25座", True, True),  # ... or read as another glyph of the sign, its bar as a letter
    ("≥680万平方米", ">680万平方米", True, True),
    ("≥3200人次", "z3200人次", True, True),  # Tesseract's reading of a '≥' it does not know
    ("≥98.5%", "≥98.5％", True, True),  # full-width forms
    ("项目 完成率", "项目完成率", True, False),
    ("≥98.5%", "≥96.5%", False, False),
    ("98.5%", "298.5%", False, False),  # no sign in the first: the 2 is a digit
    ("≥25座", "abc25座", False, False),  # more than a sign's worth of glyphs before the number
    ("峻工验收", "竣工验收", False, False),
    ("", "", False, False),
])
def test_compare_readings(first, second, agree, sign_seen):
    assert scan.compare_readings(first, second, "2", scan.settings().cross_check.sign_chars) == (agree, sign_seen)


def test_sign_read_by_the_strokes_and_seen_by_the_second_engine_is_routine():
    # Regression: '2680万平方米' (≥ read as 2 by the page engine, 0.44) repaired from the strokes to
    # '≥680万平方米' stayed an operator_misread warning and a doubtful cell, though Tesseract read
    # '>680万平方米': a sign before the same number
    reads, image, ink = cells(["2680万平方米"], conf=0.44)
    reads[0][0].lead_glyph = ("≥", 0.8)
    scan.cross_check_cells(SecondEngine([">680万平方米"]), reads, image, ink, 2.0, 4, 4, 1, 0, 16, 0.80)
    (out,) = built(reads[0])
    assert out.text == "≥680万平方米" and [r.kind for r in out.repairs] == ["operator"]
    assert out.confidence == pytest.approx(1 - 0.56 * 0.1)


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
    # with a cell read less surely it does (doubt starts under ocr_doubt_from, 0.90)
    weak = rec.model_copy(update={"confidence": 0.84})
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


@pytest.mark.parametrize(("first", "second"), [
    ("25600套", "256008"),  # 套 read as 8
    ("245公里", "24528"),  # 公里 read as 28
    ("≥720元", "272070"),  # the sign as 2 and 元 as 70
])
def test_unit_read_as_digits_by_the_second_engine_is_no_disagreement(first, second):
    # Regression: Tesseract read the unit after a number as digits ('256008' for '25600套') and the
    # right row was flagged: the two OCR engines read the value differently
    assert not scan.numbers_disagree(first, second, "2")


@pytest.mark.parametrize(("first", "second"), [
    ("25600套", "25800套"),
    ("95%", "958"),  # a % is no unit read as digits: '958' holds no 95 on its own
    ("30", "0"),
    ("12.5万元", "125万元"),
    ("1套", "18套"),  # the second engine reads the unit too: its 8 is a digit the first lost
])
def test_numbers_the_second_engine_reads_otherwise_disagree(first, second):
    assert scan.numbers_disagree(first, second, "2")


@given(st.text(max_size=12), st.text(max_size=12))
def test_comparing_readings_never_raises(first, second):
    result = scan.compare_readings(first, second, "2", scan.settings().cross_check.sign_chars)
    assert result.agree in (True, False) and result.sign_seen in (True, False)
    assert scan.numbers_disagree(first, second, "2") in (True, False)
    if result.sign_seen:
        assert result.agree  # a sign is only seen before the same number


def wrapped_cell(lines: list[str], conf: float) -> tuple[list[list[CellRead]], np.ndarray, np.ndarray]:
    """One cell 300 px wide holding a line of character blots per text line, stacked."""
    image = np.full((40 + 40 * len(lines), 300), 255, np.uint8)
    ink = np.zeros_like(image)
    items = []
    for k, t in enumerate(lines):
        y = 20 + 40 * k
        for x in range(20, 280, 26):
            image[y:y + 20, x:x + 20] = 0
            ink[y:y + 20, x:x + 20] = 255
        items.append(OcrItem(t, conf, (20, y, 280, y + 20)))
    return [[CellRead(grid=GridCell(0, 0, 1, 1, (0, 0, 299, image.shape[0] - 1)), items=items)]], image, ink


def test_doubtful_cell_of_two_lines_is_read_line_by_line_and_confirmed_where_alike():
    # Regression (family seeds 171 and 181, noisy scans): a wrapped explanation read right with
    # confidence 0.45 (工程竣工验收…) flagged its right row; the second engine read only cells of one line.
    reads, image, ink = wrapped_cell(["工程竣工验收质量合格的比例，", "按照相关政策文件要求执行"], 0.45)
    second = SecondEngine(["工程竣工验收质量合格的比例,", "按照相关政策文件要求执行"])
    scan.cross_check_cells(second, reads, image, ink, 2.0, 4, 4, 1, 0, 16, 0.80)
    assert second.asked == 2
    (out,) = built(reads[0])
    assert out.confidence == pytest.approx(1 - 0.55 * 0.1) and out.repairs == []


def test_doubtful_cell_of_two_lines_read_otherwise_stays_doubtful_without_a_number_dispute():
    reads, image, ink = wrapped_cell(["按期完成得满分，未完成按", "比例扣分，扣完60%为止"], 0.5)
    second = SecondEngine(["按期完成得满分，未完成按", "比例扣分，扣完6O为止"])
    scan.cross_check_cells(second, reads, image, ink, 2.0, 4, 4, 1, 0, 16, 0.80)
    (out,) = built(reads[0])
    assert out.confidence == 0.5 and out.repairs == []
