"""Assign the cells of indicator rows to columns by their content, not their position.

OCR'd and flattened tables lose merged cells and let cells slide sideways. Each row is anchored on
its type/operator cell (or, in the older layout, on its 指标值 cell holding operator and number);
cells to its left are level-1 / level-2 / level-3 names told apart by the taxonomy, and the value,
unit, explanation, scoring rule and note to its right are recognised by their content. Gaps left by
merged level-1/level-2 cells are filled down from the rows above.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from extractors.ir import Cell, CheckboxState
from normalizers import DATA_DIR, taxonomy, values
from vocab.labels import clean_text, compact, is_block_label

_DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class ColumnCues:
    rule_words: re.Pattern
    loose_name_threshold: float
    max_operator_cell_length: int
    max_opvalue_cell_length: int
    repair_codes: dict[str, str]
    lone_name_threshold: float
    checkbox_lookalikes: frozenset[str]


@lru_cache(maxsize=1)
def column_cues() -> ColumnCues:
    raw = yaml.safe_load((DATA_DIR / "columns.yaml").read_text(encoding="utf-8"))
    return ColumnCues(
        rule_words=re.compile("|".join(re.escape(w) for w in raw["rule_words"]) + r"|扣\d"),
        loose_name_threshold=float(raw["loose_name_threshold"]),
        max_operator_cell_length=int(raw["max_operator_cell_length"]),
        max_opvalue_cell_length=int(raw["max_opvalue_cell_length"]),
        repair_codes=dict(raw.get("repair_codes", {})),
        lone_name_threshold=float(raw["lone_name_threshold"]),
        checkbox_lookalikes=frozenset(raw["checkbox_lookalikes"]),
    )


@lru_cache(maxsize=8192)
def loose_candidates(text: str, level: int | None = None) -> tuple[taxonomy.TaxonomyMatch, ...]:
    """The taxonomy names nearest to a cell that stands where a name must stand (never used for
    level-3), all of them when several are equally near ('丁量指标': 数量指标 and 质量指标)."""
    s = taxonomy.normalize_name(text)
    if not s:
        return ()
    scored = []
    for lvl, names in ((1, taxonomy.LEVEL1_NAMES), (2, taxonomy.LEVEL2_NAMES)):
        if level is not None and lvl != level:
            continue
        for name in names:
            score = fuzz.ratio(s, name)
            if score >= column_cues().loose_name_threshold:
                scored.append(taxonomy.TaxonomyMatch(name, lvl, float(score), "loose"))
    if not scored:
        return ()
    top = max(m.score for m in scored)
    return tuple(m for m in scored if m.score == top)


def loose_taxonomy_match(text: str, level: int | None = None, previous: str | None = None,
                         previous_written: bool = False, column_level: int | None = None
                         ) -> taxonomy.TaxonomyMatch | None:
    """The nearest taxonomy name; ties are broken by context: the level whose column the cell
    stands in, and the order of the taxonomy (a newly written 二级指标 follows the previous group's
    unless the form writes the name on every row)."""
    cands = loose_candidates(text, level)
    if not cands:
        return None
    if len(cands) > 1 and column_level is not None and any(m.level == column_level for m in cands):
        cands = tuple(m for m in cands if m.level == column_level)
    elif len(cands) > 1 and level is None and any(m.level == 2 for m in cands):
        # no column to go by: a form writes far more 二级指标 cells than 一级指标 cells
        cands = tuple(m for m in cands if m.level == 2)
    if len(cands) > 1 and previous is not None:
        names = list(taxonomy.LEVEL1_NAMES) + list(taxonomy.LEVEL2_NAMES)
        if previous_written and any(m.canonical == previous for m in cands):
            return next(m for m in cands if m.canonical == previous)
        if previous in names:
            later = [m for m in cands if m.canonical in names and names.index(m.canonical) > names.index(previous)]
            if later:
                return min(later, key=lambda m: names.index(m.canonical))
    return cands[0]


# The same short texts (names, operators, units) recur on every form: memoise the pure parsers.
_parse_operator = lru_cache(maxsize=8192)(values.parse_operator)
_classify_name = lru_cache(maxsize=8192)(taxonomy.classify_taxonomy_name)
_is_unit = lru_cache(maxsize=8192)(values.is_unit)


@dataclass(frozen=True)
class Slot:
    text: str
    col: int
    cell: Cell | None = None
    continued: bool = False  # the position is covered by a rowspan that started in an earlier row


@dataclass
class SourceRow:
    slots: list[Slot]
    page: int = 1
    table_index: int = 0
    row_index: int = 0


@dataclass
class RowAnomaly:
    field: str
    code: str
    severity: str
    raw_value: str = ""
    fixed_value: str = ""
    message: str = ""


@dataclass
class AssignedRow:
    """One row's cells by field; names are still raw."""

    level1_raw: str = ""
    level2_raw: str = ""
    level3: str = ""
    operator_text: str = ""
    value_text: str = ""
    unit: str = ""
    explanation: str = ""
    scoring_rule: str = ""
    note: str = ""
    level1_continued: bool = False
    level2_continued: bool = False
    source_cols: dict[str, int] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    anchor_kind: str = ""  # operator | value | position
    operator_checkbox: CheckboxState = CheckboxState.NONE
    value_checkbox: CheckboxState = CheckboxState.NONE
    page: int = 1

    @property
    def is_indicator(self) -> bool:
        """Placeholder rows name a level-2 but no level-3, operator or value."""
        return bool(self.level3 or _parse_operator(self.operator_text) or clean_text(self.value_text))


