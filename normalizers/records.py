"""The output records of the contract (../shared/CONTRACT.md): forms, indicators, anomalies.

Column order here is the column order of the written tables. Extra columns beyond the contract
come last.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel

Severity = Literal["info", "warning", "error"]


class FormRecord(BaseModel):
    form_id: str
    source_file: str
    form_index: int
    form_kind: Literal["department", "project"]
    year: Optional[int] = None
    agency: Optional[str] = None
    project_name: Optional[str] = None
    competent_dept: Optional[str] = None
    fund_total: Optional[float] = None
    fund_fiscal: Optional[float] = None
    fund_carryover: Optional[float] = None
    fund_other: Optional[float] = None
    overall_goal: Optional[str] = None
    preparer: Optional[str] = None
    phone: Optional[str] = None
    fill_date: Optional[str] = None
    unit_head: Optional[str] = None
    page_start: int = 1
    page_end: int = 1
    extractor: str = ""
    confidence: float = 1.0


class IndicatorRecord(BaseModel):
    form_id: str
    source_file: str
    form_index: int
    seq: int
    level1: Optional[str] = None
    level2: Optional[str] = None
    level3: Optional[str] = None
    operator: Optional[str] = None
    value: Optional[str] = None
    value_num: Optional[float] = None
    unit: Optional[str] = None
    explanation: Optional[str] = None
    scoring_rule: Optional[str] = None
    note: Optional[str] = None
    level1_raw: Optional[str] = None
    level2_raw: Optional[str] = None
    page: int = 1
    confidence: float = 1.0
    # beyond the contract: where the row stands on its page (page units) for the review page
    bbox: Optional[str] = None  # "x0,y0,x1,y1"
    page_size: Optional[str] = None  # "width,height" in the same units
    cell_boxes: Optional[str] = None  # JSON [[x0,y0,x1,y1,confidence], ...] of the row's cells


class Anomaly(BaseModel):
    source_file: str
    form_id: str = ""
    form_index: Optional[int] = None
    seq: Optional[int] = None
    field: str = ""
    code: str
    severity: Severity = "warning"
    raw_value: str = ""
    fixed_value: str = ""
    message: str = ""
    page: Optional[int] = None  # beyond the contract: where a person should look


FORM_COLUMNS = list(FormRecord.model_fields)
INDICATOR_COLUMNS = list(IndicatorRecord.model_fields)
ANOMALY_COLUMNS = list(Anomaly.model_fields)
