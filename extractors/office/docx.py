"""Extractor for word-processor submissions (.docx, opened with python-docx, read from its XML).

The body is walked in order: paragraphs become TextLines (title, 年度, agency, footer, notes) and
tables become Tables. Spans come from the table XML itself (w:gridSpan, w:vMerge, w:gridBefore,
legacy w:hMerge), because python-docx's ``table.cell(r, c)`` repeats a merged cell at every
position it covers. Checkboxes are read in every form Word stores them: box glyphs in the text,
symbol-font characters (``w:sym`` or runs in Wingdings/Symbol), legacy FORMCHECKBOX fields and
content-control checkboxes (``w14:checkbox``); each becomes ☑ or ☐ where it stood.
"""
from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

from extractors import flat_table
from extractors.errors import UnreadableFileError
from extractors.ir import Cell, Document, Page, Table, TextLine
from extractors.office.magic import ZIP_MAGIC, read_bytes, reject_ole2
from extractors.office.office_text import (
    CHECKED,
    UNCHECKED,
    canonical_checkboxes,
    checkbox_state,
    symbol_char,
    symbol_text,
)
from extractors.options import ExtractOptions

EXTRACTOR_NAME = "docx"
FORMATS = (".docx",)


def sniff(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
TAB = "    "  # a tab stop between footer fields reads as a wide gap


def q(tag: str, ns: str = W) -> str:
    return f"{{{ns}}}{tag}"


def _val(el, attr: str = "val", ns: str = W) -> str | None:
    return None if el is None else el.get(q(attr, ns))


def _on(el, attr: str = "val", ns: str = W) -> bool:
    """An OOXML on/off property: present without a value means on."""
    if el is None:
        return False
    v = el.get(q(attr, ns))
    return v is None or v.lower() in ("1", "true", "on")


# ---------------------------------------------------------------------------------------------
# Opening


def open_document(path: Path):
    """The python-docx Document, or UnreadableFileError naming the file (LegacyFormatInside for a
    legacy binary .doc saved under .docx, which ``extract`` hands to LibreOffice)."""
    import docx

    data = read_bytes(path)
    reject_ole2(data, path, what="document", legacy=".doc", app="Word/WPS", suffix=".docx")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as e:  # zip errors, PackageNotFoundError, XML parser errors of damaged parts
        raise UnreadableFileError(f"not a readable .docx document ({type(e).__name__}: {e})",
                                  file=str(path), hint="open it in Word/WPS and save it as .docx") from e


# ---------------------------------------------------------------------------------------------
# Text of paragraphs and runs


def _run_font(run) -> str | None:
    """The font of the run's 8-bit characters as set on the run (symbol fonts always are).

    Word draws characters up to U+007F in the ascii font and U+0080-U+00FF in the hAnsi font;
    the East Asian font never draws the 8-bit codes a symbol font maps."""
    fonts = run.find(f"{q('rPr')}/{q('rFonts')}")
    if fonts is None:
        return None
    for attr in ("ascii", "hAnsi"):
        v = fonts.get(q(attr))
        if v:
            return v
    return None


def _checkbox_sdt_state(sdt) -> bool | None:
    """Checked state of a content-control checkbox, or None when the control is not a checkbox."""
    box = sdt.find(f"{q('sdtPr')}/{q('checkbox', W14)}")
    if box is None:
        return None
    checked = box.find(q("checked", W14))
    return checked is not None and _on(checked, "val", W14)


def _form_checkbox_state(fld_char) -> bool | None:
    """Checked state of a legacy FORMCHECKBOX field starting at this w:fldChar, else None."""
    box = fld_char.find(f"{q('ffData')}/{q('checkBox')}")
    if box is None:
        return None
    checked = box.find(q("checked"))
    if checked is not None:
        return _on(checked)
    return _on(box.find(q("default")))


def inline_text(el) -> str:
    """Text of the inline content under ``el`` (a paragraph or part of one), in document order."""
    out: list[str] = []
    _collect(el, out, font=None)
    return "".join(out)


def _collect(el, out: list[str], font: str | None) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        if tag == q("r"):
            _collect(child, out, _run_font(child))
        elif tag == q("t"):
            out.append(symbol_text(font, child.text or ""))
        elif tag == q("sym"):
            code = int(child.get(q("char"), "0"), 16)
            out.append(symbol_char(child.get(q("font")), code))
        elif tag == q("tab") or tag == q("ptab"):
            out.append(TAB)
        elif tag in (q("br"), q("cr")):
            out.append("\n")
        elif tag == q("noBreakHyphen"):
            out.append("-")
        elif tag == q("fldChar"):
            state = _form_checkbox_state(child)
            if state is not None:
                out.append(CHECKED if state else UNCHECKED)
        elif tag == q("sdt"):
            state = _checkbox_sdt_state(child)
            if state is not None:
                out.append(CHECKED if state else UNCHECKED)  # its content is the glyph drawn for the state
            else:
                content = child.find(q("sdtContent"))
                if content is not None:
                    _collect(content, out, font)
        elif tag in (q("del"), q("moveFrom"), q("rPr"), q("pPr"), q("instrText"), q("delText")):
            continue  # deleted revisions and properties carry no visible text
        elif tag == q("Fallback", MC):
            continue  # the Choice branch holds the same content
        elif tag == q("p"):
            if out and out[-1] != "\n":
                out.append("\n")  # paragraphs of a text box inside this paragraph
            _collect(child, out, None)
        else:
            _collect(child, out, font)  # hyperlinks, smart tags, insertions, drawings/text boxes


def paragraph_text(p) -> str:
    return canonical_checkboxes(inline_text(p)).strip()


# ---------------------------------------------------------------------------------------------
# Tables


def _wrapped_children(parent, tag: str) -> Iterator:
    """The children of `parent` with `tag`, looking through content controls and custom XML that wrap them."""
    for child in parent:
        if child.tag == q(tag):
            yield child
        elif child.tag in (q("sdt"), q("customXml")):
            inner = child.find(q("sdtContent")) if child.tag == q("sdt") else child
            if inner is not None:
                yield from _wrapped_children(inner, tag)


def _cell_elements(tr) -> Iterator:
    """The w:tc of a row."""
    return _wrapped_children(tr, "tc")


def _row_elements(tbl) -> Iterator:
    """The w:tr of a table."""
    return _wrapped_children(tbl, "tr")


def cell_text(tc) -> str:
    """Paragraphs of a cell joined by newlines; nested tables read row by row."""
    parts: list[str] = []
    for child in tc:
        if child.tag == q("p"):
            parts.append(paragraph_text(child))
        elif child.tag == q("tbl"):
            for tr in _row_elements(child):
                parts.append("  ".join(t for t in (cell_text(c) for c in _cell_elements(tr)) if t))
        elif child.tag in (q("sdt"), q("customXml")):
            inner = child.find(q("sdtContent")) if child.tag == q("sdt") else child
            if inner is not None:
                state = _checkbox_sdt_state(child) if child.tag == q("sdt") else None
                parts.append((CHECKED if state else UNCHECKED) if state is not None else cell_text(inner))
    return "\n".join(p for p in parts if p).strip()


def table_from_xml(tbl, page: int = 1) -> Table | None:
    """Cells with true spans from a w:tbl: gridSpan widens a cell, vMerge continue lengthens the
    cell above, and covered positions are not emitted."""
    cells: list[Cell] = []
    # grid column -> the cell currently open there for vertical merging
    open_above: dict[int, Cell] = {}
    n_cols = 0
    n_rows = 0
    for r, tr in enumerate(_row_elements(tbl)):
        n_rows = r + 1
        col = int(_val(tr.find(f"{q('trPr')}/{q('gridBefore')}")) or 0)
        row_cells: dict[int, Cell] = {}
        last: Cell | None = None
        for tc in _cell_elements(tr):
            props = tc.find(q("tcPr"))
            span = int(_val(props.find(q("gridSpan"))) or 1) if props is not None else 1
            vmerge = props.find(q("vMerge")) if props is not None else None
            hmerge = props.find(q("hMerge")) if props is not None else None
            if hmerge is not None and _val(hmerge) != "restart" and last is not None:
                last.colspan += span  # legacy horizontal merge continuation
                col += span
                continue
            if vmerge is not None and _val(vmerge) != "restart" and col in open_above:
                above = open_above[col]
                above.rowspan = r - above.row + 1
                for k in range(col, col + span):
                    row_cells[k] = above
                col += span
                last = None
                continue
            text = cell_text(tc)
            cell = Cell(text=text, row=r, col=col, colspan=span, page=page, checkbox=checkbox_state(text))
            cells.append(cell)
            for k in range(col, col + span):
                row_cells[k] = cell
            last = cell
            col += span
        n_cols = max(n_cols, col)
        open_above = row_cells
    grid_cols = len(tbl.findall(f"{q('tblGrid')}/{q('gridCol')}"))
    n_cols = max(n_cols, grid_cols)
    if not cells:
        return None
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, page=page)


