"""The output records of the contract (../shared/CONTRACT.md): forms, indicators, anomalies.

Column order here is the column order of the written tables. Extra columns beyond the contract
come last.
"""
from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

Severity = Literal["info", "warning", "error"]
_UNION_TYPES = (Union, types.UnionType)  # Optional[X] and X | None


class FormRecord(BaseModel):
    form_id: str
    source_file: str
    form_index: int
    form_kind: Literal["department", "project", "self_evaluation"]
    year: int | None = None
    agency: str | None = None
    project_name: str | None = None
    competent_dept: str | None = None
    fund_total: float | None = None
    fund_fiscal: float | None = None
    fund_carryover: float | None = None
    fund_other: float | None = None
    overall_goal: str | None = None
    preparer: str | None = None
    phone: str | None = None
    fill_date: str | None = None
    unit_head: str | None = None
    page_start: int = 1
    page_end: int = 1
    extractor: str = ""
    confidence: float = 1.0
    # issue 11: header variants of other provinces' forms (empty when the form has none)
    overall_goal_long_term: str | None = None  # 中期目标 / 长期目标 / 实施期目标
    agency_code: str | None = None  # the '[015001]' part of 预算部门 / 单位名称
    competent_dept_code: str | None = None  # the '[015001]' part of 主管部门及编码
    implementing_agency: str | None = None  # 实施单位
    project_attribute: str | None = None  # 项目属性
    period: str | None = None  # 项目起止时间 / 项目支出实施期, as written
    fund_total_all: float | None = None  # 资金总额 of the whole period, 万元
    fund_superior: float | None = None  # 上级资金, 万元
    budget_code: str | None = None  # 部门预算编码 / 项目编码


class IndicatorRecord(BaseModel):
    form_id: str
    source_file: str
    form_index: int
    seq: int
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    operator: str | None = None
    value: str | None = None
    value_num: float | None = None
    unit: str | None = None
    explanation: str | None = None
    scoring_rule: str | None = None
    note: str | None = None
    level1_raw: str | None = None
    level2_raw: str | None = None
    page: int = 1
    confidence: float = 1.0
    # issue 11: other provinces' column sets; empty when the form has no such column
    target_period: Literal["annual", "long_term"] = "annual"  # which target of the row the value is
    weight: float | None = None  # 权重
    score: float | None = None  # 分值: points allotted to the indicator
    standard: str | None = None  # 绩效标准 (计划标准 / 历史标准 / 行业标准 ...)
    direction: str | None = None  # 指标方向性 (正向 / 反向)
    actual_value: str | None = None  # 实际完成值 of a self-evaluation form
    actual_score: float | None = None  # 得分 of a self-evaluation form
    deviation_reason: str | None = None  # 偏差原因 (and measures) of a self-evaluation form
    # beyond the contract: where the row stands on its page (page units) for the review page
    bbox: str | None = None  # "x0,y0,x1,y1"
    page_size: str | None = None  # "width,height" in the same units
    cell_boxes: str | None = None  # JSON [[x0,y0,x1,y1,confidence], ...] of the row's cells


class Anomaly(BaseModel):
    source_file: str
    form_id: str = ""
    form_index: int | None = None
    seq: int | None = None
    field: str = ""
    code: str
    severity: Severity = "warning"
    raw_value: str = ""
    fixed_value: str = ""
    message: str = ""
    page: int | None = None  # beyond the contract: where a person should look


FORM_COLUMNS = list(FormRecord.model_fields)
INDICATOR_COLUMNS = list(IndicatorRecord.model_fields)
ANOMALY_COLUMNS = list(Anomaly.model_fields)


def field_type(model: type[BaseModel], field: str) -> Any:
    """The non-None type of a record field (``float | None`` -> float); str for wider unions."""
    annotation = model.model_fields[field].annotation
    if get_origin(annotation) in _UNION_TYPES:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return annotation


def field_allows_none(model: type[BaseModel], field: str) -> bool:
    annotation = model.model_fields[field].annotation
    return get_origin(annotation) in _UNION_TYPES and type(None) in get_args(annotation)
