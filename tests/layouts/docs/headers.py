"""Form header variants (issue 11, bullet "Header variants"): other labels, code and name in one
cell, amounts written with their unit or in 元, the whole period's total beside the year's, funds
split five ways."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv, kv_pairs

KINDS = ["pipe", "html", "tsv", "xlsx", "docx", "pdf"]
COLS = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
        Col("评（扣）分标准", "rule")]


def coded_with_units() -> LayoutDoc:
    """项目支出名称, 主管部门及编码 `[015001]…`, 实施单位, 项目属性, 项目起止时间, 部门预算编码;
    资金总额 (whole period) beside 当年资金总额, 当年财政拨款, 上级资金; amounts written `1200万元`."""
    rule = "达到目标值得满分，未达到按比例计分"
    inds = [
        Ind("产出指标", "数量指标", "配备中小学智慧黑板", "≥", "420", "套", rule=rule),
        Ind("产出指标", "质量指标", "设备验收合格率", "=", "100", "%", rule=rule),
        Ind("产出指标", "时效指标", "设备安装完成时间", "≤", "10", "月", rule=rule),
        Ind("成本指标", "经济成本指标", "单套设备采购成本", "≤", "2.6", "万元", rule="不超过预算得满分"),
        Ind("效益指标", "社会效益指标", "信息化教学课时占比", "≥", "60", "%", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "师生满意度", "≥", "92", "%", rule=rule),
    ]
    width = 6
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    project = "中小学教育信息化提升工程"
    goal = "为全区中小学配备智慧黑板420套，推进信息化教学常态化应用，提升课堂教学质量和教育均衡发展水平。"
    long_goal = None
    grid = [
        kv("项目支出名称", project, width),
        kv_pairs([("主管部门及编码", "[015001]武汉市江汉区教育局"), ("实施单位", "武汉市江汉区教育装备中心")], width),
        kv_pairs([("项目属性", "延续项目"), ("项目起止时间", "2023年3月-2025年12月")], width),
        kv("部门预算编码", "420103-015001-2024-0087", width),
        [Cell("项目资金", rowspan=2), Cell("资金总额"), Cell("当年资金总额"), Cell("其中：当年财政拨款"),
         Cell("上级资金"), Cell("其他资金")],
        [Cell("3600万元"), Cell("1200万元"), Cell("1000万元"), Cell("150万元"), Cell("50万元")],
        kv("年度总体目标", goal, width), *block,
    ]
    foot = ("杨帆", "027-85712239", "2024年1月8日", "胡晓东")
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": "武汉市江汉区教育局",
              "competent_dept_code": "015001", "implementing_agency": "武汉市江汉区教育装备中心",
              "project_attribute": "延续项目", "period": "2023年3月-2025年12月",
              "budget_code": "420103-015001-2024-0087", "fund_total_all": 3600.0, "fund_total": 1200.0,
              "fund_fiscal": 1000.0, "fund_superior": 150.0, "fund_other": 50.0, "overall_goal": goal,
              "overall_goal_long_term": long_goal, "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-08",
              "unit_head": foot[3]}
    form = Form(["2024年度项目支出绩效目标表"], grid, footer(*foot), record, records)
    return LayoutDoc("header_coded_units", "Header variants: 项目支出名称, 主管部门及编码, 实施单位, 项目属性, "
                     "项目起止时间, 部门预算编码, 资金总额 beside 当年资金总额, amounts with unit", [form],
                     KINDS + ["scan"])


def yuan_five_way() -> LayoutDoc:
    """预算部门, 项目支出实施期; the year's funds in 元 split five ways (converted to 万元, logged)."""
    rule = "完成得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "救助困难群众人次", "≥", "3200", "人次", rule=rule),
        Ind("产出指标", "质量指标", "救助对象认定准确率", "≥", "98", "%", rule=rule),
        Ind("产出指标", "时效指标", "救助资金发放及时率", "=", "100", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "临时救助人均标准", "≤", "1500", "元", rule=rule),
        Ind("效益指标", "社会效益指标", "困难群众基本生活保障", "定性", "有效保障", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥", "90", "%", rule=rule),
    ]
    width = 6
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    project = "城乡困难群众临时救助"
    dept = "梅州市梅江区民政局"
    goal = "对遭遇突发性、紧迫性、临时性生活困难的群众及时实施救助，全年救助3200人次以上，兜住兜牢基本民生底线。"
    grid = [
        kv("项目支出名称", project, width), kv("预算部门", dept, width), kv("项目支出实施期", "2024年度", width),
        [Cell("年度资金（元）", rowspan=2), Cell("合计"), Cell("本级财政拨款"), Cell("上级资金"), Cell("上年结转"),
         Cell("其他资金")],
        [Cell("5,236,000"), Cell("3,800,000"), Cell("1,200,000"), Cell("200,000"), Cell("36,000")],
        kv("年度总体目标", goal, width), *block,
    ]
    foot = ("钟美玲", "0753-2186645", "2023年11月30日", "古振华")
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "period": "2024年度", "fund_total": 523.6, "fund_fiscal": 380.0, "fund_superior": 120.0,
              "fund_carryover": 20.0, "fund_other": 3.6, "overall_goal": goal, "preparer": foot[0], "phone": foot[1],
              "fill_date": "2023-11-30", "unit_head": foot[3]}
    form = Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records,
                form_flags=["unit_converted"])
    return LayoutDoc("header_yuan_five_way", "Header variants: 预算部门, 项目支出实施期, funds in 元 split five ways",
                     [form], KINDS)