# ---------------------------------------------------------------------------------------------
# Body


def body_blocks(body, page: int = 1) -> list:
    """TextLines and Tables of the body (or of a block-level content control) in document order."""
    blocks: list = []
    for child in body:
        if child.tag == q("p"):
            text = paragraph_text(child)
            for line in text.split("\n"):
                if line.strip():
                    blocks.append(TextLine(text=line.strip(), page=page))
        elif child.tag == q("tbl") and is_layout_table(child):
            for tr in _row_elements(child):
                for tc in _cell_elements(tr):
                    blocks.extend(body_blocks(tc, page))
        elif child.tag == q("tbl"):
            table = table_from_xml(child, page)
            if table is not None:
                blocks.append(table)
        elif child.tag in (q("sdt"), q("customXml")):
            inner = child.find(q("sdtContent")) if child.tag == q("sdt") else child
            if inner is not None:
                blocks.extend(body_blocks(inner, page))
    return blocks


def is_layout_table(tbl) -> bool:
    """A table used to lay out the page (it holds the form's table inside one of its cells)."""
    return any(tc.find(q("tbl")) is not None for tr in _row_elements(tbl) for tc in _cell_elements(tr))


def header_blocks(document) -> list:
    """Lines of the first section's page header, where some templates put the title."""
    if not document.sections:
        return []
    header = document.sections[0].header
    if header.is_linked_to_previous:
        return []
    return [b for b in body_blocks(header._element) if isinstance(b, TextLine)]


def extract(path: Path, options: ExtractOptions) -> Document:
    started = time.perf_counter()
    path = Path(path)
    document = open_document(path)  # LegacyFormatInside goes to LibreOffice (extractors.office.sniff)
    try:
        blocks = header_blocks(document) + body_blocks(document.element.body)
    except Exception as e:  # malformed table XML (a gridSpan that is not a number, ...)
        raise UnreadableFileError(f"the document body could not be read ({type(e).__name__}: {e})",
                                  file=str(path)) from e
    # a form written as one paragraph per cell (a converted web page) is a table again
    blocks = flat_table.rebuild_flat_tables_in_blocks(blocks)
    page = Page(number=1, unit="none", blocks=blocks)
    return Document(source_path=str(path), extractor=EXTRACTOR_NAME, pages=[page],
                    timings={"extract": time.perf_counter() - started})
