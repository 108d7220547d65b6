"""Indicator tables of other provinces (issue 11, part columns), end to end on small documents of
our own: column sets found from the header's meaning, long-term and annual targets side by side or
stacked, other indicator frameworks, self-evaluation forms. Each test is named after the layout (or
the damage) it covers and checks the records field by field."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.options import ExtractOptions
from normalizers.document import process_file

FOOTER = "\n\n填表人：陈晓\n\n联系电话：027-8765432\n\n填报日期：2024年3月2日\n\n单位负责人：刘强\n"


def run(tmp_path: Path, body: str, name: str = "form.md"):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return process_file(p, name, ExtractOptions())


def project_pipe(header: list[str], rows: list[list[str]], title: str = "项目支出绩效目标表") -> str:
    width = len(header)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"

    head = [
        f"## {title}", "", "（2024年度）", "",
        line(["项目名称", "社区养老服务站建设"]),
        "| " + " | ".join(["---"] * width) + " |",
        line(["主管部门", "某市民政局"]),
        line(["年度资金总额", "520"]),
        line(["其中：财政拨款", "520"]),
        line(["年度总体目标", "建成社区养老服务站8个，为老年人提供日间照料服务。"]),
        line(header),
    ]
    return "\n".join(head + [line(r) for r in rows]) + FOOTER


def fields(rec, names: str) -> tuple:
    return tuple(getattr(rec, n) for n in names.split())


def codes(outcome, seq: int | None = None) -> set[str]:
    return {a.code for a in outcome.anomalies if seq is None or a.seq == seq}


SIDE = "level3 target_period operator value value_num unit"


def test_long_term_and_annual_targets_side_by_side_give_one_record_each_annual_first(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值（长期）", "指标值（年度）"]
    rows = [
        ["产出指标", "数量指标", "建成社区养老服务站", "≥30个", "≥8个"],
        ["", "质量指标", "服务站验收合格率", "100%", "100%"],
        ["效益指标", "社会效益指标", "老年人照料服务水平", "显著提升", "有所提升"],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥95%", "≥90%"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, SIDE) for r in o.indicators]
    assert got == [
        ("建成社区养老服务站", "annual", "≥", "8", 8.0, "个"),
        ("建成社区养老服务站", "long_term", "≥", "30", 30.0, "个"),
        ("服务站验收合格率", "annual", "=", "100", 100.0, "%"),
        ("服务站验收合格率", "long_term", "=", "100", 100.0, "%"),
        ("老年人照料服务水平", "annual", "定性", "有所提升", None, None),
        ("老年人照料服务水平", "long_term", "定性", "显著提升", None, None),
        ("老年人满意度", "annual", "≥", "90", 90.0, "%"),
        ("老年人满意度", "long_term", "≥", "95", 95.0, "%"),
    ]
    assert [r.seq for r in o.indicators] == list(range(1, 9))
    assert {(r.level1, r.level2) for r in o.indicators[:2]} == {("产出指标", "数量指标")}
    # the two targets of one row are not a duplicated indicator
    assert "duplicate_indicator" not in codes(o)


def test_medium_term_and_annual_columns_with_a_shared_operator_and_unit_column(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "中期目标", "年度目标", "度量单位"]
    rows = [
        ["产出指标", "数量指标", "新增养老床位", "≥", "600", "150", "张"],
        ["成本指标", "经济成本指标", "单站建设成本", "≤", "65", "65", "万元"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, SIDE) for r in o.indicators]
    assert got == [
        ("新增养老床位", "annual", "≥", "150", 150.0, "张"),
        ("新增养老床位", "long_term", "≥", "600", 600.0, "张"),
        ("单站建设成本", "annual", "≤", "65", 65.0, "万元"),
        ("单站建设成本", "long_term", "≤", "65", 65.0, "万元"),
    ]


def test_stacked_long_term_and_annual_sections_set_the_period_of_their_rows(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        ["长期目标"],
        ["产出指标", "数量指标", "建成社区养老服务站", "≥30个"],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥95%"],
        ["年度目标"],
        ["产出指标", "数量指标", "建成社区养老服务站", "≥8个"],
        ["效益指标", "社会效益指标", "日间照料服务人次", "≥12000人次"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "level1 level2 level3 target_period value unit") for r in o.indicators]
    assert got == [
        ("产出指标", "数量指标", "建成社区养老服务站", "long_term", "30", "个"),
        ("满意度指标", "服务对象满意度指标", "老年人满意度", "long_term", "95", "%"),
        ("产出指标", "数量指标", "建成社区养老服务站", "annual", "8", "个"),
        ("效益指标", "社会效益指标", "日间照料服务人次", "annual", "12000", "人次"),
    ]
    assert "duplicate_indicator" not in codes(o)


def test_weight_score_standard_and_direction_columns_are_their_own_fields_numbers_as_numbers(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重（%）", "分值", "绩效标准",
              "指标方向性"]
    rows = [
        ["产出指标", "数量指标", "建成社区养老服务站", "≥", "8", "个", "20", "20", "计划标准", "正向"],
        ["产出指标", "时效指标", "资金拨付时间", "≤", "30", "天", "10", "10", "行业标准", "反向"],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥", "90", "%", "15%", "15分", "历史标准", "正向"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "level3 operator value unit weight score standard direction explanation scoring_rule")
           for r in o.indicators]
    assert got == [
        ("建成社区养老服务站", "≥", "8", "个", 20.0, 20.0, "计划标准", "正向", None, None),
        ("资金拨付时间", "≤", "30", "天", 10.0, 10.0, "行业标准", "反向", None, None),
        ("老年人满意度", "≥", "90", "%", 15.0, 15.0, "历史标准", "正向", None, None),
    ]
    assert "column_shift" not in codes(o)


def test_a_weight_cell_that_is_no_number_is_flagged_not_taken_as_the_weight(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
    rows = [
        ["产出指标", "数量指标", "建成社区养老服务站", "≥", "8", "个", "20", "正向"],
        ["产出指标", "数量指标", "培训护理员", "≥", "60", "人", "正向", ""],  # the weight cell slid away
    ]
    o = run(tmp_path, project_pipe(header, rows))
    second = o.indicators[1]
    assert (second.weight, second.level3, second.value) == (None, "培训护理员", "60")
    assert "column_shift" in codes(o, 2)
    assert "column_shift" not in codes(o, 1)


def test_score_ranges_in_level1_names_and_a_score_in_the_block_label_are_no_part_of_the_names(tmp_path):
    header = ["年度绩效目标（90分）", "一级指标", "二级指标", "三级指标", "指标值", "分值"]
    rows = [
        ["", "产出指标(0-50)分", "数量指标", "建成社区养老服务站", "≥8个", "30"],
        ["", "", "质量指标", "验收合格率", "100%", "20"],
        ["", "效益指标（40分）", "社会效益指标", "日间照料服务人次", "≥12000人次", "40"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "level1 level2 level3 level1_raw score") for r in o.indicators]
    assert got == [
        ("产出指标", "数量指标", "建成社区养老服务站", "产出指标(0-50)分", 30.0),
        ("产出指标", "质量指标", "验收合格率", "产出指标(0-50)分", 20.0),
        ("效益指标", "社会效益指标", "日间照料服务人次", "效益指标（40分）", 40.0),
    ]
    assert not codes(o) & {"taxonomy_unknown", "taxonomy_fuzzy_match"}


def test_older_framework_input_process_output_effect_is_mapped_where_sound_and_flagged(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        ["投入指标", "经济成本指标", "项目总成本", "≤520万元"],
        ["过程指标", "资金管理", "资金使用合规性", "合规"],
        ["产出指标", "成本指标", "单站建设成本", "≤65万元"],
        ["产出指标", "数量指标", "建成社区养老服务站", "≥8个"],
        ["效果指标", "社会效益指标", "日间照料服务人次", "≥12000人次"],
        ["效果指标", "社会公众或服务对象满意度指标", "老年人满意度", "≥90%"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "level1 level2 level1_raw level2_raw") for r in o.indicators]
    assert got == [
        ("成本指标", "经济成本指标", "投入指标", "经济成本指标"),
        (None, None, "过程指标", "资金管理"),
        ("成本指标", "经济成本指标", "产出指标", "成本指标"),
        ("产出指标", "数量指标", "产出指标", "数量指标"),
        ("效益指标", "社会效益指标", "效果指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标", "效果指标", "社会公众或服务对象满意度指标"),
    ]
    assert "framework_mapped" in codes(o, 1)
    assert codes(o, 2) >= {"taxonomy_unknown"} and "framework_mapped" not in codes(o, 2)
    assert "framework_mapped" in codes(o, 3)
    assert "framework_mapped" in codes(o, 5)
    assert "framework_mapped" in codes(o, 6)
    assert not any(a.code == "framework_mapped" and a.severity != "warning" for a in o.anomalies)


def test_satisfaction_under_benefit_with_no_satisfaction_level1_is_mapped_and_flagged(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        ["效益指标", "社会效益指标", "日间照料服务人次", "≥12000人次"],
        ["", "满意度指标", "老年人满意度", "≥90%"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    r = o.indicators[1]
    assert fields(r, "level1 level2 level1_raw level2_raw") == ("满意度指标", "服务对象满意度指标", "效益指标", "满意度指标")
    assert {"level1_inferred", "framework_mapped"} <= codes(o, 2)


def test_self_evaluation_form_is_its_own_kind_with_actual_value_score_and_deviation(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows = [
        ["产出指标", "数量指标", "建成社区养老服务站", "≥8个", "7个", "20", "17.5", "一个站点选址调整，次年一季度建成"],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%", "93%", "10", "10", ""],
    ]
    o = run(tmp_path, project_pipe(header, rows, title="2024年度项目支出绩效自评表"))
    assert o.forms[0].form_kind == "self_evaluation"
    got = [fields(r, "level3 operator value value_num unit actual_value score actual_score deviation_reason")
           for r in o.indicators]
    assert got == [
        ("建成社区养老服务站", "≥", "8", 8.0, "个", "7个", 20.0, 17.5, "一个站点选址调整，次年一季度建成"),
        ("老年人满意度", "≥", "90", 90.0, "%", "93%", 10.0, 10.0, None),
    ]


def test_bare_number_with_unit_in_a_form_without_operator_column_is_an_equality_target(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值", "绩效标准"]
    rows = [["产出指标", "数量指标", "购置适老化设备", "120台", "计划标准"],
            ["成本指标", "经济成本指标", "设备购置费用", "250万", "计划标准"]]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "operator value value_num unit standard explanation") for r in o.indicators]
    assert got == [("=", "120", 120.0, "台", "计划标准", None), ("=", "250", 250.0, "万", "计划标准", None)]


# ---------------------------------------------------------------- the same layouts in xlsx and docx

def _grid(header: list[str], rows: list[list[str]], title: str) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Title, header fields and the indicator table as a full matrix, with the level-1 cells merged
    down over their groups (empty cells below a name), as spreadsheets and documents write them."""
    width = len(header)
    top = [[title] + [""] * (width - 1), ["项目名称", "社区养老服务站建设"] + [""] * (width - 2),
           ["主管部门", "某市民政局"] + [""] * (width - 2), ["年度资金总额", "520"] + [""] * (width - 2),
           ["其中：财政拨款", "520"] + [""] * (width - 2),
           ["年度总体目标", "建成社区养老服务站8个，为老年人提供日间照料服务。"] + [""] * (width - 2), header]
    matrix = top + [r + [""] * (width - len(r)) for r in rows]
    merges = [(0, 0, 0, width - 1)] + [(r, 1, r, width - 1) for r in range(1, 6)]
    r = len(top)
    while r < len(matrix):
        end = r
        while end + 1 < len(matrix) and matrix[end + 1][0] == "" and matrix[r][0]:
            end += 1
        if end > r:
            merges.append((r, 0, end, 0))
        r = end + 1
    return matrix, merges


