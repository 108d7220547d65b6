"""Other indicator frameworks (issue 11, bullet "Frameworks"): names of the older evaluation
framework and of other provinces mapped onto the canonical taxonomy, the source names kept in
level1_raw/level2_raw and the mapping flagged (`framework_mapped`)."""
from __future__ import annotations

from ..model import Cell, Col, Form, Ind, LayoutDoc, indicator_block
from .common import footer, kv

KINDS = ["pipe", "html", "tsv", "xlsx", "docx", "pdf"]
COLS = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
        Col("指标解释", "explanation")]


def _form(project: str, dept: str, total: str, goal: str, inds: list[Ind], foot, fill_date: str) -> Form:
    width = len(COLS) + 1
    block, records = indicator_block(inds, COLS)
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    grid = [kv("项目名称", project, width), kv("主管部门", dept, width),
            [Cell("项目资金（万元）", rowspan=2), Cell("年度资金总额"), Cell(total, colspan=width - 2)],
            [Cell("其中：财政拨款"), Cell(total, colspan=width - 2)],
            kv("年度总体目标", goal, width), *block]
    record = {"form_kind": "project", "year": 2024, "project_name": project, "competent_dept": dept,
              "fund_total": float(total), "fund_fiscal": float(total), "overall_goal": goal, "preparer": foot[0],
              "phone": foot[1], "fill_date": fill_date, "unit_head": foot[3]}
    return Form(["项目支出绩效目标表", "（2024年度）"], grid, footer(*foot), record, records)


def _mapped(ind: Ind, l1: str, l2: str | None = None) -> Ind:
    ind.l1_canon, ind.l2_canon = l1, l2
    ind.flags = ["framework_mapped"]
    return ind


def older_framework() -> LayoutDoc:
    """投入指标 / 过程指标 / 产出指标 / 效果指标 (the older evaluation framework). 效果指标 maps onto
    效益指标 / 满意度指标 by its level-2 (flagged framework_mapped); 投入/资金落实 and
    过程/财务管理 have no counterpart in the target taxonomy: level1/level2 stay empty, the source
    names in level1_raw/level2_raw, reported as taxonomy_unknown."""
    unknown = {"l1_canon": "", "l2_canon": "", "flags": ["taxonomy_unknown"]}
    inds = [
        Ind("投入指标", "资金落实", "资金到位率", "=", "100", "%", explanation="实际到位资金占计划投入资金的比例", **unknown),
        Ind("过程指标", "财务管理", "资金使用合规性", "定性", "合规", explanation="资金使用符合财务管理制度规定",
            **unknown),
        Ind("产出指标", "数量指标", "建成村级养老服务站", "≥", "14", "个", explanation="当年建成并投入运营的服务站数量"),
        Ind("产出指标", "质量指标", "服务站建设达标率", "=", "100", "%", explanation="达到省级建设标准的服务站占比"),
        _mapped(Ind("效果指标", "社会效益指标", "农村老年人助餐服务覆盖率", "≥", "60", "%",
                    explanation="享受助餐服务的农村老年人占比"), "效益指标"),
        _mapped(Ind("效果指标", "服务对象满意度指标", "老年人满意度", "≥", "90", "%",
                    explanation="抽样调查服务对象满意程度"), "满意度指标"),
    ]
    form = _form("农村互助养老服务设施建设", "宜昌市夷陵区民政局", "520",
                 "建成村级互助养老服务站14个，为农村老年人提供助餐、日间照料等服务，提升农村养老服务水平。",
                 inds, ("覃丽", "0717-7822316", "2024年1月19日", "王德胜"), "2024-01-19")
    return LayoutDoc("framework_older", "Frameworks: 投入/过程/产出/效果指标", [form], KINDS + ["tsv_mid"])


def nested_names() -> LayoutDoc:
    """成本指标 as a level-2 under 产出指标; 满意度 under 效益指标 with no 满意度 level-1;
    社会公众或服务对象满意度指标 as the level-2 name."""
    inds = [
        Ind("产出指标", "数量指标", "改造城镇老旧小区", "≥", "18", "个", explanation="年度开工改造的小区个数"),
        Ind("产出指标", "质量指标", "竣工验收合格率", "=", "100", "%", explanation="完工项目竣工验收合格比例"),
        _mapped(Ind("产出指标", "成本指标", "户均改造补助", "≤", "2.8", "万元", explanation="按改造户数测算的补助标准"),
                "成本指标", "经济成本指标"),
        Ind("效益指标", "社会效益指标", "惠及居民户数", "≥", "3600", "户", explanation="改造小区内受益居民户数"),
        _mapped(Ind("效益指标", "社会公众或服务对象满意度指标", "小区居民满意度", "≥", "90", "%",
                    explanation="改造完成后入户调查的满意度"), "满意度指标", "服务对象满意度指标"),
    ]
    form = _form("城镇老旧小区改造", "六安市金安区住房和城乡建设局", "5040",
                 "改造城镇老旧小区18个，完善小区基础设施和公共服务设施，改善3600户居民居住条件。",
                 inds, ("储勇", "0564-3376609", "2024年2月6日", "王海涛"), "2024-02-06")
    return LayoutDoc("framework_nested_names", "Frameworks: 成本指标 under 产出指标, 满意度 under 效益指标, "
                     "社会公众或服务对象满意度指标", [form], KINDS)


def docs() -> list[LayoutDoc]:
    return [older_framework(), nested_names()]
