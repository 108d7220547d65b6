"""Extractor for OCR'd text exports (.md .txt .html .htm), as written by MinerU, Marker or PaddleOCR.

The file becomes one Page (number 1, unit "none", no boxes) whose blocks follow the text:

- consecutive lines holding a TAB form one Table, every tab-separated field a cell at its raw
  position (empty fields included: shifted cells are the normalizer's business); blank lines do
  not end the run, and a bare line squeezed between two tab rows is a one-field row;
- markdown pipe tables (separator row dropped, an all-empty header row dropped);
- HTML ``<table>`` elements, anywhere in the text, with rowspan/colspan placed on the grid the way
  browsers do it;
- every other non-empty line is a TextLine (markdown heading marks and bold markers removed).

Inside cells and lines, markup is decoded: HTML entities and tags, LaTeX math ($\\geq$, $95\\%$),
look-alike operators (＞ ≧ >=) become ≥ ≤ > < =, and checkbox markup or glyphs become ☑ / ☐ in
place. The vocabulary lives in ``extractors/data/ocr_text_markup.yaml``.

Text is decoded by detection, not assumption: UTF-8 (with or without BOM), UTF-16 with BOM,
GB18030/GBK, else charset-normalizer's guess. Binary, undecodable and empty files raise
UnreadableFileError.
"""
from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vocab import CHECKED, CJK_IDEOGRAPH_CLASS, CJK_SCRIPT_CLASS, UNCHECKED

from .. import DATA_DIR
from ..errors import UnreadableFileError
from ..ir import CheckboxState, Document, DocumentNote, Page, Table, TextLine
from ..ir import checkbox_state_of as checkbox_state
from ..options import ExtractOptions

EXTRACTOR_NAME = "ocr_text"
FORMATS = (".md", ".txt", ".html", ".htm")


def sniff(head: bytes) -> bool:
    """Text: a byte-order mark, or no NUL byte in the first bytes."""
    return head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\0" not in head
VOCABULARY_FILE = DATA_DIR / "ocr_text_markup.yaml"

# HTML's own limits for spans (the HTML standard clamps colspan to 1000 and rowspan to 65534).
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534

Block = TextLine | Table

# --- regular expressions (structure) -------------------------------------------------------------

TABLE_TAG_RE = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
HTML_DOCUMENT_RE = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
INVISIBLE_ELEMENT_RE = re.compile(r"<(head|script|style|title)\b.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|h[1-6]|br|li|ul|ol|tr|hr|section|article|header|footer|blockquote|pre|center|caption)\b[^<>]*>",
    re.IGNORECASE,
)
BREAK_TAG_RE = re.compile(r"<br\b[^<>]*>|</?(?:p|div|li)\b[^<>]*>", re.IGNORECASE)
# Only real HTML elements with attribute syntax are tags: "a<b" or "< 5" in OCR text are not.
HTML_TAG_NAMES = (
    "a|abbr|article|b|big|blockquote|body|br|caption|center|code|col|colgroup|del|div|em|font|footer|"
    "h[1-6]|head|header|hr|html|i|img|input|ins|label|li|link|mark|meta|nobr|ol|p|pre|s|section|small|"
    "span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|wbr"
)
HTML_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
ANY_TAG_RE = re.compile(rf"</?(?:{HTML_TAG_NAMES})(?:{HTML_ATTRIBUTE})*\s*/?>", re.IGNORECASE)
DECLARATION_RE = re.compile(r"<[!?][^<>]*>")
INPUT_TAG_RE = re.compile(r"<input\b([^<>]*)>", re.IGNORECASE)
TYPE_CHECKBOX_RE = re.compile(r"\btype\s*=\s*[\"']?(?:checkbox|radio)\b", re.IGNORECASE)
CHECKED_ATTR_RE = re.compile(r"(?:^|\s)checked(?:\s|=|/|$)", re.IGNORECASE)
WHITESPACE_RE = re.compile(r"\s+")

