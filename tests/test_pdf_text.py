"""Text-layer PDFs (extractors.pdf.pdf_text): IR and records of small generated forms, the dev corpus'
text PDFs, page breaks (open cells, repeated header, split row), and unreadable files.

Fixtures are written by tests/fixtures/pdf/make_fixtures.py (committed, a few tens of KB each).
"""
from __future__ import annotations

import json
import sys
import types
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import given
from hypothesis import strategies as st

from extractors.errors import EncryptedFileError, UnreadableFileError
from extractors.grid import GridCell
from extractors.ir import CheckboxState, Page, Table, TextLine
from extractors.options import ExtractOptions
from extractors.pdf import pdf_text
from extractors.pdf.checkboxes import canonical_glyph, drawn_checkboxes
from extractors.pdf.glyphs import (
    Glyph,
    join_wrapped,
    line_text,
    page_text_lines,
    radical_to_ideograph,
    without_overprints,
)
from extractors.pdf.page_breaks import build_tables, key_column, merge_page_runs, repeats_header, split_row
from extractors.pdf.tables import PageTable, TableCell, fill_cell_texts
from normalizers.document import process_file

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
DEV = SHARED / "dev-corpus"
OPTIONS = ExtractOptions()


def extract(path: Path):
    return pdf_text.extract(path, OPTIONS)


