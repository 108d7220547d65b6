"""Near misses (issue 11): a 绩效自评表 looks like a target form; it is its own form kind
(`self_evaluation`) with the actual value, score and deviation reason per indicator."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import kv

KINDS = ["pipe", "html", "tsv", "pdf", "xlsx", "docx", "scan"]


def self_evaluation() -> LayoutDoc:
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("年度指标值", "value_unit"),
            Col("实际完成值", "actual_value"), Col("分值", "score"), Col("得分", "actual_score"),
            Col("偏差原因分析及改进措施", "deviation")]
    inds = [
        Ind("产出指标", "数量指标", "改造农村户厕", "≥", "1200", "户", actual_value="1156户", score=20, actual_score=18,
            deviation="部分农户外出务工未能按期施工，次年一季度完成"),
        Ind("产出指标", "质量指标", "改厕验收合格率", "≥", "95", "%", actual_value="97%", score=15, actual_score=15),
        Ind("产出指标", "时效指标", "年度任务完成时间", "≤", "12", "月", actual_value="12月", score=10, actual_score=10),
        Ind("成本指标", "经济成本指标", "户均改厕补助", "≤", "1800", "元", actual_value="1800元", score=15,
            actual_score=15),
        Ind("效益指标", "生态效益指标", "粪污无害化处理率", "≥", "85", "%", actual_value="82%", score=15, actual_score=12,
            deviation="部分村组管护不到位，已建立定期清掏制度"),
        Ind("满意度指标", "服务对象满意度指标", "农户满意度", "≥", "90", "%", actual_value="93%", score=15,
            actual_score=15),
    ]
    width = len(cols) + 1
    block, records = indicator_block(inds, cols)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    project = "农村改厕整村推进"
    dept = "常德市鼎城区农业农村局"
    goal = "完成农村户厕改造1200户，改厕验收合格率95%以上，提升农村人居环境质量。"
    grid = [kv("项目名称", project, width), kv("主管部门", dept, width),
            [Cell("项目资金（万元）"), Cell("年度资金总额"), Cell("216", colspan=2), Cell("全年执行数"),
             Cell("208.1", colspan=2), Cell("执行率"), Cell("96.3%")],
            [Cell("年度总体目标"), Cell("预期目标", colspan=4), Cell("实际完成情况", colspan=4)],
            [Cell(""), Cell(goal, colspan=4), Cell("完成户厕改造1156户，验收合格率97%，农村人居环境明显改善。", colspan=4)],
            *block]
    record = {"form_kind": "self_evaluation", "year": 2023, "project_name": project, "competent_dept": dept,
              "fund_total": 216.0, "overall_goal": goal}
    form = Form(["项目支出绩效自评表", "（2023年度）"], grid, ["填报日期：2024年3月20日"], record, records)
    form.record["fill_date"] = "2024-03-20"
    return LayoutDoc("near_miss_self_evaluation", "Near misses: 绩效自评表 (self_evaluation)", [form], KINDS)


def docs() -> list[LayoutDoc]:
    return [self_evaluation()]