def _write_xlsx(path: Path, header, rows, title) -> None:
    import openpyxl

    matrix, merges = _grid(header, rows, title)
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(matrix, 1):
        for c, text in enumerate(row, 1):
            if text:
                ws.cell(r, c, text)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    r = len(matrix) + 2
    for line in FOOTER.split():
        ws.cell(r, 1, line)
        r += 1
    wb.save(path)


def _write_docx(path: Path, header, rows, title) -> None:
    import docx

    matrix, merges = _grid(header, rows, title)
    d = docx.Document()
    d.add_paragraph(matrix[0][0])
    d.add_paragraph("（2024年度）")
    body = matrix[1:]
    table = d.add_table(rows=len(body), cols=len(header))
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in merges:
        if r0 == 0:
            continue
        table.cell(r0 - 1, c0).merge(table.cell(r1 - 1, c1))
    for line in FOOTER.split():
        d.add_paragraph(line)
    d.save(path)


OFFICE_HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "实施期目标", "本年度目标", "度量单位", "权重（%）",
                 "指标方向性"]
OFFICE_ROWS = [
    ["产出指标", "数量指标", "建成社区养老服务站", "≥", "30", "8", "个", "40", "正向"],
    ["", "时效指标", "资金拨付时间", "≤", "30", "30", "天", "20", "反向"],
    ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥", "95", "90", "%", "40", "正向"],
]
OFFICE_EXPECTED = [
    ("产出指标", "数量指标", "建成社区养老服务站", "annual", "≥", "8", "个", 40.0, "正向"),
    ("产出指标", "数量指标", "建成社区养老服务站", "long_term", "≥", "30", "个", 40.0, "正向"),
    ("产出指标", "时效指标", "资金拨付时间", "annual", "≤", "30", "天", 20.0, "反向"),
    ("产出指标", "时效指标", "资金拨付时间", "long_term", "≤", "30", "天", 20.0, "反向"),
    ("满意度指标", "服务对象满意度指标", "老年人满意度", "annual", "≥", "90", "%", 40.0, "正向"),
    ("满意度指标", "服务对象满意度指标", "老年人满意度", "long_term", "≥", "95", "%", 40.0, "正向"),
]
OFFICE_FIELDS = "level1 level2 level3 target_period operator value unit weight direction"


