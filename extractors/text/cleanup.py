"""The cleanup every text parser shares: markup inside one cell or line decoded (HTML entities
and tags, LaTeX math, bold, look-alike operators, checkbox markup -> ☑ / ☐), broken lines
joined, and the IR blocks built from cleaned text (cells, tables, text lines). The vocabulary
lives in extractors/data/ocr_text_markup.yaml.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

from vocab import CHECKED, CJK_IDEOGRAPH_CLASS, CJK_SCRIPT_CLASS, UNCHECKED

from .. import DATA_DIR
from ..ir import CheckboxState, Table, TextLine
from ..ir import checkbox_state_of as checkbox_state

VOCABULARY_FILE = DATA_DIR / "ocr_text_markup.yaml"

Block = TextLine | Table

BREAK_TAG_RE = re.compile(r"<br\b[^<>]*>|</?(?:p|div|li)\b[^<>]*>", re.IGNORECASE)

# Only real HTML elements with attribute syntax are tags: "a<b" or "< 5" in OCR text are not.
HTML_TAG_NAMES = (
    "a|abbr|article|b|big|blockquote|body|br|caption|center|code|col|colgroup|del|div|em|font|footer|"
    "h[1-6]|head|header|hr|html|i|img|input|ins|label|li|link|mark|meta|nobr|ol|p|pre|s|section|small|"
    "span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|wbr"
)
HTML_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
ANY_TAG_RE = re.compile(rf"</?(?:{HTML_TAG_NAMES})(?:{HTML_ATTRIBUTE})*\s*/?>", re.IGNORECASE)
INPUT_TAG_RE = re.compile(r"<input\b([^<>]*)>", re.IGNORECASE)
TYPE_CHECKBOX_RE = re.compile(r"\btype\s*=\s*[\"']?(?:checkbox|radio)\b", re.IGNORECASE)
CHECKED_ATTR_RE = re.compile(r"(?:^|\s)checked(?:\s|=|/|$)", re.IGNORECASE)
WHITESPACE_RE = re.compile(r"\s+")
HEADING_RE = re.compile(r"^#{1,6}(?=\s|[^\x00-\x7f])\s*(.*?)(?:\s+#+)?\s*$")

# Emphasis needs text inside: "______" (a blank to fill in) is not bold.
BOLD_RE = re.compile(r"\*\*([^*\s](?:.*?[^*\s])??)\*\*|__([^_\s](?:.*?[^_\s])??)__")
IMAGE_LINE_RE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*)+$")
RULE_LINE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
TASK_BOX_RE = re.compile(r"^\s*(?:[-*+]\s+)?\[([xX ])\](?=\s)")
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


def text_line_block(line: str) -> TextLine | None:
    if IMAGE_LINE_RE.match(line) or RULE_LINE_RE.match(line):
        return None
    heading = HEADING_RE.match(line.strip())
    if heading:
        line = heading.group(1)
    text = decode_markup(line)
    return TextLine(text=text) if text else None
