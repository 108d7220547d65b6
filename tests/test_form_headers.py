"""Form-level reading of other provinces' header variants (issue 11): field labels of other form
families, amounts written with their unit, coded names, goals of both periods, several forms per
table, incomplete forms. Small documents written for these tests, record by record."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.options import ExtractOptions
from normalizers.document import process_file
from vocab import values

FIXTURES = Path(__file__).parent / "fixtures" / "headers"


def _run(name: str):
    path = FIXTURES / name
    return process_file(path, name, ExtractOptions())


def _codes(outcome, form_index=None):
    return [(a.code, a.field) for a in outcome.anomalies if form_index is None or a.form_index == form_index]


def test_hubei_header_variants_read_into_their_fields():
    out = _run("header_variants.md")
    assert out.status == "succeeded"
    assert len(out.forms) == 1
    f = out.forms[0]
    assert f.project_name == "城区公共照明设施维护"  # 项目支出名称
    assert f.competent_dept == "江城市城市管理局"  # 主管部门及编码: name and code apart
    assert f.competent_dept_code == "015001"
    assert f.implementing_agency == "江城市路灯管理所"
    assert f.project_attribute == "经常性项目"
    assert f.period == "2025年1月至2027年12月"
    assert f.budget_code == "015001-2025-0032"
    # 资金总额 beside 当年资金总额: the first is the whole period's, the second the year's
    assert f.fund_total_all == 3600.0
    assert f.fund_total == 1250.0
    assert (f.fund_fiscal, f.fund_superior, f.fund_carryover, f.fund_other) == (1000.0, 200.0, 30.0, 20.0)
    assert f.overall_goal == "完成主干道路灯日常维护和故障抢修，更换老旧灯具1200套。"
    assert f.overall_goal_long_term == "三年内完成城区主干道路灯智能化改造，亮灯率保持在98%以上。"
    assert (f.preparer, f.phone, f.fill_date) == ("王敏", "0712-5550123", "2025-01-10")
    assert [i.level3 for i in out.indicators] == ["维护费用", "更换老旧灯具", "亮灯率", "故障修复时限",
                                                  "夜间出行安全状况", "市民满意度"]
    # the five-way split sums up: no budget_mismatch
    assert ("budget_mismatch", "fund_total") not in _codes(out)


def test_amounts_in_yuan_are_converted_and_logged():
    out = _run("amounts_in_yuan.md")
    f = out.forms[0]
    assert f.competent_dept == "青山县交通运输局" and f.competent_dept_code == "208003"  # 预算部门 [208003]…
    assert f.period == "2025年"  # 项目支出实施期
    assert f.fund_total == 250.0  # 年度本级预算金额 2,500,000 under '金额单位：元'
    assert f.fund_fiscal == 200.0
    assert f.fund_superior == 50.0  # '500,000元' carries its own unit
    converted = {a.field: a for a in out.anomalies if a.code == "unit_converted"}
    assert set(converted) == {"fund_total", "fund_fiscal", "fund_superior"}
    assert all(a.severity == "info" for a in converted.values())
    assert converted["fund_total"].raw_value == "2,500,000"
    assert converted["fund_total"].fixed_value == "250"
    assert out.status == "succeeded"


@pytest.mark.parametrize("text,unit,expected,converted", [
    ("10000万元", None, 10000.0, False),
    ("250万", None, 250.0, False),
    ("2,500,000元", None, 250.0, True),
    ("2500000", "元", 250.0, True),
    ("968.191 8", None, 968.1918, False),
    ("1.2亿元", None, 12000.0, True),
    ("160", "万元", 160.0, False),
    ("—", "元", None, False),
])
def test_read_amount_with_its_unit(text, unit, expected, converted):
    a = values.read_amount(text, unit)
    assert a.wan == expected
    assert a.converted is converted


@given(st.integers(min_value=0, max_value=10**9))
def test_amount_in_yuan_is_ten_thousandth_in_wan(n):
    assert values.read_amount(f"{n}元").wan == pytest.approx(n / 10000)
    assert values.read_amount(str(n), "元").wan == pytest.approx(n / 10000)


@pytest.mark.parametrize("text,code,name", [
    ("[015001]武汉市教育局", "015001", "武汉市教育局"),
    ("【015】江城市城市管理局", "015", "江城市城市管理局"),
    ("015001 武汉市教育局", "015001", "武汉市教育局"),
    ("武汉市教育局(015001)", "015001", "武汉市教育局"),
    ("芷江侗族自治县自然资源局", None, "芷江侗族自治县自然资源局"),
    ("江城市民政局（2024）", None, "江城市民政局（2024）"),  # a year is no code
])
def test_split_coded_name(text, code, name):
    assert values.split_coded_name(text) == (code, name)


# ------------------------------------------------------------------------------ incomplete forms

SEED = Path(__file__).parent / "fixtures" / "seed" / "zhijiang_2024_forms.md"


def _seed_cut_after_row(tmp_path: Path, rows: int) -> Path:
    """The seed as if its file ended after the n-th indicator row of its first form."""
    kept, n, in_table = [], 0, False
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        kept.append(line)
        if "一级指标" in line:
            in_table = True
        elif in_table and len([c for c in line.split("\t") if c.strip()]) >= 4:
            n += 1
            if n == rows:
                break
    path = tmp_path / "seed_cut.md"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_seed_cut_after_its_fourth_row_is_not_a_clean_success(tmp_path):
    path = _seed_cut_after_row(tmp_path, 4)
    out = process_file(path, path.name, ExtractOptions())
    assert len(out.forms) == 1
    assert len(out.indicators) == 4  # the rows read are kept
    assert out.status == "partial"
    codes = _codes(out)
    assert ("form_truncated", "") in codes
    missing = [a for a in out.anomalies if a.code == "missing_group"]
    assert len(missing) == 1 and missing[0].severity == "warning"
    assert missing[0].raw_value == "效益指标、满意度指标"


def test_form_with_footer_but_without_satisfaction_group_is_warned_not_truncated():
    out = _run("no_satisfaction_group.md")
    assert len(out.forms) == 1 and len(out.indicators) == 3
    missing = [a for a in out.anomalies if a.code == "missing_group"]
    assert [(a.raw_value, a.severity) for a in missing] == [("满意度指标", "warning")]
    assert "form_truncated" not in [c for c, _ in _codes(out)]
    assert out.status == "succeeded"


def test_seed_itself_has_no_incomplete_form_anomaly():
    out = process_file(SEED, SEED.name, ExtractOptions())
    assert not {"missing_group", "form_truncated"} & {a.code for a in out.anomalies}


# ------------------------------------------------------------------- several forms in one table

def test_township_register_table_gives_one_form_per_project():
    out = _run("township_register.md")
    assert [f.project_name for f in out.forms] == ["村级道路保洁", "农田水利设施维修", "镇文化站免费开放"]
    assert [f.form_index for f in out.forms] == [0, 1, 2]
    assert [f.fund_total for f in out.forms] == [36.0, 54.0, 10.0]  # 元 under '金额单位：元'
    assert [f.overall_goal for f in out.forms] == ["保持全镇12个村主干道整洁。", "维修山塘8座、渠道3公里。",
                                                   "全年免费开放文化站不少于300天。"]
    assert all(f.form_kind == "project" and f.year == 2025 and f.agency == "青山县桃源镇人民政府"
               and f.preparer == "李青" and f.fill_date == "2025-01-06" for f in out.forms)
    by_form = {i: [r.level3 for r in out.indicators if r.form_index == i] for i in range(3)}
    assert by_form == {0: ["保洁经费", "保洁村数", "村容村貌", "村民满意度"],
                       1: ["维修经费", "维修山塘", "维修渠道", "新增灌溉面积", "受益农户满意度"],
                       2: ["运行经费", "开放天数", "群众文化活动参与人次", "群众满意度"]}
    first = next(r for r in out.indicators if r.form_index == 1)
    assert (first.level1, first.level2, first.operator, first.value, first.unit) == \
        ("成本指标", "经济成本指标", "≤", "54", "万元")
    assert [a.form_index for a in out.anomalies if a.code == "unit_converted"] == [0, 1, 2]
    # 小计 900,000 = 36 + 54 万元: no flag; 合计 1,100,000 against 100 万元: flagged on the last project
    mismatches = [a for a in out.anomalies if a.code == "budget_mismatch"]
    assert [(a.form_index, a.raw_value, a.fixed_value) for a in mismatches] == [(2, "1,100,000", "100")]
    assert not [a for a in out.anomalies if a.code == "missing_field" and a.field in ("operator", "value")]


def test_register_project_without_satisfaction_group_closed_by_its_subtotal_is_not_truncated(tmp_path):
    text = (FIXTURES / "township_register.md").read_text(encoding="utf-8")
    text = text.replace("| | | | | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥ | 90 | % | 达到或超过目标值得满分 |\n", "")
    text = text.split("填表人")[0]  # and the register has no footer
    path = tmp_path / "register_cut.md"
    path.write_text(text, encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    assert len(out.forms) == 3 and len([r for r in out.indicators if r.form_index == 2]) == 3
    assert [(a.form_index, a.raw_value) for a in out.anomalies if a.code == "missing_group"] == [(2, "满意度指标")]
    assert "form_truncated" not in {a.code for a in out.anomalies}


@pytest.mark.parametrize("titled", [True, False])
def test_register_in_a_workbook_with_merged_project_cells(tmp_path, titled):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年度项目支出绩效目标表" if titled else "桃源镇2025年项目清单"])
    ws.append(["单位：元"])
    ws.append(["项目名称", "资金（元）", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"])
    ws.append(["便民服务中心运行", 80000, "保障服务中心全年运行。", "产出指标", "数量指标", "服务事项", "≥120", "项"])
    ws.append([None, None, None, "效益指标", "社会效益指标", "办事便利程度", "明显提高", None])
    ws.append([None, None, None, "满意度指标", "服务对象满意度指标", "办事群众满意度", "≥90", "%"])
    ws.append(["河道清淤", 150000, "清淤河道2公里。", "产出指标", "数量指标", "清淤长度", "≥2", "公里"])
    ws.append([None, None, None, "效益指标", "生态效益指标", "河道行洪能力", "有效提升", None])
    ws.append([None, None, None, "满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥90", "%"])
    for top in (4, 7):
        for col in (1, 2, 3):
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 2, end_column=col)
    path = tmp_path / "register.xlsx"
    wb.save(path)
    out = process_file(path, path.name, ExtractOptions())
    assert [(f.project_name, f.fund_total, f.overall_goal) for f in out.forms] == [
        ("便民服务中心运行", 8.0, "保障服务中心全年运行。"), ("河道清淤", 15.0, "清淤河道2公里。")]
    assert [[(r.level3, r.operator, r.value, r.unit) for r in out.indicators if r.form_index == i] for i in (0, 1)] == [
        [("服务事项", "≥", "120", "项"), ("办事便利程度", "定性", "明显提高", None), ("办事群众满意度", "≥", "90", "%")],
        [("清淤长度", "≥", "2", "公里"), ("河道行洪能力", "定性", "有效提升", None), ("沿河群众满意度", "≥", "90", "%")],
    ]


def test_two_forms_in_one_table_under_one_title_are_two_forms():
    out = _run("two_forms_one_page.md")
    assert [(f.project_name, f.fund_total, f.overall_goal) for f in out.forms] == [
        ("中小学校舍维修", 120.0, "完成6所学校校舍维修。"),
        ("学生营养改善计划", 300.0, "为8000名农村学生提供营养膳食补助。")]
    assert [f.year for f in out.forms] == [2025, 2025]
    assert [f.competent_dept for f in out.forms] == ["青山县教育局", "青山县教育局"]
    assert [f.preparer for f in out.forms] == ["周洁", "周洁"]  # the one footer is shared
    assert [[r.level3 for r in out.indicators if r.form_index == i] for i in (0, 1)] == [
        ["维修成本", "维修学校数", "校舍安全状况", "师生满意度"], ["补助标准", "受助学生人数", "学生营养状况", "家长满意度"]]
    assert not [a for a in out.anomalies if a.severity != "info"]


def test_form_continued_under_a_repeated_title_is_one_form():
    out = _run("form_over_two_pages.md")
    assert len(out.forms) == 1
    f = out.forms[0]
    assert (f.project_name, f.fund_total, f.preparer, f.fill_date) == ("森林防火巡护", 45.0, "钱松", "2025-01-15")
    assert [r.level3 for r in out.indicators] == ["巡护经费", "巡护人员", "森林火灾受害率", "林区群众满意度"]
    assert [r.seq for r in out.indicators] == [1, 2, 3, 4]
    assert out.status == "succeeded"
    assert not {"missing_group", "form_truncated"} & {a.code for a in out.anomalies}


def test_several_label_value_pairs_on_one_text_line():
    """A web page's header as text lines, several 'label：value' pairs to a line."""
    out = _run("header_lines.md")
    f = out.forms[0]
    assert (f.project_name, f.competent_dept, f.competent_dept_code) == ("社区卫生服务能力提升", "青山县卫生健康局", "023001")
    assert (f.implementing_agency, f.project_attribute) == ("青山县疾病预防控制中心", "延续性项目")
    assert (f.period, f.budget_code) == ("2025年1月1日—2025年12月31日", "43122025023001")
    assert (f.fund_total, f.fund_fiscal, f.fund_superior) == (150.0, 120.0, 30.0)  # '其中：' is no part of a value
    assert f.overall_goal == "完成全县15个社区卫生服务站设备更新，基本公共卫生服务覆盖率稳步提高。"
    assert len(out.indicators) == 4
    assert not [a for a in out.anomalies if a.severity != "info"]


