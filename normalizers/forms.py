"""Find the forms in a Document and read their header and footer fields.

The document is flattened into items in reading order (text lines, and table rows as slots with
their grid columns). Forms start at their titles; the 说明 notes after a form are not data. Header
fields may stand in text lines or table rows, with the label in its own cell or leading the value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.errors import ParseError
from extractors.ir import Cell, Document, Table, TextLine
from normalizers.columns import Slot, SourceRow
from vocab import CJK_IDEOGRAPH_CLASS, values
from vocab.chinese_script import to_simplified
from vocab.labels import (
    amount_unit_note,
    clean_text,
    compact,
    form_labels,
    indicator_header_field,
    is_block_label,
    is_review_label,
    is_task_table_label,
    is_task_total,
    leading_label,
    period_section,
    register_column,
    task_amount_column,
    title_kind,
    unit_after_label,
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
class SumCheck:
    """A register table's 小计/合计 row: the amount it states and how many of the forms before it
    (this one included) it adds up."""

    raw: str
    label: str
    members: int
    unit: str | None
    page: int


@dataclass
class FormSpan:
    kind: str
    items: list[Item]
    titled: bool = True
    # a project of a register table: its fields from the leading columns (field -> text, cell)
    preset: dict[str, tuple[str, Cell | None]] = field(default_factory=dict)
    preset_units: dict[str, str] = field(default_factory=dict)
    sum_checks: list[SumCheck] = field(default_factory=list)
    closed: bool = False  # another form or a 小计/合计 row follows it in the same table: it is not cut off


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
    units: dict[str, str] = field(default_factory=dict)  # field -> amount unit its label states ('(元)')
    amount_unit: str | None = None  # the form's own note '单位：元'
    pending_cols: dict[int, str] = field(default_factory=dict)  # a row of labels over a row of values
    # inside a table of main tasks (年度主要任务): its amount columns (grid column -> fund field)
    task_cols: dict[int, str] | None = None
    task_unit: str | None = None  # the unit its amount labels state ('预算金额（万元）')
    task_sums: dict[str, float] = field(default_factory=dict)  # fund field -> its tasks' amounts added up (万元)
    task_total_fields: set[str] = field(default_factory=set)  # funds its total row gave

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
            return _separate_forms([FormSpan(kind=kind, items=items, titled=False)])
        return []
    spans = []
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(items)
        spans.append(FormSpan(kind=kind, items=items[i:end]))
    return _separate_forms(_join_continuations(spans))


def _separate_forms(spans: list[FormSpan]) -> list[FormSpan]:
    """Each span split into the forms it holds: the projects of a register table, or a second
    form starting at its own header rows after the first one's indicators."""
    out: list[FormSpan] = []
    for span in spans:
        for part in _split_at_repeated_header(span):
            out.extend(_split_register(part))
    return out


def _header_label_field(item: Item) -> str | None:
    texts = item.texts
    if not texts:
        return None
    lab = leading_label(texts[0], "header_fields")
    return lab[0] if lab else None


def _is_footer_item(item: Item) -> bool:
    return bool(item.texts) and _starts_with_footer_label(item.texts[0])


def _indicator_header_index(items: list[Item]) -> int | None:
    return next((n for n, it in enumerate(items) if _looks_like_indicator_header(it)), None)


def _join_continuations(spans: list[FormSpan]) -> list[FormSpan]:
    """A form continued under a repeated title (the next page's '项目支出绩效目标表(续)' over more
    indicator rows) is one form: a span with no header field before its indicator rows, after a
    form of the same kind without its footer, is joined to it."""
    out: list[FormSpan] = []
    for span in spans:
        prev = out[-1] if out else None
        body = span.items[1:] if span.titled else span.items
        head_end = _indicator_header_index(body)
        before = body[:head_end] if head_end is not None else body
        continues = (
            prev is not None and prev.kind == span.kind and head_end is not None
            and not any(_header_label_field(it) for it in before)
            and not any(_is_footer_item(it) for it in prev.items)
            and _indicator_header_index(prev.items) is not None
        )
        if continues:
            prev.items.extend(body)
        else:
            out.append(span)
    return out