def department_coded() -> LayoutDoc:
    """A department form: 部门（单位）名称 with its code (`[105001]…`), 部门预算编码, the year's
    budget with thousands separators, and a 部门职能职责概述 row that is no goal."""
    rule = "达到目标值得满分，未达到按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "开展预算绩效评价项目", "≥", "25", "个", rule=rule),
        Ind("产出指标", "质量指标", "绩效目标审核覆盖率", "=", "100", "%", rule=rule),
        Ind("产出指标", "时效指标", "部门预算批复时间", "≤", "20", "日", rule="人代会批准后20日内批复得满分"),
        Ind("成本指标", "经济成本指标", "“三公”经费", "≤", "18.6", "万元", rule="不超过上年得满分"),
        Ind("效益指标", "社会效益指标", "财政资金使用效益", "定性", "稳步提高", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "预算单位满意度", "≥", "90", "%", rule=rule),
    ]
    width = 6
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("年度绩效指标", rowspan=len(block)), *block[0]]
    goal = "科学编制部门预算，全面实施预算绩效管理，重点项目绩效评价覆盖面不低于25个，提高财政资金使用效益。"
    grid = [
        kv("部门（单位）名称", "[105001]宜宾市翠屏区财政局", width),
        kv("部门预算编码", "511502105001", width),
        [Cell("年度预算申请（万元）", rowspan=2), Cell("资金总额", colspan=2), Cell("财政拨款", colspan=2), Cell("其他资金")],
        [Cell("1,286.40", colspan=2), Cell("1,200.00", colspan=2), Cell("86.40")],
        kv("部门职能职责概述", "负责全区财政收支管理、预算编制与执行、政府采购监督和国有资产管理等工作。", width),
        kv("年度总体目标", goal, width), *block,
    ]
    foot = ("文静", "0831-8226417", "2024年1月11日", "邹平")
    record = {"form_kind": "department", "year": 2024, "agency": "宜宾市翠屏区财政局", "agency_code": "105001",
              "budget_code": "511502105001", "fund_total": 1286.4, "fund_fiscal": 1200.0, "fund_other": 86.4,
              "overall_goal": goal, "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-11",
              "unit_head": foot[3]}
    form = Form(["2024年度部门整体支出绩效目标表"], grid, footer(*foot), record, records)
    return LayoutDoc("header_department_coded", "Header variants: department form, 部门（单位）名称 with code, "
                     "部门预算编码, 部门职能职责概述 row", [form], KINDS)


