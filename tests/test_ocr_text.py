"""The OCR'd-text extractor: the seed's IR cell by cell, each table markup, encodings, bad files."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.errors import JixiaoError, UnreadableFileError
from extractors.ir import CheckboxState, Document, Table, TextLine
from extractors.options import ExtractOptions
from extractors.registry import extractor_for
from extractors.text.cleanup import decode_markup
from extractors.text.ocr_text import extract

SEED = Path(__file__).parent / "fixtures" / "seed" / "zhijiang_2024_forms.md"
OPTIONS = ExtractOptions()


def tables(doc: Document) -> list[Table]:
    return [b for _, b in doc.blocks() if isinstance(b, Table)]


def lines(doc: Document) -> list[str]:
    return [b.text for _, b in doc.blocks() if isinstance(b, TextLine)]


def row_texts(table: Table, first_text: str, col: int = 0) -> list[str]:
    """Texts of the first row whose cell at ``col`` starts with ``first_text`` (raw positions)."""
    for row in table.rows():
        if any(c.col == col and c.text.startswith(first_text) for c in row):
            return [c.text for c in row]
    raise AssertionError(f"no row with {first_text!r} in column {col}")


def row_cells(table: Table, text: str):
    for row in table.rows():
        if any(c.text == text for c in row):
            return {c.col: c for c in row}
    raise AssertionError(f"no row with a cell {text!r}")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def assert_grid_is_consistent(table: Table) -> None:
    seen: set[tuple[int, int]] = set()
    for c in table.cells:
        assert c.rowspan >= 1 and c.colspan >= 1
        assert 0 <= c.row and c.row + c.rowspan <= table.n_rows
        assert 0 <= c.col and c.col + c.colspan <= table.n_cols
        covered = {(r, k) for r in range(c.row, c.row + c.rowspan) for k in range(c.col, c.col + c.colspan)}
        assert not covered & seen, "two cells claim one grid position"
        seen |= covered
        want = (CheckboxState.CHECKED if "☑" in c.text
                else CheckboxState.UNCHECKED if "☐" in c.text else CheckboxState.NONE)
        assert c.checkbox == want


@pytest.fixture(scope="module")
def seed() -> Document:
    return extract(SEED, OPTIONS)


# --- the seed ------------------------------------------------------------------------------------


def test_registry_routes_text_suffixes_here():
    for suffix in (".md", ".txt", ".html", ".htm", ".MD"):
        assert extractor_for(Path("x" + suffix)) is extract


def test_seed_document_shape(seed):
    assert seed.extractor == "ocr_text"
    assert [p.number for p in seed.pages] == [1]
    assert seed.pages[0].unit == "none"
    kinds = [b.kind for b in seed.pages[0].blocks]
    assert kinds.count("table") == 2
    dept, project = tables(seed)
    assert (dept.n_rows, dept.n_cols) == (21, 10)
    assert (project.n_rows, project.n_cols) == (23, 10)
    for t in (dept, project):
        assert_grid_is_consistent(t)
        assert all(c.bbox is None and c.page == 1 and c.confidence == 1.0 for c in t.cells)


def test_seed_text_lines_in_reading_order(seed):
    blocks = seed.pages[0].blocks
    texts = [b.text if isinstance(b, TextLine) else "<table>" for b in blocks]
    assert texts[:4] == ["部门(单位)整体绩效目标表", "( 2024 ) 年度", "芷江侗族自治县自然资源局", "<table>"]
    after_first = texts[4:8]
    assert after_first == ["填表人：李卓", "联系电话：18674525252", "填报日期：2023年12月10日", "单位负责人签字：李艳军"]
    second = texts.index("项目绩效目标表")
    assert texts[second:second + 3] == ["项目绩效目标表", "(2024) 年度", "<table>"]
    assert texts[second + 3] == "填表人: 李卓"
    assert texts[-1].startswith("4. 满意度赋分。")


def test_seed_shifted_rows_keep_their_raw_positions(seed):
    """Regression: merged cells flattened by OCR slide the rest of the row left; the extractor
    must keep every field where it stood (empty ones included) for the normalizer to reassign."""
    dept = tables(seed)[0]
    assert row_texts(dept, "质量指标") == [
        "质量指标", "", "地质灾害防治完成率", "≥", "90", "%", "地质灾害防治",
        "达到或超过标准值得分，未达到90%按实际满意率/90%指标分值计算", "", "",
    ]
    assert row_texts(dept, "可持续影响指标")[:5] == ["可持续影响指标", "自然资源管理", "定性", "改善",
                                                  "对自然资源管理与机制创新的影响"]
    assert row_texts(dept, "社会成本指标", col=2) == ["", "", "社会成本指标", "", "", "", "", "", "", ""]
    assert row_texts(dept, "预算支出金额", col=3) == [
        "", "成本指标", "经济成本指标", "预算支出金额", "≤", "2602.21", "万元", "本年度经费安排",
        "资金控制在预算成本内得满分，否则不得分", "",
    ]
    project = tables(seed)[1]
    # The goal's label and text share one field; the row is still part of the table.
    goal = row_texts(project, "年度总体目标")
    assert goal[0].startswith("年度总体目标 推进规划编制工作，") and goal[1:] == [""] * 9
    # A truncated last row stays as short as it was written.
    assert row_texts(project, "满意度指标", col=3) == [
        "", "", "", "满意度指标", "服务对象满意度指标", "服务对象满意度指标", "☑ ≥", "90", "%", "群众对该项工作的满意度",
    ]


def test_seed_latex_operators_are_unicode(seed):
    dept = tables(seed)[0]
    ops = [row[4].text for row in dept.rows()[2:9]]
    assert ops == ["≤", "", "", "≥", "≥", "≥", "≥"]
    assert row_texts(dept, "满意度指标")[3] == "≤"
    for t in tables(seed):
        assert not any("$" in c.text or "\\" in c.text for c in t.cells)
    assert "指标类型：指标类型为定量（“ ≥ ”、“ > ”、“ = ”、“ ≤ ”、“ < ”上述五个符号之一）或定性。（下拉选择五个符号之一或者定性）" in lines(seed)


def test_seed_checkbox_cells_of_the_project_form(seed):
    project = tables(seed)[1]
    cost = row_cells(project, "预算成本")
    assert (cost[4].text, cost[4].checkbox) == ("☑ ≤", CheckboxState.CHECKED)
    assert cost[3].checkbox == CheckboxState.NONE and cost[5].text == "160"
    placeholder = row_cells(project, "社会成本指标")
    assert (placeholder[4].text, placeholder[4].checkbox) == ("☐", CheckboxState.UNCHECKED)
    qualitative = row_cells(project, "促进经济高质量发展")
    assert (qualitative[4].text, qualitative[4].checkbox) == ("☐ 定性", CheckboxState.UNCHECKED)
    assert (qualitative[5].text, qualitative[5].checkbox) == ("☑ 促进", CheckboxState.CHECKED)
    assert qualitative[6].text == "" and qualitative[6].checkbox == CheckboxState.NONE
    checked = [c for c in project.cells if c.checkbox == CheckboxState.CHECKED]
    unchecked = [c for c in project.cells if c.checkbox == CheckboxState.UNCHECKED]
    assert (len(checked), len(unchecked)) == (12, 6)  # as many as the seed has <input> tags
    assert not any("<input" in c.text for c in project.cells)


# --- other table markup --------------------------------------------------------------------------

HTML_FORM = """## 项目绩效目标表