PIPE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")
HEADING_RE = re.compile(r"^#{1,6}(?=\s|[^\x00-\x7f])\s*(.*?)(?:\s+#+)?\s*$")
# Emphasis needs text inside: "______" (a blank to fill in) is not bold.
BOLD_RE = re.compile(r"\*\*([^*\s](?:.*?[^*\s])??)\*\*|__([^_\s](?:.*?[^_\s])??)__")
IMAGE_LINE_RE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*)+$")
RULE_LINE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
TASK_BOX_RE = re.compile(r"^\s*(?:[-*+]\s+)?\[([xX ])\](?=\s)")

# --- regular expressions (LaTeX) -----------------------------------------------------------------

MATH_SPAN_RE = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)
LATEX_COMMAND_RE = re.compile(r"\\([A-Za-z]+)\s?")
LATEX_SPACING_RE = re.compile(r"\\[,;:! ]")
LATEX_SUP_RE = re.compile(r"\^\s*(?:\{\s*([^{}]*?)\s*\}|(\w))")
LATEX_SUB_RE = re.compile(r"_\s*(?:\{\s*([^{}]*?)\s*\}|(\w))")
MARKDOWN_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Inside math, spaces mean nothing; keep one only between two word characters (\text{a b}).
MATH_SPACE_RE = re.compile(rf"(?<![A-Za-z{CJK_IDEOGRAPH_CLASS}])\s+|\s+(?![A-Za-z{CJK_IDEOGRAPH_CLASS}])")

# Characters that start markup; a cell without any of them (nor vocabulary characters, nor runs
# of whitespace) is already canonical.
MARKUP_CHARACTERS = "<>&$\\*_=[√"
PRIVATE_USE_RE = re.compile(r"[\ue000-\uf8ff]")
CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

CJK_RE = re.compile(f"[{CJK_SCRIPT_CLASS}]")


@dataclass(frozen=True)
class MarkupVocabulary:
    """The decoding vocabulary, read once from the data file."""

    latex_commands: dict[str, str]
    latex_text_re: re.Pattern[str]
    superscripts: dict[str, str]
    characters: dict[int, str]
    sequences: tuple[tuple[str, str], ...]
    tick_re: re.Pattern[str]
    needs_decoding_re: re.Pattern[str]
    utf8_max_bad_share: float
    max_control_share: float


@cache
def markup_vocabulary() -> MarkupVocabulary:
    import yaml  # only needed once per process

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(VOCABULARY_FILE.read_text(encoding="utf-8"), Loader=loader)
    text_commands = "|".join(re.escape(c) for c in data["latex_text_commands"])
    not_before = re.escape(data["tick_not_before"])
    needs = re.escape(MARKUP_CHARACTERS + "".join(data["characters"]))
    return MarkupVocabulary(
        latex_commands=dict(data["latex_commands"]),
        latex_text_re=re.compile(rf"\\(?:{text_commands})\s*\{{([^{{}}]*)\}}"),
        superscripts=dict(data["superscripts"]),
        characters=str.maketrans(dict(data["characters"])),
        sequences=tuple((k, v) for k, v in data["sequences"].items()),
        tick_re=re.compile(rf"√(?![{not_before}])"),
        needs_decoding_re=re.compile(rf"[{needs}]|\s\s|[\n\t]"),
        utf8_max_bad_share=float(data["utf8_max_bad_share"]),
        max_control_share=float(data["max_control_share"]),
    )


# --- decoding bytes ------------------------------------------------------------------------------


def decode_text(raw: bytes, file: str) -> tuple[str, list[DocumentNote]]:
    """The file's text and notes about how it was decoded; raises UnreadableFileError."""
    vocab = markup_vocabulary()
    notes: list[DocumentNote] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError("the file starts like UTF-16 text but is not", file=file) from exc
    elif b"\x00" in raw:
        raise UnreadableFileError(
            "the file is binary, not text (it contains NUL bytes)",
            file=file,
            hint="OCR'd text files must be plain text (.md .txt .html .htm)",
        )
    else:
        text = _decode_without_bom_hint(raw, file, vocab, notes)
    if not text.strip():
        raise UnreadableFileError("the file is empty (no text)", file=file)
    controls = len(CONTROL_CHARACTER_RE.findall(text))
    if controls > vocab.max_control_share * len(text):
        raise UnreadableFileError(
            "the file is binary, not text (it is full of control characters)",
            file=file,
            hint="OCR'd text files must be plain text (.md .txt .html .htm)",
        )
    return text, notes