@dataclass
class IndicatorDraft:
    level1: str | None
    level2: str | None
    level3: str | None
    operator: str | None
    value: str | None
    value_num: float | None
    unit: str | None
    explanation: str | None
    scoring_rule: str | None
    note: str | None
    level1_raw: str | None
    level2_raw: str | None
    page: int
    cells: list[Cell]
    anomalies: list[RowAnomaly] = field(default_factory=list)


def is_rule_text(text: str) -> bool:
    return bool(column_cues().rule_words.search(text or ""))


def _is_operator_cell(text: str) -> bool:
    """A cell of the 指标类型 column: an operator or 定性, maybe with checkbox glyphs, no number."""
    t = (text or "").strip()
    if not t:
        return False
    if set(t) <= set("☑☐ "):
        return True
    if _DIGIT.search(t) or len(compact(t)) > column_cues().max_operator_cell_length:
        return False
    return _parse_operator(t) is not None


def _is_opvalue_cell(text: str) -> bool:
    t = (text or "").strip()
    if not t or not _DIGIT.search(t) or len(compact(t)) > column_cues().max_opvalue_cell_length:
        return False
    pv = values.parse_value_cell(t)
    return pv.operator is not None and pv.value_num is not None


def _name_level(text: str) -> tuple[int | None, taxonomy.TaxonomyMatch | None]:
    m = _classify_name(text)
    if m is None:
        return None, None
    return m.level, m