def only_table(doc) -> Table:
    tables = [b for _, b in doc.blocks() if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def cell_at(table: Table, row: int, col: int):
    return table.grid()[row][col]


def lines_of(doc) -> list[str]:
    return [b.text for _, b in doc.blocks() if isinstance(b, TextLine)]


# --- single page, seed layout -----------------------------------------------------------------


@pytest.fixture(scope="module")
def single():
    return extract(FIXTURES / "single_page_form.pdf")


def test_single_page_geometry_and_reading_order(single):
    assert single.extractor == "pdf_text"
    page = single.pages[0]
    assert (page.unit, round(page.width), round(page.height)) == ("pt", 842, 595)
    kinds = [b.kind for b in page.blocks]
    assert kinds == ["line", "line", "table", "line"]
    assert lines_of(single) == [
        "项目支出绩效目标表",
        "（2024）年度",
        "填表人：张三 联系电话：13800001111 填报日期：2024年1月5日 单位负责人签字：李四",
    ]
    table = only_table(single)
    assert (table.n_rows, table.n_cols) == (11, 10)
    for c in table.cells:
        assert c.page == 1 and c.confidence == 1.0
        x0, y0, x1, y1 = c.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height


def test_single_page_merged_cells_are_one_cell_with_span(single):
    table = only_table(single)
    perf = cell_at(table, 5, 0)
    assert (perf.text, perf.row, perf.rowspan, perf.colspan) == ("绩效指标", 5, 6, 1)
    name = cell_at(table, 0, 1)
    assert (name.text, name.colspan) == ("农村公路养护", 9)
    assert sum(c.text == "产出指标" for c in table.cells) == 1
    assert cell_at(table, 7, 1).text == "产出指标" and cell_at(table, 7, 1).rowspan == 3
    # every grid position is covered exactly once
    covered = sum(c.rowspan * c.colspan for c in table.cells)
    assert covered == table.n_rows * table.n_cols


def test_checkboxes_drawn_as_rectangles_and_glyphs_become_state(single):
    table = only_table(single)
    ticked = cell_at(table, 6, 4)
    assert (ticked.text, ticked.checkbox) == ("☑ ≥", CheckboxState.CHECKED)
    assert cell_at(table, 7, 4).text == "☑ ="
    empty_rect = cell_at(table, 9, 4)
    assert (empty_rect.text, empty_rect.checkbox) == ("☐", CheckboxState.UNCHECKED)
    empty_glyph = cell_at(table, 10, 4)
    assert (empty_glyph.text, empty_glyph.checkbox) == ("☐", CheckboxState.UNCHECKED)
    assert cell_at(table, 6, 5).checkbox == CheckboxState.NONE
    # the tick mark inside a box is part of the box, not text
    assert "√" not in "".join(c.text for c in table.cells)


def test_single_page_golden_records():
    out = process_file(FIXTURES / "single_page_form.pdf", "single_page_form.pdf", OPTIONS)
    assert out.status != "failed" and out.extractor == "pdf_text" and out.pages == 1
    (form,) = out.forms
    assert (form.form_kind, form.year, form.project_name, form.competent_dept) == (
        "project", 2024, "农村公路养护", "县交通运输局")
    assert (form.fund_total, form.fund_fiscal, form.page_start, form.page_end) == (120.0, 120.0, 1, 1)
    assert (form.preparer, form.phone, form.fill_date, form.unit_head) == (
        "张三", "13800001111", "2024-01-05", "李四")
    rows = [(i.level1, i.level2, i.level3, i.operator, i.value, i.unit, i.page) for i in out.indicators]
    assert rows[:3] == [
        ("产出指标", "数量指标", "养护里程", "≥", "85.5", "公里", 1),
        ("产出指标", "数量指标", "桥梁检查", "=", "12", "座", 1),
        ("产出指标", "质量指标", "路况优良率", "≥", "90", "%", 1),
    ]


# --- several pages ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["multi_page_form.pdf", "multi_page_open_form.pdf", "multi_page_thead_form.pdf"])
def multi(request):
    return request.param, extract(FIXTURES / request.param)


def test_table_over_page_break_is_one_table_with_cells_on_their_pages(multi):
    _, doc = multi
    table = only_table(doc)
    assert table.page == 1
    assert {c.page for c in table.cells} == {1, 2}
    benefit = next(c for c in table.cells if c.text == "效益指标")
    assert benefit.page == 2 and benefit.bbox[1] < 100  # page-2 coordinates, near the top
    assert [p.number for p in doc.pages] == [1, 2]
    for page in doc.pages:
        for block in page.blocks:
            assert block.page == page.number


def test_repeated_header_row_is_dropped(multi):
    _, doc = multi
    table = only_table(doc)
    assert sum(c.text == "一级指标" for c in table.cells) == 1


def test_row_split_by_page_break_is_joined(multi):
    _, doc = multi
    table = only_table(doc)
    expl = next(c for c in table.cells if c.text.startswith("认定准确的资助对象占"))
    assert expl.text == "认定准确的资助对象占全部资助对象的比例"
    assert expl.page == 1
    assert [r.kind for r in expl.repairs] == ["join"]
    rule = next(c for c in table.cells if c.text.startswith("准确率达到98%"))
    assert rule.text == "准确率达到98%得满分，每降低1个百分点扣1分"
    # no row is left holding only the rest of the split row
    assert not any(c.text == "全部资助对象的比例" for c in table.cells)
    # the merged 产出指标 cell ends with the split row; the next group starts a new cell
    grid = table.grid()
    quality_row = next(c.row for c in table.cells if c.text == "资助对象认定准确率")
    assert grid[quality_row][1].text == "产出指标"
    assert grid[quality_row + 1][1].text == "效益指标"


def test_multi_page_golden_records(multi):
    name, _ = multi
    out = process_file(FIXTURES / name, name, OPTIONS)
    (form,) = out.forms
    assert (form.year, form.project_name, form.agency, form.page_start, form.page_end) == (
        2023, "学生资助经费", "某某县教育局", 1, 2)
    assert (form.preparer, form.fill_date) == ("张三", "2024-01-05")
    rows = [(i.seq, i.page, i.level1, i.level2, i.level3, i.operator, i.value, i.unit) for i in out.indicators]
    assert rows == [
        (1, 1, "产出指标", "数量指标", "资助学生人数", "≥", "1200", "人"),
        (2, 1, "产出指标", "数量指标", "发放批次", "≥", "2", "批次"),
        (3, 1, "产出指标", "质量指标", "资助对象认定准确率", "≥", "98", "%"),
        (4, 2, "效益指标", "社会效益指标", "因贫失学辍学学生", "=", "0", "人"),
        (5, 2, "效益指标", "可持续影响指标", "资助政策知晓率", "≥", "95", "%"),
    ]
    assert out.indicators[2].explanation == "认定准确的资助对象占全部资助对象的比例"


def test_page_number_lines_do_not_stop_a_table_continuing():
    doc = extract(FIXTURES / "multi_page_form.pdf")
    assert "- 1 -" in lines_of(doc) and "- 2 -" in lines_of(doc)
    assert sum(isinstance(b, Table) for _, b in doc.blocks()) == 1


def _cells(rows):
    """(row, col, rowspan, text) tuples -> merged-table cells for split_row."""
    out = []
    for r, c, rs, text in rows:
        out.append((GridCell(row=r, col=c, rowspan=rs, colspan=1, bbox=(c, r, c + 1, r + rs)),
                    TableCell(box=(c, r, c + 1, r + rs), text=text)))
    return out


def test_new_row_under_merged_leading_cells_is_not_taken_for_a_split_row():
    cells = _cells([
        (0, 0, 2, "产出指标"), (0, 1, 1, "质量指标"), (0, 2, 1, "合格率"), (0, 3, 1, "≥95%"), (0, 4, 1, "按比例"),
        (1, 1, 1, ""), (1, 2, 1, "及时率"), (1, 3, 1, "≥90%"), (1, 4, 1, "按比例"),
    ])
    assert not split_row(cells, 0, 1, key_col=2)
    rest = _cells([
        (0, 0, 2, "产出指标"), (0, 1, 1, "质量指标"), (0, 2, 1, "合格率"), (0, 3, 1, "≥95%"), (0, 4, 1, "按比"),
        (1, 1, 1, ""), (1, 2, 1, ""), (1, 3, 1, ""), (1, 4, 1, "例计分"),
    ])
    assert split_row(rest, 0, 1, key_col=2)
    # text in a column the row above left empty is a new row, not the rest of the old one
    note = _cells([
        (0, 1, 1, "质量指标"), (0, 2, 1, "合格率"), (0, 3, 1, "≥95%"), (0, 4, 1, ""),
        (1, 1, 1, ""), (1, 2, 1, ""), (1, 3, 1, ""), (1, 4, 1, "备注"),
    ])
    assert not split_row(note, 0, 1, key_col=2)
    # a row of the next group under a closed, empty continuation of a level-2 cell keeps its name
    own_level2 = _cells([
        (0, 1, 1, "质量指标"), (0, 2, 1, "合格率"), (0, 3, 1, "≥95%"), (0, 4, 1, "按季度"),
        (1, 1, 1, ""), (1, 2, 1, "及时率"), (1, 3, 1, "≥90%"), (1, 4, 1, ""),
    ])
    assert not split_row(own_level2, 0, 1, key_col=2)
    # a level-2 row without indicators (empty name, unticked box) is not the rest of a row
    empty_group = _cells([
        (0, 1, 1, "经济成本指标"), (0, 2, 1, "培训成本"), (0, 3, 1, "☑ ≤"), (0, 4, 1, "按预算"),
        (1, 1, 1, ""), (1, 2, 1, ""), (1, 3, 1, "☐"), (1, 4, 1, "按预算"),
    ])
    assert not split_row(empty_group, 0, 1, key_col=2)


def test_key_column_is_the_row_naming_column():
    rows = [(0, 0, 1, "项目名称"), (0, 1, 1, "学生资助")]
    for r, (name, value) in enumerate([("人数", "≥1200人"), ("批次", "≥2批次"), ("准确率", "≥98%"),
                                        ("失学", "=0人")], start=1):
        rows += [(r, 2, 1, name), (r, 3, 1, value), (r, 4, 1, "说明")]
    rows += [(1, 0, 4, "产出指标"), (1, 1, 2, "数量指标"), (3, 1, 1, "质量指标"), (4, 1, 1, "")]
    assert key_column(_cells(rows)) == 2


# --- dev corpus -------------------------------------------------------------------------------

needs_dev = pytest.mark.needs_shared("dev-corpus")


@needs_dev
def test_dev_003_open_merged_cell_over_page_break_is_one_cell():
    doc = extract(DEV / "dev_003.pdf")
    table = only_table(doc)
    perf = next(c for c in table.cells if c.text == "绩效指标")
    assert perf.page == 1 and perf.col == 0
    assert perf.row + perf.rowspan == table.n_rows - 1  # down to the review row on page 2
    assert [c.text for c in table.rows()[perf.row + perf.rowspan - 1]][:2] == ["满意度指标", "服务对象满意度指标"]
    assert lines_of(doc)[-1].startswith("填表人：郑杰杰 联系电话：18849107337")
    assert table.rows()[8][3].text == "≤304万元"  # older layout: operator, number, unit in one cell


@needs_dev
def test_dev_011_checkbox_glyphs_and_repeated_header():
    doc = extract(DEV / "dev_011.pdf")
    table = only_table(doc)
    states = [c.checkbox for c in table.cells if c.checkbox != CheckboxState.NONE]
    assert states.count(CheckboxState.CHECKED) == 16 and states.count(CheckboxState.UNCHECKED) == 2
    assert sum(c.text == "计量单位" for c in table.cells) == 1
    assert next(c for c in table.cells if c.text == "节约财政资金").page == 2


@needs_dev
@pytest.mark.parametrize("name", ["dev_003.pdf", "dev_011.pdf"])
def test_dev_corpus_text_pdfs_match_expected_records(name):
    gt = json.loads((DEV / "gt" / f"{name}.json").read_text(encoding="utf-8"))
    out = process_file(DEV / name, name, OPTIONS)
    (expected,) = gt["forms"]
    (form,) = out.forms
    for key in ("year", "project_name", "competent_dept", "fund_total", "preparer", "phone", "fill_date"):
        assert getattr(form, key) == expected[key], key
    got = [(i.level1, i.level2, i.level3, i.operator, i.value, i.unit, i.explanation, i.scoring_rule)
           for i in out.indicators]
    want = [(i["level1"], i["level2"], i["level3"], i["operator"], i["value"], i["unit"], i["explanation"],
             i["scoring_rule"]) for i in expected["indicators"]]
    assert got == want


# --- pages without text, unreadable files ------------------------------------------------------


def minimal_pdf(n_pages: int) -> bytes:
    """A valid PDF with ``n_pages`` blank pages (no content stream, so no text layer)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(n_pages))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>",
        *["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n_pages,
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


def test_encrypted_pdf_raises_encrypted_file_error_naming_the_file():
    path = FIXTURES / "encrypted_form.pdf"
    with pytest.raises(EncryptedFileError) as err:
        extract(path)
    assert str(path) in str(err.value) and "encrypted" in str(err.value)


def test_truncated_pdf_raises_unreadable_file_error(tmp_path):
    data = (FIXTURES / "single_page_form.pdf").read_bytes()
    for fraction in (0.05, 0.5, 0.9, 0.99):
        path = tmp_path / f"cut_{fraction}.pdf"
        path.write_bytes(data[: int(len(data) * fraction)])
        with pytest.raises(UnreadableFileError) as err:
            extract(path)
        assert str(path) in str(err.value) and "cannot be read" in str(err.value)
        assert not isinstance(err.value, EncryptedFileError)


def test_truncated_pdf_fails_its_file_only_with_unreadable_file(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes((FIXTURES / "multi_page_form.pdf").read_bytes()[:5000])
    out = process_file(path, "cut.pdf", OPTIONS)
    assert out.status == "failed" and not out.indicators
    assert [a.code for a in out.anomalies] == ["unreadable_file"]


def test_not_a_pdf_and_zero_pages_raise_unreadable_file_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all\n" * 10)
    with pytest.raises(UnreadableFileError, match="cannot be read"):
        extract(junk)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(minimal_pdf(0))
    with pytest.raises(UnreadableFileError, match="no pages"):
        extract(empty)


def test_page_without_text_layer_is_noted_when_no_scan_extractor(tmp_path, monkeypatch):
    path = tmp_path / "blank.pdf"
    path.write_bytes(minimal_pdf(2))
    monkeypatch.setitem(sys.modules, "extractors.scan.scan", None)  # import fails like a missing module
    monkeypatch.delattr("extractors.scan.scan", raising=False)
    doc = extract(path)
    assert doc.extractor == "pdf_text"
    assert [(n.code, n.severity, n.page) for n in doc.notes] == [
        ("no_text_layer", "error", 1), ("no_text_layer", "error", 2)]


def test_image_only_pdf_goes_to_the_scan_extractor(tmp_path, monkeypatch):
    path = tmp_path / "blank.pdf"
    path.write_bytes(minimal_pdf(2))
    calls = []

    def read_pdf_pages(p, numbers, options):
        calls.append((Path(p), list(numbers)))
        return ([Page(number=n, width=1000, height=700, unit="px", extractor="scan:fake",
                      blocks=[TextLine(text=f"page {n}", page=n)]) for n in numbers],
                {"ocr": 2.5, "layout": 0.5})

    fake = types.ModuleType("extractors.scan.scan")
    fake.read_pdf_pages = read_pdf_pages
    monkeypatch.setitem(sys.modules, "extractors.scan.scan", fake)
    monkeypatch.setattr("extractors.scan.scan", fake, raising=False)
    doc = extract(path)
    assert calls == [(path, [1, 2])]
    assert doc.extractor == "scan:fake" and not doc.notes
    # the engine's time stays apart from ours (the bench compares the two)
    assert doc.timings["ocr"] == 2.5 and doc.timings["layout"] >= 0.5
    assert lines_of(doc) == ["page 1", "page 2"]


# --- text of cells ----------------------------------------------------------------------------


def test_symbol_font_checkboxes_become_canonical_glyphs():
    cfg = pdf_text.settings()
    assert canonical_glyph("þ", "ABCDEF+Wingdings-Regular", cfg) == "☑"
    assert canonical_glyph("¨", "Wingdings", cfg) == "☐"
    assert canonical_glyph("R", "XYZ+Wingdings2", cfg) == "☑"
    assert canonical_glyph("£", "Wingdings 2", cfg) == "☐"
    assert canonical_glyph("R", "SimSun", cfg) == "R"
    assert canonical_glyph("☒", "SimSun", cfg) == "☑"


cjk_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)


@given(st.lists(cjk_text, min_size=1, max_size=6))
def test_wrapped_cjk_lines_join_without_spaces(lines):
    assert join_wrapped(lines) == "".join(lines)


@given(st.lists(st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), min_size=1, max_size=6))
def test_wrapped_latin_words_join_with_one_space(words):
    assert join_wrapped(words) == " ".join(words)


def test_line_text_keeps_real_gaps_and_ignores_letter_spacing():
    cfg = pdf_text.settings()

    def g(text, x0, width=10.0):
        return Glyph(text=text, x0=x0, top=0, x1=x0 + width, bottom=10, size=10)

    spaced_title = [g("项", 0), g("目", 11), g("表", 22)]  # 1 pt letter spacing
    assert line_text(spaced_title, cfg) == "项目表"
    footer = [g("张", 0), g("三", 10), g("联", 100), g("系", 110)]
    assert line_text(footer, cfg) == "张三 联系"
    operator = [g("≥", 0, 5), g("9", 9, 5), g("5", 14, 5)]
    assert line_text(operator, cfg) == "≥ 95"


def test_fake_bold_overprint_is_read_once_but_repeated_chars_stay():
    def ch(text, x0, top=100.0):
        return {"text": text, "x0": x0, "top": top}

    chars = [ch("项", 10), ch("项", 10.3), ch("目", 20), ch("目", 20.4, 100.2), ch("1", 30), ch("1", 34)]
    assert [c["text"] for c in without_overprints(chars, 0.6)] == ["项", "目", "1", "1"]


def test_kangxi_radicals_from_exporters_read_as_ideographs():
    assert [radical_to_ideograph(c) for c in "⼀⽬⾦项（"] == ["一", "目", "金", "项", "（"]


def test_radicals_supplement_from_chromium_pdfs_read_as_ideographs():
    # Chromium's PDF printer writes the radical where Noto CJK draws 长 民 门 食 青 with its glyph;
    # NFKC leaves U+2E80..U+2EFF alone (vocab/data/radicals.yaml)
    assert "".join(radical_to_ideograph(c) for c in "⻓⺠⻔⻝⻘") == "长民门食青"
    # a Kangxi radical the Simplified face draws as the simplified ideograph (NFKC gives 戶)
    assert radical_to_ideograph("⼾") == "户"
    assert radical_to_ideograph("\u2e80") == "\u2e80"  # a radical form no ideograph is drawn with


def test_page_of_unmapped_glyphs_counts_as_without_text_layer():
    cfg = pdf_text.settings()
    unmapped = types.SimpleNamespace(chars=[{"text": "(cid:123)"}] * 8 + [{"text": "1"}] * 2)
    assert pdf_text.text_layer_state(unmapped, cfg) == "unmapped"
    mapped = types.SimpleNamespace(chars=[{"text": "项"}] * 9 + [{"text": "(cid:5)"}])
    assert pdf_text.text_layer_state(mapped, cfg) == "usable"
    assert pdf_text.text_layer_state(types.SimpleNamespace(chars=[{"text": " "}]), cfg) == "none"


def test_ocr_failure_on_one_page_of_a_mixed_pdf_keeps_the_text_pages(tmp_path, monkeypatch):
    from extractors.errors import MissingDependencyError

    def read_pdf_pages(p, numbers, options):
        raise MissingDependencyError("no OCR engine is installed")

    fake = types.ModuleType("extractors.scan.scan")
    fake.read_pdf_pages = read_pdf_pages
    monkeypatch.setitem(sys.modules, "extractors.scan.scan", fake)
    monkeypatch.setattr("extractors.scan.scan", fake, raising=False)
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(minimal_pdf(1))
    with pytest.raises(MissingDependencyError) as err:
        extract(blank)
    assert err.value.file == str(blank)
    monkeypatch.setattr(pdf_text, "text_layer_state", lambda page, cfg: "none" if page.page_number == 2 else "usable")
    doc = extract(FIXTURES / "multi_page_form.pdf")
    assert [(n.code, n.page) for n in doc.notes] == [("no_text_layer", 2)]
    assert "no OCR engine" in doc.notes[0].message
    assert doc.extractor == "pdf_text" and lines_of(doc)[0] == "项目支出绩效目标表"


def test_repeated_header_may_leave_out_a_label():
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "指标解释", "评(扣)分标准"]
    assert repeats_header(header[1:], header)
    assert not repeats_header(["产出指标", "数量指标", "人数", "≥5人"], header)


def _page_table(page, top, bottom, xs=(40, 90, 200, 400)):
    cells = [TableCell(box=(a, top, b, bottom), page=page) for a, b in pairwise(xs)]
    return PageTable(page=page, bbox=(xs[0], top, xs[-1], bottom), cells=cells)


def _line(text, page, top):
    return TextLine(text=text, bbox=(40, top, 200, top + 10), page=page)


def test_table_continues_under_a_continuation_mark_but_not_under_a_new_title():
    cfg = pdf_text.settings()
    a, b = _page_table(1, 100, 500), _page_table(2, 60, 300)
    runs = merge_page_runs(
        [([_line("项目支出绩效目标表", 1, 40), _line("第 1 页", 1, 560)], [a]), ([_line("续表", 2, 40)], [b])], cfg)
    assert [[t.page for t in run] for run in runs] == [[1, 2]]
    c = _page_table(2, 60, 300)
    runs = merge_page_runs(
        [([_line("项目支出绩效目标表", 1, 40)], [a]), ([_line("项目支出绩效目标表", 2, 40)], [c])], cfg)
    assert [[t.page for t in run] for run in runs] == [[1], [2]]
    other_columns = _page_table(2, 60, 300, xs=(40, 150, 300, 400))
    runs = merge_page_runs([([], [a]), ([], [other_columns])], cfg)
    assert len(runs) == 2


def _row_part(page, top, texts, xs, open_top=(), open_bottom=()):
    """One row of a page's table; ``open_top``/``open_bottom``: indexes of the cells no ruling closes."""
    cells = [TableCell(box=(a, top, b, top + 40), page=page, text=t, open_top=i in open_top,
                       open_bottom=i in open_bottom) for i, ((a, b), t) in enumerate(zip(pairwise(xs), texts))]
    return PageTable(page=page, bbox=(xs[0], top, xs[-1], top + 40), cells=cells)


def test_part_without_the_outer_label_column_still_continues_and_a_label_split_on_its_break_is_joined():
    # Regression (fresh family seed 181): the middle page of a three-page table had no cell in the
    # outer 绩效指标 column (its merged cell's text stood on page 1, no ruling closed it there), so
    # its left edge differed; the table broke into three, and 服务对象满意度指|标 split on the next
    # break became two labels, the second '标'
    cfg = pdf_text.settings()
    outer = (40, 90, 200, 300, 400)
    first = _row_part(1, 100, ["绩效指标", "数量指标", "资助人数", "≥3900人"], outer)
    middle = _row_part(2, 60, ["服务对象满意度指", "预算单位满意度", "≥90%"], outer[1:], open_bottom=(0,))
    last = _row_part(3, 60, ["", "标", "农户满意度", "≥85%"], outer, open_top=(0, 1))
    runs = merge_page_runs([([], [first]), ([], [middle]), ([], [last])], cfg)
    assert [[t.page for t in run] for run in runs] == [[1, 2, 3]]
    table = build_tables(runs, cfg)[id(first)]
    label = next(c for c in table.cells if c.text.startswith("服务对象"))
    assert label.text == "服务对象满意度指标" and label.rowspan == 2
    assert not any(c.text == "标" for c in table.cells)
    # a part whose left edge is no column edge of the other, or with two more columns, is another table
    shifted = _row_part(2, 60, ["a", "b", "c"], (120, 200, 300, 400))
    assert len(merge_page_runs([([], [first]), ([], [shifted])], cfg)) == 2
    wider = _row_part(2, 60, ["a", "b", "c", "d", "e"], (20, 40, 90, 200, 300, 400))
    assert len(merge_page_runs([([], [middle]), ([], [wider])], cfg)) == 2


def _rect(x0, top, side, fill=True, evenodd=False, color=(0.0, 0.0, 0.0)):
    return {"x0": x0, "top": top, "x1": x0 + side, "bottom": top + side, "fill": fill, "evenodd": evenodd,
            "non_stroking_color": color, "object_type": "rect"}


def test_checkboxes_drawn_as_border_rings_and_fills():
    cfg = pdf_text.settings()
    ring = [_rect(10, 10, 8.2, evenodd=True), _rect(10.6, 10.6, 7.0, evenodd=True)]  # CSS border, as printed
    filled = [_rect(10, 30, 8.2, evenodd=True), _rect(10.6, 30.6, 7.0, evenodd=True), _rect(10, 30, 8.2)]
    framed_white = [_rect(10, 50, 8.2), _rect(10.6, 50.6, 7.0, color=(1.0, 1.0, 1.0))]
    stroked = [_rect(10, 70, 8.0, fill=False)]
    ticked_by_line = [_rect(10, 90, 8.0, fill=False)]
    tick = {"x0": 11, "top": 92, "x1": 17, "bottom": 97, "object_type": "line"}
    page = types.SimpleNamespace(rects=ring + filled + framed_white + stroked + ticked_by_line,
                                 lines=[tick], curves=[])
    boxes = drawn_checkboxes(page, cfg)
    assert [(round(b.box["top"]), b.ticked) for b in sorted(boxes, key=lambda b: b.box["top"])] == [
        (10, False), (30, True), (50, False), (70, False), (90, True)]


def test_text_in_a_hole_of_an_irregular_table_is_not_lost():
    cfg = pdf_text.settings()
    cells = [TableCell(box=b) for b in [(0, 0, 50, 20), (50, 0, 100, 20), (0, 20, 50, 40)]]
    table = PageTable(page=1, bbox=(0, 0, 100, 40), cells=cells)
    glyphs = [Glyph("甲", 20, 5, 30, 15, 10), Glyph("乙", 70, 25, 80, 35, 10),
              Glyph("丙", 90, 25, 100, 35, 10)]
    used = fill_cell_texts([table], glyphs, cfg)
    assert [c.text for c in cells] == ["甲", "", ""]
    assert [ln.text for ln in page_text_lines(glyphs, used, 1, cfg)] == ["乙丙"]


def _seg(x0, top, x1, bottom, kind="line"):
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "object_type": kind,
            "pts": [(x0, top), (x1, bottom)]}


