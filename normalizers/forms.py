"""Find the forms in a Document and read their header and footer fields.

The document is flattened into items in reading order (text lines, and table rows as slots with
their grid columns). Forms start at their titles; the 说明 notes after a form are not data. Header
fields may stand in text lines or table rows, with the label in its own cell or leading the value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.ir import Cell, Document, Table, TextLine
from normalizers.columns import Slot, SourceRow
from vocab.labels import (
    compact,
    form_labels,
    indicator_header_field,
    leading_label,
    title_kind,
    without_header_noise,
)


@dataclass
class Item:
    """One line of text, or one table row, in reading order."""

    page: int
    line: TextLine | None = None
    row: SourceRow | None = None

    @property
    def texts(self) -> list[str]:
        if self.line is not None:
            return [self.line.text]
        return [s.text for s in self.row.slots if s.text.strip() and not s.continued]

    @property
    def text(self) -> str:
        return " ".join(t.strip() for t in self.texts)


@dataclass
class FormSpan:
    kind: str
    items: list[Item]
    titled: bool = True


@dataclass
class FormHeader:
    """Header and footer values as found (strings), with where each came from."""

    values: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Cell | None] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    indicator_header: dict[str, int] = field(default_factory=dict)  # field -> grid column
    indicator_rows: list[SourceRow] = field(default_factory=list)
    has_footer: bool = False
    has_notes: bool = False

    def put(self, name: str, value: str, page: int, cell: Cell | None = None) -> None:
        value = (value or "").strip()
        if value and not self.values.get(name):
            self.values[name] = value
            self.cells[name] = cell
            self.pages[name] = page


def table_rows(table: Table, table_index: int) -> list[SourceRow]:
    """Rows of a table as slots per grid column; rowspan continuations are marked as such."""
    grid = table.grid()
    rows: list[SourceRow] = []
    for r in range(table.n_rows):
        slots: list[Slot] = []
        page = None
        for c in range(table.n_cols):
            cell = grid[r][c]
            if cell is None:
                slots.append(Slot(text="", col=c))
                continue
            if cell.col != c:  # covered by a colspan: the cell was given at its first column
                continue
            continued = cell.row != r
            slots.append(Slot(text=cell.text, col=c, cell=cell, continued=continued))
            if not continued and page is None:
                page = cell.page
        rows.append(SourceRow(slots=slots, page=page or table.page, table_index=table_index, row_index=r))
    return rows


def document_items(doc: Document) -> list[Item]:
    items: list[Item] = []
    t_index = 0
    for page, block in doc.blocks():
        if isinstance(block, TextLine):
            if block.text.strip():
                items.append(Item(page=block.page or page.number, line=block))
        else:
            for row in table_rows(block, t_index):
                if any(s.text.strip() for s in row.slots if not s.continued):
                    items.append(Item(page=row.page, row=row))
            t_index += 1
    return items


def _item_title(item: Item) -> str | None:
    texts = item.texts
    if len(texts) != 1:
        return None
    return title_kind(texts[0].lstrip("#").strip())


def _looks_like_indicator_header(item: Item) -> bool:
    if item.row is None:
        return False
    fields = {indicator_header_field(s.text) for s in item.row.slots if s.text.strip()}
    fields.discard(None)
    return len(fields) >= 3 and ("level3" in fields or "level2" in fields)


def find_forms(items: list[Item]) -> list[FormSpan]:
    """Split items at form titles. Without any title, a file whose table has an indicator header
    row is one untitled form (kind guessed from its fields)."""
    starts = [(i, k) for i, it in enumerate(items) if (k := _item_title(it))]
    if not starts:
        if any(_looks_like_indicator_header(it) for it in items):
            kind = "project" if any(compact(t).startswith("项目名称") for it in items for t in it.texts) else "department"
            return [FormSpan(kind=kind, items=items, titled=False)]
        return []
    spans = []
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(items)
        spans.append(FormSpan(kind=kind, items=items[i:end]))
    return spans


_INLINE_YEAR = re.compile(r"[（(]\s*[0-9０-９]{4}\s*[)）]\s*年度?")
_YEAR_LINE = re.compile(r"^[（(]?\s*([0-9０-９]{4})\s*[)）]?\s*年度?$")


def _footer_pairs(text: str) -> list[tuple[str, str]]:
    """All label: value pairs of footer labels within one line ('填表人：李卓 联系电话：186…')."""
    labels = form_labels().footer_fields
    names = sorted({n for ns in labels.values() for n in ns}, key=len, reverse=True)
    # allow spaces between the characters of a label
    alt = "|".join("\\s*".join(map(re.escape, n)) for n in names)
    pat = re.compile(rf"({alt})\s*[:：]?", re.UNICODE)
    found = []
    matches = list(pat.finditer(text))
    for m_i, m in enumerate(matches):
        label = compact(m.group(1))
        end = matches[m_i + 1].start() if m_i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip(" \t:：,，;；")
        for fld, ns in labels.items():
            if label in ns:
                found.append((fld, value))
                break
    return found


def read_form(span: FormSpan) -> FormHeader:
    """Header fields, footer fields and the indicator rows of one form."""
    labels = form_labels()
    h = FormHeader()
    in_indicators = False
    seen_table = False
    pending_label: str | None = None  # a label whose value is in the next item
    for idx, it in enumerate(span.items):
        texts = it.texts
        joined = it.text
        c = compact(joined)
        if idx == 0 and span.titled:
            m = re.search(r"([0-9０-９]{4})\s*年", joined)
            if m:
                h.put("year_title", m.group(0), it.page)
            continue
        if any(c.startswith(m) for m in labels.notes_markers) and (it.line is not None or len(texts) == 1):
            h.has_notes = True
            break
        # footer lines (text or single-text rows): several label:value pairs may share a line
        if _is_review_row(texts, labels):
            continue
        if texts:
            pairs = _footer_pairs(joined) if _starts_with_footer_label(texts[0]) else []
            if pairs:
                for fld, value in pairs:
                    h.put(fld, value, it.page)
                h.has_footer = True
                if it.row is not None:
                    in_indicators = False
                continue
        if it.row is None:
            text = joined.lstrip("#").strip()
            if not seen_table:
                m = _YEAR_LINE.match(compact(text) if len(compact(text)) <= 8 else text)
                if m or re.fullmatch(r"[（(]\s*[0-9０-９]{4}\s*[)）]\s*年度?", text.replace(" ", "")):
                    h.put("year", text, it.page)
                    continue
                inline_year = _INLINE_YEAR.search(text)
                if inline_year:
                    # '某某局    (2024)年度' : the year shares the line with the agency
                    h.put("year", inline_year.group(0), it.page)
                    text = (text[: inline_year.start()] + " " + text[inline_year.end():]).strip()
                lab = leading_label(text, "header_fields")
                if lab:
                    fld, rest = lab
                    rest = without_header_noise(rest)
                    if rest:
                        h.put(fld, rest, it.page)
                    continue
                text = without_header_noise(text)
                if not text:
                    continue
                if ("year" in h.values or span.kind == "department") and not title_kind(text) \
                        and len(compact(text)) <= 40:
                    h.put("agency_line", text, it.page)
                continue
            # text after the table that is not a footer label: an unlabelled footer value
            if pending_label:
                h.put(pending_label, text, it.page)
                pending_label = None
            continue
        seen_table = True
        row = it.row
        if _looks_like_indicator_header(it):
            cols = {}
            for s in row.slots:
                f = indicator_header_field(s.text)
                if f and f not in cols:
                    cols[f] = s.col
            if not h.indicator_header:
                h.indicator_header = cols
            elif in_indicators and not h.indicator_rows:
                # a two-row header ('指标名称' over 一级/二级/三级指标): the lower row is more precise
                h.indicator_header.update(cols)
            in_indicators = True
            continue
        if in_indicators:
            h.indicator_rows.append(row)
            continue
        _read_header_row(row, h, labels)
    return h


_MEANINGFUL = re.compile(r"[\u4e00-\u9fff0-9０-９]")


def _meaningful(text: str) -> bool:
    """A value holds a Chinese character or a digit, or is longer than a stray mark or two."""
    t = text.strip()
    return bool(t) and (bool(_MEANINGFUL.search(t)) or len(t) > 2)


def _is_review_row(texts: list[str], labels) -> bool:
    """Sign-off rows (业务股室审核 2023.12.12 …) close the table without being data."""
    if not texts:
        return False
    first = compact(texts[0])
    return len(first) <= 10 and any(m in first for m in labels.review_row_markers)


def _starts_with_footer_label(text: str) -> bool:
    return leading_label(text, "footer_fields") is not None


def _read_header_row(row: SourceRow, h: FormHeader, labels) -> None:
    slots = [s for s in row.slots if s.text.strip() and not s.continued]
    i = 0
    while i < len(slots):
        s = slots[i]
        lab = leading_label(s.text, "header_fields")
        if lab is None:
            # a year row inside the table
            if "year" not in h.values and re.search(r"[（(]?\s*[0-9０-９]{4}\s*[)）]?\s*年度", s.text):
                h.put("year", s.text, row.page, s.cell)
            i += 1
            continue
        fld, rest = lab
        if not _meaningful(rest):
            rest = ""  # OCR specks beside a label ('项目名称R') are not its value
        if fld == "fund_block":
            # '项目资金(万元)' may be followed by '年度资金总额:' in the same row
            i += 1
            continue
        if rest:
            h.put(fld, rest, row.page, s.cell)
            i += 1
            continue
        # value in the next non-label cell
        j = i + 1
        while j < len(slots) and leading_label(slots[j].text, "header_fields") is None:
            if fld == "overall_goal":
                # the goal may be split over several cells: join them
                vals = []
                while j < len(slots) and leading_label(slots[j].text, "header_fields") is None:
                    vals.append(slots[j].text.strip())
                    j += 1
                h.put(fld, "".join(vals), row.page, slots[i + 1].cell)
                break
            h.put(fld, slots[j].text, row.page, slots[j].cell)
            j += 1
            break
        i = max(i + 1, j)