def assign_columns(row: SourceRow, header_cols: dict[str, int]) -> AssignedRow:
    """Give each cell of the row its field, judged by content and by its place relative to the anchor."""
    out = AssignedRow(page=row.page)
    active = [s for s in row.slots if not s.continued]
    inherited = [s for s in row.slots if s.continued and s.text.strip()]

    anchor = None
    anchor_kind = ""
    for i, s in enumerate(active):
        if _is_operator_cell(s.text):
            anchor, anchor_kind = i, "operator"
            break
    if anchor is None:
        for i, s in enumerate(active):
            if _is_opvalue_cell(s.text):
                anchor, anchor_kind = i, "value"
                break
    if anchor is None:
        anchor, anchor_kind = _anchor_from_rule(active, header_cols)
    out.anchor_kind = anchor_kind

    # names: everything left of the anchor
    left = [s for s in active[: anchor if anchor is not None else len(active)] if s.text.strip()]
    left = [s for s in left if not is_block_label(s.text)]
    for s in inherited:
        if is_block_label(s.text):
            continue
        lvl, _ = _name_level(s.text)
        if lvl == 1 and not out.level1_raw:
            out.level1_raw, out.level1_continued = s.text.strip(), True
            out.source_cols["level1"] = s.col
        elif lvl == 2 and not out.level2_raw:
            out.level2_raw, out.level2_continued = s.text.strip(), True
            out.source_cols["level2"] = s.col
    level3_parts: list[Slot] = []
    for n, s in enumerate(left):
        lvl, m = _name_level(s.text)
        last = n == len(left) - 1
        if m is not None and m.score < taxonomy.CONFIDENT_SCORE and last:
            lvl = None  # a bare stem ('经济效益') in the level-3 place is a level-3 name
        if lvl is None and not level3_parts:
            # a name place (another cell follows before the anchor) accepts a near-miss name; the
            # last cell only when it is written like a name (ends in 指标) and is close to one
            column_level = _header_level(s.col, header_cols)
            loose = loose_taxonomy_match(s.text, column_level=column_level)
            if loose is not None and (not last or (_written_as_name(s.text) and loose.score >= column_cues().lone_name_threshold)):
                lvl = loose.level
        if lvl == 1 and (not out.level1_raw or out.level1_continued) and not out.level2_raw and not level3_parts:
            out.level1_raw, out.level1_continued = s.text.strip(), False
            _put(out, "level1", s)
        elif lvl == 1 and out.level1_raw and not out.level2_raw and not level3_parts and taxonomy.match_level2(s.text):
            # the older framework: 成本指标 as a level-2 under 产出指标
            out.level2_raw, out.level2_continued = s.text.strip(), False
            _put(out, "level2", s)
        elif lvl == 2 and (not out.level2_raw or out.level2_continued) and not level3_parts:
            out.level2_raw, out.level2_continued = s.text.strip(), False
            _put(out, "level2", s)
        else:
            level3_parts.append(s)
    # an unticked box OCR'd as a character ('口', 'C') is no part of a name
    level3_parts = [s for s in level3_parts if not _is_box_lookalike(s.text)]
    if level3_parts:
        out.level3 = "".join(clean_text(s.text) for s in level3_parts)
        _put(out, "level3", level3_parts[0])
    if anchor is None:
        return out

    a = active[anchor]
    rest_start = anchor + 1
    if anchor_kind == "operator":
        out.operator_text = a.text
        out.operator_checkbox = a.cell.checkbox if a.cell else CheckboxState.NONE
        _put(out, "operator", a)
        if rest_start < len(active):
            v = active[rest_start]
            out.value_text = v.text
            out.value_checkbox = v.cell.checkbox if v.cell else CheckboxState.NONE
            if v.text.strip():
                _put(out, "value", v)
            rest_start += 1
    else:
        out.value_text = a.text
        out.value_checkbox = a.cell.checkbox if a.cell else CheckboxState.NONE
        _put(out, "value", a)
        if anchor_kind == "value":
            out.source_cols.setdefault("operator", a.col)
    # unit: the next cell when it is a unit or an empty unit position
    if rest_start < len(active):
        u = active[rest_start]
        if not u.text.strip():
            if "unit" in header_cols:
                rest_start += 1
        elif _is_unit(clean_text(u.text)):
            out.unit = clean_text(u.text)
            _put(out, "unit", u)
            rest_start += 1
    texts = [s for s in active[rest_start:] if clean_text(s.text)]
    _assign_trailing_text(out, texts)
    return out


def _is_box_lookalike(text: str) -> bool:
    t = clean_text(text)
    return len(t) == 1 and t in column_cues().checkbox_lookalikes


def _header_level(col: int, header_cols: dict[str, int]) -> int | None:
    if header_cols.get("level1") == col:
        return 1
    if header_cols.get("level2") == col:
        return 2
    return None


def _written_as_name(text: str) -> bool:
    return taxonomy.normalize_name(text).endswith("指标")


def _anchor_from_rule(active: list[Slot], header_cols: dict[str, int]) -> tuple[int | None, str]:
    """Older layout without an operator in the value: the value stands before the explanation,
    which stands before the scoring rule. Fall back to the header's value column."""
    nonempty = [i for i, s in enumerate(active) if s.text.strip()]
    rule_idx = next((i for i in nonempty if is_rule_text(active[i].text) and len(compact(active[i].text)) > 6), None)
    if rule_idx is not None:
        before = [i for i in nonempty if i < rule_idx]
        names = [i for i in before if _name_level(active[i].text)[0] or is_block_label(active[i].text)]
        free = [i for i in before if i not in names]
        # a number after the level-3 name is the value (its operator cell was left empty)
        number = next((i for i in free[1:] if _is_number_cell(active[i].text)), None)
        if number is not None:
            return number, "position"
        # free cells before the rule: level3, value, explanation (some may be missing)
        if len(free) >= 3:
            return free[-2], "position"
        if len(free) == 2:
            # level3 + value, or value + explanation: a short text is the value
            a, b = free
            if len(compact(active[b].text)) <= 10 and len(compact(active[a].text)) > 10:
                return b, "position"
            return free[-1] if _looks_like_value(active[free[-1]].text) else free[-2] + 0, "position"
    col = header_cols.get("value", header_cols.get("operator"))
    if col is not None:
        for i, s in enumerate(active):
            if s.col == col:
                return i, "position"
    return None, ""


def _is_number_cell(text: str) -> bool:
    """A short cell holding a number, maybe with its unit ('120', '95%', '1,200万元')."""
    t = clean_text(text)
    if not t or not _DIGIT.match(t) or len(compact(t)) > column_cues().max_opvalue_cell_length:
        return False
    return values.parse_value_cell(t).value_num is not None


def _looks_like_value(text: str) -> bool:
    t = clean_text(text)
    return bool(t) and (bool(_DIGIT.match(t)) or len(compact(t)) <= 8)


