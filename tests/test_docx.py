"""Word extractor: true spans from the table XML, body order, checkbox symbols and controls."""
from __future__ import annotations

import copy
import stat
from pathlib import Path

import docx
import pytest
from conftest import need_shared
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from office_golden import FIXTURES, SHARED_CORPUS, golden_mismatches

from extractors.errors import MissingDependencyError, UnreadableFileError
from extractors.ir import CheckboxState, Table, TextLine
from extractors.office import legacy_office
from extractors.office import sniff as office_reader
from extractors.options import ExtractOptions

W14_NS = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'


def extract(path: Path):
    """Through the office sniffer, as the pipeline reads it (a legacy file named .docx goes to LibreOffice)."""
    return office_reader.extract(path, ExtractOptions())


def form_document() -> docx.Document:
    """Title, year and agency paragraphs, a 5x6 table with merges both ways, a footer paragraph."""
    d = docx.Document()
    d.add_paragraph("部门整体支出绩效目标表")
    d.add_paragraph("(2024)年度")
    d.add_paragraph("某某县水利局")
    t = d.add_table(rows=5, cols=6)
    rows = [
        ["年度总体目标", "保障水利设施运行。", "", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"],
        ["", "产出指标", "数量指标", "维修项目", "7", "个"],
        ["", "", "", "培训班次", "8", "期"],
        ["", "", "质量指标", "达标率", "95", "%"],
    ]
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v:
                t.cell(r, c).text = v
    t.cell(0, 1).merge(t.cell(0, 5))  # gridSpan
    t.cell(1, 0).merge(t.cell(4, 0))  # vMerge restart/continue
    t.cell(2, 1).merge(t.cell(4, 1))
    t.cell(2, 2).merge(t.cell(3, 2))
    d.add_paragraph("填表人：王五\t联系电话：13800000000\t填报日期：2024年3月5日")
    return d


def save(d: docx.Document, tmp_path: Path, name: str = "form.docx") -> Path:
    path = tmp_path / name
    d.save(str(path))
    return path


def test_body_order_gives_lines_around_the_table(tmp_path):
    doc = extract(save(form_document(), tmp_path))
    assert doc.extractor == "docx"
    assert [p.number for p in doc.pages] == [1]
    blocks = doc.pages[0].blocks
    assert [b.kind for b in blocks] == ["line", "line", "line", "table", "line"]
    assert [b.text for b in blocks if isinstance(b, TextLine)] == [
        "部门整体支出绩效目标表", "(2024)年度", "某某县水利局",
        "填表人：王五    联系电话：13800000000    填报日期：2024年3月5日"]


def test_grid_span_and_vmerge_become_spans_without_repeated_text(tmp_path):
    table: Table = extract(save(form_document(), tmp_path)).pages[0].blocks[3]
    assert (table.n_rows, table.n_cols) == (5, 6)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(0, 1)].text, by_pos[(0, 1)].colspan) == ("保障水利设施运行。", 5)
    assert (by_pos[(1, 0)].text, by_pos[(1, 0)].rowspan) == ("绩效指标", 4)
    assert (by_pos[(2, 1)].text, by_pos[(2, 1)].rowspan) == ("产出指标", 3)
    assert (by_pos[(2, 2)].text, by_pos[(2, 2)].rowspan) == ("数量指标", 2)
    assert by_pos[(4, 2)].text == "质量指标"
    for covered in [(0, 2), (2, 0), (3, 1), (4, 1), (3, 2)]:
        assert covered not in by_pos
    texts = [c.text for c in table.cells]
    assert texts.count("绩效指标") == 1 and texts.count("产出指标") == 1
    assert sum(c.rowspan * c.colspan for c in table.cells) == table.n_rows * table.n_cols


def _cell_with_runs(d: docx.Document, xml_runs: str):
    """A one-cell table whose paragraph holds the given run XML; returns the extracted Cell."""
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "指标类型"
    p = t.cell(0, 1).paragraphs[0]._p
    for el in parse_xml(f"<w:root {nsdecls('w')} {W14_NS}>{xml_runs}</w:root>"):
        p.append(copy.deepcopy(el))
    return t


def _extracted_cell(tmp_path: Path, xml_runs: str):
    d = docx.Document()
    _cell_with_runs(d, xml_runs)
    table = extract(save(d, tmp_path)).pages[0].blocks[0]
    return {(c.row, c.col): c for c in table.cells}[(0, 1)]


def test_wingdings_symbol_checkboxes_are_read_as_state(tmp_path):
    runs = ('<w:r><w:sym w:font="Wingdings 2" w:char="F052"/></w:r><w:r><w:t>定量</w:t></w:r>'
            '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r><w:r><w:t>定性</w:t></w:r>')
    cell = _extracted_cell(tmp_path, runs)
    assert cell.text == "☑定量☐定性"
    assert cell.checkbox == CheckboxState.CHECKED


def test_unticked_wingdings_box_alone_is_unchecked(tmp_path):
    runs = ('<w:r><w:sym w:font="Wingdings 2" w:char="F0A3"/></w:r><w:r><w:t>定量</w:t></w:r>'
            '<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>o</w:t></w:r>'
            '<w:r><w:t>定性</w:t></w:r>')
    cell = _extracted_cell(tmp_path, runs)
    assert cell.text == "☐定量☐定性"
    assert cell.checkbox == CheckboxState.UNCHECKED


