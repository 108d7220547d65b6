"""Spreadsheet extractor: number formats as shown, merged spans, line/table split, sheets, checkboxes."""
from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import openpyxl
import pytest
from conftest import need_shared
from hypothesis import given
from hypothesis import strategies as st
from office_golden import FIXTURES, SHARED_CORPUS, golden_mismatches
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Border, Font, Side

from extractors.errors import EncryptedFileError, MissingDependencyError, UnreadableFileError
from extractors.ir import CheckboxState, Table, TextLine
from extractors.office import legacy_office
from extractors.office import sniff as office_reader
from extractors.office.number_format import format_value, general
from extractors.options import ExtractOptions

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def box(ws, cell_range: str) -> None:
    for row in ws[cell_range]:
        for cell in row:
            cell.border = BOX


def write_form(ws, top: int = 1, title: str = "项目支出绩效目标表") -> int:
    """A small project form starting at row ``top``; returns the row after its footer."""
    ws.cell(top, 1, title)
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=6)
    ws.cell(top + 1, 1, "(2024)年度")
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=6)
    t = top + 2
    rows = [
        ["项目名称", "乡村道路维护", None, None, None, None],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"],
        [None, "产出指标", "数量指标", "维护里程", 160.0, "公里"],
        [None, None, None, "维护次数", 12, "次"],
        [None, None, "质量指标", "验收合格率", 0.95, None],
    ]
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            if v is not None:
                ws.cell(t + i, j + 1, v)
    ws.merge_cells(start_row=t, start_column=2, end_row=t, end_column=6)  # project name across
    ws.merge_cells(start_row=t + 1, start_column=1, end_row=t + 4, end_column=1)  # 绩效指标 down
    ws.merge_cells(start_row=t + 2, start_column=2, end_row=t + 4, end_column=2)  # 产出指标 down
    ws.merge_cells(start_row=t + 2, start_column=3, end_row=t + 3, end_column=3)  # 数量指标 down
    ws.cell(t + 4, 5).number_format = "0%"
    box(ws, f"A{t}:F{t + 4}")
    ws.cell(t + 6, 1, "填表人：张三")
    ws.cell(t + 6, 3, "填报日期：")
    ws.cell(t + 6, 4, dt.datetime(2024, 3, 5))
    ws.cell(t + 6, 4).number_format = 'yyyy"年"m"月"d"日"'
    return t + 7


def save(wb, tmp_path: Path, name: str = "form.xlsx") -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


def extract(path: Path):
    """Through the office sniffer, as the pipeline reads it (a legacy file named .xlsx goes to LibreOffice)."""
    return office_reader.extract(path, ExtractOptions())


def kinds(page) -> list[str]:
    return [b.kind for b in page.blocks]


# --- number formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,fmt,builtin,shown",
    [
        (160.0, "General", None, "160"),
        (0.1 + 0.2, "General", None, "0.3"),
        (33.76, "General", None, "33.76"),
        (13861729782, "General", None, "13861729782"),
        (0.95, "0%", None, "95%"),
        (0.955, "0.0%", None, "95.5%"),
        (1234.5, "#,##0.00", None, "1,234.50"),
        (2.675, "0.00", None, "2.68"),
        (298, "0", None, "298"),
        (-2602.21, "#,##0.00_);[Red]\\(#,##0.00\\)", None, "(2,602.21)"),
        (12, 'General"元"', None, "12元"),
        (0, '_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ ', None, "-"),
        (dt.datetime(2021, 12, 18), 'yyyy"年"m"月"d"日"', None, "2021年12月18日"),
        (dt.datetime(2021, 12, 18), "yyyy-mm-dd", None, "2021-12-18"),
        (dt.datetime(2021, 12, 18), '[$-804]yyyy"年"m"月"d"日";@', None, "2021年12月18日"),
        (dt.datetime(2021, 12, 18), "mm-dd-yy", 14, "2021-12-18"),  # locale short date, unambiguous
        (44548, "General", 31, "2021年12月18日"),  # zh-CN built-in date id openpyxl reports as General
        (dt.datetime(2021, 12, 18, 14, 5), "yyyy/m/d h:mm", None, "2021/12/18 14:05"),
        ("  有所保障 ", "@", None, "有所保障"),
    ],
)
def test_cell_values_render_as_the_sheet_shows_them(value, fmt, builtin, shown):
    assert format_value(value, fmt, builtin) == shown


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_general_rendering_is_the_15_digit_value_without_float_noise(x):
    text = general(x)
    if x == 0 or abs(x) >= 1e-9:
        assert float(text) == float(f"{x:.15g}")
        assert "e" not in text.lower()
    else:  # vanishing values show in scientific notation, as Excel's General does
        assert "E-" in text
    assert not text.endswith(".0")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integral_floats_render_without_decimal_point(n):
    assert format_value(float(n), "General") == str(n)


