"""Regression tests named after the damage real OCR'd forms show, run end to end on small
documents (text extractor -> form finder -> column assignment -> validation)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.options import ExtractOptions
from normalizers.document import process_file

HEAD_A = "\t一级指标\t二级指标\t三级指标\t指标类型\t指标值\t计量单位\t指标解释\t评(扣)分标准\t备注"
FOOTER = "\n\n填表人：王五\n\n联系电话：0745-1234567\n\n填报日期：2024年1月5日\n\n单位负责人签字：赵六\n"


def run(tmp_path: Path, body: str, name: str = "form.md"):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return process_file(p, name, ExtractOptions())


def project_tsv(rows: list[str], funds=("100", "80", "20", ""), footer=FOOTER) -> str:
    total, fiscal, carry, other = funds
    head = [
        "## 项目支出绩效目标表", "", "( 2025 ) 年度", "",
        "项目名称\t农村公路养护",
        "主管部门及电话\t某县交通运输局 0745-7654321",
        f"项目资金（万元）\t年度资金总额：\t{total}",
        f"\t其中：财政拨款\t{fiscal}",
        f"\t上年结转\t{carry}",
        f"\t其他资金\t{other}",
        "年度总体目标\t完成农村公路日常养护，保障群众安全出行。",
        "绩效指标" + HEAD_A,
    ]
    return "\n".join(head + rows) + footer


def codes(outcome, seq):
    return {a.code for a in outcome.anomalies if a.seq == seq}


def test_project_header_fields_and_phone_stripped_from_competent_dept(tmp_path):
    o = run(tmp_path, project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"]))
    f = o.forms[0]
    assert (f.form_kind, f.year, f.project_name, f.competent_dept) == ("project", 2025, "农村公路养护", "某县交通运输局")
    assert (f.fund_total, f.fund_fiscal, f.fund_carryover, f.fund_other) == (100.0, 80.0, 20.0, None)
    assert f.overall_goal == "完成农村公路日常养护，保障群众安全出行。"
    assert (f.preparer, f.phone, f.fill_date, f.unit_head) == ("王五", "0745-1234567", "2024-01-05", "赵六")


def test_cells_slid_left_after_lost_merged_cells_are_reassigned(tmp_path):
    rows = [
        "\t产出指标\t数量指标\t养护里程\t≥\t120\t公里\t年度养护里程\t完成目标得满分，否则不得分\t",
        "质量指标\t\t路面合格率\t≥\t95\t%\t抽检合格比例\t达到或超过标准值得分\t",
    ]
    o = run(tmp_path, project_tsv(rows))
    r = o.indicators[1]
    assert (r.level1, r.level2, r.level3, r.operator, r.value, r.unit) == ("产出指标", "质量指标", "路面合格率", "≥", "95", "%")
    assert (r.explanation, r.scoring_rule) == ("抽检合格比例", "达到或超过标准值得分")
    assert "column_shift" in codes(o, 2)
    assert "column_shift" not in codes(o, 1)


def test_level1_missing_on_first_row_is_inferred_from_level2(tmp_path):
    o = run(tmp_path, project_tsv(["\t\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"]))
    assert o.indicators[0].level1 == "成本指标"
    assert "level1_inferred" in codes(o, 1)


def test_level1_contradicting_level2_is_taken_from_taxonomy(tmp_path):
    rows = [
        "\t产出指标\t数量指标\t养护里程\t≥\t120\t公里\t年度养护里程\t完成目标得满分\t",
        "绩效指标\t\t社会效益指标\t出行条件\t定性\t明显改善\t群众出行\t按评判等级赋分\t",
    ]
    o = run(tmp_path, project_tsv(rows))
    assert (o.indicators[1].level1, o.indicators[1].level2) == ("效益指标", "社会效益指标")
    assert "level1_inferred" in codes(o, 2)


def test_level2_standing_in_level3_column_leaves_level3_missing(tmp_path):
    rows = [
        "\t效益指标\t经济效益指标\t带动产业\t<input type=\"checkbox\"/> 定性\t<input checked=\"\" type=\"checkbox\"/> 促进\t\t带动沿线产业\t按评判等级赋分\t",
        "\t\t\t社会效益指标\t<input type=\"checkbox\"/> 定性\t<input checked=\"\" type=\"checkbox\"/> 有效提高\t\t出行更安全\t按评判等级赋分\t",
    ]
    o = run(tmp_path, project_tsv(rows))
    r = o.indicators[1]
    assert (r.level1, r.level2, r.level3, r.operator, r.value, r.unit) == ("效益指标", "社会效益指标", None, "定性", "有效提高", None)
    assert r.explanation == "出行更安全"
    assert "missing_field" in codes(o, 2)


def test_placeholder_rows_naming_only_a_level2_are_not_indicators(tmp_path):
    rows = [
        "\t成本指标\t经济成本指标\t养护成本\t<input checked=\"\" type=\"checkbox\"/> ≤\t100\t万元\t养护支出\t控制在预算内得满分\t",
        "\t成本指标\t社会成本指标\t\t<input type=\"checkbox\"/>\t\t\t\t\t",
        "\t\t生态环境成本指标\t\t\t\t\t\t\t",
    ]
    o = run(tmp_path, project_tsv(rows))
    assert [r.level3 for r in o.indicators] == ["养护成本"]


def test_glyph_damaged_level2_is_matched_and_reported(tmp_path):
    rows = ["\t产出指标\t质量指杯\t路面合格率\t≥\t95\t%\t抽检合格比例\t达到或超过标准值得分\t"]
    o = run(tmp_path, project_tsv(rows))
    assert o.indicators[0].level2 == "质量指标"
    assert o.indicators[0].level2_raw == "质量指杯"
    assert "taxonomy_fuzzy_match" in codes(o, 1)


def test_operator_contradicting_scoring_rule_is_reported_not_flipped(tmp_path):
    rows = ["\t产出指标\t质量指标\t路面合格率\t$\\leq$\t95\t%\t抽检合格比例\t达到或超过标准值得分，否则按比例扣分\t"]
    o = run(tmp_path, project_tsv(rows))
    assert o.indicators[0].operator == "≤"
    assert "operator_conflict" in codes(o, 1)


def test_older_layout_value_cell_holding_operator_number_and_unit(tmp_path):
    body = "\n".join([  # noqa: FLY002 - one line of the document per list item
        "## 部门整体支出绩效目标表", "", "( 2021 ) 年度", "", "某县文化旅游广电体育局", "",
        "| 年度总体目标 | 丰富群众文化生活 | | | | |",
        "|---|---|---|---|---|---|",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标解释 | 评分标准 |",
        "| 产出指标 | 数量指标 | 接待读者人次 | ≥195000人次 | 全年接待读者人次 | 达到或超过目标值得满分 |",
        "| | 质量指标 | 培训合格率 | 不低于95% | 考核合格比例 | 完成率小于60%为不及格，不得分 |",
        "| 成本指标 | 生态环境成本指标 | 对生态环境的负面影响 | 无明显影响 | 不利影响 | 按评判等级赋分，分为四档 |",
    ]) + FOOTER
    o = run(tmp_path, body)
    f = o.forms[0]
    assert (f.form_kind, f.year, f.agency) == ("department", 2021, "某县文化旅游广电体育局")
    got = [(r.level1, r.level2, r.level3, r.operator, r.value, r.value_num, r.unit) for r in o.indicators]
    assert got == [
        ("产出指标", "数量指标", "接待读者人次", "≥", "195000", 195000.0, "人次"),
        ("产出指标", "质量指标", "培训合格率", "≥", "95", 95.0, "%"),
        ("成本指标", "生态环境成本指标", "对生态环境的负面影响", "定性", "无明显影响", None, None),
    ]


def test_duplicate_indicator_is_reported_on_the_second(tmp_path):
    row = "\t\t\t开展培训班次\t≥\t5\t期\t培训期数\t完成目标得满分\t"
    o = run(tmp_path, project_tsv(["\t产出指标\t数量指标\t培训人次\t≥\t100\t人次\t人次\t完成目标得满分\t", row, row]))
    assert "duplicate_indicator" in codes(o, 3)
    assert "duplicate_indicator" not in codes(o, 2)


def test_budget_total_differing_from_its_sources_is_reported(tmp_path):
    o = run(tmp_path, project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"],
                                  funds=("100", "60", "20", "")))
    assert any(a.code == "budget_mismatch" and not a.seq for a in o.anomalies)


def test_unit_on_qualitative_row_is_dropped_and_reported(tmp_path):
    o = run(tmp_path, project_tsv(["\t效益指标\t社会效益指标\t出行条件\t定性\t明显改善\t次\t群众出行\t按评判等级赋分\t"]))
    assert (o.indicators[0].operator, o.indicators[0].unit) == ("定性", None)
    assert "unit_on_qualitative" in codes(o, 1)


def test_percentage_above_100_is_out_of_range(tmp_path):
    o = run(tmp_path, project_tsv(["\t产出指标\t质量指标\t路面合格率\t≥\t150\t%\t抽检\t达到或超过标准值得分\t"]))
    assert "value_out_of_range" in codes(o, 1)


def test_impossible_fill_date_is_reported(tmp_path):
    footer = "\n\n填表人：王五\n\n填报日期：2024年2月30日\n"
    o = run(tmp_path, project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"], footer=footer))
    assert o.forms[0].fill_date is None
    assert any(a.code == "date_invalid" and a.field == "fill_date" for a in o.anomalies)


def test_indicator_named_after_an_audit_is_not_a_sign_off_row(tmp_path):
    rows = ["\t产出指标\t质量指标\t资料审核准确率\t≥\t98\t%\t审核准确比例\t达到或超过标准值得分\t",
            "业务股室审核\t2024.1.5\t绩效股审核\t2024.1.5"]
    o = run(tmp_path, project_tsv(rows))
    assert [r.level3 for r in o.indicators] == ["资料审核准确率"]


def test_footer_in_table_cells(tmp_path):
    body = project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t",
                        "填表人：\t王五\t联系电话：\t13800000000\t填报日期：\t2024-01-05"], footer="\n")
    o = run(tmp_path, body)
    f = o.forms[0]
    assert (f.preparer, f.phone, f.fill_date) == ("王五", "13800000000", "2024-01-05")
    assert len(o.indicators) == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_other_encodings_extract_identically(tmp_path, encoding):
    body = project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"])
    a = run(tmp_path, body, "utf8.md")
    p = tmp_path / "other.md"
    p.write_bytes(body.encode(encoding))
    b = process_file(p, "other.md", ExtractOptions())
    strip = lambda rs: [r.model_dump(exclude={"form_id", "source_file"}) for r in rs]
    assert strip(a.indicators) == strip(b.indicators)
    assert strip(a.forms) == strip(b.forms)


def test_badly_garbled_level2_in_a_name_place_is_matched_loosely_and_flagged(tmp_path):
    # 质量指标 with a stem glyph no confusion table knows: it stands left of the level-3 name, so it
    # is a name; the nearest taxonomy name is taken and a person is asked to confirm
    rows = ["\t产出指标\t质暈指标\t路面合格率\t≥\t95\t%\t抽检合格比例\t达到或超过标准值得分\t"]
    o = run(tmp_path, project_tsv(rows))
    r = o.indicators[0]
    assert (r.level2, r.level3) == ("质量指标", "路面合格率")
    flagged = [a for a in o.anomalies if a.seq == 1 and a.code == "taxonomy_fuzzy_match"]
    assert flagged and flagged[0].severity == "warning"


def test_bare_stem_in_the_level3_place_stays_a_level3_name(tmp_path):
    rows = ["\t效益指标\t社会效益指标\t经济效益\t定性\t明显\t带动就业\t按评判等级赋分\t"]
    o = run(tmp_path, project_tsv(rows))
    assert (o.indicators[0].level2, o.indicators[0].level3) == ("社会效益指标", "经济效益")


@pytest.mark.parametrize("title,kind", [
    ("部门整似支出绩效目：标表", "department"),     # OCR'd title with wrong glyphs
    ("部们（单位）整亿绩效目：示表", "department"),
    ("项目支出绩效目标衣", "project"),
    ("2024年度部门整体支出绩效目标表", "department"),
    ("绩效目标表说明", None),                        # words of the notes are not a title
    ("项目名称", None),
])
def test_ocr_damaged_titles_are_still_titles(title, kind):
    from vocab.labels import title_kind
    assert title_kind(title) == kind


@pytest.mark.parametrize("text,expected", [
    ("项目名祢 农村公路", ("project_name", "农村公路")),   # one glyph wrong in a 4-character label
    ("年度资金总頟: 160", ("fund_total", "160")),          # the longest label wins over 年度
    ("年度总体目标 推进规划", ("overall_goal", "推进规划")),
    ("其中：财政拨款", ("fund_fiscal", "")),
])
def test_ocr_damaged_header_labels_are_read(text, expected):
    from vocab.labels import leading_label
    assert leading_label(text, "header_fields") == expected


def test_agency_line_sharing_the_amount_unit_note_and_the_year(tmp_path):
    body = project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"])
    body = body.replace("## 项目支出绩效目标表\n\n( 2025 ) 年度", "## 部门整体支出绩效目标表\n\n某县交通运输局    单位：万元    ( 2025 )年度")
    o = run(tmp_path, body)
    assert (o.forms[0].form_kind, o.forms[0].agency, o.forms[0].year) == ("department", "某县交通运输局", 2025)


def test_two_row_indicator_header_gives_the_columns_of_its_lower_row(tmp_path):
    body = "\n".join([  # noqa: FLY002 - one line of the document per list item
        "## 项目支出绩效目标表", "", "2025年度", "",
        "<table>",
        "<tr><td>项目名称</td><td colspan='8'>农村公路养护</td></tr>",
        ("<tr><td rowspan='2'>绩效指标</td><td colspan='3'>指标名称</td><td rowspan='2'>指标类型</td>"
         "<td rowspan='2'>指标值</td><td rowspan='2'>计量单位</td><td rowspan='2'>指标解释</td>"
         "<td rowspan='2'>评分标准</td></tr>"),
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td></tr>",
        ("<tr><td rowspan='1'></td><td>产出指标</td><td>数量指标</td><td>养护里程</td><td>≥</td><td>120</td>"
         "<td>公里</td><td>年度养护里程</td><td>完成目标得满分</td></tr>"),
        "</table>",
    ])
    o = run(tmp_path, body)
    r = o.indicators[0]
    assert (r.level1, r.level2, r.level3, r.operator, r.value, r.unit) == ("产出指标", "数量指标", "养护里程", "≥", "120", "公里")
    assert "column_shift" not in codes(o, 1)


def test_empty_operator_cell_keeps_value_and_unit_in_place(tmp_path):
    o = run(tmp_path, project_tsv(["\t产出指标\t数量指标\t养护里程\t\t120\t公里\t年度养护里程\t完成目标得满分\t"]))
    r = o.indicators[0]
    assert (r.level3, r.operator, r.value, r.value_num, r.unit, r.explanation) == (
        "养护里程", None, "120", 120.0, "公里", "年度养护里程")
    assert any(a.code == "missing_field" and a.field == "operator" for a in o.anomalies if a.seq == 1)


def test_garbled_name_equally_near_two_level2s_follows_the_taxonomy_order(tmp_path):
    # '丁量指标' is as near to 数量指标 as to 质量指标; a newly written name after the 数量指标
    # group (whose name was not repeated on every row) is the next one, 质量指标
    rows = [
        "\t产出指标\t数量指标\t养护里程\t≥\t120\t公里\t年度养护里程\t完成目标得满分\t",
        "\t\t\t桥梁检查\t≥\t12\t座\t检查座数\t完成目标得满分\t",
        "\t\t丁量指标\t路面合格率\t≥\t95\t%\t抽检合格比例\t达到或超过标准值得分\t",
        "\t\t\t桥梁合格率\t≥\t90\t%\t抽检合格比例\t达到或超过标准值得分\t",
    ]
    o = run(tmp_path, project_tsv(rows))
    assert [r.level2 for r in o.indicators] == ["数量指标", "数量指标", "质量指标", "质量指标"]
    # the guess is a warning, repeated on every row that inherits it
    for seq in (3, 4):
        assert any(a.code == "taxonomy_fuzzy_match" and a.severity == "warning" for a in o.anomalies if a.seq == seq)


def test_lone_garbled_level2_without_level3_is_still_a_name(tmp_path):
    rows = ["\t产出指标\t数量指标\t养护里程\t≥\t120\t公里\t年度养护里程\t完成目标得满分\t",
            "\t\t质壬指标\t\t≥\t98\t%\t水质达标比例\t达到或超过标准值得分\t"]
    o = run(tmp_path, project_tsv(rows))
    assert (o.indicators[1].level2, o.indicators[1].level3) == ("质量指标", None)
    assert {"missing_field", "taxonomy_fuzzy_match"} <= codes(o, 2)


def test_box_read_as_a_character_does_not_make_a_placeholder_row_an_indicator(tmp_path):
    # OCR reads an unticked box of a placeholder row as '口' or 'C' standing in the name column
    rows = ["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t",
            "\t\t社会成本指标\tC\t\t\t\t\t\t",
            "\t\t生态环境成本指标\t口\t\t\t\t\t\t"]
    o = run(tmp_path, project_tsv(rows))
    assert [r.level3 for r in o.indicators] == ["养护成本"]


def test_specks_beside_a_header_label_are_not_its_value(tmp_path):
    body = project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"])
    body = body.replace("项目名称\t农村公路养护", "项目名称R\t农村公路养护")
    assert run(tmp_path, body).forms[0].project_name == "农村公路养护"


def test_form_without_a_year_is_reported(tmp_path):
    body = project_tsv(["\t成本指标\t经济成本指标\t养护成本\t≤\t100\t万元\t养护支出\t控制在预算内得满分\t"])
    o = run(tmp_path, body.replace("( 2025 ) 年度", ""))
    assert o.forms[0].year is None
    assert any(a.code == "missing_field" and a.field == "year" and a.seq is None for a in o.anomalies)
