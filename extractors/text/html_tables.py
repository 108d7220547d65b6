"""The HTML parser: ``<table>`` elements anywhere in the text (rowspan/colspan placed on the grid
the way browsers do it, captions as lines, nested tables part of their cell), the text cut into
table and text pieces, and the lines of an HTML document's text (block tags break, source
whitespace is insignificant).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..ir import Table, TextLine
from .cleanup import (
    INPUT_TAG_RE,
    WHITESPACE_RE,
    Block,
    _input_tag_to_glyph,
    cell_fields,
    checkbox_glyph,
    decode_markup,
    join_broken_lines,
    make_table,
    text_line_block,
)
from .decoding import CONTROL_CHARACTER_RE

# HTML's own limits for spans (the HTML standard clamps colspan to 1000 and rowspan to 65534).
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
TABLE_TAG_RE = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
HTML_DOCUMENT_RE = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
INVISIBLE_ELEMENT_RE = re.compile(r"<(head|script|style|title)\b.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|h[1-6]|br|li|ul|ol|tr|hr|section|article|header|footer|blockquote|pre|center|caption)\b[^<>]*>",
    re.IGNORECASE,
)
DECLARATION_RE = re.compile(r"<[!?][^<>]*>")


@dataclass
class RawHtmlCell:
    text: str
    rowspan: int
    colspan: int


SPAN_DIGITS_RE = re.compile(r"\s*(\d{1,6})")
HTML_LINE_BREAK_TAGS = frozenset({"br"})
HTML_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
HTML_INVISIBLE_TAGS = frozenset({"script", "style", "head", "title"})


def _span(value: str | None, limit: int, zero_means: int) -> int:
    digits = SPAN_DIGITS_RE.match(value or "")
    if not digits:
        return 1
    n = int(digits.group(1))
    if n == 0:
        return zero_means
    return min(n, limit)


def _html_element_text(element, parts: list[str]) -> None:
    """Append the visible text of an lxml element; <br> and block elements become "\n"."""
    if element.text:
        parts.append(WHITESPACE_RE.sub(" ", element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""  # comments and PIs have no str tag
        tag = tag.lower()
        if tag in HTML_LINE_BREAK_TAGS:
            parts.append("\n")
        elif tag == "input":
            attributes = " ".join(f'{k}="{v}"' for k, v in child.attrib.items())
            parts.append(checkbox_glyph(attributes) or "")
        elif tag in HTML_BLOCK_TAGS:
            parts.append("\n")
            _html_element_text(child, parts)
            parts.append("\n")
        elif tag in ("td", "th"):
            _html_element_text(child, parts)
            parts.append(" ")
        elif tag and tag not in HTML_INVISIBLE_TAGS:
            _html_element_text(child, parts)
        if child.tail:
            parts.append(WHITESPACE_RE.sub(" ", child.tail))


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def html_table_rows(table) -> list[list[RawHtmlCell]]:
    """The rows of one lxml <table> element (rows of tables nested in its cells excluded)."""
    rows: list[list[RawHtmlCell]] = []
    for tr in table.iter("tr"):
        if _nearest_table(tr) is not table:
            continue
        row: list[RawHtmlCell] = []
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            parts: list[str] = []
            _html_element_text(td, parts)
            row.append(
                RawHtmlCell(
                    text="".join(parts),
                    rowspan=_span(td.get("rowspan"), MAX_ROWSPAN, zero_means=MAX_ROWSPAN),
                    colspan=_span(td.get("colspan"), MAX_COLSPAN, zero_means=1),
                )
            )
        rows.append(row)
    return rows


def place_html_cells(rows: list[list[RawHtmlCell]]) -> Table:
    """Grid positions of HTML cells: each cell takes the first column its row has free, the way
    the HTML table model places them (rowspans from rows above occupy columns)."""
    n_rows = len(rows)
    free_from: list[int] = []  # per column: first row index not covered by a rowspan from above
    cells: list[dict] = []
    n_cols = 0
    for r, row in enumerate(rows):
        c = 0
        for raw in row:
            while c < len(free_from) and free_from[c] > r:
                c += 1
            rowspan = max(1, min(raw.rowspan, n_rows - r))
            end = c + 1
            # Malformed HTML can make a colspan run into a rowspan from above; browsers overlap
            # the two, the IR cannot (a position belongs to one cell), so the colspan stops there.
            while end < c + raw.colspan and (end >= len(free_from) or free_from[end] <= r):
                end += 1
            if len(free_from) < end:
                free_from.extend([0] * (end - len(free_from)))
            for k in range(c, end):
                free_from[k] = max(free_from[k], r + rowspan)
            text = decode_markup(join_broken_lines(raw.text), tags=False, entities=False)
            cells.append(cell_fields(text, r, c, rowspan, end - c))
            c = end
            n_cols = max(n_cols, end)
    return make_table(cells, n_rows, n_cols)


def blocks_from_html_table(fragment: str) -> list[Block]:
    """Tables (and their captions, as lines) of one "<table>...</table>" piece of the text."""
    from lxml import etree  # only documents with HTML tables need it

    fragment = CONTROL_CHARACTER_RE.sub("", fragment)  # libxml2 refuses control characters
    try:
        root = etree.fromstring(fragment, etree.HTMLParser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        line = text_line_block(fragment)
        return [line] if line is not None else []
    blocks: list[Block] = []
    for table in root.iter("table"):
        if _nearest_table(table) is not None:
            continue  # a table nested in a cell is part of that cell's text
        for caption in table.iter("caption"):
            if _nearest_table(caption) is table:
                parts: list[str] = []
                _html_element_text(caption, parts)
                text = decode_markup(join_broken_lines("".join(parts)), tags=False, entities=False)
                if text:
                    blocks.append(TextLine(text=text))
        rows = html_table_rows(table)
        if rows:
            blocks.append(place_html_cells(rows))
    return blocks


def split_html_tables(text: str) -> list[tuple[str, str]]:
    """The text cut into ("text", ...) and ("table", "<table>...</table>") pieces, in order."""
    pieces: list[tuple[str, str]] = []
    depth = 0
    start = 0
    last = 0
    for m in TABLE_TAG_RE.finditer(text):
        if m.group(1) == "":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                pieces.append(("text", text[last:start]))
                pieces.append(("table", text[start:m.end()]))
                last = m.end()
    if depth > 0:  # an unclosed table runs to the end of the text
        pieces.append(("text", text[last:start]))
        pieces.append(("table", text[start:]))
    else:
        pieces.append(("text", text[last:]))
    return [p for p in pieces if p[1]]


def html_text_lines(text: str) -> list[str]:
    """Lines of a piece of an HTML document: source whitespace is insignificant, block tags break."""
    text = INVISIBLE_ELEMENT_RE.sub("", COMMENT_RE.sub("", text))
    text = DECLARATION_RE.sub("", text)
    text = WHITESPACE_RE.sub(" ", text)
    text = INPUT_TAG_RE.sub(_input_tag_to_glyph, text)
    text = BLOCK_TAG_RE.sub("\n", text)
    return text.split("\n")
