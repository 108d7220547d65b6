"""OCR repairs that the form's structure makes evident (extractors/scan/ocr_repair.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.ir import Cell, Table
from extractors.scan import ocr_repair as r


def test_operator_cell_confusions_become_operators():
    assert r.repair_operator_cell("☑V")[0] == "☑≥"
    assert r.repair_operator_cell("》")[0] == "≥"
    assert r.repair_operator_cell("2")[0] == "≥"
    assert r.repair_operator_cell("八")[0] == "≤"
    assert r.repair_operator_cell("☑二")[0] == "☑="
    fixed, repairs = r.repair_operator_cell("☐定往")
    assert fixed == "☐定性"
    assert repairs[0].kind == "operator" and repairs[0].raw == "☐定往" and repairs[0].fixed == "☐定性"


def test_an_angle_read_without_its_bar_is_a_sign_to_check():
    # 'V' / 'Λ' show the angle but not whether a bar lies under it: where the strokes could not
    # read the sign, ≥ or ≤ is a guess (on the family scans both such readings were > and <)
    for reading, op in (("☑V", "☑≥"), ("Λ", "≤"), ("日V", "≥")):
        fixed, repairs = r.repair_operator_cell(reading)
        assert fixed == op and [x.kind for x in repairs] == ["operator_guess"], reading
    # a reading that shows the bar is a routine repair
    assert [x.kind for x in r.repair_operator_cell("》=")[1]] == ["operator"]


def test_valid_or_unknown_operator_cells_are_left_alone():
    assert r.repair_operator_cell("☑≤") == ("☑≤", [])
    assert r.repair_operator_cell("定性") == ("定性", [])
    assert r.repair_operator_cell("见附件") == ("见附件", [])


def test_value_cell_digits_repaired_only_inside_a_number():
    assert r.repair_value_cell("1O0")[0] == "100"
    assert r.repair_value_cell("≥9S%")[0] == "≥95%"
    assert r.repair_value_cell("2O.5万元")[0] == "20.5万元"
    assert r.repair_value_cell("有所提升") == ("有所提升", [])
    assert r.repair_value_cell("Ok") == ("Ok", [])  # no digit: not a number


def test_two_at_the_start_of_a_value_is_a_digit():
    # ≥ is often read as 2, but in a value cell a leading 2 is kept: 214100 might be 214100.
    assert r.repair_value_cell("214100") == ("214100", [])


def test_value_prefix_mark_before_a_number_becomes_operator():
    fixed, repairs = r.repair_value_cell("》90%")
    assert fixed == "≥90%"
    assert repairs[0].kind == "operator"
    assert r.repair_value_cell("《 15天")[0] == "≤15天"


def test_unit_cell_misreadings():
    assert r.repair_unit_cell("96") == ("%", [r.repair_unit_cell("96")[1][0]])
    assert r.repair_unit_cell("96")[1][0].raw == "96"
    assert r.repair_unit_cell("万元") == ("万元", [])


def test_dates_and_phone_numbers_in_footer_lines():
    fixed, repairs = r.repair_free_line("填报日期：2022年l2月2O日")
    assert fixed == "填报日期：2022年12月20日"
    assert [x.kind for x in repairs] == ["date"]
    assert r.repair_free_line("联系电话：1910443S247")[0] == "联系电话：19104435247"
    # Outside a date or a phone line nothing changes.
    assert r.repair_free_line("单位负责人签字：黄洋凯") == ("单位负责人签字：黄洋凯", [])


def table(rows: list[list[str]]) -> Table:
    cells = [Cell(text=t, row=i, col=j) for i, row in enumerate(rows) for j, t in enumerate(row)]
    return Table(cells=cells, n_rows=len(rows), n_cols=len(rows[0]))


def test_table_repairs_follow_the_header_row_roles():
    t = table([["三级指标", "指标类型", "指标值", "计量单位"], ["受益人口", "☑V", "1600O", "96"], ["2号楼", "☑=", "59", "台"]])
    fixed, roles = r.repair_table(t)
    assert roles == {1: "operator", 2: "value", 3: "unit"}
    texts = [[c.text for c in row] for row in fixed.rows()]
    assert texts[1] == ["受益人口", "☑≥", "16000", "%"]
    assert texts[2][0] == "2号楼"  # other columns are not touched
    repaired = [c for c in fixed.cells if c.repairs]
    assert {c.repairs[0].kind for c in repaired} == {"operator_guess", "digit", "unit"}  # V: ≥ or >


def test_multiplication_sign_read_as_a_letter_in_a_scoring_rule_is_repaired():
    # Regression (family seed 181, scan_png): '完成值/4300×指标分值' read '4300x指标分值', unflagged.
    t = table([["三级指标", "指标类型", "指标值", "计量单位", "评分规则"],
               ["受益人口", "≥", "4300", "人", "未达到4300按实际完成值/4300x指标分值计算"],
               ["X射线设备", "≥", "2", "台", "（1-60%）X 指标分值；规格3x5米"]])
    fixed, _ = r.repair_table(t)
    rows = [[c.text for c in row] for row in fixed.rows()]
    assert rows[1][4] == "未达到4300按实际完成值/4300×指标分值计算"
    assert rows[2][0] == "X射线设备"  # no number before the letter
    assert rows[2][4] == "（1-60%）×指标分值；规格3x5米"  # a number after the letter: a size, kept
    assert [rep.kind for rep in fixed.rows()[1][4].repairs] == ["glyph"]


def test_continuation_table_without_header_inherits_roles():
    t = table([["档案资料完整率", "V", "10O", "%"]])
    fixed, _ = r.repair_table(t, {1: "operator", 2: "value", 3: "unit"})
    assert [c.text for c in fixed.rows()[0]] == ["档案资料完整率", "≥", "100", "%"]


def test_vocabulary_readings_get_their_confidence_raised():
    t = table([["指标类型", "计量单位"], ["≥", "%"]])
    t.cells[2].confidence = 0.6
    t.cells[3].confidence = 0.55
    fixed, _ = r.repair_table(t)
    assert [c.confidence for c in fixed.rows()[1]] == [0.9, 0.9]


def test_header_labels_with_a_misread_mark_are_restored_in_order():
    t = table([["绩效指标", "-级指标", "-级指标", ":级指标", "指标类型", "指标值"]])
    fixed, _ = r.repair_table(t)
    assert [c.text for c in fixed.rows()[0]] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标类型", "指标值"]
    assert fixed.rows()[0][1].repairs[0].kind == "label"


PIECES = list("0123456789OolISsBZ.,%≥≤<>=》《☑☐ 定性万元人次年月日-:：V八二三") + ["联系电话：", "填报日期："]
texts = st.lists(st.sampled_from(PIECES), max_size=20).map("".join) | st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_repair_functions_return_strings_and_never_raise(text):
    for fn in (r.repair_operator_cell, r.repair_value_cell, r.repair_unit_cell, r.repair_free_line):
        fixed, repairs = fn(text)
        assert isinstance(fixed, str)
        for rep in repairs:
            assert rep.raw != rep.fixed
    assert isinstance(r.repair_number_run(text), str)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(texts, min_size=4, max_size=4), min_size=1, max_size=4))
def test_repair_table_never_raises_and_keeps_the_grid(rows):
    t = table([["三级指标", "指标类型", "指标值", "计量单位"], *rows])
    fixed, _ = r.repair_table(t)
    assert [(c.row, c.col) for c in fixed.cells] == [(c.row, c.col) for c in t.cells]


def test_checkbox_read_as_a_character_before_the_operator_is_dropped():
    # Regression (200-dpi JPEG scan): the frame of ☑ was broken, the box read as 日 and the cell
    # as "日V"; the operator was lost.
    assert r.repair_operator_cell("日V")[0] == "≥"
    assert r.repair_operator_cell("口八")[0] == "≤"
    assert r.repair_operator_cell("日") == ("日", [])


# ---------------------------------------------------------------- the cell's own reading (self_check)


def own(page: str, crop: str, conf: float = 0.999) -> tuple[str, list[str]]:
    fixed, repairs = r.reconcile_own_reading(page, crop, conf, min_conf=0.9, unit_min_conf=0.5)
    return fixed, [x.kind for x in repairs]


def test_sign_read_as_a_dollar_by_the_page_pass_is_taken_from_the_cell_crop():
    # damaged layout scan: '≤15万元' went out as '= 15万元' with no flag
    assert own("$15万元", "≤15万元") == ("≤15万元", ["operator"])


def test_sign_lost_by_the_page_pass_is_taken_from_the_cell_crop():
    assert own("89元", "≥89元") == ("≥89元", ["operator"])


def test_sign_read_as_the_digit_two_is_an_operator_misread_warning():
    assert own("224公里", "≥24公里") == ("≥24公里", ["operator_misread"])
    # the crop drops the glyph instead of reading it: the leading look-alike digit is the sign
    assert own("298%", "98%") == ("≥98%", ["operator_misread"])


def test_sign_read_without_its_bar_takes_the_bar_from_the_cell_crop():
    assert own(">90%", "≥90%") == ("≥90%", ["operator"])
    assert own("=60万元", "≤60万元") == ("≤60万元", ["operator"])


def test_per_mille_read_as_percent_is_a_warning():
    assert own("≤0.8%", "≤0.8%0", conf=0.53) == ("≤0.8‰", ["reread_unit"])
    assert own("≤0.8%", "≤0.8%0", conf=0.3) == ("≤0.8%", [])


def test_cell_crop_reading_never_drops_a_sign_or_changes_a_number():
    assert own("≥95%", "295%") == ("≥95%", [])  # the crop read the sign as 2: the page stays
    assert own("2150公里", "2150公里") == ("2150公里", [])
    assert own("20个", "z0个") == ("20个", [])
    assert own("85%", "≥86%") == ("85%", [])  # another number: not this repair's business
    assert own("$15万元", "≤15万元", conf=0.5) == ("$15万元", [])  # an unsure crop reading


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0129.%≥≤<>=$万元", min_size=1, max_size=7), st.text(alphabet="0129.%≥≤<>=万元", max_size=7),
       st.floats(0, 1))
def test_own_reading_changes_the_sign_or_the_per_mille_only(page, crop, conf):
    fixed, kinds = own(page, crop, conf)
    if not kinds:
        assert fixed == page
    elif kinds == ["reread_unit"]:
        assert fixed == page.replace(" ", "")[:-1] + "‰"
    else:
        assert fixed[0] in "≥≤<>" and fixed[1:] in (page, page[1:])


def _built(text: str, lead=None, own_reading=None, other_engine=None):
    import numpy as np

    from extractors.grid import GridCell
    from extractors.scan import scan
    from extractors.scan.ocr_engines import OcrItem

    cr = scan.CellRead(grid=GridCell(0, 0, 1, 1, (0, 0, 100, 40)), items=[OcrItem(text, 0.97, (10, 10, 90, 30))],
                       lead_glyph=lead, own_reading=own_reading, other_engine=other_engine)
    table, _ = scan.build_table([cr], 1, np.array([[1.0, 0, 0], [0, 1.0, 0]]), scan.settings(), None)
    cell = table.cells[0]
    return cell.text, [x.kind for x in cell.repairs], cell.confidence


def test_sign_read_as_two_from_strokes_alone_stays_a_warning():
    assert _built("224公里", lead=("≥", 0.8))[:2] == ("≥24公里", ["operator_misread"])


def test_sign_read_as_two_confirmed_by_the_cell_crop_is_routine():
    # Regression: every ≥ of a 200-dpi scan read as 2 and repaired from its strokes was a warning,
    # though the cell's own crop read the sign too; right rows were flagged throughout
    text, kinds, conf = _built("224公里", lead=("≥", 0.8), own_reading=("≥24公里", 0.999))
    assert (text, kinds) == ("≥24公里", ["operator"]) and conf == 0.999


def test_sign_read_as_two_confirmed_by_the_second_engine_is_routine():
    # Regression: a ≥ read as 2 and repaired from its strokes stayed a warning when the second OCR
    # engine read '≥24公里' too; two engines agreeing on the sign is the same evidence as the own crop
    assert _built("224公里", lead=("≥", 0.8), other_engine=("≥24公里", 0.9))[:2] == ("≥24公里", ["operator"])


def test_sign_read_as_two_with_the_second_engine_reading_the_digit_stays_a_warning():
    kinds = _built("224公里", lead=("≥", 0.8), other_engine=("224公里", 0.9))[1]
    assert kinds[0] == "operator_misread"


def test_dollar_for_the_sign_is_repaired_from_the_cell_crop_in_the_built_table():
    assert _built("$15万元", own_reading=("≤15万元", 1.0))[:2] == ("≤15万元", ["operator"])


def test_sign_read_as_two_where_the_digit_makes_no_percentage_is_routine():
    # Regression: '295%' (≥ read as 2 by both engines) repaired from the strokes to '≥95%' was an
    # operator_misread warning on every rate row of a page, though 295 % is no percentage: the
    # strokes and the value agree that the 2 is the sign
    text, kinds, _ = _built("295%", lead=("≥", 0.8))
    assert (text, kinds) == ("≥95%", ["operator"])
    assert _built("250人", lead=("≥", 0.8))[1] == ["operator_misread"]  # 250 人 is a count: still a guess
    assert _built("25%", lead=("≥", 0.8))[1] == ["operator_misread"]  # 25 % is a percentage


def test_multiplication_sign_is_repaired_in_a_table_without_operator_value_or_unit_columns():
    # Regression (family seed 201, scan_png): a layout writing '≥13公里' in one 指标值及单位 cell gives
    # the table no column roles, and the repair was skipped with the rest: '（1-60%）x指标分值' stayed.
    t = table([["三级指标", "指标说明", "评分规则"], ["受益人口", "受益人口数", "得分=（实际完成率-60%）/（1-60%）x指标分值"]])
    fixed, roles = r.repair_table(t)
    assert roles == {}
    assert fixed.rows()[1][2].text == "得分=（实际完成率-60%）/（1-60%）×指标分值"
    assert fixed.confidence == t.confidence