<html><body><table><tr><td rowspan="3">绩效指标</td><td>一级指标</td><td>二级指标</td><td>指标值</td></tr>
<tr><td rowspan="2">成本指标</td><td>经济成本指标</td><td>$\\leq$ 25万元</td></tr>
<tr><td>社会<br/>成本指标</td><td>&lt;= 3&nbsp;起</td></tr>
<tr><td>业务股室审核</td><td colspan="2"></td><td><input type="checkbox" checked> 定性</td></tr></table></body></html>

填表人：王宇国
"""


def test_html_table_spans_on_the_html_grid(tmp_path):
    doc = extract(write(tmp_path, "form.md", HTML_FORM), OPTIONS)
    assert lines(doc) == ["项目绩效目标表", "填表人：王宇国"]
    (table,) = tables(doc)
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert_grid_is_consistent(table)
    got = [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]
    assert got == [
        (0, 0, 3, 1, "绩效指标"), (0, 1, 1, 1, "一级指标"), (0, 2, 1, 1, "二级指标"), (0, 3, 1, 1, "指标值"),
        (1, 1, 2, 1, "成本指标"), (1, 2, 1, 1, "经济成本指标"), (1, 3, 1, 1, "≤ 25万元"),
        (2, 2, 1, 1, "社会成本指标"), (2, 3, 1, 1, "≤ 3 起"),
        (3, 0, 1, 1, "业务股室审核"), (3, 1, 1, 2, ""), (3, 3, 1, 1, "☑ 定性"),
    ]
    grid = table.grid()
    assert grid[2][0].text == "绩效指标" and grid[2][1].text == "成本指标" and grid[3][2].colspan == 2
    assert table.cells[-1].checkbox == CheckboxState.CHECKED


def test_html_colspan_running_into_a_rowspan_is_clipped(tmp_path):
    html = "<table><tr><td>a</td><td rowspan=2>b</td></tr><tr><td colspan=3>x</td><td>y</td></tr></table>"
    (table,) = tables(extract(write(tmp_path, "bad.html", html), OPTIONS))
    assert_grid_is_consistent(table)
    assert [(c.row, c.col, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 1, "a"), (0, 1, 1, "b"), (1, 0, 1, "x"), (1, 2, 1, "y")]


def test_html_document_text_outside_tables(tmp_path):
    page = ("<!DOCTYPE html>\r\n<html><head><title>t</title><style>td {}</style></head><body>\r\n"
            "<h1>部门整体支出绩效目标表</h1>\r\n<p>( 2021 )\r\n年度</p>"
            "<table><tr><th>年度总体目标</th><td>建设&amp;发展</td></tr></table><p>填表人：王宇国</p></body></html>")
    doc = extract(write(tmp_path, "form.html", page), OPTIONS)
    assert lines(doc) == ["部门整体支出绩效目标表", "( 2021 ) 年度", "填表人：王宇国"]
    assert [c.text for c in tables(doc)[0].cells] == ["年度总体目标", "建设&发展"]


PIPE_FORM = """## 项目支出绩效目标表