def test_header_table_then_text_lines_then_indicator_table_is_one_form():
    out = _run("header_table_then_text_then_indicators.md")
    assert len(out.forms) == 1
    f = out.forms[0]
    assert (f.project_name, f.competent_dept, f.fund_total) == ("农村饮水安全巩固提升", "青山县水利局", 260.0)
    assert f.overall_goal == "改造农村供水管网40公里，巩固提升2.1万人饮水安全保障水平。"
    assert [r.level3 for r in out.indicators] == ["工程建设成本", "改造供水管网", "受益人口", "受益群众满意度"]
    assert out.status == "succeeded"


def test_goals_of_both_periods_under_labels_spanning_otherwise_than_their_values(tmp_path):
    path = tmp_path / "offset.md"
    path.write_text(
        "# 项目支出绩效目标表\n\n（2025）年度\n\n"
        "| 项目名称 | 城乡供水一体化 | | | |\n|---|---|---|---|---|\n"
        "| 总体目标 | 实施期目标 | | 本年度目标 | |\n"
        "| | | 2027年底前城乡供水一体化覆盖率达到95%。 | | 本年度新建供水管网60公里。 |\n"
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 评(扣)分标准 |\n"
        "| 产出指标 | 数量指标 | 新建供水管网 | ≥60公里 | 完成目标得满分 |\n"
        "| 效益指标 | 社会效益指标 | 受益人口 | ≥3万人 | 完成目标得满分 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 用水户满意度 | ≥90% | 达到目标得满分 |\n\n"
        "填表人：韩梅　填报日期：2025-01-20\n", encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    f = out.forms[0]
    assert f.overall_goal_long_term == "2027年底前城乡供水一体化覆盖率达到95%。"
    assert f.overall_goal == "本年度新建供水管网60公里。"
    assert [r.level3 for r in out.indicators] == ["新建供水管网", "受益人口", "用水户满意度"]


def test_register_with_a_two_row_header_and_merged_subtotal_label(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年度项目支出绩效目标表"])
    ws.append(["项目名称", "资金（万元）", "绩效目标", "绩效指标", None, None, None])
    ws.append([None, None, None, "一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["老年食堂运营", 12, "为300名老人提供助餐服务。", "产出指标", "数量指标", "助餐老人数", "≥300人"])
    ws.append([None, None, None, "满意度指标", "服务对象满意度指标", "就餐老人满意度", "≥90%"])
    ws.append(["儿童之家建设", 6.5, "建成儿童之家2所。", "产出指标", "数量指标", "建成儿童之家", "≥2所"])
    ws.append([None, None, None, "效益指标", "社会效益指标", "儿童活动场所条件", "明显改善"])
    ws.append(["小计", None, 20])  # the projects add up to 18.5
    for col in (1, 2, 3):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
        ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=7)
    ws.merge_cells(start_row=8, start_column=1, end_row=8, end_column=2)
    path = tmp_path / "register2.xlsx"
    wb.save(path)
    out = process_file(path, path.name, ExtractOptions())
    assert [(f.project_name, f.fund_total, f.overall_goal) for f in out.forms] == [
        ("老年食堂运营", 12.0, "为300名老人提供助餐服务。"), ("儿童之家建设", 6.5, "建成儿童之家2所。")]
    assert [[r.level3 for r in out.indicators if r.form_index == i] for i in (0, 1)] == [
        ["助餐老人数", "就餐老人满意度"], ["建成儿童之家", "儿童活动场所条件"]]
    mismatch = [a for a in out.anomalies if a.code == "budget_mismatch"]
    assert [(a.form_index, a.raw_value, a.fixed_value) for a in mismatch] == [(1, "20", "18.5")]
    assert {a.raw_value for a in out.anomalies if a.code == "missing_group"} == {"效益指标", "满意度指标"}


def test_form_whose_last_row_is_cut_without_a_rule_column_is_truncated(tmp_path):
    path = tmp_path / "cut.md"
    path.write_text(
        "# 项目支出绩效目标表\n\n（2025）年度\n\n"
        "| 项目名称 | 街道亮化 | | |\n|---|---|---|---|\n"
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
        "| 产出指标 | 数量指标 | 新装路灯 | ≥200盏 |\n"
        "| 效益指标 | 社会效益指标 | 夜间照明条件 | 明显改善 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 居民满意度 | ≥90% |\n"
        "| 满意度指标 | 服务对象满意度指标 | 商户满意 |\n", encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    # the 项目名称 row right above the indicator header is a field, no register table's header
    assert len(out.forms) == 1 and out.forms[0].project_name == "街道亮化"
    assert len(out.indicators) == 4  # the rows read are kept
    assert [a.seq for a in out.anomalies if a.code == "form_truncated"] == [4]
    assert "missing_group" not in {a.code for a in out.anomalies}
    assert out.status == "partial"


def test_running_header_repeating_the_same_project_on_the_next_page_is_no_new_form(tmp_path):
    path = tmp_path / "running.md"
    header = "| 项目名称 | 城区绿化养护 | | |\n|---|---|---|---|\n"
    columns = "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
    path.write_text(
        "# 项目支出绩效目标表\n\n（2025）年度\n\n" + header + "| 年度资金总额 | 90 | | |\n" + columns +
        "| 产出指标 | 数量指标 | 养护面积 | ≥60万平方米 |\n| 效益指标 | 生态效益指标 | 绿化覆盖率 | ≥42% |\n\n"
        + header + columns + "| 满意度指标 | 服务对象满意度指标 | 市民满意度 | ≥90% |\n\n"
        "填表人：冯雪　填报日期：2025-01-21\n", encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    assert [(f.project_name, f.fund_total, f.preparer) for f in out.forms] == [("城区绿化养护", 90.0, "冯雪")]
    assert [r.level3 for r in out.indicators] == ["养护面积", "绿化覆盖率", "市民满意度"]
    assert not {"missing_group", "form_truncated"} & {a.code for a in out.anomalies}


def test_fund_block_label_before_the_amount_label_on_one_text_line(tmp_path):
    """A converted page's header as text lines without colons: '项目资金（万元） 年度资金总额 1890'."""
    path = tmp_path / "lines.txt"
    path.write_text("项目支出绩效目标表\n（2024年度）\n项目名称 城区环境卫生保洁\n主管部门 某市城市管理局\n"
                    "项目资金（万元） 年度资金总额 1890\n其中：财政拨款 1890\n"
                    "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|\n"
                    "| 产出指标 | 数量指标 | 道路保洁面积 | ≥420万平方米 |\n", encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    f = out.forms[0]
    assert (f.project_name, f.competent_dept, f.fund_total, f.fund_fiscal) == (
        "城区环境卫生保洁", "某市城市管理局", 1890.0, 1890.0)


def test_self_evaluation_header_reads_the_expected_goal_and_budget_not_the_outcome():
    out = _run("self_evaluation_header.md")
    f = out.forms[0]
    assert f.fund_total == 216.0  # 年初预算数, not 全年执行数
    assert f.overall_goal == "完成农村户厕改造1200户，改厕验收合格率95%以上。"  # 预期目标
    assert f.overall_goal_long_term is None  # 实际完成情况 is no target


def _department_with_tasks(tmp_path: Path, total_row: str | None) -> Path:
    rows = ["| 部门（单位）名称 | 某区城市管理局 |  |  |  |  |", "|---|---|---|---|---|---|",
            "| 年度主要任务 | 任务名称 | 主要内容 | 预算金额（万元） |  |  |",
            "|  |  |  | 总额 | 财政拨款 | 其他资金 |",
            "|  | 环境卫生作业 | 道路清扫保洁 | 500 | 450 | 50 |",
            "|  | 违法建设治理 | 巡查拆除 | 300 | 300 |  |"]
    if total_row:
        rows.append(total_row)
    rows += ["| 年度总体目标 | 保持城区环境整洁。 |  |  |  |  |",
             "| 年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 评（扣）分标准 |",
             "|  | 产出指标 | 数量指标 | 查处违法建设 | ≥120处 | 完成得满分 |",
             "|  | 效益指标 | 社会效益指标 | 投诉按时办结率 | ≥98% | 完成得满分 |",
             "|  | 满意度指标 | 服务对象满意度指标 | 市民满意度 | ≥90% | 完成得满分 |"]
    p = tmp_path / "tasks.md"
    p.write_text("## 部门整体支出绩效目标表\n\n（2024年度）\n\n" + "\n".join(rows)
                 + "\n\n填表人：易某\n\n联系电话：0731-1234567\n\n填报日期：2024年1月18日\n\n单位负责人签字：黄某\n",
                 encoding="utf-8")
    return p


def test_department_task_table_is_no_indicators_and_its_total_row_gives_the_funds(tmp_path):
    p = _department_with_tasks(tmp_path, "|  | 金额合计 |  | 800 | 750 | 50 |")
    out = process_file(p, p.name, ExtractOptions())
    f = out.forms[0]
    assert (f.form_kind, f.agency, f.fund_total, f.fund_fiscal, f.fund_other) == (
        "department", "某区城市管理局", 800.0, 750.0, 50.0)
    assert [i.level3 for i in out.indicators] == ["查处违法建设", "投诉按时办结率", "市民满意度"]
    assert f.overall_goal == "保持城区环境整洁。"


def test_department_task_table_without_total_row_gives_its_sums_as_funds_flagged(tmp_path):
    # the first task's amounts are no form total: the tasks' sums are, as a guess to confirm
    p = _department_with_tasks(tmp_path, None)
    out = process_file(p, p.name, ExtractOptions())
    f = out.forms[0]
    assert (f.fund_total, f.fund_fiscal, f.fund_other) == (800.0, 750.0, 50.0)
    assert [i.level3 for i in out.indicators] == ["查处违法建设", "投诉按时办结率", "市民满意度"]
    assert f.overall_goal == "保持城区环境整洁。"
    assert {(a.field, a.code, a.severity, a.fixed_value) for a in out.anomalies} == {
        ("fund_total", "missing_field", "warning", "800"), ("fund_fiscal", "missing_field", "warning", "750"),
        ("fund_other", "missing_field", "warning", "50")}


def test_department_task_total_row_that_differs_from_its_tasks_is_a_budget_mismatch(tmp_path):
    p = _department_with_tasks(tmp_path, "|  | 金额合计 |  | 900 | 750 | 50 |")
    out = process_file(p, p.name, ExtractOptions())
    assert out.forms[0].fund_total == 900.0  # the form's own total is kept, and questioned
    # against its tasks' sum, and (as any form) against its sources 750 + 50
    assert {(a.field, a.code, a.raw_value, a.fixed_value) for a in out.anomalies} == {
        ("fund_total", "budget_mismatch", "900", "800"), ("fund_total", "budget_mismatch", "900.0", "")}


def test_indicator_named_with_a_review_word_is_kept_not_read_as_a_sign_off_row(tmp_path):
    # 绩效目标审核覆盖率 holds 审核, the marker of sign-off rows (业务股室审核 …); under a merged
    # 二级指标 its row starts with the name and was dropped without a word
    text = ("## 部门整体支出绩效目标表\n\n（2026）年度\n\n溆浦县财政局\n\n"
            "年度总体目标\t推进预算绩效管理。\t\t\t\t\t\n"
            "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t指标解释\t评分标准\n"
            "\t产出指标\t质量指标\t项目验收合格率\t≥95%\t验收合格的比例\t完成目标得满分\n"
            "\t\t\t绩效目标审核覆盖率\t=100%\t审核覆盖的比例\t达到目标值得满分\n"
            "\t\t\t资金使用合规率\t=100%\t合规的比例\t达到目标值得满分\n"
            "业务股室审核\t\t绩效股审核\t\t\t\t\n\n填表人：姚海\n")
    path = tmp_path / "review_word.md"
    path.write_text(text, encoding="utf-8")
    out = process_file(path, path.name, ExtractOptions())
    assert [r.level3 for r in out.indicators] == ["项目验收合格率", "绩效目标审核覆盖率", "资金使用合规率"]
    assert [(r.level2, r.operator, r.value) for r in out.indicators][1] == ("质量指标", "=", "100")
