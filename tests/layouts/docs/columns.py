"""Column sets of other provinces' indicator tables (issue 11, bullet "Column sets")."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

ALL = ["pipe", "html", "tsv", "xlsx", "docx", "pdf"]


def _project_form(title: str, year: int, name: str, dept: str, total: str, fiscal: str, other: str | None,
                  goal: str, cols: list[Col], inds: list[Ind], foot: tuple[str, str, str, str],
                  fill_date: str, l1_text=None, lead_label: str | None = "绩效指标") -> Form:
    width = len(cols) + (1 if lead_label else 0)
    block, records = indicator_block(inds, cols, l1_text=l1_text)
    if lead_label:
        block[0] = [Cell(lead_label, rowspan=len(block)), *block[0]]
    fund_rows = [
        [Cell("项目资金（万元）", rowspan=3 if other is not None else 2), Cell("年度资金总额"),
         Cell(total, colspan=width - 2)],
        [Cell("其中：财政拨款"), Cell(fiscal, colspan=width - 2)],
    ]
    if other is not None:
        fund_rows.append([Cell("其他资金"), Cell(other, colspan=width - 2)])
    grid = [kv("项目名称", name, width), kv("主管部门", dept, width), *fund_rows,
            kv("年度总体目标", goal, width), *block]
    record = {"form_kind": "project", "year": year, "project_name": name, "competent_dept": dept,
              "fund_total": float(total), "fund_fiscal": float(fiscal),
              "fund_other": float(other) if other else None, "overall_goal": goal,
              "preparer": foot[0], "phone": foot[1], "fill_date": fill_date, "unit_head": foot[3]}
    return Form(before=[title, f"（{year}年度）"], grid=grid, after=footer(*foot), record=record,
                indicators=records)


def minimal() -> LayoutDoc:
    """一级/二级/三级 + 指标值 only: operator, number and unit in the one value cell."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit")]
    inds = [
        Ind("产出指标", "数量指标", "改造老旧供水管网长度", "≥", "36.5", "公里"),
        Ind("产出指标", "数量指标", "新建加压泵站", "=", "2", "座"),
        Ind("产出指标", "质量指标", "管网工程验收合格率", "=", "100", "%"),
        Ind("产出指标", "时效指标", "年度工程完工率", "≥", "95", "%"),
        Ind("成本指标", "经济成本指标", "管网改造单位成本", "≤", "86", "万元/公里"),
        Ind("效益指标", "社会效益指标", "供水保障水平", "定性", "明显提升"),
        Ind("效益指标", "可持续影响指标", "管网漏损率", "≤", "9", "%"),
        Ind("满意度指标", "服务对象满意度指标", "用水户满意度", "≥", "90", "%"),
    ]
    form = _project_form(
        "项目支出绩效目标表", 2024, "城区老旧供水管网改造工程", "襄阳市樊城区水利和湖泊局",
        "3168.5", "2800", "368.5",
        "完成城区36.5公里老旧供水管网改造，新建加压泵站2座，降低管网漏损率，提升城区供水保障能力和水质安全水平。",
        cols, inds, ("周立新", "0710-3217765", "2023年12月18日", "何文斌"), "2023-12-18")
    return LayoutDoc("colset_minimal", "Column sets: 一级/二级/三级 + 指标值 only", [form],
                     ALL + ["tsv_mid"])