_OPENING_FIELDS = ("project_name",)


def _split_at_repeated_header(span: FormSpan) -> list[FormSpan]:
    """Two forms in one span (two forms on one page under one title, or no titles at all): a new
    form starts where a 项目名称 row follows indicator rows. The later forms keep the title and
    year lines of the first; a footer given once at the end is shared by the forms without one."""
    cuts = [0]
    seen_rows = False
    in_indicators = False
    name = None  # the current form's 项目名称
    repeated: set[int] = set()  # a page's running header repeating the same form's fields
    items = span.items
    for n, it in enumerate(items):
        if n in repeated:
            continue
        if _looks_like_indicator_header(it):
            in_indicators = True
            continue
        opening = _header_label_field(it) in _OPENING_FIELDS
        if opening and name is None:
            name = _opening_value(it)
        if in_indicators and it.row is not None:
            if opening and seen_rows:
                if name is not None and _opening_value(it) == name:
                    # the same project's header again (the next page's running header): skip its
                    # header rows, the indicators go on
                    k = n
                    while k < len(items) and items[k].row is not None and _header_label_field(items[k]):
                        repeated.add(k)
                        k += 1
                    if k < len(items) and _looks_like_indicator_header(items[k]):
                        repeated.add(k)
                    continue
                cuts.append(n)
                name = _opening_value(it)
                in_indicators = seen_rows = False
                continue
            seen_rows = True
    if repeated:
        keep = [it for n, it in enumerate(items) if n not in repeated]
        cuts = [sum(1 for m in range(c) if m not in repeated) for c in cuts]
        items = keep
        span = FormSpan(kind=span.kind, items=items, titled=span.titled)
    if len(cuts) == 1:
        return [span]
    lead = [it for it in span.items[: _first_row_index(span.items)]
            if _item_title(it) or (it.line is not None and _YEAR_LINE.match(compact(it.text)))]
    parts = [span.items[a:b] for a, b in zip(cuts, cuts[1:] + [len(span.items)])]
    footer = [it for it in parts[-1] if _is_footer_item(it)]
    out = []
    for k, part in enumerate(parts):
        items = part if k == 0 else lead + part
        if k < len(parts) - 1 and not any(_is_footer_item(it) for it in part):
            items = items + footer
        out.append(FormSpan(kind=span.kind, items=items, titled=span.titled if k == 0 else bool(lead)
                            and _item_title(lead[0]) is not None, closed=k < len(parts) - 1))
    return out


def _opening_value(item: Item) -> str | None:
    """The value of a 项目名称 row: after the label in its cell, or the next cell."""
    texts = item.texts
    lab = leading_label(texts[0], "header_fields") if texts else None
    if lab is None:
        return None
    value = lab[1] or (texts[1] if len(texts) > 1 else "")
    return compact(value) or None


def _first_row_index(items: list[Item]) -> int:
    return next((n for n, it in enumerate(items) if it.row is not None), len(items))


