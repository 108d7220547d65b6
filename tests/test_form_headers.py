"""Form-level reading of other provinces' header variants (issue 11): field labels of other form
families, amounts written with their unit, coded names, goals of both periods, several forms per
table, incomplete forms. Small documents written for these tests, record by record."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.options import ExtractOptions
from normalizers import values
from pipeline.document import process_file

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
    assert f.agency == "青山县交通运输局" and f.agency_code == "208003"  # 预算部门 [208003]…
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