2025年度

| | | | |
|---|---|---|---|
| 项目名称 | 小型水库除险加固项目 |  |  |
| 绩效指标 | 一级指标 | 三级指标 | 指标值 |
|  | **成本指标** | 工程建设成本 | ≤ 556万元 |
|  |  |  | ＞ 2\\% |
| 备注 | a \\| b | <input type="checkbox"/> 定性 |

填表人：何飞婷
"""


def test_pipe_table_rows_and_empty_positions(tmp_path):
    doc = extract(write(tmp_path, "form.md", PIPE_FORM), OPTIONS)
    assert lines(doc) == ["项目支出绩效目标表", "2025年度", "填表人：何飞婷"]
    (table,) = tables(doc)  # the all-empty header row and the separator row are not rows
    rows = [[c.text for c in r] for r in table.rows()]
    assert rows == [
        ["项目名称", "小型水库除险加固项目", "", ""],
        ["绩效指标", "一级指标", "三级指标", "指标值"],
        ["", "成本指标", "工程建设成本", "≤ 556万元"],
        ["", "", "", "> 2%"],
        ["备注", "a | b", "☐ 定性"],
    ]
    assert table.rows()[4][2].checkbox == CheckboxState.UNCHECKED
    assert_grid_is_consistent(table)


def test_tab_rows_across_blank_lines_and_crlf_are_one_table(tmp_path):
    text = "标题\r\n项目名称\t国土\t\r\n\r\n\t其中: 财政拨款\t160\r\n填表人: 李卓\r\n"
    doc = extract(write(tmp_path, "form.txt", text), OPTIONS)
    assert lines(doc) == ["标题", "填表人: 李卓"]
    (table,) = tables(doc)
    assert [[c.text for c in r] for r in table.rows()] == [["项目名称", "国土", ""], ["", "其中: 财政拨款", "160"]]


def test_goal_row_that_lost_its_tabs_stays_in_the_table(tmp_path):
    """Regression: OCR wrote the merged 年度总体目标 row as a bare line between tab rows; as a
    TextLine it split the form's table in two and the goal was lost."""
    text = ("项目名称\t国土专项工作经费\t\t\n其他资金\t\t\n年度总体目标 推进规划编制工作。\n"
            "绩效指标\t一级指标\t二级指标\n\n说明：\n")
    doc = extract(write(tmp_path, "form.md", text), OPTIONS)
    (table,) = tables(doc)
    assert [[c.text for c in r] for r in table.rows()] == [
        ["项目名称", "国土专项工作经费", "", ""], ["其他资金", "", ""], ["年度总体目标 推进规划编制工作。"],
        ["绩效指标", "一级指标", "二级指标"],
    ]
    assert lines(doc) == ["说明："]  # a line after a blank line is text again


