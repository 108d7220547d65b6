"""Value parsers: operators, numbers with units, amounts, dates, years, scoring-rule direction.

Table-driven cases are cells as they stand in the seed and dev-corpus sources; the scoring-rule
test runs over every (operator, rule) pair of the expected records.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import need_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.errors import ParseError
from vocab.values import (
    OPERATORS,
    QUALITATIVE,
    ParsedValue,
    is_unit,
    leading_digit_is_sign,
    parse_amount,
    parse_date,
    parse_number,
    parse_operator,
    parse_value_cell,
    parse_year,
    scoring_rule_direction,
    split_number_unit,
)


def gt_files() -> list[Path]:
    """Every ground-truth file of ../shared (skips, or fails under CI, when it is missing)."""
    return sorted(need_shared("seed", "gt").glob("*.json")) + sorted(need_shared("dev-corpus", "gt").glob("*.json"))


def _gt_forms():
    for path in gt_files():
        for form in json.loads(path.read_text(encoding="utf-8"))["forms"]:
            yield path.name, form


# ------------------------------------------------------------------------------------ operators

@pytest.mark.parametrize("cell, expected", [
    ("≥", "≥"), ("≤", "≤"), (">", ">"), ("<", "<"), ("=", "="), ("定性", QUALITATIVE),
    ("$\\geq$", "≥"), ("$\\leq$", "≤"), ("$>$", ">"), ("$=$", "="),   # LaTeX as in ocr_tsv files
    ("&gt;=", "≥"), ("&lt;", "<"), (">=", "≥"), ("<=", "≤"), ("=>", "≥"),
    ("≧", "≥"), ("⩾", "≥"), ("≦", "≤"), ("⩽", "≤"), ("＞", ">"), ("＜", "<"), ("＝", "="),
    ("大于等于", "≥"), ("大于或等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("至少", "≥"), ("以上", "≥"),
    ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"), ("以内", "≤"),
    ("等于", "="), ("大于", ">"), ("高于", ">"), ("小于", "<"), ("低于", "<"),
    ("》", "≥"), ("《", "≤"), ("≯", "≤"), ("≮", "≥"),
    ("  ≥  ", "≥"), ("定 性", None),  # a broken word is not recognised
    ("定量 ≥", "≥"), ("≥（大于等于）", "≥"),
    ("持续高于", None), ("逐步提高", None), ("低于上年", None), ("高于上年3个", None),  # values, not operator cells
    ("≥95%", "≥"), ("≥195000人次", "≥"), ("≤ 556万元", "≤"), ("≥ 2", "≥"), ("高于3个", ">"),  # value written with it
    ("", None), ("   ", None), ("定量", None), ("2", None), ("指标类型", None),
])
def test_parse_operator_spellings(cell, expected):
    assert parse_operator(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("☑ ≥", "≥"),
    ("☑≥", "≥"),
    ("☐", None),
    ("☑", None),
    ("☐ 定性", QUALITATIVE),          # unticked but the only option written: caller reports checkbox_conflict
    ("☑ 定性", QUALITATIVE),
    ("☑≥ ☐≤ ☐定性", "≥"),
    ("☐≥ ☑≤ ☐定性", "≤"),
    ("☐≥ ☐≤ ☑定性", QUALITATIVE),
    ("☐≥ ☐≤ ☐定性", None),            # nothing ticked, several options: no answer
    ("≥☑ ≤☐ 定性☐", "≥"),             # labels before their boxes
    ("≥☐ ≤☑", "≤"),
    ("☑≥ ☑≤", None),                  # contradictory ticks
    ("☑ $\\geq$", "≥"),
])
def test_parse_operator_checkbox_cells(cell, expected):
    assert parse_operator(cell) == expected


def test_two_operators_without_boxes_give_none():
    assert parse_operator("≥ ≤") is None
    assert parse_operator("≥ 定性") is None


def test_operator_words_are_read_longest_first():
    # 大于等于 is ≥, not > followed by =; 不超过 is ≤, not > (超过)
    assert parse_operator("大于等于") == "≥"
    assert parse_operator("不超过") == "≤"


# ------------------------------------------------------------------------------ value cells

@pytest.mark.parametrize("cell, expected", [
    ("≥95%", ParsedValue("≥", "95", 95.0, "%")),
    ("≤160万元", ParsedValue("≤", "160", 160.0, "万元")),
    ("=100%", ParsedValue("=", "100", 100.0, "%")),
    ("≥195000人次", ParsedValue("≥", "195000", 195000.0, "人次")),
    ("≤ 556万元", ParsedValue("≤", "556", 556.0, "万元")),
    ("> 26000人", ParsedValue(">", "26000", 26000.0, "人")),
    ("≥ 7公里", ParsedValue("≥", "7", 7.0, "公里")),
    ("< 2%", ParsedValue("<", "2", 2.0, "%")),
    ("不低于90%", ParsedValue("≥", "90", 90.0, "%")),
    ("≤96.95万元", ParsedValue("≤", "96.95", 96.95, "万元")),
    ("100%", ParsedValue(None, "100", 100.0, "%")),
    ("95", ParsedValue(None, "95", 95.0, None)),
    ("2602.21", ParsedValue(None, "2602.21", 2602.21, None)),
    ("2602.21000", ParsedValue(None, "2602.21000", 2602.21, None)),  # the number as written
    ("1,200 万元", ParsedValue(None, "1200", 1200.0, "万元")),
    ("12.5万", ParsedValue(None, "12.5", 12.5, "万")),
    ("９５％", ParsedValue(None, "95", 95.0, "%")),
    ("≥ 30个工作日", ParsedValue("≥", "30", 30.0, "个工作日")),
    ("=1000元/人", ParsedValue("=", "1000", 1000.0, "元/人")),
    ("= 0起", ParsedValue("=", "0", 0.0, "起")),
    ("≥90分", ParsedValue("≥", "90", 90.0, "分")),
    ("90%以上", ParsedValue("≥", "90", 90.0, "%")),
    ("30天以内", ParsedValue("≤", "30", 30.0, "天")),
    ("$\\geq$ 98%", ParsedValue("≥", "98", 98.0, "%")),
    ("2 602.21", ParsedValue(None, "2602.21", 2602.21, None)),   # OCR spaces inside the number
    ("≥ 9 5 %", ParsedValue("≥", "95", 95.0, "%")),
    ("有所保障", ParsedValue(None, "有所保障", None, None)),
    ("无明显影响", ParsedValue(None, "无明显影响", None, None)),
    ("逐步提高", ParsedValue(None, "逐步提高", None, None)),
    ("高于上年水平", ParsedValue(None, "高于上年水平", None, None)),  # a word operator needs a number
    ("不低于上年", ParsedValue(None, "不低于上年", None, None)),
    ("≥", ParsedValue("≥", None, None, None)),
    ("☑ 明显改善", ParsedValue(None, "明显改善", None, None)),   # dev_009: a shifted checkbox
    ("定性", ParsedValue(QUALITATIVE, None, None, None)),
    ("", ParsedValue(None, None, None, None)),
    # a number followed by prose is kept as text: the caller reports non_numeric_value
    ("≤365天（12月底前）", ParsedValue("≤", "365天(12月底前)", None, None)),
])
def test_parse_value_cell(cell, expected):
    assert parse_value_cell(cell) == expected


def test_value_cells_of_the_expected_records_round_trip():
    """Every quantitative indicator of the gt, written as one cell "op value unit", parses back."""
    seen = 0
    for _, form in _gt_forms():
        for ind in form["indicators"]:
            if ind["operator"] == QUALITATIVE or ind["value_num"] is None:
                continue
            cell = f"{ind['operator']}{ind['value']}{ind['unit'] or ''}"
            assert parse_value_cell(cell) == ParsedValue(ind["operator"], ind["value"], ind["value_num"], ind["unit"])
            seen += 1
    assert seen > 150


def test_qualitative_values_of_the_expected_records_stay_text():
    for _, form in _gt_forms():
        for ind in form["indicators"]:
            if ind["operator"] == QUALITATIVE:
                assert parse_value_cell(ind["value"]) == ParsedValue(None, ind["value"], None, None)


# ---------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("text, expected", [
    ("160", 160.0), ("1,053.71", 1053.71), ("１６０", 160.0), ("160.00", 160.0), (" 2602.21 ", 2602.21),
    ("-2.5", -2.5), ("0", 0.0), ("1，053.71", 1053.71), (".5", 0.5),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "160万元", "95%", "1,05", "1.2.3", "一百", "1e5", "9" * 400])
def test_parse_number_rejects(text):
    with pytest.raises(ParseError):
        parse_number(text)


@pytest.mark.parametrize("text, expected", [
    ("12.5万", ("12.5", 12.5, "万")),
    ("1,200 万元", ("1200", 1200.0, "万元")),
    ("95", ("95", 95.0, None)),
    ("２６０２．２１万元", ("2602.21", 2602.21, "万元")),
])
def test_split_number_unit(text, expected):
    assert split_number_unit(text) == expected


@pytest.mark.parametrize("text", ["万元", "", "约100", "有所保障"])
def test_split_number_unit_needs_a_leading_number(text):
    with pytest.raises(ParseError):
        split_number_unit(text)


def test_units_of_the_expected_records_are_units():
    units = {ind["unit"] for _, form in _gt_forms() for ind in form["indicators"] if ind["unit"]}
    assert {"万元", "%", "个工作日", "元/人", "人次", "批次", "起"} <= units
    assert [u for u in units if not is_unit(u)] == []


@pytest.mark.parametrize("text", ["万元", "%", "元/人·月", "万人次", "平方公里", "人/次", "次/年", "km", "m²", "㎡",
                                  "亩", "公里", "个", "立方米", "个月", "千瓦"])
def test_is_unit_accepts(text):
    assert is_unit(text)


def test_is_unit_rejects_prose_and_values():
    texts = {"有所保障", "本年度经费安排", "逐步提高", "95", "", "完成目标得满分", "地质灾害防治", "指标解释", "≥"}
    for _, form in _gt_forms():
        for ind in form["indicators"]:
            texts.update(t for t in (ind["explanation"], ind["scoring_rule"], ind["level3"]) if t)
            if ind["operator"] == QUALITATIVE:
                texts.add(ind["value"])
    assert [t for t in texts if is_unit(t)] == []


# ---------------------------------------------------------------------------------- amounts

@pytest.mark.parametrize("text, expected", [
    ("160", 160.0), ("1,053.71", 1053.71), ("160.00", 160.0), ("160万元", 160.0), ("１６０万元", 160.0),
    ("", None), ("  ", None), (None, None), ("-", None), ("—", None), ("/", None), ("无", None),
    ("1600000元", 160.0), ("1.5亿元", 15000.0), ("0", 0.0), ("￥160", 160.0), ("160（万元）", 160.0),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "160人", "约160万元", "一百六十万"])
def test_parse_amount_rejects_garbage(text):
    with pytest.raises(ParseError):
        parse_amount(text)


# ------------------------------------------------------------------------------------ dates

@pytest.mark.parametrize("text, expected", [
    ("2023年12月10日", "2023-12-10"), ("2023 年 12 月 10 日", "2023-12-10"), ("2023.12.12", "2023-12-12"),
    ("2023-12-10", "2023-12-10"), ("2023/12/10", "2023-12-10"), ("2023年12月", "2023-12-01"),
    ("20231210", "2023-12-10"), ("２０２３年１２月１０日", "2023-12-10"), ("二〇二三年十二月十日", "2023-12-10"),
    ("二〇二四年一月二十一日", "2024-01-21"), ("二零二二年三月", "2022-03-01"),
    ("2021-12-18 00:00:00", "2021-12-18"), ("填报日期：2023年12月10日", "2023-12-10"),
    ("2023年1月5日", "2023-01-05"), ("45270", "2023-12-10"),  # an Excel serial day
    ("2O23年12月1O日", "2023-12-10"), ("2023.l2.10", "2023-12-10"), ("2023年1OO月", None),  # OCR letters
])
def test_parse_date(text, expected):
    if expected is None:
        with pytest.raises(ParseError):
            parse_date(text)
    else:
        assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "2023-02-30", "2023年13月1日", "2023年12月32日", "12/10", "填报日期：",
                                  "1800-01-01", "二〇二三年十三月一日"])
def test_parse_date_rejects(text):
    with pytest.raises(ParseError):
        parse_date(text)


def test_fill_dates_of_the_expected_records_round_trip():
    for _, form in _gt_forms():
        if form.get("fill_date"):
            y, m, d = (int(p) for p in form["fill_date"].split("-"))
            assert parse_date(f"{y}年{m}月{d}日") == form["fill_date"]
            assert parse_date(f"{y}.{m:02d}.{d:02d}") == form["fill_date"]


# ------------------------------------------------------------------------------------ years

@pytest.mark.parametrize("text, expected", [
    ("( 2024 ) 年度", 2024), ("(2024)年度", 2024), ("2025年度", 2025), ("（２０２４）年度", 2024),
    ("2024 年", 2024), ("二〇二四年度", 2024), ("2023年度部门整体绩效目标表", 2023), ("年度：2024", 2024),
    ("2024", 2024),
])
def test_parse_year(text, expected):
    assert parse_year(text) == expected


@pytest.mark.parametrize("text", ["", "年度", "( ) 年度", "24年", "12345年", "芷江侗族自治县自然资源局", "12024", "3024"])
def test_parse_year_rejects(text):
    with pytest.raises(ParseError):
        parse_year(text)


# ----------------------------------------------------------------------------- scoring rules

@pytest.mark.parametrize("rule, expected", [
    ("达到或超过标准值得满分，未达到2800按实际完成值/2800×指标分值计算", "≥"),
    ("完成率小于60%为不及格，不得分；大于等于60%的，得分=（实际完成率-60%）/（1-60%）×指标分值", "≥"),
    ("完成率低于60%不得分，60%及以上的按超过的比重赋分", "≥"),   # 超过 here is not 不超过
    ("满意度达到90%以上得满分，低于60%不得分，其余按比例计分", "≥"),
    ("全部完成得满分，每降低1个百分点扣1分，扣完为止", "≥"),
    ("达到100%得满分，否则按实际完成比例计分", "≥"),
    ("资金控制在预算成本内得满分，否则不得分", "≤"),
    ("不超过目标值得满分，每超出1个单位扣1分，扣完为止", "≤"),
    ("未超过指标值得满分，否则不得分", "≤"),
    ("控制在预算数以内得满分，超支不得分", "≤"),
    ("在规定时限内完成得满分，超出时限不得分", "≤"),
    ("成本控制在预算范围内得满分，每超出1%扣该项分值的10%，扣完为止", "≤"),
    ("按评判等级赋分，分为好、较好、一般、较差四档，分别按分值的100%、80%、60%、0%计分", None),
    (("分为达成度指标，部分达成度指标并具有一定效果、未达成度指标且效果较差三档，按照该指标对应分值区间"
      "100%-80%（含）、80%-60%（含）、60%-0%合理确定分值"), None),
    ("完成目标得满分，否则不得分", None),
    ("按计划完成得满分，未完成酌情扣分", None),   # also said of ≤ deadlines: no direction
    ("符合要求的得满分，不符合要求的不得分", None),
    ("达到或超过目标值得满分，超支不得分", None),   # both directions: say nothing
    ("", None),
    # wordings beyond the corpus
    ("每少1人扣0.5分，扣完为止", "≥"),
    ("实际完成值≥目标值得满分，否则按比例计分", "≥"),
    ("支出在预算范围内得满分，否则不得分", "≤"),
    ("投诉率超过2%不得分", "≤"),
    ("实际值≤目标值得满分", "≤"),
    ("每发生1起扣2分", "≤"),
    ("超过目标值得满分", None),          # unusual; no cue either way
    ("按时完成得满分，每延迟1天扣1分", None),  # said of rates and of deadlines alike
])
def test_scoring_rule_direction(rule, expected):
    assert scoring_rule_direction(rule) == expected


def _draft(operator, scoring_rule, level3="x"):
    from normalizers.columns import IndicatorDraft

    return IndicatorDraft(level1=None, level2=None, level3=level3, operator=operator, value=None, value_num=None,
                          unit=None, explanation=None, scoring_rule=scoring_rule, note=None, level1_raw=None,
                          level2_raw=None, page=1, cells=[])


def test_operator_conflicts_are_exactly_the_flagged_pairs():
    """Every (operator, scoring rule, name) of the seed and dev-corpus gt: a conflict iff must_flag says so."""
    from normalizers.validate import operator_conflict

    wrong, flagged_total = [], 0
    for name, form in _gt_forms():
        flagged = {seq for seq, code in form["must_flag"] if code == "operator_conflict"}
        flagged_total += len(flagged)
        for ind in form["indicators"]:
            found = operator_conflict(_draft(ind["operator"], ind["scoring_rule"], ind.get("level3") or "x"))
            if (found is not None) != (ind["seq"] in flagged):
                wrong.append((name, ind["seq"], ind["operator"], ind["scoring_rule"]))
    assert flagged_total == 5
    assert wrong == []


def test_equal_and_qualitative_never_conflict():
    from normalizers.validate import operator_conflict

    assert operator_conflict(_draft("=", "达到或超过目标值得满分")) is None
    assert operator_conflict(_draft("=", "不超过目标值得满分")) is None
    assert operator_conflict(_draft(QUALITATIVE, "不超过目标值得满分")) is None
    assert operator_conflict(_draft(None, "不超过目标值得满分")) is None


# -------------------------------------------------------------------------------- hypothesis

_ANY_TEXT = st.text(max_size=40) | st.text(alphabet="0123456789,.%年月日号-/ 　（）()≥≤><=☑☐定性万元〇一二三十度",
                                           max_size=25)


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_parsers_return_or_raise_parse_error(text):
    for parser in (parse_number, split_number_unit, parse_amount, parse_date, parse_year):
        try:
            parser(text)
        except ParseError:
            pass
    op = parse_operator(text)
    assert op is None or op in OPERATORS + (QUALITATIVE,)
    pv = parse_value_cell(text)
    assert pv.operator is None or pv.operator in OPERATORS + (QUALITATIVE,)
    assert pv.value_num is None or pv.value is not None
    assert isinstance(is_unit(text), bool)
    assert scoring_rule_direction(text) in (None, "≥", "≤")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(OPERATORS), st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
       st.sampled_from(["万元", "%", "人次", "个", "处", "天", "元/人", "公里", "个工作日", ""]))
def test_value_cell_round_trip(op, number, unit):
    written = f"{number:f}"
    assert parse_value_cell(f"{op} {written}{unit}") == ParsedValue(op, written, float(written), unit or None)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)))
def test_number_round_trip_with_thousands_separators(x):
    assert parse_number(f"{x:,.2f}") == pytest.approx(x)
    assert parse_amount(f"{x:,.2f}万元") == pytest.approx(x)


_CN = "〇一二三四五六七八九"


def _cn_day(n: int) -> str:
    tens, units = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")) + (_CN[units] if units else "")


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_spellings_round_trip(d):
    iso = d.isoformat()
    assert parse_date(iso) == iso
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == iso
    assert parse_date(d.strftime("%Y%m%d")) == iso
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == iso
    cn_year = "".join(_CN[int(c)] for c in str(d.year))
    assert parse_date(f"{cn_year}年{_cn_day(d.month)}月{_cn_day(d.day)}日") == iso
    assert parse_year(f"( {d.year} ) 年度") == d.year


@pytest.mark.parametrize(("written", "fixed", "expected"), [
    ("295%", "≥95%", True),
    ("2100%", "≥100%", True),
    ("295％", "≥95％", True),
    ("25%", "≥5%", False),  # 25 % is a percentage as written
    ("2101%", "≥101%", False),  # no percentage either way
    ("250人", "≥50人", False),  # counts have no such bound
    ("295%", "95%", False),  # no sign in the repaired reading
])
def test_leading_digit_is_sign(written, fixed, expected):
    assert leading_digit_is_sign(written, fixed) is expected


@given(st.text(max_size=12), st.text(max_size=12))
def test_leading_digit_is_sign_never_raises(written, fixed):
    assert leading_digit_is_sign(written, fixed) in (True, False)