@given(st.integers(min_value=0, max_value=1000))
def test_percent_format_shows_hundredths_as_percent(n):
    assert format_value(n / 100, "0%") == f"{n}%"


# --- grid, spans, blocks ----------------------------------------------------------------------


def test_merged_ranges_become_one_cell_with_span_and_covered_positions_are_not_emitted(tmp_path):
    wb = openpyxl.Workbook()
    write_form(wb.active)
    doc = extract(save(wb, tmp_path))
    page = doc.pages[0]
    assert kinds(page) == ["line", "line", "table", "line", "line"]
    table: Table = page.blocks[2]
    assert (table.n_rows, table.n_cols) == (5, 6)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(0, 1)].text, by_pos[(0, 1)].colspan) == ("乡村道路维护", 5)
    assert (by_pos[(1, 0)].text, by_pos[(1, 0)].rowspan) == ("绩效指标", 4)
    assert (by_pos[(2, 1)].text, by_pos[(2, 1)].rowspan) == ("产出指标", 3)
    assert (by_pos[(2, 2)].text, by_pos[(2, 2)].rowspan) == ("数量指标", 2)
    for covered in [(0, 2), (0, 5), (2, 0), (4, 0), (3, 1), (3, 2)]:
        assert covered not in by_pos
    # Every grid position is covered exactly once.
    assert sum(c.rowspan * c.colspan for c in table.cells) == table.n_rows * table.n_cols
    assert [c for row in table.grid() for c in row if c is None] == []


def test_typed_numbers_and_percent_cells_read_as_shown_in_the_table(tmp_path):
    wb = openpyxl.Workbook()
    write_form(wb.active)
    table = extract(save(wb, tmp_path)).pages[0].blocks[2]
    texts = {(c.row, c.col): c.text for c in table.cells}
    assert texts[(2, 4)] == "160"  # typed 160.0
    assert texts[(3, 4)] == "12"
    assert texts[(4, 4)] == "95%"  # 0.95 under 0%
    assert texts[(4, 5)] == ""  # empty cells are emitted too


def test_title_year_and_footer_rows_outside_the_borders_are_text_lines(tmp_path):
    wb = openpyxl.Workbook()
    write_form(wb.active)
    lines = [b.text for b in extract(save(wb, tmp_path)).pages[0].blocks if isinstance(b, TextLine)]
    # One line per cell; the date label runs into its value cell so the parser sees "填报日期：2024年3月5日".
    assert lines == ["项目支出绩效目标表", "(2024)年度", "填表人：张三", "填报日期：2024年3月5日"]


def test_two_forms_on_one_sheet_give_two_tables_separated_by_their_titles(tmp_path):
    wb = openpyxl.Workbook()
    nxt = write_form(wb.active, 1, "项目支出绩效目标表")
    write_form(wb.active, nxt + 2, "部门整体支出绩效目标表")
    blocks = extract(save(wb, tmp_path)).pages[0].blocks
    assert kinds_of(blocks) == ["line", "line", "table", "line", "line", "line", "line", "table", "line", "line"]
    assert blocks[5].text == "部门整体支出绩效目标表"


def kinds_of(blocks) -> list[str]:
    return [b.kind for b in blocks]