def _split_register(span: FormSpan) -> list[FormSpan]:
    """A register table (many projects in one table, each project's name, amount and goal in
    leading columns over its indicator rows) becomes one project form per project. Subtotal rows
    (小计/合计) are no indicators; their amounts are kept for the sum check."""
    labels = form_labels()
    h_index = _indicator_header_index(span.items)
    if h_index is None:
        return [span]
    header = span.items[h_index]
    columns: dict[int, tuple[str, str | None]] = {}
    exact_indicator_names = {n for names in labels.indicator_header.values() for n in names}
    # a two-row header: the project columns' names may stand in the row above (merged down)
    above = span.items[h_index - 1] if h_index > 0 else None
    header_rows = [header.row]
    if above is not None and above.row is not None and above.row.table_index == header.row.table_index \
            and _is_column_name_row(above.row):
        header_rows.append(above.row)
    named = {s.col for s in header.row.slots if s.text.strip() and not s.continued}
    for k, row in enumerate(header_rows):
        for s in row.slots:
            if not s.text.strip() or s.col in columns or (k and s.col in named):
                continue
            # a register column's name may look like an indicator column's ('绩效目标' ~ '绩效目标值'):
            # only a name written exactly as an indicator column is one
            if compact(s.text) not in exact_indicator_names:
                reg = register_column(s.text)
                if reg:
                    columns[s.col] = reg
    name_col = next((c for c, (f, _) in columns.items() if f == "project_name"), None)
    if name_col is None:
        return [span]
    table = header.row.table_index
    rows_end = h_index + 1
    while rows_end < len(span.items) and span.items[rows_end].row is not None \
            and span.items[rows_end].row.table_index == table:
        rows_end += 1
    pre, post = span.items[:h_index], span.items[rows_end:]
    note_unit = next((u for it in pre if it.line is not None and (u := amount_unit_note(it.text))), None)
    fund_unit = next((u for f, u in columns.values() if f == "fund_total" and u), None) or note_unit
    blank_header = Item(page=header.page, row=_without_columns(header.row, columns))
    projects: list[FormSpan] = []
    group_start = 0
    for it in span.items[h_index + 1: rows_end]:
        slots = {s.col: s for s in it.row.slots}
        total = _subtotal_kind(it.row, labels)
        if total:
            total_kind, total_label = total
            amount = next((slots[c].text for c, (f, _) in columns.items()
                           if f == "fund_total" and c in slots and slots[c].text.strip()), "")
            if not amount:  # the 小计 label merged over the amount's column: its first number
                amount = next((t for t in it.texts if re.fullmatch(r"[\d,.\s]+(?:万元|元)?", t.strip())), "")
            if projects and amount:
                members = len(projects) - group_start if total_kind == "subtotal" else len(projects)
                projects[-1].sum_checks.append(SumCheck(raw=amount, label=total_label,
                                                        members=members, unit=fund_unit, page=it.page))
            if total_kind == "subtotal":
                group_start = len(projects)
            if projects:
                projects[-1].closed = True
            continue
        name_slot = slots.get(name_col)
        if name_slot is not None and name_slot.text.strip() and not name_slot.continued:
            preset = {f: (slots[c].text, slots[c].cell) for c, (f, _) in columns.items()
                      if f != "row_number" and c in slots and slots[c].text.strip() and not slots[c].continued}
            units = {"fund_total": fund_unit} if fund_unit else {}
            if projects:
                projects[-1].closed = True
            projects.append(FormSpan(kind="project", items=pre + [blank_header], titled=span.titled,
                                     preset=preset, preset_units=units))
        if not projects:
            continue  # rows before the first project belong to none
        projects[-1].items.append(Item(page=it.page, row=_without_columns(it.row, columns)))
    if not projects:
        return [span]
    for p in projects:
        p.items.extend(post)
    return projects


def _is_column_name_row(row: SourceRow) -> bool:
    """A row naming columns only (the upper row of a two-row header), no values: every cell is a
    project column's, an indicator column's or a block's name."""
    texts = [s.text for s in row.slots if s.text.strip() and not s.continued]
    return bool(texts) and all(register_column(t) or indicator_header_field(t) or is_block_label(t) for t in texts)


def _without_columns(row: SourceRow, columns: dict[int, object]) -> SourceRow:
    """The row with the register columns' cells left empty: what remains is an indicator row."""
    slots = [Slot(text="", col=s.col) if s.col in columns else s for s in row.slots]
    return SourceRow(slots=slots, page=row.page, table_index=row.table_index, row_index=row.row_index)


def _subtotal_kind(row: SourceRow, labels) -> tuple[str, str] | None:
    """('subtotal' or 'total', the cell's text) for a 小计 / 合计 row of a register table."""
    for s in row.slots:
        if s.continued or not s.text.strip():
            continue
        c = compact(s.text)
        if c in labels.register_subtotal:
            return "subtotal", c
        if c in labels.register_total:
            return "total", c
    return None


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
    matches = list(pat.finditer(to_simplified(text)))
    for m_i, m in enumerate(matches):
        label = compact(m.group(1))
        end = matches[m_i + 1].start() if m_i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip(" \t:：,，;；")
        for fld, ns in labels.items():
            if label in ns:
                found.append((fld, value))
                break
    return found