# --- markup inside cells -------------------------------------------------------------------------


@pytest.mark.parametrize("raw,canonical", [
    ("$\\geq$", "≥"), ("$\\ge$ 90", "≥ 90"), ("\\geqslant 90", "≥90"), ("$\\leq$", "≤"), ("\\le", "≤"),
    ("$\\leqslant 5$", "≤5"), ("$>$", ">"), ("$<$", "<"), ("$=$", "="), ("$\\gt$", ">"), ("$\\lt$", "<"),
    (">= 90", "≥ 90"), ("<=5", "≤5"), ("≧", "≥"), ("≦", "≤"), ("⩾", "≥"), ("⩽", "≤"), ("＞", ">"), ("＜", "<"),
    ("＝", "="), ("＞＝80", "≥80"), ("&gt;= 1", "≥ 1"), ("&lt;", "<"),
    ("$95\\%$", "95%"), ("95\\%", "95%"), ("$\\geq 9 5 \\%$", "≥95%"), ("$\\mathrm { m } ^ { 2 }$", "m²"),
    ("$\\left( 1 \\right)$", "(1)"), ("(1-60%) × 指标分值", "(1-60%) × 指标分值"), ("得分=（实际-60%）", "得分=（实际-60%）"),
    ("$\\neq$", "≠"),
])
def test_operator_and_math_markup(raw, canonical):
    assert decode_markup(raw) == canonical


@pytest.mark.parametrize("raw,canonical", [
    ('<input checked="" type="checkbox"/> ≤', "☑ ≤"),
    ('<input type="checkbox" checked> 定性', "☑ 定性"),
    ('<input type="checkbox"/>', "☐"),
    ("<INPUT TYPE=checkbox CHECKED>定量", "☑定量"), ('<input type="radio" checked="checked"> 定性', "☑ 定性"),
    ("☒ 是", "☑ 是"), ("✓定量", "☑定量"), ("✔", "☑"), ("■定性 □定量", "☑定性 ☐定量"), ("☐ 定性", "☐ 定性"),
    ("√定性", "☑定性"), ("定量√", "定量☑"), ("√2", "√2"), ("[x] 定量", "☑ 定量"), ("[ ] 定性", "☐ 定性"),
])
def test_checkbox_markup(raw, canonical):
    assert decode_markup(raw) == canonical


@pytest.mark.parametrize("raw,canonical", [
    ("芷江侗族自治县<br>文化局", "芷江侗族自治县文化局"), ("文化局<br/>0745-5489585", "文化局 0745-5489585"),
    ("**成本指标**", "成本指标"), ("a&amp;b&nbsp;c", "a&b c"), ("x < 5 and 3 > 2", "x < 5 and 3 > 2"),
    ("  多余   空格 ", "多余 空格"), ("![](images/a.jpg)", "![](images/a.jpg)"),
    ("填表人：______", "填表人：______"), ("**x**y**z**", "xyz"), ("1\\. 直接赋分", "1. 直接赋分"),
])
def test_text_markup(raw, canonical):
    assert decode_markup(raw) == canonical