def value_unit_standard() -> LayoutDoc:
    """Value and unit in one cell (`≥80M`, `250万`, `10辆`) beside a 绩效标准 column."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit_no_eq"),
            Col("绩效标准", "standard")]
    inds = [
        Ind("产出指标", "数量指标", "购置执法执勤车辆", "=", "10", "辆", standard="计划标准"),
        Ind("产出指标", "数量指标", "建设视频监控点位", "≥", "120", "个", standard="计划标准"),
        Ind("产出指标", "质量指标", "专网带宽", "≥", "80", "M", standard="行业标准"),
        Ind("产出指标", "时效指标", "设备到货安装及时率", "=", "100", "%", standard="计划标准"),
        Ind("成本指标", "经济成本指标", "车辆购置费用", "=", "250", "万", standard="计划标准"),
        Ind("效益指标", "社会效益指标", "道路交通事故起数下降率", "≥", "5", "%", standard="历史标准"),
        Ind("效益指标", "可持续影响指标", "设备使用年限", "≥", "6", "年", standard="行业标准"),
        Ind("满意度指标", "服务对象满意度指标", "群众对交通秩序满意度", "≥", "85", "%", standard="历史标准"),
    ]
    form = _project_form(
        "项目支出绩效目标表", 2024, "交通执法装备购置及智慧交通建设", "绵阳市公安局涪城区分局",
        "612", "612", None,
        "购置执法执勤车辆10辆，建设视频监控点位120个，提升道路交通管理智能化水平，减少道路交通事故，改善城区交通秩序。",
        cols, inds, ("罗建平", "0816-2230418", "2024年1月9日", "唐国华"), "2024-01-09")
    return LayoutDoc("colset_value_unit_standard", "Column sets: value+unit in one cell, 绩效标准 column",
                     [form], ALL)


def operator_weight_direction() -> LayoutDoc:
    """Operator in its own column (指标性质) with 度量单位, 权重 and 指标方向性."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标性质", "op"),
            Col("指标值", "value"), Col("度量单位", "unit"), Col("权重（%）", "weight"), Col("指标方向性", "direction")]
    inds = [
        Ind("产出指标", "数量指标", "培训农村实用人才", "≥", "1500", "人次", weight=15, direction="正向"),
        Ind("产出指标", "数量指标", "建设高标准示范基地", "≥", "6", "个", weight=10, direction="正向"),
        Ind("产出指标", "质量指标", "培训考核合格率", "≥", "92", "%", weight=10, direction="正向"),
        Ind("产出指标", "时效指标", "补助资金拨付时间", "≤", "30", "天", weight=10, direction="反向"),
        Ind("成本指标", "经济成本指标", "人均培训成本", "≤", "1200", "元", weight=15, direction="反向"),
        Ind("效益指标", "经济效益指标", "参训农户人均增收", "≥", "1800", "元", weight=15, direction="正向"),
        Ind("效益指标", "社会效益指标", "带动就业人数", "≥", "400", "人", weight=10, direction="正向"),
        Ind("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", "90", "%", weight=15, direction="正向"),
    ]
    form = _project_form(
        "项目支出绩效目标表", 2024, "高素质农民培育项目", "安庆市农业农村局",
        "180", "180", None,
        "培训农村实用人才1500人次，建设示范基地6个，提升农民生产经营能力，带动农户增收和农村劳动力就业。",
        cols, inds, ("汪海燕", "0556-5532019", "2024年2月26日", "程志远"), "2024-02-26")
    return LayoutDoc("colset_operator_weight_direction", "Column sets: operator column, 度量单位, 权重, 指标方向性",
                     [form], ALL + ["scan", "spaces"])


SCORE_RANGES = {"产出指标": "产出指标(0-40)分", "成本指标": "成本指标(0-20)分", "效益指标": "效益指标(0-20)分",
                "满意度指标": "满意度指标(0-10)分"}


