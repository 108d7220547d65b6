"""Incomplete forms (issue 11, bullet "Incomplete forms"): a form cut off without its footer
(`form_truncated`) and one that lacks whole level-1 groups (`missing_group`)."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

KINDS = ["pipe", "html", "tsv", "docx", "pdf"]
COLS = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标类型", "op"),
        Col("指标值", "value"), Col("计量单位", "unit"), Col("评(扣)分标准", "rule")]


def _form(project, dept, total, goal, inds, foot, fill_date, form_flags) -> Form:
    width = len(COLS) + 1
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    grid = [kv("项目名称", project, width), kv("主管部门及电话", dept, width),
            [Cell("项目资金（万元）", rowspan=2), Cell("年度资金总额："), Cell(total, colspan=width - 2)],
            [Cell("其中：财政拨款"), Cell(total, colspan=width - 2)],
            kv("年度总体目标", goal, width), *block]
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total": float(total), "fund_fiscal": float(total), "overall_goal": goal}
    after = []
    if foot:
        after = footer(*foot)
        record.update(preparer=foot[0], phone=foot[1], fill_date=fill_date, unit_head=foot[3])
    return Form(["项目支出绩效目标表", "（2024）年度"], grid, after, record, records, form_flags=form_flags)


def truncated() -> LayoutDoc:
    """The page ends after the fourth indicator row: no 效益/满意度 rows, no footer."""
    rule = "完成得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "开展动物疫病强制免疫", "≥", "38", "万头（只）", rule=rule),
        Ind("产出指标", "质量指标", "免疫抗体合格率", "≥", "70", "%", rule=rule),
        Ind("产出指标", "时效指标", "春秋两季集中免疫完成时间", "≤", "2", "个月", rule=rule),
        Ind("成本指标", "经济成本指标", "疫苗采购成本", "≤", "96", "万元", rule="控制在预算内得满分"),
    ]
    form = _form("重大动物疫病防控", "怀化市鹤城区畜牧水产事务中心", "128",
                 "完成重大动物疫病强制免疫，免疫抗体合格率保持在70%以上，确保不发生区域性重大动物疫情。", inds, None, None,
                 ["form_truncated"])
    return LayoutDoc("incomplete_truncated", "Incomplete forms: cut after its fourth row, no footer", [form], KINDS)


def missing_groups() -> LayoutDoc:
    """A complete-looking form (footer present) with no 效益指标 and no 满意度指标 group."""
    rule = "达到目标值得满分，未达到不得分"
    inds = [
        Ind("产出指标", "数量指标", "维修加固山塘", "≥", "15", "口", rule=rule),
        Ind("产出指标", "质量指标", "工程验收合格率", "=", "100", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "单口山塘维修补助", "≤", "8", "万元", rule=rule),
    ]
    form = _form("小型水利设施维修养护", "邵阳市双清区水利局", "120", "维修加固山塘15口，消除小型水利设施安全隐患，保障农田灌溉。",
                 inds, ("刘小兵", "0739-5312286", "2024年1月25日", "曾志伟"), "2024-01-25", ["missing_group"])
    return LayoutDoc("incomplete_missing_groups", "Incomplete forms: no 效益指标 / 满意度指标 group", [form], KINDS)


def docs() -> list[LayoutDoc]:
    return [truncated(), missing_groups()]