def test_implementation_period_and_annual_targets_with_weights_in_a_workbook(tmp_path):
    path = tmp_path / "form.xlsx"
    _write_xlsx(path, OFFICE_HEADER, OFFICE_ROWS, "项目支出绩效目标表")
    o = process_file(path, path.name, ExtractOptions())
    assert [fields(r, OFFICE_FIELDS) for r in o.indicators] == OFFICE_EXPECTED


def test_implementation_period_and_annual_targets_with_weights_in_a_word_document(tmp_path):
    path = tmp_path / "form.docx"
    _write_docx(path, OFFICE_HEADER, OFFICE_ROWS, "项目支出绩效目标表")
    o = process_file(path, path.name, ExtractOptions())
    assert [fields(r, OFFICE_FIELDS) for r in o.indicators] == OFFICE_EXPECTED


def test_self_evaluation_form_in_a_workbook(tmp_path):
    path = tmp_path / "self.xlsx"
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows = [["产出指标", "数量指标", "建成社区养老服务站", "≥8个", "7个", "20", "17.5", "一个站点选址调整"],
            ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%", "93%", "10", "10", ""]]
    _write_xlsx(path, header, rows, "2024年度项目支出绩效自评表")
    o = process_file(path, path.name, ExtractOptions())
    assert o.forms[0].form_kind == "self_evaluation"
    got = [fields(r, "level3 value actual_value score actual_score deviation_reason") for r in o.indicators]
    assert got == [("建成社区养老服务站", "8", "7个", 20.0, 17.5, "一个站点选址调整"),
                   ("老年人满意度", "90", "93%", 10.0, 10.0, None)]


def test_a_target_form_title_over_actual_value_and_score_columns_is_a_self_evaluation(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分"]
    rows = [["产出指标", "数量指标", "建成社区养老服务站", "≥8个", "8个", "20"]]
    o = run(tmp_path, project_pipe(header, rows, title="项目支出绩效目标表"))
    assert o.forms[0].form_kind == "self_evaluation"
    assert fields(o.indicators[0], "value actual_value actual_score") == ("8", "8个", 20.0)


def test_a_plain_target_form_stays_a_project_form_with_annual_targets_and_no_side_fields(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [["产出指标", "数量指标", "建成社区养老服务站", "≥8个"]]
    o = run(tmp_path, project_pipe(header, rows))
    assert o.forms[0].form_kind == "project"
    assert fields(o.indicators[0], "target_period weight score standard direction actual_value actual_score "
                                   "deviation_reason") == ("annual", None, None, None, None, None, None, None)


def test_two_row_header_with_long_term_and_annual_under_one_value_label(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值", ""]
    rows = [
        ["", "", "", "长期", "年度"],
        ["产出指标", "数量指标", "建成社区养老服务站", "≥30个", "≥8个"],
    ]
    o = run(tmp_path, project_pipe(header, rows))
    assert [fields(r, SIDE) for r in o.indicators] == [
        ("建成社区养老服务站", "annual", "≥", "8", 8.0, "个"),
        ("建成社区养老服务站", "long_term", "≥", "30", 30.0, "个"),
    ]


def test_weights_that_do_not_sum_to_100_are_reported_on_the_form(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    good = [["产出指标", "数量指标", "建成社区养老服务站", "≥", "8", "个", "60"],
            ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥", "90", "%", "40"]]
    bad = [good[0], good[1][:-1] + ["30"]]
    assert "weight_mismatch" not in codes(run(tmp_path, project_pipe(header, good), "good.md"))
    o = run(tmp_path, project_pipe(header, bad), "bad.md")
    notes = [a for a in o.anomalies if a.code == "weight_mismatch"]
    assert [(a.seq, a.field, a.severity) for a in notes] == [(None, "weight", "warning")]
    assert "90" in notes[0].message


def test_a_form_without_a_rule_column_is_not_told_its_rules_are_missing(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    o = run(tmp_path, project_pipe(header, [["产出指标", "数量指标", "建成社区养老服务站", "≥8个"]]))
    assert not [a for a in o.anomalies if a.code == "missing_field" and a.field == "scoring_rule"]
    header = ["一级指标", "二级指标", "三级指标", "指标值", "评分标准"]
    o = run(tmp_path, project_pipe(header, [["产出指标", "数量指标", "建成社区养老服务站", "≥8个", ""]]), "r.md")
    assert [a.seq for a in o.anomalies if a.code == "missing_field" and a.field == "scoring_rule"] == [1]


def test_review_page_shows_the_new_columns_only_for_forms_that_fill_them(tmp_path):
    from pipeline.review.report import form_view

    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    rows = [["产出指标", "数量指标", "建成社区养老服务站", "≥", "8", "个", "100"]]
    o = run(tmp_path, project_pipe(header, rows))
    shown = [c["field"] for c in form_view(o.forms[0], o.indicators, o.anomalies)["columns"]]
    assert "weight" in shown and "target_period" not in shown and "actual_score" not in shown
    plain = run(tmp_path, project_pipe(header[:-1], [rows[0][:-1]]), "plain.md")
    shown = [c["field"] for c in form_view(plain.forms[0], plain.indicators, plain.anomalies)["columns"]]
    assert "weight" not in shown


# ---------------------------------------------------------------- parsers

from hypothesis import given
from hypothesis import strategies as st

from normalizers.columns import side_number


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["", "%", "分", " 分", "％"]))
def test_side_number_reads_weights_and_scores_as_written(number, suffix):
    assert side_number(f"{number}{suffix}") == float(number)


@given(st.text(max_size=12))
def test_side_number_never_raises_and_reads_no_number_from_words(text):
    got = side_number(text)
    assert got is None or isinstance(got, float)
    if not any(ch.isdigit() for ch in text):
        assert got is None


def test_note_column_without_a_rule_column_keeps_its_text_as_the_note(tmp_path):
    # 指标解释 | 备注 and no 评(扣)分标准: the second text is the note, not a scoring rule
    header = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "指标解释", "备注"]
    rows = [["产出指标", "数量指标", "新建护岸", "大于等于", "4.2", "公里", "新建生态护岸长度", "含干砌石护岸"],
            ["", "", "完成河道清淤", "大于等于", "18.5", "公里", "清淤河道长度", ""]]
    o = run(tmp_path, project_pipe(header, rows))
    got = [fields(r, "operator value_num explanation scoring_rule note") for r in o.indicators]
    assert got == [("≥", 4.2, "新建生态护岸长度", None, "含干砌石护岸"), ("≥", 18.5, "清淤河道长度", None, None)]


def test_rule_text_in_a_column_the_header_does_not_name_is_the_scoring_rule(tmp_path):
    # the rule column's label is unreadable ('XX标准'): its rule text still is the scoring rule
    header = ["一级指标", "二级指标", "三级指标", "指标类型", "指标值", "计量单位", "指标解释", "XX"]
    rows = [["产出指标", "数量指标", "新建护岸", "≥", "4.2", "公里", "新建生态护岸长度", "完成得满分，未完成按比例扣分"]]
    o = run(tmp_path, project_pipe(header, rows))
    assert [fields(r, "explanation scoring_rule note") for r in o.indicators] == [
        ("新建生态护岸长度", "完成得满分，未完成按比例扣分", None)]


def test_level1_name_written_mid_span_names_the_rows_above_it(tmp_path):
    # OCR writes a merged cell in the middle of its rows: 产出指标 stands in the second row of four
    p = tmp_path / "mid.md"
    lines = ["## 项目支出绩效目标表", "", "（2024年度）", "", "项目名称\t社区养老服务站建设", "主管部门\t某市民政局",
             "年度资金总额\t520", "其中：财政拨款\t520", "年度总体目标\t建成社区养老服务站8个。",
             "\t一级指标\t二级指标\t三级指标\t指标值",
             "\t\t数量指标\t建成服务站\t≥8个",
             "\t产出指标\t\t配置护理床位\t≥40张",
             "\t\t质量指标\t验收合格率\t=100%",
             "绩效指标\t\t时效指标\t完工时间\t≤11月",
             "\t效益指标\t社会效益指标\t日间照料服务\t显著提升",
             "\t满意度指标\t服务对象满意度指标\t老年人满意度\t≥90%"]
    p.write_text("\n".join(lines) + FOOTER, encoding="utf-8")
    o = process_file(p, p.name, ExtractOptions())
    got = [fields(r, "level1 level1_raw level2 level2_raw") for r in o.indicators[:4]]
    assert got == [("产出指标", "产出指标", "数量指标", "数量指标")] * 2 + [
        ("产出指标", "产出指标", "质量指标", "质量指标"), ("产出指标", "产出指标", "时效指标", "时效指标")]
    assert "level1_inferred" not in codes(o, 1)


def _minimal_form(tmp_path: Path, values_written: list[str]):
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    names = [("产出指标", "数量指标", "新建护岸"), ("", "", "清淤河道"), ("", "质量指标", "验收合格率"),
             ("效益指标", "社会效益指标", "受益人口"), ("满意度指标", "服务对象满意度指标", "群众满意度")]
    return run(tmp_path, project_pipe(header, [[*n, v] for n, v in zip(names, values_written)]))


def test_ge_read_as_2_throughout_an_operator_value_column_is_repaired_and_flagged(tmp_path):
    # OCR of one font reads every ≥ as 2: '≥420套' -> '2420套' is plausible alone, but every bare
    # number of the column starts with 2 while the column shows other operators
    o = _minimal_form(tmp_path, ["2420套", "26公里", "=100%", "≤3.5万人", "290%"])
    got = [fields(r, "operator value_num unit") for r in o.indicators]
    assert got == [("≥", 420.0, "套"), ("≥", 6.0, "公里"), ("=", 100.0, "%"), ("≤", 3.5, "万人"), ("≥", 90.0, "%")]
    assert [(a.seq, a.raw_value, a.fixed_value) for a in o.anomalies if a.code == "operator_misread"] == [
        (1, "2420套", "≥420套"), (2, "26公里", "≥6公里"), (5, "290%", "≥90%")]


def test_bare_numbers_starting_with_other_digits_keep_their_2s(tmp_path):
    # bare numbers of a form start with any digit: '2420套' beside '36公里' is a number as written
    o = _minimal_form(tmp_path, ["2420套", "36公里", "=100%", "≤3.5万人", "≥90%"])
    assert [fields(r, "operator value_num") for r in o.indicators][:2] == [("=", 2420.0), ("=", 36.0)]
    assert "operator_misread" not in codes(o)


def test_value_led_by_a_glyph_that_is_no_operator_is_flagged_not_silently_equal(tmp_path):
    # OCR of '≤60万元' as '$60万元': the number is read, the operator is a guess a person confirms
    o = _minimal_form(tmp_path, ["≥420套", "$60万元", "=100%", "≤3.5万人", "≥90%"])
    assert fields(o.indicators[1], "value_num unit") == (60.0, "万元")
    mine = [a for a in o.anomalies if a.seq == 2 and a.field == "operator" and a.raw_value == "$60万元"]
    assert [(a.code, a.severity) for a in mine] == [("low_confidence", "warning")] and "'$'" in mine[0].message


def test_ocr_speck_after_a_level3_name_is_dropped_and_logged_text_keeps_it():
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def rows(confidence: float):
        texts = ["产出指标", "数量指标", "维修加固山塘N", "≥", "12", "座"]
        return [SourceRow([Slot(t, c, Cell(text=t, row=0, col=c, confidence=confidence)) for c, t in enumerate(texts)])]

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4, "unit": 5}
    (d,) = interpret_rows(rows(0.91), header)
    assert d.level3 == "维修加固山塘"
    assert [(n.code, n.raw_value, n.fixed_value) for n in d.anomalies] == [("ocr_repair", "维修加固山塘N", "维修加固山塘")]
    (d,) = interpret_rows(rows(1.0), header)
    assert d.level3 == "维修加固山塘N" and d.anomalies == []


def test_ocr_speck_read_as_a_point_after_a_whole_number_is_dropped_and_logged_text_keeps_it():
    # family seeds 181-211, scan_noisy: '1.', '98.' in value cells went out as non_numeric_value
    # warnings on right rows (10 of the 38 right rows flagged on the five seeds' scans)
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def rows(value: str, confidence: float):
        texts = ["产出指标", "数量指标", "信访事件", "≤", value, "件"]
        return [SourceRow([Slot(t, c, Cell(text=t, row=0, col=c, confidence=confidence)) for c, t in enumerate(texts)])]

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4, "unit": 5}
    (d,) = interpret_rows(rows("1.", 0.91), header)
    assert (d.value, d.value_num) == ("1", 1.0)
    assert [(n.code, n.severity, n.raw_value, n.fixed_value) for n in d.anomalies] == [("ocr_repair", "info", "1.", "1")]
    (d,) = interpret_rows(rows("3.2", 0.91), header)  # a decimal is a decimal
    assert d.value_num == 3.2 and d.anomalies == []
    (d,) = interpret_rows(rows("1.", 1.0), header)  # text read from a file keeps what it says
    assert d.value_num is None and [n.code for n in d.anomalies] == ["non_numeric_value"]


def test_term_of_the_form_family_with_a_look_alike_read_for_its_rare_character_is_put_back_in_ocr_cells():
    # development corpus dev_012.tif and every family scan seed: RapidOCR reads 竣 as 峻 (工程峻工验收…),
    # which makes no word; 竣工验收 is a term of the family (domain_words.yaml). The cell's doubt was
    # that glyph: its confidence is raised once the term is put back
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def rows(explanation: str, confidence: float):
        texts = ["产出指标", "质量指标", "工程质量合格率", "=", "100", "%", explanation]
        return [SourceRow([Slot(t, c, Cell(text=t, row=0, col=c, confidence=confidence if c == 6 else 0.99))
                           for c, t in enumerate(texts)])]

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4, "unit": 5, "explanation": 6}
    (d,) = interpret_rows(rows("工程峻工验收质量合格的比例", 0.46), header)
    assert d.explanation == "工程竣工验收质量合格的比例"
    assert [(n.code, n.severity, n.raw_value, n.fixed_value) for n in d.anomalies] == [
        ("ocr_repair", "info", "工程峻工验收质量合格的比例", "工程竣工验收质量合格的比例")]
    assert min(c.confidence for c in d.judged_cells) == 0.9
    # a reading that makes a word stays (疏浚工程: 疏浚 is a word), and text read from a file keeps what it says
    (d,) = interpret_rows(rows("河道疏浚工程验收合格的比例", 0.46), header)
    assert d.explanation == "河道疏浚工程验收合格的比例" and d.anomalies == []
    (d,) = interpret_rows(rows("工程峻工验收质量合格的比例", 1.0), header)
    assert d.explanation == "工程峻工验收质量合格的比例" and d.anomalies == []
    # a term of the taxonomy or the form labels counts too (family seed 181, scan_noisy: 完成项自)
    (d,) = interpret_rows(rows("2024年年底之前完成项自", 0.5), header)
    assert d.explanation == "2024年年底之前完成项目"


@pytest.mark.parametrize(("read", "value", "unit"), [
    ("24□", 24.0, "口"),  # family seed 201, scan_png: 维修加固山塘 24口, the unit read as a box
    ("30个I作日", 30.0, "个工作日"),  # family seeds 191/201, scan_png: I for 工
    ("365天E", 365.0, "天"),  # a speck after the unit
    ("13公里里", 13.0, "公里"),  # the unit's last glyph read twice
    ("90%6", 90.0, "%"),
])
def test_ocr_misread_unit_after_a_number_in_a_value_cell_is_put_back_text_keeps_it(read, value, unit):
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def rows(confidence: float):
        texts = ["产出指标", "数量指标", "维修加固山塘", "≥", read]
        return [SourceRow([Slot(t, c, Cell(text=t, row=0, col=c, confidence=confidence if c == 4 else 0.99))
                           for c, t in enumerate(texts)])]

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4}
    (d,) = interpret_rows(rows(0.66), header)
    assert (d.value_num, d.unit) == (value, unit)
    assert [(n.code, n.severity, n.raw_value) for n in d.anomalies if n.code == "ocr_repair"] == [("ocr_repair", "info", read)]
    assert min(c.confidence for c in d.judged_cells) == 0.9  # the doubt was the unit's glyph
    (d,) = interpret_rows(rows(1.0), header)
    assert d.value_num is None and "non_numeric_value" in [n.code for n in d.anomalies]