def _assign_trailing_text(out: AssignedRow, texts: list[Slot]) -> None:
    """explanation, scoring rule, note in this order; a rule-like text skips an absent explanation."""
    slots = ["explanation", "scoring_rule", "note"]
    k = 0
    for n, s in enumerate(texts):
        if k >= len(slots):
            # more texts than columns: they belong to the note
            out.note = (out.note + " " + clean_text(s.text)).strip()
            continue
        target = slots[k]
        if target == "explanation" and is_rule_text(s.text):
            later_rule = any(is_rule_text(t.text) for t in texts[n + 1:])
            if not later_rule:
                target, k = "scoring_rule", 1
        setattr(out, target, clean_text(s.text))
        _put(out, target, s)
        k += 1


def _put(out: AssignedRow, field_name: str, s: Slot) -> None:
    out.source_cols[field_name] = s.col
    if s.cell is not None:
        out.cells[field_name] = s.cell


def shifted_fields(row: AssignedRow, header_cols: dict[str, int]) -> list[str]:
    """Fields whose cell stood in another column than the header gives for that field."""
    moved = []
    for f, col in row.source_cols.items():
        if f in ("level1", "level2") and getattr(row, f + "_continued"):
            continue
        hc = header_cols.get(f)
        if hc is None:
            continue
        if col != hc:
            moved.append(f)
    return moved


def _canonical(raw: str, level: int, previous: str | None = None, previous_written: bool = False
               ) -> tuple[str | None, taxonomy.TaxonomyMatch | None]:
    m = taxonomy.match_level1(raw) if level == 1 else taxonomy.match_level2(raw)
    if m is None:
        m = loose_taxonomy_match(raw, level, previous=previous, previous_written=previous_written)
    return (m.canonical if m else None), m


def _name_note(field: str, label: str, raw: str, m: taxonomy.TaxonomyMatch) -> RowAnomaly:
    # a loose match is a guess a person should confirm; glyph/alias/fuzzy repairs are routine
    severity = "warning" if m.reason == "loose" else "info"
    return RowAnomaly(field, "taxonomy_fuzzy_match", severity, raw, m.canonical,
                      f"{label} '{raw}' read as '{m.canonical}' ({m.reason}, score {m.score:.0f})")


def _name_notes(field_name: str, label: str, raw: str, m: taxonomy.TaxonomyMatch | None, continued: bool,
                group_warnings: dict[str, RowAnomaly]) -> list[RowAnomaly]:
    """Anomalies of a level-1/level-2 name written in this row; a guess to confirm (a warning)
    becomes the group's warning, repeated on the rows that inherit the name."""
    group_warnings.pop(field_name, None)
    if continued:
        return []
    if m is None:
        return [RowAnomaly(field_name, "taxonomy_unknown", "warning", raw, "",
                           f"{label} '{raw}' matches no name of the taxonomy")]
    if m.reason == "exact":
        return []
    note = _name_note(field_name, label, raw, m)
    if note.severity == "warning":
        group_warnings[field_name] = note
    return [note]


def interpret_rows(rows: list[SourceRow], header_cols: dict[str, int]) -> list[IndicatorDraft]:
    """Indicator drafts of one form in reading order, with the row-level anomalies found on the way."""
    drafts: list[IndicatorDraft] = []
    l1: str | None = None
    l1_raw: str | None = None
    l2: str | None = None
    l2_raw: str | None = None
    pending: list[RowAnomaly] = []  # name anomalies of placeholder rows, reported on the next indicator
    # guesses a person must confirm (loose name matches) are repeated on every row of their group
    group_warnings: dict[str, RowAnomaly] = {}
    l2_written = False
    for row in rows:
        a = assign_columns(row, header_cols)
        notes: list[RowAnomaly] = []
        new_group = False
        if a.level1_raw:
            c1, m1 = _canonical(a.level1_raw, 1, previous=l1)
            if c1 is None and a.level2_raw == "" and taxonomy.match_level2(a.level1_raw):
                # a level-2 name standing in the level-1 place
                a.level2_raw, a.level1_raw = a.level1_raw, ""
            else:
                notes.extend(_name_notes("level1", "一级指标", a.level1_raw, m1, a.level1_continued, group_warnings))
                if c1 != l1:
                    new_group = True
                l1, l1_raw = c1, a.level1_raw
        if a.level2_raw:
            c2, m2 = _canonical(a.level2_raw, 2, previous=l2, previous_written=l2_written)
            notes.extend(_name_notes("level2", "二级指标", a.level2_raw, m2, a.level2_continued, group_warnings))
            l2, l2_raw = c2, a.level2_raw
        elif new_group:
            l2, l2_raw = None, None  # a new level-1 group does not inherit the previous level-2
            group_warnings.pop("level2", None)
        for w in group_warnings.values():
            if w not in notes:
                notes.append(w)
        # level-1 from the taxonomy when missing or contradicting the level-2
        level1 = l1
        if l2 is not None:
            parent = taxonomy.level1_of(l2)
            if level1 != parent:
                raw = l1_raw or ""
                if a.level1_raw and not a.level1_continued:
                    why = f"一级指标 '{raw}' contradicts 二级指标 '{l2}'; taken from the taxonomy"
                elif raw:
                    why = f"一级指标 was missing (the row above says '{raw}', which does not hold '{l2}'); taken from the taxonomy"
                else:
                    why = f"一级指标 was missing; taken from the taxonomy of 二级指标 '{l2}'"
                notes.append(RowAnomaly("level1", "level1_inferred", "info", raw, parent, why))
                level1 = parent
                l1 = parent
        l2_written = bool(a.level2_raw) and not a.level2_continued
        if not a.is_indicator:
            pending.extend(n for n in notes if n.code in ("taxonomy_fuzzy_match", "taxonomy_unknown")
                           and n not in group_warnings.values())
            continue
        notes = pending + notes
        pending = []
        d = _draft(a, level1, l2, l1_raw, l2_raw, notes, header_cols)
        drafts.append(d)
    return drafts