def budget_level_amounts() -> LayoutDoc:
    """资金总额 of the whole period `10000万元` and 年度本级预算金额 `250万` (amounts with units)."""
    rule = "按期完成得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "完成保障性租赁住房筹集", "≥", "1200", "套", rule=rule),
        Ind("产出指标", "时效指标", "年度资本金拨付完成率", "=", "100", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "年度资本金投入", "≤", "250", "万元", rule="不超过年度预算得满分"),
        Ind("效益指标", "社会效益指标", "新市民青年人住房困难缓解", "定性", "有效缓解", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "承租人满意度", "≥", "85", "%", rule=rule),
    ]
    width = 6
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    project = "保障性租赁住房项目资本金"
    dept = "合肥市住房保障和房产管理局"
    goal = "按计划拨付年度项目资本金，推进保障性租赁住房筹集建设，缓解新市民、青年人住房困难。"
    grid = [
        kv("项目名称", project, width), kv("主管部门", dept, width),
        kv_pairs([("资金总额", "10000万元"), ("年度本级预算金额", "250万")], width),
        kv("年度总体目标", goal, width), *block,
    ]
    foot = ("吴磊", "0551-62638815", "2024年2月20日", "孙立新")
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total_all": 10000.0, "fund_total": 250.0, "overall_goal": goal, "preparer": foot[0],
              "phone": foot[1], "fill_date": "2024-02-20", "unit_head": foot[3]}
    form = Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records)
    return LayoutDoc("header_budget_level_amounts", "Header variants: 资金总额 10000万元, 年度本级预算金额 250万",
                     [form], KINDS)


def department_tasks() -> LayoutDoc:
    """A department form with a 年度主要任务 table (task, content, its budget split three ways) and
    a 金额合计 row above the goal: the tasks are no indicators, the 合计 is the year's budget."""
    rule = "完成目标得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "主次干道机械化清扫面积", "≥", "680", "万平方米", rule=rule),
        Ind("产出指标", "数量指标", "查处违法建设", "≥", "120", "处", rule=rule),
        Ind("产出指标", "质量指标", "市容环境卫生测评达标率", "≥", "95", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "部门整体支出", "≤", "8652.3", "万元", rule="控制在预算内得满分"),
        Ind("效益指标", "社会效益指标", "城市管理投诉按时办结率", "≥", "98", "%", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%", rule=rule),
    ]
    width = 6
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("年度绩效指标", rowspan=len(block)), *block[0]]
    tasks = [("环境卫生作业", "城区道路清扫保洁、垃圾收运", "5260.5", "5200", "60.5"),
             ("违法建设治理", "违法建设巡查、拆除及复绿", "1830", "1830", ""),
             ("市容秩序管理", "占道经营整治、户外广告规范", "1561.8", "1500", "61.8")]
    goal = "保持城区环境干净整洁，依法查处违法建设，规范市容秩序，提升城市精细化管理水平和群众满意度。"
    grid = [
        kv("部门（单位）名称", "长沙市天心区城市管理和综合执法局", width),
        [Cell("年度主要任务", rowspan=len(tasks) + 3), Cell("任务名称", rowspan=2), Cell("主要内容", rowspan=2),
         Cell("预算金额（万元）", colspan=3)],
        [Cell("总额"), Cell("财政拨款"), Cell("其他资金")],
        *[[Cell(n), Cell(c), Cell(t), Cell(f), Cell(o)] for n, c, t, f, o in tasks],
        [Cell("金额合计", colspan=2), Cell("8652.3"), Cell("8530"), Cell("122.3")],
        kv("年度总体目标", goal, width), *block,
    ]
    foot = ("易晓红", "0731-85899012", "2024年1月18日", "黄建")
    record = {"form_kind": "department", "year": 2024, "agency": "长沙市天心区城市管理和综合执法局",
              "fund_total": 8652.3, "fund_fiscal": 8530.0, "fund_other": 122.3, "overall_goal": goal,
              "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-18", "unit_head": foot[3]}
    form = Form(["部门整体支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records)
    return LayoutDoc("header_department_tasks", "Header variants: department form with a 年度主要任务 table and "
                     "金额合计", [form], KINDS)


def docs() -> list[LayoutDoc]:
    return [coded_with_units(), yuan_five_way(), department_coded(), budget_level_amounts(), department_tasks()]
