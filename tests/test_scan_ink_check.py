"""A scanned cell whose ink holds more characters than OCR read (extractors/scan/scan.py ink_check):
the cell carries an ink_unread note, which becomes an anomaly and row-plausibility evidence. Ink
widths are given in line heights, as cell_ink_ems measures them; no OCR runs here."""
from __future__ import annotations

import numpy as np

from extractors.scan import scan
from normalizers import plausibility
from normalizers.records import Anomaly, IndicatorRecord

CFG = {"min_cells": 5, "min_extra": 0.8, "min_ratio": 1.15, "max_ratio": 3.0}

# a table whose CJK cells take 1.09 line heights per character (font and spacing)
TABLE = [("产出指标", 4.4), ("数量指标", 4.35), ("质量指标", 4.4), ("满意度", 3.3), ("效益指标", 4.36),
         ("≥95%", 3.2), ("按比例扣分", 5.4)]


def test_traditional_character_dropped_by_ocr_is_noted():
    # damage_traditional.scan_pdf: 明顯提升 read as '明提升' went out unflagged
    lost = scan.lost_characters(TABLE + [("明提升", 4.4)], **CFG)
    assert lost[:-1] == [0.0] * len(TABLE)
    assert 0.9 < lost[-1] < 1.2


def test_cells_read_whole_or_holding_digits_are_not_measured():
    lost = scan.lost_characters(TABLE + [("≥9%", 6.0), ("明显提升", 4.5)], **CFG)
    assert lost == [0.0] * (len(TABLE) + 2)


def test_a_cell_whose_text_stands_elsewhere_is_left_alone():
    # a merged header cell with the ink of several lines and a four-character text
    assert scan.lost_characters(TABLE + [("三级指标", 40.0)], **CFG)[-1] == 0.0


def test_too_few_cells_give_no_measure():
    assert scan.lost_characters([("明提升", 4.4), ("产出指标", 4.4)], **CFG) == [0.0, 0.0]


def test_ink_width_is_measured_in_line_heights():
    ink = np.zeros((60, 400), np.uint8)
    for k in range(4):  # four 20 px squares, 2 px apart: about four characters of one line
        ink[20:40, 100 + 22 * k:120 + 22 * k] = 255
    ems = scan.cell_ink_ems(ink, (0, 0, 399, 59), 2.0, 4)
    assert ems is not None and 4.0 < ems < 4.5


def test_row_with_unread_ink_is_flagged_by_itself():
    rec = IndicatorRecord(source_file="s.png", form_id="f", form_index=0, seq=1, level1="效益指标",
                          level2="社会效益指标", level3="服务水平", operator="定性", value="明提升",
                          explanation=None, scoring_rule=None, confidence=1.0)
    note = Anomaly(source_file="s.png", form_id="f", form_index=0, seq=1, field="value", code="ink_unread",
                   severity="info", message="the cell holds ink for about 4 characters, OCR read 3")
    (ev,) = plausibility.assess_form([rec], set(), unread=plausibility.unread_cells([note]))
    assert ev.features["ink_unread"] == 1.0 and ev.doubtful
    (clean,) = plausibility.assess_form([rec], set())
    assert not clean.doubtful
