"""Text damage from page/document conversion (issue 11, bullet "Text damage"): one cell per line
(with and without `|`), cells run together with spaces, labels one character per line, site
boilerplate around the form, digits split by a space, `≥` read as `2`, Traditional characters.
The expected records are those of the undamaged form (Traditional text is kept as written)."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

BOILERPLATE_BEFORE = ["索引号：11421100MB1537264R/2024-00192", "发布机构：黄冈市黄州区财政局",
                      "发布日期：2024-02-19", "字号：黄州财绩〔2024〕7号", "分享到："]
BOILERPLATE_AFTER = ["【打印本页】 【关闭窗口】", "主办：黄冈市黄州区人民政府办公室  网站标识码：4211020001"]


def _form(title: list[str], labels: dict, project: str, dept: str, total_text: str, total: float, goal: str,
          cols: list[Col], inds: list[Ind], foot, fill_date: str) -> Form:
    width = len(cols) + 1
    block, records = indicator_block(inds, cols)
    block[0] = [Cell(labels["indicators"], rowspan=len(block)), *block[0]]
    grid = [kv(labels["project"], project, width), kv(labels["dept"], dept, width),
            [Cell(labels["funds"], rowspan=2), Cell(labels["total"]), Cell(total_text, colspan=width - 2)],
            [Cell(labels["fiscal"]), Cell(total_text, colspan=width - 2)],
            kv(labels["goal"], goal, width), *block]
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total": total, "fund_fiscal": total, "overall_goal": goal, "preparer": foot[0],
              "phone": foot[1], "fill_date": fill_date, "unit_head": foot[3]}
    return Form(title, grid, footer(*foot), record, records)


LABELS = {"indicators": "绩效指标", "project": "项目名称", "dept": "主管部门", "funds": "项目资金（万元）",
          "total": "年度资金总额", "fiscal": "其中：财政拨款", "goal": "年度总体目标"}
COLS = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
        Col("评分标准", "rule")]


def converted_page() -> LayoutDoc:
    """A form copied from a government web page: boilerplate before and after; written one cell per
    line (with `|` runs, labels one character per line), without pipes, and as space runs."""
    rule = "完成目标得满分，未完成按比例扣分"
    inds = [
        Ind("产出指标", "数量指标", "城区道路保洁面积", "≥", "420", "万平方米", rule=rule),
        Ind("产出指标", "数量指标", "新增垃圾分类投放点", "≥", "60", "个", rule=rule),
        Ind("产出指标", "质量指标", "道路保洁质量达标率", "≥", "95", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "保洁服务单价", "≤", "4.5", "元/平方米", rule="不超过合同单价得满分"),
        Ind("效益指标", "生态效益指标", "生活垃圾无害化处理率", "=", "100", "%", rule=rule),
        Ind("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "88", "%", rule=rule),
    ]
    form = _form(["项目支出绩效目标表", "（2024年度）"], LABELS, "城区环境卫生保洁服务", "黄冈市黄州区城市管理执法局",
                 "1890", 1890.0, "做好城区420万平方米道路清扫保洁，推进生活垃圾分类，保持城区环境整洁。", COLS, inds,
                 ("詹红", "0713-8356214", "2024年1月30日", "操建华"), "2024-01-30")
    return LayoutDoc("damage_converted_page", "Text damage: one cell per line, | runs, space runs, vertical "
                     "labels, site boilerplate", [form], ["cells", "cells_bare", "spaces", "pdf"],
                     page_before=BOILERPLATE_BEFORE, page_after=BOILERPLATE_AFTER,
                     vertical_labels=("绩效指标", "项目资金（万元）"))


def digits_and_operators() -> LayoutDoc:
    """Digits split by a space (`968.191 8`) and `≥` read as `2` (`≥92%` -> `292%`, flagged)."""
    rule = "达到目标值得满分，未达到按比例计分"
    inds = [
        Ind("产出指标", "数量指标", "资助家庭经济困难学生", "≥", "2460", "人次", rule=rule, written_value="≥2 460人次"),
        Ind("产出指标", "质量指标", "资助对象认定准确率", "≥", "92", "%", rule=rule, written_value="292%",
            flags=["operator_misread"]),
        Ind("产出指标", "时效指标", "资助资金发放及时率", "=", "100", "%", rule=rule),
        Ind("成本指标", "经济成本指标", "资助资金总额", "≤", "968.1918", "万元", rule="控制在预算内得满分",
            written_value="≤968.191 8万元"),
        Ind("效益指标", "社会效益指标", "因贫失学学生人数", "=", "0", "人", rule="出现一例不得分"),
        Ind("满意度指标", "服务对象满意度指标", "受助学生满意度", "≥", "95", "%", rule=rule, written_value="295%",
            flags=["operator_misread"]),
    ]
    form = _form(["项目支出绩效目标表", "（2024年度）"], LABELS, "学生资助补助经费", "资阳市雁江区教育和体育局",
                 "968.191 8", 968.1918, "落实各学段学生资助政策，确保家庭经济困难学生应助尽助，不因贫失学。", COLS,
                 inds, ("付婷", "028-26652371", "2024年1月16日", "李明全"), "2024-01-16")
    return LayoutDoc("damage_digits_operators", "Text damage: digits split, ≥ read as 2 (operator_misread)",
                     [form], ["pipe", "tsv", "html", "pdf"])


def traditional() -> LayoutDoc:
    """A form in Traditional characters: names matched as simplified, the source text kept."""
    labels = {"indicators": "績效指標", "project": "項目名稱", "dept": "主管部門", "funds": "項目資金（萬元）",
              "total": "年度資金總額", "fiscal": "其中：財政撥款", "goal": "年度總體目標"}
    cols = [Col("一級指標", "l1"), Col("二級指標", "l2"), Col("三級指標", "l3"), Col("指標值", "value_unit"),
            Col("評分標準", "rule")]
    rule = "完成目標得滿分，未完成按比例扣分"
    t = {"產出指標": "产出指标", "數量指標": "数量指标", "質量指標": "质量指标", "時效指標": "时效指标",
         "成本指標": "成本指标", "經濟成本指標": "经济成本指标", "效益指標": "效益指标", "社會效益指標": "社会效益指标",
         "滿意度指標": "满意度指标", "服務對象滿意度指標": "服务对象满意度指标"}
    raw = [
        Ind("產出指標", "數量指標", "開展社區養老服務", "≥", "5000", "人次", rule=rule),
        Ind("產出指標", "質量指標", "服務質量達標率", "≥", "95", "%", rule=rule),
        Ind("產出指標", "時效指標", "補貼發放及時率", "=", "100", "%", rule=rule),
        Ind("成本指標", "經濟成本指標", "人均服務補貼", "≤", "600", "元", rule="不超過標準得滿分"),
        Ind("效益指標", "社會效益指標", "居家老人生活品質", "定性", "明顯提升", rule=rule),
        Ind("滿意度指標", "服務對象滿意度指標", "老年人滿意度", "≥", "90", "%", rule=rule),
    ]
    for i in raw:
        i.l1_canon, i.l2_canon = t[i.l1], t[i.l2]
    foot = ("陳美華", "0768-2236610", "2024年1月10日", "林志明")
    form = _form(["項目支出績效目標表", "（2024年度）"], labels, "社區居家養老服務補貼", "潮州市湘橋區民政局", "300", 300.0,
                 "為轄區居家老人提供社區養老服務5000人次以上，提升老年人生活品質。", cols, raw, foot, "2024-01-10")
    form.after = [f"填表人：{foot[0]}", f"聯繫電話：{foot[1]}", f"填報日期：{foot[2]}", f"單位負責人簽字：{foot[3]}"]
    return LayoutDoc("damage_traditional", "Text damage: Traditional characters (matched as simplified, kept)",
                     [form], ["pipe", "html", "docx", "pdf"])


def docs() -> list[LayoutDoc]:
    return [converted_page(), digits_and_operators(), traditional()]