def _header_pairs(text: str) -> list[tuple[str, str]]:
    """Every 'label：value' pair of header labels in one line ('项目名称：… 主管部门：… 项目属性：…'), in
    order; a label counts only when a colon follows it. Fewer than two pairs give []."""
    labels = form_labels().header_fields
    names = sorted({n for ns in labels.values() for n in ns}, key=len, reverse=True)
    alt = "|".join("\\s*".join(map(re.escape, n)) for n in names)
    pat = _pair_pattern(alt)
    matches = list(pat.finditer(text))
    if len(matches) < 2:
        return []
    found = []
    for m_i, m in enumerate(matches):
        end = matches[m_i + 1].start() if m_i + 1 < len(matches) else len(text)
        value = re.sub(r"[（(]?其中[)）]?$", "", text[m.end():end].strip(" \t\u3000:：,，;；")).strip(" \t\u3000:：,，;；")
        label = compact(m.group(1))
        fld = next(f for f, ns in labels.items() if label in ns)
        found.append((fld, value))
    return found


_PAIR_PATTERNS: dict[str, re.Pattern] = {}


def _pair_pattern(alt: str) -> re.Pattern:
    if alt not in _PAIR_PATTERNS:
        _PAIR_PATTERNS[alt] = re.compile(rf"({alt})\s*(?:[(（](?:万元|元)[)）])?\s*[:：]")
    return _PAIR_PATTERNS[alt]


def read_form(span: FormSpan) -> FormHeader:
    """Header fields, footer fields and the indicator rows of one form."""
    labels = form_labels()
    h = FormHeader()
    for name, (value, cell) in span.preset.items():
        h.put(name, value, span.items[0].page if span.items else 1, cell)
    h.units.update(span.preset_units)
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
            if h.amount_unit is None and not in_indicators:
                h.amount_unit = amount_unit_note(text)
            if not seen_table:
                m = _YEAR_LINE.match(compact(text) if len(compact(text)) <= labels.year_line_max_length else text)
                if m or re.fullmatch(r"[（(]\s*[0-9０-９]{4}\s*[)）]\s*年度?", text.replace(" ", "")):
                    h.put("year", text, it.page)
                    continue
                inline_year = _INLINE_YEAR.search(text)
                if inline_year:
                    # '某某局    (2024)年度' : the year shares the line with the agency
                    h.put("year", inline_year.group(0), it.page)
                    text = (text[: inline_year.start()] + " " + text[inline_year.end():]).strip()
                pairs = _header_pairs(text)
                if pairs:
                    for fld, value in pairs:
                        fld, value = _label_value(h, fld, value)
                        h.put(fld, without_header_noise(value), it.page)
                    continue
                lab = leading_label(text, "header_fields")
                if lab and lab[0] == "fund_block" and leading_label(lab[1], "header_fields"):
                    # '项目资金（万元） 年度资金总额 1890': the block's label before the amount's
                    _label_value(h, *lab)
                    lab = leading_label(lab[1], "header_fields")
                if lab:
                    fld, rest = _label_value(h, *lab)
                    rest = without_header_noise(rest)
                    if rest:
                        h.put(fld, rest, it.page)
                    continue
                text = without_header_noise(text)
                if not text:
                    continue
                if ("year" in h.values or span.kind == "department") and not title_kind(text) \
                        and len(compact(text)) <= labels.agency_line_max_length:
                    h.put("agency_line", text, it.page)
                continue
            if not in_indicators and not h.indicator_rows:
                # header lines between a header table and the indicator table (one form in pieces)
                pairs = _header_pairs(text) or ([lab] if (lab := leading_label(text, "header_fields")) else [])
                for fld, value in pairs:
                    fld, value = _label_value(h, fld, value)
                    h.put(fld, without_header_noise(value), it.page)
                if pairs:
                    continue
            # text after the table that is not a footer label: an unlabelled footer value
            if pending_label:
                h.put(pending_label, text, it.page)
                pending_label = None
            continue
        seen_table = True
        row = it.row
        header_row = _looks_like_indicator_header(it)
        section = _section_labels(row) if header_row or _is_section_row(row) else None
        if section is not None:
            # 长期目标 / 年度目标: the label of the stacked targets that follow (in its own row or in
            # the lead cell of the section's header row); interpret_rows sets target_period from it
            h.indicator_rows.append(section)
        if header_row or (in_indicators and _is_header_continuation(row, h)):
            cols = {}
            for s in row.slots:
                f = indicator_header_field(s.text)
                if f and f not in cols:
                    cols[f] = s.col
            if not h.indicator_header:
                h.indicator_header = cols
            elif in_indicators and not any(not _is_section_row(r) for r in h.indicator_rows):
                # a two-row header ('指标名称' over 一级/二级/三级指标, '指标值' over 长期 | 年度):
                # the lower row is more precise
                h.indicator_header.update(cols)
            in_indicators = True
            continue
        if in_indicators:
            h.indicator_rows.append(row)
            continue
        if _read_task_table_row(row, h):
            continue
        _read_header_row(row, h, labels)
    return h