def test_title_boxed_in_with_the_form_is_peeled_off_as_a_line(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_form(ws)
    box(ws, "A1:F7")  # the submitter drew borders over the title and year rows as well
    blocks = extract(save(wb, tmp_path)).pages[0].blocks
    assert kinds_of(blocks) == ["line", "line", "table", "line", "line"]
    assert blocks[2].n_rows == 5


def test_sheet_without_borders_splits_by_content(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门整体支出绩效目标表"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["成本指标", "经济成本指标", "预算成本", "≤298万元"])
    ws.append([None, "社会成本指标", None, None])  # lone text away from the first column: a table row
    ws.append(["填表人：李四"])
    blocks = extract(save(wb, tmp_path)).pages[0].blocks
    assert kinds_of(blocks) == ["line", "table", "line"]
    assert blocks[1].n_rows == 3
    assert [c.text for c in blocks[1].rows()[2]] == ["", "社会成本指标", "", ""]


def test_hidden_sheets_are_skipped_and_reported_and_pages_follow_sheet_order(tmp_path):
    wb = openpyxl.Workbook()
    write_form(wb.active)
    hidden = wb.create_sheet("旧版")
    hidden.sheet_state = "hidden"
    write_form(hidden)
    very = wb.create_sheet("参数")
    very.sheet_state = "veryHidden"
    write_form(wb.create_sheet("第二张"))
    doc = extract(save(wb, tmp_path))
    assert [p.number for p in doc.pages] == [1, 4]
    assert all(p.unit == "none" for p in doc.pages)
    assert [(n.code, n.severity, n.raw_value) for n in doc.notes] == [
        ("hidden_sheet_skipped", "info", "旧版"), ("hidden_sheet_skipped", "info", "参数")]
    assert "旧版" in doc.notes[0].message
    assert all(c.page == 4 for b in doc.pages[1].blocks if isinstance(b, Table) for c in b.cells)


def test_checkbox_glyphs_and_wingdings_ticks_become_canonical_with_state(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["三级指标", "指标类型", "指标值"])
    ws.append(["预算成本", "√定量 □定性", "298"])
    ws.append(["满意度", "■定量 ☐定性", "85"])
    ws.append(["带动作用", "□定量 □定性", "有所保障"])
    ws.append(["安全事故", "R", "0"])
    ws["B5"].font = Font(name="Wingdings 2")  # "R" in Wingdings 2 draws a ticked box
    ws.append(["发生次数", CellRichText([TextBlock(InlineFont(rFont="Wingdings 2"), "£"), "定量"]), "0"])
    box(ws, "A1:C6")
    cells = {(c.row, c.col): c for c in extract(save(wb, tmp_path)).pages[0].blocks[0].cells}
    assert (cells[(1, 1)].text, cells[(1, 1)].checkbox) == ("☑定量 ☐定性", CheckboxState.CHECKED)
    assert (cells[(2, 1)].text, cells[(2, 1)].checkbox) == ("☑定量 ☐定性", CheckboxState.CHECKED)
    assert (cells[(3, 1)].text, cells[(3, 1)].checkbox) == ("☐定量 ☐定性", CheckboxState.UNCHECKED)
    assert (cells[(4, 1)].text, cells[(4, 1)].checkbox) == ("☑", CheckboxState.CHECKED)
    assert (cells[(5, 1)].text, cells[(5, 1)].checkbox) == ("☐定量", CheckboxState.UNCHECKED)
    assert cells[(1, 2)].checkbox == CheckboxState.NONE


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content,error,words", [
    (b"PK\x03\x04 this zip is cut off", UnreadableFileError, "not a readable .xlsx"),
    (b"just some text, not a workbook", UnreadableFileError, "not a readable .xlsx"),
    (b"", UnreadableFileError, "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), EncryptedFileError,
     "password"),
])
def test_corrupt_workbook_raises_unreadable_file_naming_it(tmp_path, content, error, words):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        extract(path)
    assert info.value.file == str(path)
    assert words in info.value.message
    assert "坏文件.xlsx" in str(info.value)


def test_legacy_workbook_named_xlsx_goes_to_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: None)
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(MissingDependencyError) as info:
        extract(path)
    assert "legacy binary" in info.value.message and "soffice" in info.value.message
    assert info.value.file == str(path)


def test_xlsx_named_xls_is_read_directly_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: None)
    wb = openpyxl.Workbook()
    write_form(wb.active)
    path = save(wb, tmp_path, "renamed.xls")
    doc = legacy_office.extract(path, ExtractOptions())
    assert doc.extractor == "xlsx"
    assert kinds(doc.pages[0]) == ["line", "line", "table", "line", "line"]


def test_xls_without_libreoffice_names_the_missing_tool(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: None)
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(MissingDependencyError) as info:
        legacy_office.extract(path, ExtractOptions())
    assert "LibreOffice" in info.value.message and "soffice" in info.value.message
    assert "apt-get install" in info.value.hint
    assert info.value.file == str(path)


def test_xls_is_converted_by_libreoffice_and_read_as_xlsx(tmp_path, monkeypatch):
    # A stand-in soffice that "converts" by copying a prepared workbook to <outdir>/<stem>.xlsx.
    wb = openpyxl.Workbook()
    write_form(wb.active)
    prepared = save(wb, tmp_path, "prepared.xlsx")
    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
                    f'cp "{prepared}" "$2/$(basename "$3" .xls).xlsx"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: str(fake) if name == "soffice" else None)
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    doc = legacy_office.extract(path, ExtractOptions())
    assert doc.source_path == str(path)
    assert doc.extractor == "xlsx"
    assert "convert" in doc.timings
    assert kinds(doc.pages[0]) == ["line", "line", "table", "line", "line"]


# --- golden records ----------------------------------------------------------------------------


def test_fixture_is_the_shared_dev_corpus_file():
    need_shared("dev-corpus")
    assert (SHARED_CORPUS / "dev_002.xlsx").read_bytes() == (FIXTURES / "dev_002.xlsx").read_bytes()


def test_dev_002_xlsx_gives_its_golden_records():
    assert golden_mismatches("dev_002.xlsx") == []