def scores() -> LayoutDoc:
    """分值 column, score ranges inside level-1 names (`成本指标(0-20)分`) and a score in the block
    label (`年度绩效目标(90分)`)."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
            Col("分值", "score"), Col("评分标准", "rule")]
    full = "完成目标值得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "改造提升农贸市场", "≥", "4", "个", score=15, rule=full),
        Ind("产出指标", "质量指标", "改造工程验收合格率", "=", "100", "%", score=15, rule=full),
        Ind("产出指标", "时效指标", "年底前完工率", "≥", "90", "%", score=10, rule=full),
        Ind("成本指标", "经济成本指标", "单个市场改造补助标准", "≤", "75", "万元", score=20,
            rule="不超过补助标准得满分，超出不得分"),
        Ind("效益指标", "社会效益指标", "市场食品安全抽检合格率", "≥", "98", "%", score=10, rule=full),
        Ind("效益指标", "可持续影响指标", "长效管护机制", "定性", "建立健全", score=10,
            rule="机制建立得满分，未建立不得分"),
        Ind("满意度指标", "服务对象满意度指标", "商户及群众满意度", "≥", "90", "%", score=10,
            rule="满意度每降低1个百分点扣1分"),
    ]
    for i in inds:
        i.l1_canon = i.l1
        i.l1 = SCORE_RANGES[i.l1]
    form = _project_form(
        "项目支出绩效目标表", 2024, "农贸市场标准化改造提升", "泉州市鲤城区商务局",
        "300", "300", None,
        "完成4个农贸市场标准化改造，改善市场经营环境，保障食品安全，提升群众购物体验。",
        cols, inds, ("黄丽珍", "0595-22618830", "2024年3月1日", "陈志强"), "2024-03-01",
        lead_label="年度绩效目标(90分)")
    return LayoutDoc("colset_scores", "Column sets: 分值 column, score ranges in names", [form], ALL)


def explanation_target() -> LayoutDoc:
    """指标解释 and 目标值 columns, no unit and no rule column."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标解释", "explanation"),
            Col("目标值", "value_unit")]
    inds = [
        Ind("产出指标", "数量指标", "开展家庭医生签约服务人数", "≥", "52000", "人",
            explanation="年度内签订家庭医生服务协议的常住居民人数"),
        Ind("产出指标", "质量指标", "重点人群签约覆盖率", "≥", "75", "%",
            explanation="老年人、孕产妇、慢性病患者等重点人群签约人数占比"),
        Ind("产出指标", "时效指标", "补助资金按季度拨付", "定性", "按时拨付",
            explanation="基本公共卫生服务补助资金按季度拨付到基层医疗机构"),
        Ind("成本指标", "经济成本指标", "人均基本公共卫生服务经费", "≥", "89", "元",
            explanation="按常住人口计算的人均补助标准"),
        Ind("效益指标", "社会效益指标", "居民健康素养水平", "≥", "28", "%",
            explanation="具备基本健康素养的人数占监测人群的比例"),
        Ind("满意度指标", "服务对象满意度指标", "签约居民满意度", "≥", "85", "%",
            explanation="抽样调查签约居民对家庭医生服务的满意程度"),
    ]
    form = _project_form(
        "项目支出绩效目标表", 2024, "基本公共卫生服务项目", "韶关市武江区卫生健康局",
        "1462.8", "1462.8", None,
        "为辖区常住居民提供基本公共卫生服务，推进家庭医生签约服务，重点人群签约覆盖率达到75%以上，提高居民健康素养水平。",
        cols, inds, ("邓晓梅", "0751-8876521", "2024年1月15日", "刘建军"), "2024-01-15")
    return LayoutDoc("colset_explanation_target", "Column sets: 指标解释 and 目标值, no unit, no rule", [form], ALL)


WORDS = {"≥": "大于等于", "≤": "小于等于", "=": "等于", ">": "大于", "<": "小于", "定性": "定性"}


def operator_words() -> LayoutDoc:
    """The operator column written in words (指标性质: 大于等于 / 小于等于 / 等于 / 定性) with 计量单位,
    指标解释 and 备注 columns."""
    cols = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标性质", "op"),
            Col("指标值", "value"), Col("计量单位", "unit"), Col("指标解释", "explanation"), Col("备注", "note")]
    rows = [
        ("产出指标", "数量指标", "完成河道清淤疏浚", "≥", "18.5", "公里", "年度完成清淤疏浚的河道长度", None),
        ("产出指标", "数量指标", "新建护岸", "≥", "4.2", "公里", "新建生态护岸长度", "含干砌石护岸"),
        ("产出指标", "质量指标", "单元工程质量合格率", "=", "100", "%", "验收合格的单元工程占比", None),
        ("产出指标", "时效指标", "主体工程完工时间", "≤", "11", "月", "当年11月底前完成主体工程", None),
        ("成本指标", "经济成本指标", "每公里清淤成本", "≤", "42", "万元", "清淤疏浚工程单位长度成本", None),
        ("效益指标", "生态效益指标", "河道水质", "定性", "稳定达到Ⅲ类", None, "治理河段断面水质类别", None),
        ("效益指标", "社会效益指标", "受益人口", ">", "3.5", "万人", "防洪保护范围内人口", None),
        ("满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥", "90", "%", "问卷调查沿河群众满意程度", None),
    ]
    inds = [Ind(l1, l2, l3, op, v, u, explanation=e, note=n, written_op=WORDS[op]) for l1, l2, l3, op, v, u, e, n in rows]
    form = _project_form(
        "项目支出绩效目标表", 2024, "中小河流综合治理工程", "南平市建阳区水利局",
        "1650", "1420", "230",
        "完成18.5公里河道清淤疏浚和4.2公里生态护岸建设，提高河段防洪标准，改善河道生态环境。",
        cols, inds, ("江丽萍", "0599-5822367", "2024年2月28日", "叶志坚"), "2024-02-28")
    return LayoutDoc("colset_operator_words", "Column sets: operator column in words (大于等于/小于等于/等于)",
                     [form], ALL)


def docs() -> list[LayoutDoc]:
    return [minimal(), value_unit_standard(), operator_weight_direction(), scores(), explanation_target(),
            operator_words()]