def test_a_value_tail_that_reads_as_no_unit_or_as_several_is_left_to_the_value_check():
    from normalizers.columns import unit_readings

    assert unit_readings("kmx") == set() and unit_readings("abc") == set()  # any short run of letters is no named unit
    assert unit_readings("个") == set()  # nothing to drop or replace


def test_end_of_a_merged_label_cut_off_into_the_next_row_keeps_the_row_in_its_group():
    # family seeds 171/201/211, scan_noisy: a ruling drawn through the merged 服务对象满意度指标 cell put
    # its last character in the next row's cell ('服务对象满意度指' | '标'); that row lost its 二级指标
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def row(r: int, texts: list[str]) -> SourceRow:
        return SourceRow([Slot(t, c, Cell(text=t, row=r, col=c, confidence=0.9)) for c, t in enumerate(texts)])

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4, "unit": 5}
    above = row(0, ["满意度指标", "服务对象满意度指", "受益群众满意度", "≥", "90", "%"])
    cut = row(1, ["", "标", "救助对象满意度", "≥", "95", "%"])
    (d1, d2) = interpret_rows([above, cut], header)
    assert (d1.level2, d2.level2) == ("服务对象满意度指标", "服务对象满意度指标")
    assert [(n.code, n.severity, n.raw_value) for n in d2.anomalies if n.field == "level2"] == [("ocr_repair", "info", "标")]
    # a cell that names a group of its own is that group
    other = row(1, ["", "质量指标", "验收合格率", "=", "100", "%"])
    assert [d.level2 for d in interpret_rows([above, other], header)][1] == "质量指标"