def test_heading_marks_and_images_are_not_text(tmp_path):
    doc = extract(write(tmp_path, "a.md", "# 项目绩效目标表 #\n![](images/p1.jpg)\n---\n**( 2024 ) 年度**\n"), OPTIONS)
    assert lines(doc) == ["项目绩效目标表", "( 2024 ) 年度"]


# --- encodings and bad files ---------------------------------------------------------------------


def _blocks(doc: Document) -> list[dict]:
    return [b.model_dump() for _, b in doc.blocks()]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_seed_in_other_encodings_extracts_identically(seed, tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    copy = write(tmp_path, f"seed_{encoding}.md", text.encode(encoding))
    assert copy.read_bytes() != SEED.read_bytes()
    doc = extract(copy, OPTIONS)
    assert _blocks(doc) == _blocks(seed)
    assert doc.notes == []


def test_seed_with_crlf_extracts_identically(seed, tmp_path):
    copy = write(tmp_path, "crlf.md", SEED.read_bytes().replace(b"\n", b"\r\n"))
    assert _blocks(extract(copy, OPTIONS)) == _blocks(seed)


def test_a_few_damaged_utf8_bytes_stay_utf8_with_a_note(seed, tmp_path):
    data = bytearray(SEED.read_bytes())
    data[data.index("填表人".encode())] = 0xFF  # break one character of the first footer line
    doc = extract(write(tmp_path, "damaged.md", bytes(data)), OPTIONS)
    assert [n.code for n in doc.notes] == ["unreadable_file"] and doc.notes[0].severity == "warning"
    assert len(tables(doc)) == 2 and "芷江侗族自治县自然资源局" in lines(doc)


@pytest.mark.parametrize("name,data,words", [
    ("empty.md", b"", "empty"),
    ("blank.txt", b" \r\n\t\n", "empty"),
    ("bom_only.md", b"\xef\xbb\xbf", "empty"),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
    ("controls.html", bytes(range(1, 32)) * 20, "binary"),
])
def test_unreadable_files_name_the_file(tmp_path, name, data, words):
    path = write(tmp_path, name, data)
    with pytest.raises(UnreadableFileError) as err:
        extract(path, OPTIONS)
    assert words in str(err.value) and str(err.value).startswith(str(path))


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFileError):
        extract(tmp_path / "absent.md", OPTIONS)


# --- any input: a Document or a JixiaoError ------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "\t", "\n", "\r\n", "|", "| --- |", "---", "<table>", "</table>", "<tr>", "<td>", "</td>", "<th>",
    '<td rowspan="3">', '<td colspan="0">', '<td rowspan="99999999">', "<br>", '<input type="checkbox" checked>',
    "<input type=checkbox>", "$", "$\\geq$", "\\le", "\\%", "&amp;", "&#0;", "**", "# ", "☑", "□", "√", "＞＝",
    "指标", "成本指标", "90", " ", "<!--", "<html><body>", "[x] ",
])


@st.composite
def markup_text(draw) -> str:
    return "".join(draw(st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=40)))


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _extract_or_error(path: Path) -> None:
    try:
        doc = extract(path, OPTIONS)
    except JixiaoError as err:
        assert str(path) in str(err)
        return
    assert isinstance(doc, Document) and doc.extractor == "ocr_text"
    for t in tables(doc):
        assert_grid_is_consistent(t)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(), markup_text()), suffix=st.sampled_from([".md", ".txt", ".html"]))
def test_any_text_gives_a_document_or_a_jixiao_error(scratch, text, suffix):
    path = scratch / ("t" + suffix)
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _extract_or_error(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_give_a_document_or_a_jixiao_error(scratch, data):
    path = scratch / "b.md"
    path.write_bytes(data)
    _extract_or_error(path)
