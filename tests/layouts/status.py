"""Which golden layout files the current readers get right, field by field.

tests/test_layouts.py expects every file listed in PASSING to match its gt exactly and marks every
other file `xfail(strict=True)` with the reason of its layout below: when a reader starts handling
a layout, its files XPASS and the test fails until they are added here. Implementers: add the file
names (`<layout>.<kind>.<suffix>`, see build.file_name) as your change makes them pass.
"""
from __future__ import annotations

PASSING: set[str] = {
    "colset_minimal.pipe.md",
    "colset_minimal.html.md",
    "colset_minimal.tsv.md",
    "colset_value_unit_standard.pipe.md",
    "colset_value_unit_standard.html.md",
    "colset_value_unit_standard.tsv.md",
    "colset_operator_weight_direction.pipe.md",
    "colset_operator_weight_direction.html.md",
    "colset_operator_weight_direction.tsv.md",
    "colset_scores.pipe.md",
    "colset_scores.html.md",
    "colset_scores.tsv.md",
    "colset_explanation_target.pipe.md",
    "colset_explanation_target.html.md",
    "colset_explanation_target.tsv.md",
}

# layout -> what the current code does not do yet (the xfail reason)
GAPS: dict[str, str] = {
    "colset_minimal": "issue 11: level1/level2/level3 + 指标值-only column set not read",
    "colset_value_unit_standard": "issue 11: value+unit cell without operator, 绩效标准 column (standard)",
    "colset_operator_weight_direction": "issue 11: 指标性质 operator column, 度量单位, 权重 (weight), 指标方向性 (direction)",
    "colset_scores": "issue 11: 分值 column (score), score ranges in level-1 names",
    "colset_explanation_target": "issue 11: 指标解释 before 目标值, no unit and no rule column",
}