@pytest.mark.parametrize("read", ["%.", ". %", "% ."])
def test_speck_beside_the_unit_under_the_unit_header_does_not_shift_the_texts_on(read):
    # family seeds 171-201, scan_noisy: '%.' in the 计量单位 cell was no unit, so it was taken for the
    # 指标解释 and every text cell after it moved one column on (5 rows)
    from extractors.ir import Cell
    from normalizers.columns import Slot, SourceRow, interpret_rows

    def rows(confidence: float):
        texts = ["产出指标", "质量指标", "设备验收合格率", "=", "100", read, "考核设备验收合格率完成情况", "达到目标值得满分"]
        return [SourceRow([Slot(t, c, Cell(text=t, row=0, col=c, confidence=confidence)) for c, t in enumerate(texts)])]

    header = {"level1": 0, "level2": 1, "level3": 2, "operator": 3, "value": 4, "unit": 5, "explanation": 6,
              "scoring_rule": 7}
    (d,) = interpret_rows(rows(0.7), header)
    assert (d.unit, d.explanation, d.scoring_rule) == ("%", "考核设备验收合格率完成情况", "达到目标值得满分")
    assert [(n.code, n.raw_value, n.fixed_value) for n in d.anomalies if n.field == "unit"] == [("ocr_repair", read, "%")]
    (d,) = interpret_rows(rows(1.0), header)  # text read from a file: no repair
    assert d.unit != "%"
