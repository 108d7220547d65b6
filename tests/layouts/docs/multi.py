"""Several forms in one table or on one page; level-1 groups in any order (issue 11, bullet
"Several forms in one table or page")."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

KINDS = ["pipe", "html", "tsv", "xlsx", "docx", "pdf"]


def register_table() -> LayoutDoc:
    """A township's register: one table listing several projects, each with its name, amount (元)
    and goal in leading merged columns, a 小计 row after each project and a 合计 row at the end."""
    projects = [
        ("村级道路硬化工程", 1_280_000, "硬化村组道路6.4公里，解决沿线群众出行难问题。", [
            Ind("产出指标", "数量指标", "硬化道路长度", "≥", "6.4", "公里"),
            Ind("产出指标", "质量指标", "工程验收合格率", "=", "100", "%"),
            Ind("效益指标", "社会效益指标", "受益群众人数", "≥", "2100", "人"),
            Ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"),
        ]),
        ("农村人居环境整治", 450_000, "开展农村垃圾清运和沟渠清淤，改善村容村貌。", [
            Ind("产出指标", "数量指标", "清运生活垃圾", "≥", "1800", "吨"),
            Ind("产出指标", "时效指标", "垃圾日产日清率", "≥", "95", "%"),
            Ind("效益指标", "生态效益指标", "村庄环境卫生状况", "定性", "明显改善"),
            Ind("满意度指标", "服务对象满意度指标", "村民满意度", "≥", "85", "%"),
        ]),
        ("基层公共文化服务", 86_500, "组织送戏下乡和农家书屋更新，丰富群众文化生活。", [
            Ind("产出指标", "数量指标", "送戏下乡场次", "≥", "12", "场"),
            Ind("产出指标", "数量指标", "更新农家书屋图书", "≥", "3000", "册"),
            Ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"),
        ]),
    ]
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit")]
    head = [Cell("序号"), Cell("项目名称"), Cell("项目金额（元）"), Cell("年度绩效目标"), *(Cell(c.label) for c in cols)]
    grid = [head]
    forms = []
    total = 0
    for n, (name, amount, goal, inds) in enumerate(projects, 1):
        block, records = indicator_block(inds, cols, header=False)
        lead = [Cell(str(n), rowspan=len(block)), Cell(name, rowspan=len(block)),
                Cell(f"{amount:,}", rowspan=len(block)), Cell(goal, rowspan=len(block))]
        block[0] = [*lead, *block[0]]
        grid += block
        grid.append([Cell("小计", colspan=2), Cell(f"{amount:,}"), Cell("", colspan=5)])
        total += amount
        forms.append(Form([], [], [], {"form_kind": "project", "year": 2024, "project_name": name,
                                       "fund_total": amount / 10000, "overall_goal": goal}, records,
                          form_flags=["unit_converted"]))
    grid.append([Cell("合计", colspan=2), Cell(f"{total:,}"), Cell("", colspan=5)])
    # the one table belongs to the first form in the renderings; the others carry only records
    forms[0].before = ["青山镇2024年度项目支出绩效目标申报表", "填报单位：青山镇人民政府    金额单位：元"]
    forms[0].grid = grid
    for f in forms:
        f.record["agency"] = "青山镇人民政府"
    return LayoutDoc("multi_register_table", "Several forms in one table: township register, amounts in 元, 小计 rows",
                     forms, KINDS)


def _small_project(name: str, dept: str, total: str, goal: str, inds: list[Ind], foot, fill_date: str) -> Form:
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit")]
    width = 5
    block, records = indicator_block(inds, cols)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    grid = [kv("项目名称", name, width), kv("主管部门", dept, width), kv("年度资金总额（万元）", total, width),
            kv("年度总体目标", goal, width), *block]
    record = {"form_kind": "project", "year": 2024, "project_name": name, "competent_dept": dept,
              "fund_total": float(total), "overall_goal": goal, "preparer": foot[0], "phone": foot[1],
              "fill_date": fill_date, "unit_head": foot[3]}
    return Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records)


def two_on_one_page() -> LayoutDoc:
    dept = "岳阳市君山区林业局"
    foot = ("彭云", "0730-8421156", "2024年1月12日", "许建国")
    a = _small_project("森林防火能力建设", dept, "85", "完成防火通道维护，购置扑火装备，森林火灾受害率控制在0.8‰以内。", [
        Ind("产出指标", "数量指标", "维护防火通道", "≥", "24", "公里"),
        Ind("成本指标", "经济成本指标", "扑火装备购置费用", "≤", "35", "万元"),
        Ind("效益指标", "生态效益指标", "森林火灾受害率", "≤", "0.8", "‰"),
        Ind("满意度指标", "服务对象满意度指标", "林区群众满意度", "≥", "90", "%"),
    ], foot, "2024-01-12")
    b = _small_project("松材线虫病疫情防控", dept, "62.5", "开展疫木清理和媒介昆虫防治，遏制疫情扩散。", [
        Ind("产出指标", "数量指标", "清理疫木", "≥", "5600", "株"),
        Ind("产出指标", "质量指标", "疫木除治合格率", "≥", "98", "%"),
        Ind("效益指标", "生态效益指标", "疫点拔除数量", "≥", "2", "个"),
        Ind("满意度指标", "服务对象满意度指标", "林农满意度", "≥", "90", "%"),
    ], foot, "2024-01-12")
    return LayoutDoc("multi_two_on_one_page", "Two forms on one page", [a, b], KINDS + ["scan"], one_page=True)


def long_over_pages() -> LayoutDoc:
    """A department form of 26 indicators that runs over two PDF pages (the merged 绩效指标 and
    level-1 cells continue open on page 2): one form, not two pieces."""
    quantity = [("开展中小学教师全员培训", "≥", "3200", "人次"), ("新建改扩建幼儿园", "≥", "6", "所"),
                ("改造薄弱学校校舍面积", "≥", "2.4", "万平方米"), ("配备学生课桌椅", "≥", "5600", "套"),
                ("开展学生体质健康监测", "≥", "41000", "人"), ("组织教育教学督导", "≥", "24", "次"),
                ("资助家庭经济困难学生", "≥", "6800", "人次"), ("更新实验教学仪器", "≥", "180", "套")]
    quality = [("义务教育巩固率", "≥", "98.5", "%"), ("学前教育毛入园率", "≥", "92", "%"),
               ("高中阶段毛入学率", "≥", "95", "%"), ("教师培训合格率", "≥", "96", "%"),
               ("校舍安全达标率", "=", "100", "%"), ("学生体质健康达标率", "≥", "90", "%")]
    timely = [("资助资金发放及时率", "=", "100", "%"), ("校舍改造完工率", "≥", "95", "%")]
    inds = [Ind("产出指标", "数量指标", n, op, v, u) for n, op, v, u in quantity]
    inds += [Ind("产出指标", "质量指标", n, op, v, u) for n, op, v, u in quality]
    inds += [Ind("产出指标", "时效指标", n, op, v, u) for n, op, v, u in timely]
    inds += [
        Ind("成本指标", "经济成本指标", "生均公用经费标准（小学）", "≥", "720", "元"),
        Ind("成本指标", "经济成本指标", "生均公用经费标准（初中）", "≥", "940", "元"),
        Ind("效益指标", "社会效益指标", "适龄儿童入学率", "=", "100", "%"),
        Ind("效益指标", "社会效益指标", "城乡教育均衡发展水平", "定性", "稳步提升"),
        Ind("效益指标", "可持续影响指标", "教师队伍素质", "定性", "持续提高"),
        Ind("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", "92", "%"),
        Ind("满意度指标", "服务对象满意度指标", "教师满意度", "≥", "90", "%"),
        Ind("满意度指标", "服务对象满意度指标", "社会公众满意度", "≥", "88", "%"),
    ]
    for i in inds:
        i.rule = ("按实现程度分档计分：完全实现得满分，基本实现得80%分值，部分实现得60%分值，未实现不得分"
                  if i.op == "定性" else "达到或超过目标值得满分，未达到的按实际完成值占目标值的比例计分，指标分值扣完为止")
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
            Col("评（扣）分标准", "rule")]
    width = 6
    block, records = indicator_block(inds, cols)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    goal = ("巩固义务教育基本均衡成果，扩大普惠性学前教育资源，改善薄弱学校办学条件，加强教师队伍建设，"
            "落实学生资助政策，办好人民满意的教育。")
    grid = [kv("年度总体目标", goal, width), *block]
    foot = ("周静", "0746-8223517", "2024年1月23日", "唐卫东")
    record = {"form_kind": "department", "year": 2024, "agency": "永州市冷水滩区教育局", "overall_goal": goal,
              "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-23", "unit_head": foot[3]}
    form = Form(["部门整体支出绩效目标表", "（2024年度）", "永州市冷水滩区教育局"], grid, footer(*foot), record, records)
    return LayoutDoc("multi_long_over_pages", "Forms split into pieces today: one form over two pages", [form],
                     ["pdf", "docx", "pipe", "scan_tif"])


def groups_any_order() -> LayoutDoc:
    """A department form whose level-1 groups stand in another order (满意度 first, 成本 last)."""
    inds = [
        Ind("满意度指标", "服务对象满意度指标", "来访群众满意度", "≥", "95", "%"),
        Ind("效益指标", "社会效益指标", "矛盾纠纷调处成功率", "≥", "96", "%"),
        Ind("效益指标", "可持续影响指标", "法治宣传覆盖面", "定性", "持续扩大"),
        Ind("产出指标", "数量指标", "开展法治宣传活动", "≥", "40", "场次"),
        Ind("产出指标", "质量指标", "法律援助案件结案率", "≥", "95", "%"),
        Ind("产出指标", "时效指标", "援助申请审查时限", "≤", "7", "个工作日"),
        Ind("成本指标", "经济成本指标", "法律援助办案补贴", "≤", "48", "万元"),
    ]
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit")]
    width = 5
    block, records = indicator_block(inds, cols)
    block[0] = [Cell("年度绩效指标", rowspan=len(block)), *block[0]]
    goal = "深入开展法治宣传教育，做好法律援助和人民调解工作，维护社会和谐稳定。"
    grid = [kv("年度总体目标", goal, width), *block]
    foot = ("刘敏", "0597-3228810", "2024年1月5日", "林国栋")
    record = {"form_kind": "department", "year": 2024, "agency": "龙岩市新罗区司法局", "overall_goal": goal,
              "preparer": foot[0], "phone": foot[1], "fill_date": "2024-01-05", "unit_head": foot[3]}
    form = Form(["部门整体支出绩效目标表", "（2024年度）", "单位名称：龙岩市新罗区司法局"], grid, footer(*foot), record,
                records)
    return LayoutDoc("multi_groups_any_order", "Level-1 groups in any order (department form)", [form], KINDS)


def docs() -> list[LayoutDoc]:
    return [register_table(), two_on_one_page(), groups_any_order(), long_over_pages()]