def _draft(a: AssignedRow, level1, level2, l1_raw, l2_raw, notes: list[RowAnomaly], header_cols) -> IndicatorDraft:
    moved = shifted_fields(a, header_cols)
    if moved:
        where = "; ".join(f"{f} from column {a.source_cols[f] + 1} to {header_cols[f] + 1}" for f in moved)
        notes.append(RowAnomaly(moved[0], "column_shift", "info", "", "",
                                f"cells of this row stood under other headers and were reassigned by content: {where}"))
    op = _parse_operator(a.operator_text) if a.operator_text else None
    value_text = clean_text(a.value_text)
    pv = values.parse_value_cell(value_text) if value_text else values.ParsedValue(None, None, None, None)
    if a.anchor_kind != "operator" or (op is None and pv.operator is not None):
        op = op or pv.operator
    value = pv.value if pv.value is not None else (value_text or None)
    unit = a.unit or pv.unit or None
    value_num = pv.value_num
    if op is None and value is not None and value_num is None:
        op = values.QUALITATIVE
        if "operator" in header_cols:
            # the form has a 指标类型 column and left it empty (the older layout has none: a text
            # value there simply is a 定性 indicator)
            notes.append(RowAnomaly("operator", "missing_field", "warning", "", op,
                                    "指标类型 is empty; the value is text, so the indicator is taken as 定性"))
    if op == values.QUALITATIVE:
        if value_text:
            value = value_text
        value_num = None
        if unit:
            notes.append(RowAnomaly("unit", "unit_on_qualitative", "warning", unit, "",
                                    f"a 定性 indicator carries the unit '{unit}'; the unit was dropped"))
            unit = None
    elif op is not None and value is not None and value_num is None:
        notes.append(RowAnomaly("value", "non_numeric_value", "warning", value, value,
                                f"the quantitative indicator's value '{value}' is not a number"))
    _checkbox_notes(a, op, notes)
    cells = list({id(c): c for c in a.cells.values()}.values())
    for f, c in a.cells.items():
        for r in c.repairs:
            code = column_cues().repair_codes.get(r.kind, "ocr_repair")
            notes.append(RowAnomaly(f, code, "info", r.raw, r.fixed, r.message or f"{r.kind} repaired"))
    return IndicatorDraft(
        level1=level1, level2=level2, level3=a.level3 or None, operator=op, value=value, value_num=value_num,
        unit=unit, explanation=a.explanation or None,
        scoring_rule=a.scoring_rule or None, note=a.note or None, level1_raw=l1_raw, level2_raw=l2_raw,
        page=a.page, cells=cells, anomalies=notes,
    )


def _checkbox_notes(a: AssignedRow, op: str | None, notes: list[RowAnomaly]) -> None:
    t = a.operator_text or ""
    if "☑" in t and "☐" in t and op is not None:
        return  # a list of options with one ticked: the ticked one was taken
    if a.operator_checkbox == CheckboxState.UNCHECKED and op is not None:
        notes.append(RowAnomaly("operator", "checkbox_conflict", "info", clean_text(t), op,
                                f"the box of '{op}' is not ticked, though the row is '{op}'"))