def test_content_control_checkboxes_use_their_checked_state_not_the_drawn_glyph(tmp_path):
    def control(checked: int, glyph: str) -> str:
        return ('<w:sdt><w:sdtPr><w14:checkbox>'
                f'<w14:checked w14:val="{checked}"/>'
                '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
                '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
                f'</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>')
    cell = _extracted_cell(tmp_path, control(1, "☒") + "<w:r><w:t>定量</w:t></w:r>"
                           + control(0, "☐") + "<w:r><w:t>定性</w:t></w:r>")
    assert cell.text == "☑定量☐定性"
    assert cell.checkbox == CheckboxState.CHECKED


def test_legacy_form_field_checkbox(tmp_path):
    runs = ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
            '<w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData>'
            '</w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>定性</w:t></w:r>')
    cell = _extracted_cell(tmp_path, runs)
    assert cell.text == "☑定性"
    assert cell.checkbox == CheckboxState.CHECKED


def test_box_glyphs_typed_as_text_are_canonical(tmp_path):
    cell = _extracted_cell(tmp_path, "<w:r><w:t>√定量 □定性</w:t></w:r>")
    assert (cell.text, cell.checkbox) == ("☑定量 ☐定性", CheckboxState.CHECKED)


def test_deleted_revisions_are_not_read(tmp_path):
    runs = ('<w:del w:id="1" w:author="a"><w:r><w:delText>≥90</w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="a"><w:r><w:t>≥95</w:t></w:r></w:ins>')
    assert _extracted_cell(tmp_path, runs).text == "≥95"


@pytest.mark.parametrize("content", [b"PK\x03\x04 broken", b"plain text, not a document", b""])
def test_corrupt_document_raises_unreadable_file_naming_it(tmp_path, content):
    path = tmp_path / "坏文件.docx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as info:
        extract(path)
    assert info.value.file == str(path)
    assert "坏文件.docx" in str(info.value)


def test_doc_without_libreoffice_names_the_missing_tool(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(MissingDependencyError) as info:
        legacy_office.extract(path, ExtractOptions())
    assert "soffice" in info.value.message and "libreoffice" in info.value.hint.lower()


def test_failed_conversion_is_an_unreadable_file(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(legacy_office.shutil, "which", lambda name: str(fake))
    path = tmp_path / "old.doc"
    path.write_bytes(b"garbage")
    with pytest.raises(UnreadableFileError) as info:
        legacy_office.extract(path, ExtractOptions())
    assert "could not be loaded" in info.value.message
    assert info.value.file == str(path)


# --- golden records ----------------------------------------------------------------------------


def test_fixture_is_the_shared_dev_corpus_file():
    need_shared("dev-corpus")
    assert (SHARED_CORPUS / "dev_004.docx").read_bytes() == (FIXTURES / "dev_004.docx").read_bytes()


def test_dev_004_docx_gives_its_golden_records():
    assert golden_mismatches("dev_004.docx") == []


def test_dev_004_docx_blocks():
    blocks = extract(FIXTURES / "dev_004.docx").pages[0].blocks
    assert [b.kind for b in blocks] == ["line", "line", "line", "table", "line"]
    table = blocks[3]
    assert (table.n_rows, table.n_cols) == (12, 10)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(1, 0)].text, by_pos[(1, 0)].rowspan) == ("绩效指标", 11)
    assert (by_pos[(3, 1)].text, by_pos[(3, 1)].rowspan) == ("产出指标", 5)
    assert by_pos[(2, 5)].text == "481.3"


def test_form_laid_out_inside_an_outer_table_is_unwrapped(tmp_path):
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "项目支出绩效目标表"
    cell.add_paragraph("(2024)年度")
    inner = cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "项目名称"
    inner.cell(0, 1).text = "乡村道路维护"
    inner.cell(1, 0).text = "主管部门"
    inner.cell(1, 1).text = "交通运输局"
    cell.add_paragraph("填表人：王五")
    blocks = extract(save(d, tmp_path)).pages[0].blocks
    assert [b.kind for b in blocks] == ["line", "line", "table", "line"]
    assert [c.text for c in blocks[2].cells] == ["项目名称", "乡村道路维护", "主管部门", "交通运输局"]


def test_title_in_the_page_header_comes_first(tmp_path):
    d = form_document()
    d.sections[0].header.is_linked_to_previous = False
    d.sections[0].header.paragraphs[0].text = "附件2"
    blocks = extract(save(d, tmp_path)).pages[0].blocks
    assert [b.text for b in blocks[:2]] == ["附件2", "部门整体支出绩效目标表"]


def test_cjk_text_in_a_run_whose_latin_font_is_wingdings_is_kept(tmp_path):
    # Word draws CJK characters with the East Asian font even when the Latin font is Wingdings.
    runs = ('<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings" w:eastAsia="宋体"/></w:rPr>'
            '<w:t>\u00fe定量\u00a8定性</w:t></w:r>'
            '<w:r><w:sym w:font="Marlett" w:char="F061"/></w:r>')
    assert _extracted_cell(tmp_path, runs).text == "☑定量☐定性"