def _read_task_table_row(row: SourceRow, h: FormHeader) -> bool:
    """A row of a department form's table of main tasks (年度主要任务 | 任务名称 | 主要内容 | 预算金额,
    the amount labels, one row per task, a 金额合计 row): the tasks are skipped, the total row's
    amounts are the year's funds. True when the row belongs to such a table."""
    slots = [s for s in row.slots if s.text.strip() and not s.continued]
    if not slots:
        return h.task_cols is not None
    if h.task_cols is None:
        if not is_task_table_label(slots[0].text):
            return False
        h.task_cols = {}
        slots = slots[1:]
    columns = [(s, task_amount_column(s.text)) for s in slots]
    if any(col is not None for _, col in columns) and not is_task_total(slots[0].text):
        # a row of column labels (a two-row header: 预算金额 over 总额 | 财政拨款 | 其他资金)
        for s, col in columns:
            if col is not None:
                h.task_cols[s.col] = col[0]
                h.task_unit = col[1] or h.task_unit
        return True
    if is_task_total(slots[0].text):
        for s in slots[1:]:
            fld = h.task_cols.get(s.col)
            if fld is not None and _meaningful(s.text):
                h.put(fld, s.text, row.page, s.cell)
                h.task_total_fields.add(fld)
                if h.task_unit:
                    h.units.setdefault(fld, h.task_unit)
        h.task_cols = None  # the total closes the table
        return True
    if leading_label(slots[0].text, "header_fields") is not None:
        h.task_cols = None  # the next header field (年度总体目标): the table ended without a total
        return False
    # a task: neither an indicator nor a header field; its amounts are added up to check the total
    for s in slots:
        fld = h.task_cols.get(s.col)
        if fld is None:
            continue
        try:
            amount = values.read_amount(clean_text(s.text), h.task_unit).wan
        except ParseError:
            continue
        if amount is not None:
            h.task_sums[fld] = round(h.task_sums.get(fld, 0.0) + amount, 6)
    return True


def _section_labels(row: SourceRow) -> SourceRow | None:
    """The row's period-section label (长期目标, 年度目标 …) as a row of its own, or None (also
    when the row names both periods: that is a header of targets side by side)."""
    names = [s.col for s in row.slots if indicator_header_field(s.text) in ("level1", "level2", "level3")]
    lead_end = min(names) if names else len(row.slots) + 1_000
    # in a header row only the lead cell left of the name columns is a section label ('年度目标'
    # over a value column is that column's label)
    slots = [s for s in row.slots if s.text.strip() and not s.continued and period_section(s.text)
             and (s.col < lead_end or _is_section_row(row))]
    if len({period_section(s.text) for s in slots}) != 1:
        return None
    return SourceRow(slots=slots[:1], page=row.page, table_index=row.table_index, row_index=row.row_index)


def _is_section_row(row: SourceRow) -> bool:
    """A row holding nothing but one section label."""
    texts = [s.text for s in row.slots if s.text.strip() and not s.continued]
    return len(texts) == 1 and period_section(texts[0]) is not None