def _decode_without_bom_hint(raw: bytes, file: str, vocab: MarkupVocabulary, notes: list[DocumentNote]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Valid UTF-8 except for a few damaged bytes: still UTF-8 (GB18030 would turn it into mojibake).
    lenient = raw.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd")
    non_ascii = sum(1 for ch in lenient if ch >= "\u0080" and ch != "\ufffd")
    if non_ascii and bad <= vocab.utf8_max_bad_share * non_ascii:
        notes.append(
            DocumentNote(
                code="unreadable_file",
                severity="warning",
                message=f"{bad} byte sequence(s) are not valid UTF-8 and were replaced by \ufffd",
            )
        )
        return lenient
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        # GB18030 decodes most byte strings; private-use characters show it guessed wrong (Big5 ...).
        if not PRIVATE_USE_RE.search(text):
            return text
    from charset_normalizer import from_bytes  # rarely needed; keeps the common path light

    best = from_bytes(raw).best()
    if best is None:
        raise UnreadableFileError(
            "the file is not text in any encoding jixiao can detect",
            file=file,
            hint="save it as UTF-8 or GB18030",
        )
    notes.append(
        DocumentNote(
            code="unreadable_file",
            severity="info",
            message=f"text encoding guessed as {best.encoding}",
        )
    )
    return str(best)


# --- decoding markup inside one cell or line -----------------------------------------------------


def checkbox_glyph(attributes: str) -> str | None:
    """☑ / ☐ for the attributes of an <input> tag that is a checkbox, else None."""
    if not TYPE_CHECKBOX_RE.search(attributes):
        return None
    return CHECKED if CHECKED_ATTR_RE.search(attributes.rstrip("/")) else UNCHECKED


def _input_tag_to_glyph(match: re.Match[str]) -> str:
    return checkbox_glyph(match.group(1)) or ""


def join_broken_lines(text: str) -> str:
    """Join the lines of a cell broken by <br> or wrapping: no space between two CJK characters."""
    if "\n" not in text:
        return text
    parts = [p.strip() for p in text.split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = "" if CJK_RE.match(out[-1]) and CJK_RE.match(part[0]) else " "
        out += glue + part
    return out


def _convert_latex_commands(text: str, vocab: MarkupVocabulary, in_math: bool) -> str:
    def command(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in vocab.latex_commands:
            return vocab.latex_commands[name]
        return match.group(0)

    text = LATEX_COMMAND_RE.sub(command, text)
    if in_math:
        text = LATEX_SPACING_RE.sub(" ", text)
    return text


def decode_math(content: str, vocab: MarkupVocabulary) -> str:
    """Plain text for the content of one $...$ span: $\\geq 9 5 \\%$ -> ≥95%."""
    for _ in range(3):  # nested \mathrm{\text{..}}
        replaced = vocab.latex_text_re.sub(r"\1", content)
        if replaced == content:
            break
        content = replaced

    def superscript(match: re.Match[str]) -> str:
        value = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        return vocab.superscripts.get(value, value)

    content = LATEX_SUP_RE.sub(superscript, content)
    content = LATEX_SUB_RE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), content)
    content = _convert_latex_commands(content, vocab, in_math=True)
    content = MARKDOWN_ESCAPE_RE.sub(r"\1", content)  # \% \{ \}
    content = content.replace("{", "").replace("}", "")
    return MATH_SPACE_RE.sub("", content.strip())


def decode_markup(text: str, *, tags: bool = True, entities: bool = True) -> str:
    """Canonical text of one cell or line: markup decoded, operators and checkboxes canonical.

    ``tags``/``entities``: whether HTML tags and entities are still in the text (False for text
    that came out of the HTML parser).
    """
    if not text:
        return text
    vocab = markup_vocabulary()
    if not vocab.needs_decoding_re.search(text):
        return text.strip()
    if tags and "<" in text:
        text = INPUT_TAG_RE.sub(_input_tag_to_glyph, text)
        text = BREAK_TAG_RE.sub("\n", text)
        text = ANY_TAG_RE.sub("", text)
    if entities and "&" in text:
        text = html.unescape(text)
    task = TASK_BOX_RE.match(text)
    if task:
        text = (CHECKED if task.group(1) in "xX" else UNCHECKED) + text[task.end():]
    if "$" in text:
        text = MATH_SPAN_RE.sub(
            lambda m: decode_math(m.group(1) if m.group(1) is not None else m.group(2), vocab), text
        )
    if "\\" in text:
        text = _convert_latex_commands(text, vocab, in_math=False)
        text = MARKDOWN_ESCAPE_RE.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = BOLD_RE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = text.translate(vocab.characters)
    for raw, canonical in vocab.sequences:
        if raw in text:
            text = text.replace(raw, canonical)
    if "√" in text:
        text = vocab.tick_re.sub(CHECKED, text)
    if "\n" in text:
        text = join_broken_lines(text)
    return WHITESPACE_RE.sub(" ", text).strip()




def cell_fields(text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> dict:
    """One cell as the fields of ir.Cell (tables are validated in one go: a form has hundreds
    of cells, and the text path must stay far below 10 ms per form)."""
    fields: dict = {"text": text, "row": row, "col": col}
    if rowspan != 1:
        fields["rowspan"] = rowspan
    if colspan != 1:
        fields["colspan"] = colspan
    if not text:
        return fields
    state = checkbox_state(text)
    if state is not CheckboxState.NONE:
        fields["checkbox"] = state
    return fields


def make_table(cells: list[dict], n_rows: int, n_cols: int) -> Table:
    return Table.model_validate({"cells": cells, "n_rows": n_rows, "n_cols": n_cols, "page": 1})


def table_from_rows(rows: list[list[str]]) -> Table:
    """A Table whose cells sit at their raw positions (no spans); short rows stay short."""
    cells = [cell_fields(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return make_table(cells, len(rows), max((len(r) for r in rows), default=0))


# --- HTML tables ---------------------------------------------------------------------------------


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


# --- lines: tab-separated rows, pipe tables, text lines -----------------------------------------


def html_text_lines(text: str) -> list[str]:
    """Lines of a piece of an HTML document: source whitespace is insignificant, block tags break."""
    text = INVISIBLE_ELEMENT_RE.sub("", COMMENT_RE.sub("", text))
    text = DECLARATION_RE.sub("", text)
    text = WHITESPACE_RE.sub(" ", text)
    text = INPUT_TAG_RE.sub(_input_tag_to_glyph, text)
    text = BLOCK_TAG_RE.sub("\n", text)
    return text.split("\n")


def markdown_text_lines(text: str) -> list[str]:
    if "<" in text:
        text = COMMENT_RE.sub("", text)
        text = INVISIBLE_ELEMENT_RE.sub("", text)
    return text.splitlines()


def split_pipe_row(line: str) -> list[str]:
    s = line.strip().removeprefix("|")
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [decode_markup(part.replace("\\|", "|")) for part in UNESCAPED_PIPE_RE.split(s)]


def is_tab_row(line: str) -> bool:
    return "\t" in line and not is_pipe_row(line)


def is_pipe_row(line: str) -> bool:
    """A line of a pipe table written with the leading pipe ("| a | b |")."""
    return line.lstrip().startswith("|")


def is_pipe_separator(line: str) -> bool:
    return "|" in line and "-" in line and PIPE_SEPARATOR_RE.match(line) is not None


def read_tab_rows(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    """The rows of the run of tab-separated lines starting at ``lines[i]``, and the index after
    its last row: blank lines inside the run do not end it, and a bare line squeezed between two
    tab rows is a one-field row."""
    n = len(lines)
    rows: list[list[str]] = []
    j = i
    while j < n:
        if is_tab_row(lines[j]):
            rows.append([decode_markup(field) for field in lines[j].split("\t")])
            i = j = j + 1
        elif not lines[j].strip():
            j += 1  # blank lines inside a run of tab rows do not break the table
        else:
            # Lines without a tab squeezed between tab rows (no blank line around them) are
            # rows whose merged cell lost its tabs, e.g. "年度总体目标 推进…": one field each.
            k = j
            while k < n and lines[k].strip() and not is_tab_row(lines[k]) and not is_pipe_row(lines[k]):
                k += 1
            if j == i and k < n and is_tab_row(lines[k]):
                rows.extend([decode_markup(lines[m])] for m in range(j, k))
                i = j = k
            else:
                break
    return rows, i


def read_pipe_rows(lines: list[str], i: int, has_separator: bool) -> tuple[list[list[str]], int]:
    """The rows of the markdown pipe table starting at ``lines[i]`` (separator row dropped, an
    all-empty header row dropped), and the index after it. ``has_separator``: the table's second
    line is a separator row, so its rows may be written without the leading pipe."""
    n = len(lines)
    rows: list[list[str]] = []
    j = i
    while j < n and "|" in lines[j] and (is_pipe_row(lines[j]) or has_separator):
        if not is_pipe_separator(lines[j]):
            row = split_pipe_row(lines[j])
            header_of_separator = j + 1 < n and is_pipe_separator(lines[j + 1])
            # An all-empty header row is only there because markdown requires a header.
            if not (header_of_separator and not any(row)):
                rows.append(row)
        j += 1
    return rows, j


def text_line_block(line: str) -> TextLine | None:
    if IMAGE_LINE_RE.match(line) or RULE_LINE_RE.match(line):
        return None
    heading = HEADING_RE.match(line.strip())
    if heading:
        line = heading.group(1)
    text = decode_markup(line)
    return TextLine(text=text) if text else None


def blocks_from_lines(lines: list[str]) -> list[Block]:
    """Blocks of a run of lines; tables that conversion flattened into lines are rebuilt first."""
    from .. import flat_table

    lines = flat_table.join_vertical_labels(flat_table.drop_page_furniture(lines))
    blocks: list[Block] = []
    start = 0
    for flat in flat_table.find_flat_tables(lines):
        blocks.extend(_blocks_from_grid_lines(lines[start:flat.start]))
        rows = [[decode_markup(c) for c in row] for row in flat.rows]
        blocks.append(table_from_rows(rows))
        start = flat.end
    blocks.extend(_blocks_from_grid_lines(lines[start:]))
    return blocks


def _blocks_from_grid_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if is_tab_row(line):
            rows, i = read_tab_rows(lines, i)
            blocks.append(table_from_rows(rows))
            continue
        has_separator = i + 1 < n and is_pipe_separator(lines[i + 1]) and "|" in line
        if is_pipe_row(line) or has_separator:
            rows, i = read_pipe_rows(lines, i, has_separator)
            if rows:
                blocks.append(table_from_rows(rows))
            continue
        block = text_line_block(line)
        if block is not None:
            blocks.append(block)
        i += 1
    return blocks


def blocks_from_text(text: str) -> list[Block]:
    """All blocks of a decoded document, in reading order."""
    html_document = HTML_DOCUMENT_RE.match(text) is not None
    blocks: list[Block] = []
    for kind, piece in split_html_tables(text):
        if kind == "table":
            blocks.extend(blocks_from_html_table(piece))
        elif html_document:
            blocks.extend(blocks_from_lines(html_text_lines(piece)))
        else:
            blocks.extend(blocks_from_lines(markdown_text_lines(piece)))
    return blocks


def extract(path: Path, options: ExtractOptions) -> Document:
    """Read one OCR'd text file into the IR; raises UnreadableFileError for what is not text."""
    started = time.perf_counter()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
    text, notes = decode_text(raw, str(path))
    decoded = time.perf_counter()
    blocks = blocks_from_text(text)
    page = Page(number=1, unit="none", blocks=blocks)
    return Document(
        source_path=str(path),
        extractor=EXTRACTOR_NAME,
        pages=[page],
        notes=notes,
        timings={"decode": decoded - started, "parse": time.perf_counter() - decoded},
    )
