"""Which golden layout files the current readers get right, field by field.

tests/test_layouts.py expects every file listed in PASSING to match its gt exactly and marks every
other file `xfail(strict=True)` with the reason of its layout below: when a reader starts handling
a layout, its files XPASS and the test fails until they are added here. Implementers: add the file
names (`<layout>.<kind>.<suffix>`, see build.file_name) as your change makes them pass.
"""
from __future__ import annotations

PASSING: set[str] = {
    "colset_explanation_target.docx.docx",
    "colset_explanation_target.html.md",
    "colset_explanation_target.pipe.md",
    "colset_explanation_target.tsv.md",
    "colset_explanation_target.xlsx.xlsx",
    "colset_minimal.docx.docx",
    "colset_minimal.html.md",
    "colset_minimal.pdf.pdf",
    "colset_minimal.pipe.md",
    "colset_minimal.tsv.md",
    "colset_minimal.xlsx.xlsx",
    "colset_operator_weight_direction.docx.docx",
    "colset_operator_weight_direction.html.md",
    "colset_operator_weight_direction.pdf.pdf",
    "colset_operator_weight_direction.pipe.md",
    "colset_operator_weight_direction.tsv.md",
    "colset_operator_weight_direction.xlsx.xlsx",
    "colset_scores.docx.docx",
    "colset_scores.html.md",
    "colset_scores.pipe.md",
    "colset_scores.tsv.md",
    "colset_scores.xlsx.xlsx",
    "colset_value_unit_standard.docx.docx",
    "colset_value_unit_standard.html.md",
    "colset_value_unit_standard.pipe.md",
    "colset_value_unit_standard.tsv.md",
    "colset_value_unit_standard.xlsx.xlsx",
    "framework_nested_names.docx.docx",
    "framework_nested_names.html.md",
    "framework_nested_names.pipe.md",
    "framework_nested_names.tsv.md",
    "framework_nested_names.xlsx.xlsx",
    "framework_older.docx.docx",
    "framework_older.html.md",
    "framework_older.pipe.md",
    "framework_older.tsv.md",
    "framework_older.xlsx.xlsx",
    "multi_groups_any_order.docx.docx",
    "multi_groups_any_order.html.md",
    "multi_groups_any_order.pipe.md",
    "multi_groups_any_order.tsv.md",
    "multi_groups_any_order.xlsx.xlsx",
}

# layout -> what the current code does not do yet (the xfail reason)
GAPS: dict[str, str] = {
    "colset_minimal": "issue 11: level1/level2/level3 + 指标值-only column set not read",
    "colset_value_unit_standard": "issue 11: value+unit cell without operator, 绩效标准 column (standard)",
    "colset_operator_weight_direction": "issue 11: 指标性质 operator column, 度量单位, 权重 (weight), 指标方向性 (direction)",
    "colset_scores": "issue 11: 分值 column (score), score ranges in level-1 names",
    "colset_explanation_target": "issue 11: 指标解释 before 目标值, no unit and no rule column",
    "periods_side_by_side_1": "issue 11: 指标值(长期) | 指标值(年度) side by side (target_period), 中期目标 goal",
    "periods_side_by_side_2": "issue 11: 实施期目标 | 本年度目标 side by side (target_period), 项目支出实施期",
    "periods_stacked": "issue 11: 长期目标 / 年度目标 sections (target_period), 长期总体目标",
    "header_coded_units": "issue 11: 项目支出名称, 主管部门及编码, 实施单位, 项目属性, 项目起止时间, 部门预算编码, "
                          "资金总额 beside 当年资金总额, 上级资金, amounts with unit",
    "header_yuan_five_way": "issue 11: 预算部门, 项目支出实施期, funds in 元 (unit_converted) split five ways",
    "header_department_coded": "issue 11: 部门（单位）名称 [code]name (agency_code), 部门预算编码, 部门职能职责概述",
    "header_budget_level_amounts": "issue 11: 资金总额 10000万元 (fund_total_all), 年度本级预算金额 250万",
    "multi_register_table": "issue 11: township register table with several projects (one form each), 小计 rows",
    "multi_two_on_one_page": "issue 11: two forms on one page with 年度资金总额（万元） as one row",
    "multi_groups_any_order": "issue 11: level-1 groups in another order, 年度绩效指标 label, 单位名称 line",
    "framework_older": "issue 11: 投入/过程/效果指标 mapped onto the taxonomy (framework_mapped)",
    "framework_nested_names": "issue 11: 成本指标 under 产出指标, 满意度 under 效益指标 (framework_mapped)",
    "damage_converted_page": "issue 11: one cell per line / space runs / vertical labels / site boilerplate",
    "damage_digits_operators": "issue 11: digits split by a space, ≥ read as 2 (operator_misread)",
    "damage_traditional": "issue 11: Traditional characters (match as simplified, keep source text)",
    "near_miss_self_evaluation": "issue 11: 绩效自评表 as form_kind self_evaluation with actual values and scores",
    "incomplete_truncated": "issue 11: form cut without footer is not reported (form_truncated)",
    "incomplete_missing_groups": "issue 11: form lacking 效益/满意度 groups is not reported (missing_group)",
}