def _is_header_continuation(row: SourceRow, h: FormHeader) -> bool:
    """The lower row of a two-row indicator header: every cell a column label ('长期' | '年度'
    under '指标值'), right below the header, before any indicator row."""
    if any(not _is_section_row(r) for r in h.indicator_rows):
        return False
    texts = [s.text for s in row.slots if s.text.strip() and not s.continued]
    return len(texts) > 1 and all(indicator_header_field(t) for t in texts)


_MEANINGFUL = re.compile(f"[{CJK_IDEOGRAPH_CLASS}0-9０-９]")


def _meaningful(text: str) -> bool:
    """A value holds a Chinese character or a digit, or is longer than a stray mark or two."""
    t = text.strip()
    return bool(t) and (bool(_MEANINGFUL.search(t)) or len(t) > 2)


def _is_review_row(texts: list[str], labels) -> bool:
    """Sign-off rows (业务股室审核 2023.12.12 …) close the table without being data."""
    if not texts:
        return False
    return is_review_label(texts[0])


def _starts_with_footer_label(text: str) -> bool:
    return leading_label(text, "footer_fields") is not None


_QUALIFIER = re.compile(r"^[(（\[【][^)）\]】]*[)）\]】]$")


def _label_value(h: FormHeader, fld: str, rest: str) -> tuple[str, str]:
    """The field and its value after a label: a unit in the label ('资金总额(元)') is kept as the
    field's amount unit, a bracketed qualifier alone ('中期目标(2025-2027年)') is no value."""
    unit, rest = unit_after_label(rest)
    if unit:
        if fld == "fund_block":
            h.amount_unit = h.amount_unit or unit
        else:
            h.units.setdefault(fld, unit)
    if _QUALIFIER.match(rest.strip()):
        rest = ""
    return fld, rest


def _read_values_under_labels(row: SourceRow, h: FormHeader) -> bool:
    """Values of a row standing under a row of labels (中期目标 | 年度目标 over their texts, or
    资金总额 | 财政拨款 | … over the amounts). True when the row was such a value row."""
    pending, h.pending_cols = h.pending_cols, {}
    slots = [s for s in row.slots if s.text.strip() and not s.continued]
    if not pending or not slots or any(leading_label(s.text, "header_fields") for s in slots):
        return False
    # a value stands under its label, or (label and value spanning differently) right of it
    used = {s.col for s in slots if s.col in pending}
    hits = []
    for s in slots:
        col = s.col if s.col in pending else max((c for c in pending if c < s.col and c not in used), default=None)
        if col is not None:
            used.add(col)
            hits.append((pending[col], s))
    if not hits:
        return False
    for fld, s in hits:
        h.put(fld, s.text, row.page, s.cell)
    return True


def _read_header_row(row: SourceRow, h: FormHeader, labels) -> None:
    if _read_values_under_labels(row, h):
        return
    slots = [s for s in row.slots if s.text.strip() and not s.continued]
    bare: dict[int, str] = {}  # labels of this row without a value: their values may be below
    labelled = 0
    i = 0
    while i < len(slots):
        s = slots[i]
        lab = leading_label(s.text, "header_fields")
        if lab is not None:
            lab = _label_value(h, *lab)
        if lab is None:
            # a year row inside the table
            if "year" not in h.values and re.search(r"[（(]?\s*[0-9０-９]{4}\s*[)）]?\s*年度", s.text):
                h.put("year", s.text, row.page, s.cell)
            i += 1
            continue
        fld, rest = lab
        if not _meaningful(rest):
            rest = ""  # OCR specks beside a label ('项目名称R') are not its value
        labelled += fld != "fund_block"
        if fld == "fund_block":
            # '项目资金(万元)' may be followed by '年度资金总额:' in the same row
            i += 1
            continue
        if rest:
            h.put(fld, rest, row.page, s.cell)
            i += 1
            continue
        if i + 1 >= len(slots) or leading_label(slots[i + 1].text, "header_fields") is not None:
            bare[s.col] = fld
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
    # a row of two or more labels and nothing else heads the row of values below it
    if len(bare) >= 2 and len(bare) == labelled:
        h.pending_cols = bare
