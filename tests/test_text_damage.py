"""Conversion-damaged text (one cell per line, space runs, vertical labels, page furniture, split
digits, Traditional characters, ≥ read as 2) extracts to the records of the clean form."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textdamage.damage import DOCX_VARIANTS, VARIANTS, as_docx, expected

from extractors.flat_table import Token, align_rows, cell_kind, drop_page_furniture, join_vertical_labels
from extractors.options import ExtractOptions
from normalizers.document import process_file
from normalizers.operator_misread import misread_operator_cell, misread_value_cell
from vocab.chinese_script import to_simplified

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "zhijiang_2024_forms.md"
SEED_GT = json.loads((FIXTURES / "seed" / "zhijiang_2024_forms.md.json").read_text(encoding="utf-8"))
HEADER = ["form_kind", "year", "agency", "project_name", "competent_dept", "fund_total", "fund_fiscal",
          "fund_carryover", "fund_other", "overall_goal", "preparer", "phone", "fill_date", "unit_head"]
ROW = ["seq", "level1", "level2", "level3", "operator", "value", "value_num", "unit", "explanation",
       "scoring_rule", "note"]


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b))
    return a == b


@pytest.fixture(scope="module", params=[(v, ".md") for v in sorted(VARIANTS)] + [(v, ".docx") for v in DOCX_VARIANTS],
                ids=lambda p: p[0] + p[1])
def damaged(request, tmp_path_factory):
    name, suffix = request.param
    path = tmp_path_factory.mktemp("damage") / f"seed_{name}{suffix}"
    text = VARIANTS[name](SEED.read_text(encoding="utf-8"))
    if suffix == ".docx":
        as_docx(text, path)
    else:
        path.write_text(text, encoding="utf-8")
    return process_file(path, path.name, ExtractOptions()), expected(SEED_GT, name, path.name)


def test_damaged_seed_gives_the_seed_records(damaged):
    outcome, gt = damaged
    assert outcome.status == "succeeded"
    assert len(outcome.forms) == len(gt["forms"])
    for form, want in zip(outcome.forms, gt["forms"]):
        got = form.model_dump()
        for f in HEADER:
            assert _same(got[f], want[f]), (f, got[f], want[f])
        rows = [r.model_dump() for r in outcome.indicators if r.form_index == form.form_index]
        assert len(rows) == len(want["indicators"])
        for row, want_row in zip(rows, want["indicators"]):
            for f in ROW:
                assert _same(row[f], want_row[f]), (row["seq"], f, row[f], want_row[f])
        flags = {(a.seq or 0, a.code) for a in outcome.anomalies if a.form_index == form.form_index}
        for seq, code in want["must_flag"]:
            assert (seq, code) in flags, (seq, code)


def test_ge_read_as_two_is_a_warning_with_raw_and_fixed(tmp_path):
    path = tmp_path / "ge.md"
    path.write_text(VARIANTS["ge_as_two"](SEED.read_text(encoding="utf-8")), encoding="utf-8")
    outcome = process_file(path, path.name, ExtractOptions())
    misread = [a for a in outcome.anomalies if a.code == "operator_misread"]
    assert misread and all(a.severity == "warning" and a.raw_value == "2" and a.fixed_value == "≥" for a in misread)


# --- a form of our own, one cell per line with an operator+value column --------------------------


@pytest.fixture(scope="module")
def opvalue():
    path = FIXTURES / "textdamage" / "opvalue_cells_per_line.md"
    return process_file(path, path.name, ExtractOptions())


def test_one_cell_per_line_form_header_and_furniture(opvalue):
    (form,) = opvalue.forms
    assert (form.form_kind, form.year, form.project_name, form.competent_dept) == (
        "project", 2025, "农村公路养护补助", "某市交通运输局")
    assert form.fund_total == pytest.approx(968.1918)  # written '968.191 8'
    assert form.overall_goal == "完成农村公路日常养护，路况优良率稳步提高。"
    assert (form.preparer, form.phone) == ("王敏", "0731-8000000")


def test_one_cell_per_line_operator_value_rows(opvalue):
    got = [(r.level1, r.level2, r.level3, r.operator, r.value, r.unit) for r in opvalue.indicators]
    assert got == [
        ("产出指标", "数量指标", "养护里程", "≥", "120", "公里"),
        ("产出指标", "质量指标", "优良路率", "≥", "92", "%"),
        ("产出指标", "时效指标", "养护完成时间", "≤", "12", "个月"),
        ("成本指标", "经济成本指标", "养护补助资金", "≤", "968.1918", "万元"),
        ("效益指标", "社会效益指标", "群众出行条件", "定性", "明显改善", None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥", "90", "%"),
    ]


def test_292_percent_is_operator_misread(opvalue):
    (a,) = [a for a in opvalue.anomalies if a.code == "operator_misread"]
    assert (a.seq, a.severity, a.raw_value, a.fixed_value) == (2, "warning", "292%", "≥92%")


# --- the pieces ----------------------------------------------------------------------------------


def test_vertical_label_is_joined_and_single_cells_are_not():
    assert join_vertical_labels(["绩", "效", "指", "标", "成本指标"]) == ["绩效指标", "成本指标"]
    assert join_vertical_labels(["处|", "违法用地图斑|"]) == ["处|", "违法用地图斑|"]
    assert join_vertical_labels(["个", "份"]) == ["个", "份"]  # two units, not a label


def test_page_furniture_is_dropped_and_form_lines_are_kept():
    lines = ["索引号：431228000/2024-01735", "发布日期：2024-01-16　来源：县财政局", "【字号：大 中 小】",
             "【打印本页】　【关闭窗口】", "发布機構：縣財政局", "联系电话：18674525252", "填报日期：2024年1月2日",
             "项目名称", "来源于上级转移支付"]
    assert drop_page_furniture(lines) == ["联系电话：18674525252", "填报日期：2024年1月2日", "项目名称",
                                          "来源于上级转移支付"]
    assert drop_page_furniture(["来源：上级补助\t120\t万元"]) == ["来源：上级补助\t120\t万元"]  # a table row


def test_cell_kinds():
    assert [cell_kind(t) for t in ["产出指标", "數量指標", "≥", "☐ 定性", "≥95%", "2602.2 1", "万元",
                                   "完成目标得满分，否则不得分", "促进", "本年度经费安排的总额"]] == [
        "level1_name", "level2_name", "operator", "operator", "operator_value", "number", "unit", "rule",
        "short_text", "text"]


def test_placeholder_rows_stay_rows():
    fields = ["level1", "level2", "level3", "operator", "value", "unit", "explanation", "scoring_rule"]
    tokens = [Token(t, True) for t in ["成本指标", "经济成本指标", "预算支出", "≤", "160", "万元", "经费",
                                       "控制在预算内得满分", "社会成本指标", "生态环境成本指标", "产出指标",
                                       "数量指标", "办证数", "≥", "10", "本", "办证", "完成得满分"]]
    rows = align_rows(tokens, fields, "lines")
    assert [r[:5] for r in rows] == [
        ["成本指标", "经济成本指标", "预算支出", "≤", "160"],
        ["", "社会成本指标", "", "", ""],
        ["", "生态环境成本指标", "", "", ""],
        ["产出指标", "数量指标", "办证数", "≥", "10"],
    ]


def test_misread_value_cell_needs_an_impossible_reading():
    assert misread_value_cell("292%") == "≥92%"
    assert misread_value_cell("25%") is None  # a plausible percentage stays as written
    assert misread_value_cell("≥92%") is None
    assert misread_value_cell("2000万元") is None
    assert misread_operator_cell("☑ 2") == "≥"
    assert misread_operator_cell("20") is None


@given(st.text(alphabet=st.sampled_from(list("績效指標滿意度經濟項目萬元個處乾隆發") + list("abc 12")), max_size=30))
def test_simplified_folding_keeps_the_length(text):
    assert len(to_simplified(text)) == len(text)


def test_traditional_labels_fold_to_simplified():
    assert to_simplified("項目績效目標表") == "项目绩效目标表"
    assert to_simplified("服務對象滿意度指標") == "服务对象满意度指标"


_PIECES = ["一级指标", "二级指标", "三级指标", "指标值", "计量单位", "产出指标", "数量指标", "≥", "定性", "95", "%",
           "|", "||", "绩", "效", "项目名称", "填表人：某", "说明", "完成得满分", "年度目标", "", "a  b", "☐ 定性"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mix_of_cell_lines_gives_consistent_tables(lines):
    from extractors.text.plain import blocks_from_lines

    for block in blocks_from_lines(lines):
        if block.kind == "table":
            assert all(0 <= c.col < block.n_cols and 0 <= c.row < block.n_rows for c in block.cells)


def test_spaced_row_with_weight_and_direction_cells_stays_one_row():
    # 权重 and 指标方向性 columns after the unit: '15  正向' belong to the row, not to a new one
    fields = ["block", "level1", "level2", "level3", "operator", "value", "unit", "weight", "direction"]
    lines = ["产出指标  数量指标  培训农村实用人才  ≥  1500  人次  15  正向",
             "建设高标准示范基地  ≥  6  个  10  正向",
             "成本指标  经济成本指标  人均培训成本  ≤  1200  元  15  反向"]
    tokens = [Token(c, k == 0) for line in lines for k, c in enumerate(line.split("  "))]
    rows = align_rows(tokens, fields, "spaces")
    assert rows == [
        ["", "产出指标", "数量指标", "培训农村实用人才", "≥", "1500", "人次", "15", "正向"],
        ["", "", "", "建设高标准示范基地", "≥", "6", "个", "10", "正向"],
        ["", "成本指标", "经济成本指标", "人均培训成本", "≤", "1200", "元", "15", "反向"],
    ]
    assert cell_kind("反向") == "direction"


def _value_rows(texts: list[str], confidence: float):
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow

    return [SourceRow([Slot(f"指标{r}", 0, Cell(text=f"指标{r}", row=r, col=0, confidence=confidence)),
                       Slot(t, 1, Cell(text=t, row=r, col=1, confidence=confidence))], row_index=r)
            for r, t in enumerate(texts)]


def test_ocr_read_ge_as_2_in_one_cell_of_a_column_that_writes_its_operators_is_repaired():
    from normalizers.operator_misread import repair_misread_operators

    texts = ["224公里", "≤35万元", "≤0.8%", "≥90%"]
    rows = repair_misread_operators(_value_rows(texts, 0.93), {"level3": 0, "value": 1})
    assert [r.slots[1].text for r in rows] == ["≥24公里", "≤35万元", "≤0.8%", "≥90%"]
    assert [(x.kind, x.raw, x.fixed) for x in rows[0].slots[1].cell.repairs] == [("operator_misread", "224公里", "≥24公里")]
    # the same text read from a file (no OCR) is a number as written
    rows = repair_misread_operators(_value_rows(texts, 1.0), {"level3": 0, "value": 1})
    assert [r.slots[1].text for r in rows] == texts