def test_checkboxes_drawn_as_four_lines_or_a_closed_path():
    cfg = pdf_text.settings()
    four_lines = [_seg(10, 10, 18, 10), _seg(10, 18, 18, 18), _seg(10, 10, 10, 18), _seg(18, 10, 18, 18)]
    ticked_lines = [_seg(10, 30, 18, 30), _seg(10, 38, 18, 38), _seg(10, 30, 10, 38), _seg(18, 30, 18, 38)]
    tick = {"x0": 11, "top": 32, "x1": 17, "bottom": 37, "object_type": "curve",
            "pts": [(11, 34), (13, 37), (17, 32)]}
    outline = {"x0": 10, "top": 50, "x1": 18, "bottom": 58, "object_type": "curve", "fill": False,
               "pts": [(10, 50), (18, 50), (18, 58), (10, 58), (10, 50)]}
    cell_border = _seg(0, 0, 300, 0)  # long rulings are no checkboxes
    page = types.SimpleNamespace(rects=[], lines=[*four_lines, *ticked_lines, cell_border],
                                 curves=[tick, outline])
    boxes = sorted(drawn_checkboxes(page, cfg), key=lambda b: b.box["top"])
    assert [(round(b.box["top"]), b.ticked) for b in boxes] == [(10, False), (30, True), (50, False)]
