"""Long-term and annual targets (issue 11, bullet "Long-term and annual targets"): side by side in
one row, or stacked as two sections; the overall goals of both periods."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

KINDS = ["pipe", "html", "tsv", "xlsx", "docx", "pdf"]


def _goal_rows(width: int, long_label: str, annual_label: str, long_goal: str, goal: str) -> list:
    a = (width - 1) // 2
    b = width - 1 - a
    return [
        [Cell("总体目标", rowspan=2), Cell(long_label, colspan=a), Cell(annual_label, colspan=b)],
        [Cell(long_goal, colspan=a), Cell(goal, colspan=b)],
    ]


def side_by_side(name: str, long_col: str, annual_col: str, long_goal_label: str, annual_goal_label: str,
                 period_label: str, period: str) -> LayoutDoc:
    """`指标值(长期)` | `指标值(年度)` (or 实施期/本年度) in one row: one record per target, in
    column order; the goals of both periods in the 总体目标 rows."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col(long_col, "long_value_unit"),
            Col(annual_col, "value_unit")]
    inds = [
        Ind("产出指标", "数量指标", "新建改建农村公路", "≥", "45", "公里", long_op="≥", long_value="150", long_unit="公里"),
        Ind("产出指标", "数量指标", "改造危旧桥梁", "≥", "8", "座", long_op="≥", long_value="25", long_unit="座"),
        Ind("产出指标", "质量指标", "交工验收合格率", "=", "100", "%", long_op="=", long_value="100", long_unit="%"),
        Ind("产出指标", "时效指标", "年度建设任务完成率", "≥", "95", "%", long_op="≥", long_value="100", long_unit="%"),
        Ind("成本指标", "经济成本指标", "每公里建设补助", "≤", "60", "万元", long_op="≤", long_value="60", long_unit="万元"),
        Ind("效益指标", "社会效益指标", "通三级及以上公路的乡镇比例", "≥", "85", "%",
            long_op="≥", long_value="100", long_unit="%"),
        Ind("效益指标", "可持续影响指标", "农村公路管养机制", "定性", "逐步完善", long_op="定性", long_value="长效运行"),
        Ind("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥", "90", "%", long_op="≥", long_value="92", long_unit="%"),
    ]
    width = len(cols) + 1
    block, records = indicator_block(inds, cols)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    long_goal = "到2026年底累计新建改建农村公路150公里、改造危旧桥梁25座，乡镇全部通三级及以上公路，形成布局合理、安全畅通的农村公路网。"
    goal = "本年度新建改建农村公路45公里，改造危旧桥梁8座，交工验收合格率100%，改善沿线群众出行条件。"
    project = "农村公路提质改造工程"
    dept = "万州区交通运输委员会" if name.endswith("1") else "达州市通川区交通运输局"
    grid = [kv("项目名称", project, width), kv("主管部门", dept, width), kv(period_label, period, width),
            [Cell("项目资金（万元）", rowspan=2), Cell("年度资金总额"), Cell("2700", colspan=width - 2)],
            [Cell("其中：财政拨款"), Cell("2700", colspan=width - 2)],
            *_goal_rows(width, long_goal_label, annual_goal_label, long_goal, goal), *block]
    foot = ("谭小军", "023-58221746", "2024年1月22日", "向东")
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total": 2700.0, "fund_fiscal": 2700.0, "overall_goal": goal, "overall_goal_long_term": long_goal,
              "period": period, "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-22", "unit_head": foot[3]}
    form = Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records)
    kinds = KINDS + (["scan", "tsv_mid"] if name.endswith("1") else [])
    return LayoutDoc(name, f"Long-term/annual side by side: {long_col} | {annual_col}", [form], kinds)


def stacked() -> LayoutDoc:
    """Two sections: 长期目标 indicators, then 年度目标 indicators, each under its own label."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
            Col("指标解释", "explanation")]
    long_inds = [
        Ind("产出指标", "数量指标", "累计完成高标准农田建设面积", "≥", "12", "万亩", period="long_term",
            explanation="规划期内累计建成的高标准农田面积"),
        Ind("效益指标", "经济效益指标", "亩均粮食产能提高", "≥", "100", "公斤", period="long_term",
            explanation="项目区建成后亩均粮食综合生产能力提高量"),
        Ind("满意度指标", "服务对象满意度指标", "项目区农户满意度", "≥", "90", "%", period="long_term",
            explanation="抽样调查项目区农户满意程度"),
    ]
    annual_inds = [
        Ind("产出指标", "数量指标", "本年度新建高标准农田", "≥", "3.2", "万亩", explanation="年度建成并验收的面积"),
        Ind("产出指标", "质量指标", "工程质量验收合格率", "=", "100", "%", explanation="通过竣工验收的工程比例"),
        Ind("成本指标", "经济成本指标", "亩均财政投入", "≤", "1500", "元", explanation="每亩高标准农田财政补助"),
        Ind("效益指标", "生态效益指标", "节水灌溉面积占比", "≥", "40", "%", explanation="项目区高效节水灌溉面积占比"),
        Ind("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥", "90", "%", explanation="受益农户对项目建设的满意度"),
    ]
    width = len(cols) + 1
    long_block, long_records = indicator_block(long_inds, cols)
    long_block[0] = [Cell("长期目标", rowspan=len(long_block)), *long_block[0]]
    annual_block, annual_records = indicator_block(annual_inds, cols)
    annual_block[0] = [Cell("年度目标", rowspan=len(annual_block)), *annual_block[0]]
    long_goal = "到2027年累计建成高标准农田12万亩，项目区亩均粮食产能提高100公斤，农田灌排条件明显改善。"
    goal = "2024年新建高标准农田3.2万亩，工程质量验收合格率100%，发展高效节水灌溉，保障粮食安全。"
    project = "高标准农田建设项目"
    dept = "南充市顺庆区农业农村局"
    grid = [kv("项目名称", project, width), kv("主管部门", dept, width),
            [Cell("项目资金（万元）", rowspan=3), Cell("年度资金总额"), Cell("4800", colspan=width - 2)],
            [Cell("其中：财政拨款"), Cell("4480", colspan=width - 2)],
            [Cell("其他资金"), Cell("320", colspan=width - 2)],
            kv("长期总体目标", long_goal, width), kv("年度总体目标", goal, width), *long_block, *annual_block]
    foot = ("蒲红梅", "0817-2225631", "2024年2月2日", "赵德明")
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total": 4800.0, "fund_fiscal": 4480.0, "fund_other": 320.0, "overall_goal": goal,
              "overall_goal_long_term": long_goal, "preparer": foot[0], "phone": foot[1], "fill_date": "2024-02-02",
              "unit_head": foot[3]}
    form = Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, long_records + annual_records)
    return LayoutDoc("periods_stacked", "Long-term/annual stacked as two sections (长期目标 / 年度目标)", [form],
                     KINDS + ["cells"])


def docs() -> list[LayoutDoc]:
    return [
        side_by_side("periods_side_by_side_1", "指标值(长期)", "指标值(年度)", "中期目标（2024-2026年）", "年度目标",
                     "项目起止时间", "2024年1月-2026年12月"),
        side_by_side("periods_side_by_side_2", "实施期目标", "本年度目标", "实施期目标", "本年度目标",
                     "项目支出实施期", "2024-2026年"),
        stacked(),
    ]