def test_dev_002_xlsx_blocks():
    doc = extract(FIXTURES / "dev_002.xlsx")
    page = doc.pages[0]
    assert kinds(page) == ["line", "line", "table", "line", "line", "line", "line"]
    table = page.blocks[2]
    cells = {(c.row, c.col): c for c in table.cells}
    assert (cells[(2, 2)].text, cells[(2, 2)].colspan) == ("298", 8)  # 年度资金总额, a typed number
    assert cells[(4, 2)].text == "33.76"
    assert [b.text for b in page.blocks[3:]] == [
        "填表人：陈斌明", "联系电话：13861729782",
        "填报日期：2021年12月18日",  # a label cell and a date cell under yyyy"年"m"月"d"日"
        "单位负责人签字：姚静勇"]


def test_table_ruled_only_under_its_header_and_at_its_end_keeps_its_body_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目支出绩效目标表"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "维护里程", "160"])
    ws.append([None, None, "维护次数", "12"])
    ws.append(["满意度指标", "服务对象满意度指标", "满意度", "≥90%"])
    ws.append(["填表人：李四", None, "填报日期：2024年1月2日"])
    for cell in ws[2]:
        cell.border = Border(top=THIN, bottom=THIN)
    for cell in ws[5]:
        cell.border = Border(bottom=THIN)
    blocks = extract(save(wb, tmp_path)).pages[0].blocks
    assert kinds_of(blocks) == ["line", "table", "line", "line"]
    assert blocks[1].n_rows == 4
    assert [b.text for b in blocks[2:]] == ["填表人：李四", "填报日期：2024年1月2日"]


def test_large_styled_sheet_stays_fast(tmp_path):
    import time

    wb = openpyxl.Workbook()
    ws = wb.active
    write_form(ws)
    box(ws, "A20:Z1000")  # a template that borders far more rows than the form uses
    path = save(wb, tmp_path)
    started = time.perf_counter()
    doc = extract(path)
    assert time.perf_counter() - started < 20
    assert kinds(doc.pages[0]) == ["line", "line", "table", "line", "line"]


def test_lone_footer_row_of_several_cells_is_a_line_not_a_one_row_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目支出绩效目标表"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "维护里程", "160"])
    ws.append([])
    ws.append(["填表人：李四", "联系电话：123", "填报日期：", "2024年1月2日"])
    blocks = extract(save(wb, tmp_path)).pages[0].blocks
    assert kinds_of(blocks) == ["line", "table", "line", "line", "line"]
    assert [b.text for b in blocks[2:]] == ["填表人：李四", "联系电话：123", "填报日期：2024年1月2日"]


def test_formula_without_a_stored_result_is_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_form(ws)
    ws["C10"] = "=SUM(E5:E6)"  # openpyxl stores formulas without results, like many scripts
    doc = extract(save(wb, tmp_path))
    assert [(n.code, n.severity, n.raw_value) for n in doc.notes] == [
        ("formula_not_calculated", "warning", "C10: =SUM(E5:E6)")]
    assert "C10" in doc.notes[0].message


def test_workbook_without_formulas_has_no_formula_notes(tmp_path):
    wb = openpyxl.Workbook()
    write_form(wb.active)
    assert extract(save(wb, tmp_path)).notes == []


def test_hidden_rows_and_columns_are_left_out_as_the_sheet_shows_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_form(ws)  # table rows 3-7, columns A-F
    ws.insert_cols(5)  # a helper column E between 三级指标 and 指标值 ...
    ws["E4"] = "辅助列"
    ws["E5"] = "x"
    ws.column_dimensions["E"].hidden = True  # ... that the submitter hid
    ws.row_dimensions[6].hidden = True  # and a hidden indicator row (维护次数)
    page = extract(save(wb, tmp_path)).pages[0]
    table = page.blocks[2]
    assert (table.n_rows, table.n_cols) == (4, 6)
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows[1] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"]
    assert rows[2][-2:] == ["160", "公里"]
    assert rows[3][-3:] == ["验收合格率", "95%", ""]
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert by_pos[(1, 0)].rowspan == 3  # 绩效指标 spans its visible rows only
    doc = extract(save(wb, tmp_path))
    assert [(n.code, n.severity) for n in doc.notes] == [("hidden_cells_skipped", "info")]


def test_unit_note_beside_the_agency_name_is_a_line_of_its_own(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_form(ws, 2)
    ws["A1"] = "某某县水利局"
    ws["F1"] = "单位：万元"
    lines = [b.text for b in extract(save(wb, tmp_path)).pages[0].blocks if isinstance(b, TextLine)]
    assert lines[:2] == ["某某县水利局", "单位：万元"]
