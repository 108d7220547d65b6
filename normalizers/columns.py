"""Assign the cells of indicator rows to columns by their content, not their position.

OCR'd and flattened tables lose merged cells and let cells slide sideways. Each row is anchored on
its type/operator cell (or, in the older layout, on its 指标值 cell holding operator and number);
cells to its left are level-1 / level-2 / level-3 names told apart by the taxonomy, and the value,
unit, explanation, scoring rule and note to its right are recognised by their content. Gaps left by
merged level-1/level-2 cells are filled down from the rows above.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from extractors.ir import Cell, CheckboxState, Repair
from extractors.scan import ocr_repair
from normalizers import DATA_DIR
from normalizers.centred_labels import LabelRow, Placement, misfits, place_groups
from normalizers.operator_misread import repair_misread_operators
from normalizers.plausibility import domain_term_readings
from vocab import CHECKED, CJK_IDEOGRAPH_CLASS, UNCHECKED, is_only_checkboxes, taxonomy, values
from vocab.chinese_script import to_simplified
from vocab.labels import clean_text, compact, is_block_label, is_direction_word, is_rule_text, period_section

_DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class ColumnCues:
    loose_name_threshold: float
    max_operator_cell_length: int
    max_opvalue_cell_length: int
    repair_codes: dict[str, str]
    repair_severity: dict[str, str]
    lone_name_threshold: float
    checkbox_lookalikes: frozenset[str]
    numeric_side_fields: frozenset[str]
    standard_max_length: int
    rule_min_length: int
    value_max_length: int
    side_by_side_order: str
    unit_lookalikes: dict[str, str]


@lru_cache(maxsize=1)
def column_cues() -> ColumnCues:
    raw = yaml.safe_load((DATA_DIR / "columns.yaml").read_text(encoding="utf-8"))
    return ColumnCues(
        loose_name_threshold=float(raw["loose_name_threshold"]),
        max_operator_cell_length=int(raw["max_operator_cell_length"]),
        max_opvalue_cell_length=int(raw["max_opvalue_cell_length"]),
        repair_codes=dict(raw.get("repair_codes", {})),
        repair_severity=dict(raw.get("repair_severity", {})),
        lone_name_threshold=float(raw["lone_name_threshold"]),
        checkbox_lookalikes=frozenset(raw["checkbox_lookalikes"]),
        numeric_side_fields=frozenset(raw["numeric_side_fields"]),
        standard_max_length=int(raw["standard_max_length"]),
        rule_min_length=int(raw["rule_min_length"]),
        value_max_length=int(raw["value_max_length"]),
        side_by_side_order=str(raw["side_by_side_order"]),
        unit_lookalikes={str(k): str(v) for k, v in raw["unit_lookalikes"].items()},
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
    target_period: str = "annual"
    weight: float | None = None
    score: float | None = None
    standard: str | None = None
    direction: str | None = None
    actual_value: str | None = None
    actual_score: float | None = None
    deviation_reason: str | None = None
    # the level-1 was not written for this row and was taken from the taxonomy of its level-2
    level1_from_taxonomy: bool = False
    # the cells whose OCR confidence says how sure the row's reading is (not the 评分标准: template
    # text full of signs and numbers that OCR scores low and reads right, 13 of 13 on the family scans)
    judged_cells: list[Cell] = field(default_factory=list)


def _is_operator_cell(text: str) -> bool:
    """A cell of the 指标类型 column: an operator or 定性, maybe with checkbox glyphs, no number."""
    t = (text or "").strip()
    if not t:
        return False
    if is_only_checkboxes(t):
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


# Columns other provinces add beside the contract's (long-term target, 权重, 分值, 绩效标准,
# 指标方向性, the self-evaluation's 实际完成值/得分/偏差原因): read from the column their header
# names, when the cell's content fits; everything else in the row is assigned by content.
SIDE_FIELDS = ("value_long_term", "weight", "score", "standard", "direction", "actual_value", "actual_score",
               "deviation_reason")
# text columns the content assignment expects after the value; standing before it (指标解释 |
# 目标值) they are read by header position too
_TRAILING_FIELDS = ("explanation", "scoring_rule", "note")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def side_number(text: str) -> float | None:
    """A weight or score cell as a number ('15', '15%', '10分', '7.5'); None when it is none."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).rstrip("%分")
    return float(t) if _NUMBER_TEXT.match(t) else None


def _side_cell_fits(field_name: str, text: str) -> bool:
    t = clean_text(text)
    if not t:
        return True
    cues = column_cues()
    if field_name in cues.numeric_side_fields:
        return side_number(t) is not None
    if field_name == "direction":
        return is_direction_word(t)
    if field_name == "standard":
        return len(compact(t)) <= cues.standard_max_length and not _DIGIT.search(t)
    if field_name == "value_long_term":
        return not _is_long_rule(t)
    if field_name in _TRAILING_FIELDS:
        return not (_is_operator_cell(t) or _is_opvalue_cell(t))
    return True  # actual_value, deviation_reason: any text


def side_columns(header_cols: dict[str, int]) -> dict[str, int]:
    """Fields read by header position -> their grid column."""
    wanted = {f: header_cols[f] for f in SIDE_FIELDS if f in header_cols}
    anchors = [header_cols[f] for f in ("operator", "value") if f in header_cols]
    names = [header_cols[f] for f in ("level1", "level2", "level3") if f in header_cols]
    if anchors:
        for f in _TRAILING_FIELDS:
            col = header_cols.get(f)
            if col is not None and col < min(anchors) and col > max(names, default=-1):
                wanted[f] = col
    return wanted


def split_side_cells(row: SourceRow, header_cols: dict[str, int]
                     ) -> tuple[SourceRow, dict[str, Slot], list[RowAnomaly]]:
    """The row without the cells of its side columns, those cells by field, and a column_shift
    note for each side cell whose content does not fit its header (it stays in the row)."""
    by_col = {col: f for f, col in side_columns(header_cols).items()}
    if not by_col:
        return row, {}, []
    keep: list[Slot] = []
    taken: dict[str, Slot] = {}
    notes: list[RowAnomaly] = []
    for s in row.slots:
        f = by_col.get(s.col)
        if f is None or s.continued:
            keep.append(s)
        elif _side_cell_fits(f, s.text):
            taken[f] = s
        else:
            keep.append(s)
            notes.append(RowAnomaly(f, "column_shift", "warning", clean_text(s.text), "",
                                    f"the cell '{clean_text(s.text)}' stands under the {f} header but does not "
                                    f"read as one; it was assigned by its content"))
    return SourceRow(keep, page=row.page, table_index=row.table_index, row_index=row.row_index), taken, notes


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
            elif taxonomy.other_framework_level1(s.text):
                lvl = 1  # 投入指标 / 过程指标 of the older framework
            elif not last and column_level is not None:
                # a name the taxonomy does not know, standing under the 一级/二级指标 header with the
                # level-3 name still to come: a level name all the same (reported taxonomy_unknown)
                lvl = column_level
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
        _drop_trailing_speck(out, level3_parts[-1])
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
    _drop_speck_after_number(out)
    _repair_unit_after_number(out)
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
        elif u.col == header_cols.get("unit") and _ocr_read(u.cell) and (unit := _misread_unit_cell(u.text)):
            # '%.' under the 计量单位 header: a speck beside the unit, not the 指标解释 (which would
            # shift every text cell after it one column on)
            out.unit = unit
            _put(out, "unit", u)
            out.cells["unit"] = _repaired(u.cell, Repair(
                kind="unit", raw=u.text.strip(), fixed=unit,
                message=f"the 计量单位 cell read '{u.text.strip()}': the unit '{unit}' with a speck"), explains_doubt=True)
            rest_start += 1
    texts = [s for s in active[rest_start:] if clean_text(s.text)]
    named_cols = {header_cols[f] for f in _TRAILING_FIELDS if f in header_cols}
    _assign_trailing_text(out, texts, _trailing_columns(header_cols), named_cols)
    _repair_domain_terms(out)
    return out


def _ocr_read(cell: Cell | None) -> bool:
    """Whether the cell's text came from OCR (text read from a file has confidence 1.0 and keeps
    whatever it says)."""
    return cell is not None and cell.confidence < 1.0


def _repaired(cell: Cell, repair: Repair, explains_doubt: bool = False) -> Cell:
    """The cell with the repair logged on it (an ocr_repair anomaly later). ``explains_doubt``: the
    repaired glyph was what the engine could not read, so the cell is as sure as the scan path takes
    a cell read exactly as the vocabulary (ocr_repair.yaml vocabulary_confidence)."""
    update: dict = {"repairs": [*cell.repairs, repair]}
    if explains_doubt:
        update["confidence"] = max(cell.confidence, ocr_repair.rules().vocabulary_confidence)
    return cell.model_copy(update=update)


# a Latin letter or a dot OCR made of a speck right after the last Chinese character of a name
_TRAILING_SPECK = re.compile(rf"(?<=[{CJK_IDEOGRAPH_CLASS}）)])[A-Za-z.,'`·]$")


def _drop_trailing_speck(out: AssignedRow, last: Slot) -> None:
    """'居民健康素养水平.' / '维修加固山塘N' read by OCR: the speck is no part of the name (logged as an
    OCR repair on the cell; text read from a file keeps whatever it says)."""
    if not _ocr_read(last.cell) or not _TRAILING_SPECK.search(out.level3):
        return
    raw, out.level3 = out.level3, out.level3[:-1]
    out.cells["level3"] = _repaired(out.cells.get("level3") or last.cell, Repair(
        kind="speck", raw=raw, fixed=out.level3, message=f"'{raw[-1]}' after the name '{out.level3}' is an OCR speck; dropped"))


# a point OCR made of a speck after a whole number that fills the value cell ('98.')
_SPECK_AFTER_NUMBER = re.compile(r"^(\s*[≥≤><=]?\s*[0-9]+)\s*[.。·]\s*$")


def _drop_speck_after_number(out: AssignedRow) -> None:
    """'98.' read by OCR in a value cell: no decimal follows the point, so it is a speck (logged as an
    OCR repair on the cell). A decimal whose digits OCR lost ('3.2' read '3.') leaves ink the text
    does not account for: the scan's ink check reports it (ink_unread) and the row is doubted.
    Text read from a file keeps whatever it says."""
    cell = out.cells.get("value")
    m = _SPECK_AFTER_NUMBER.match(out.value_text or "")
    if not _ocr_read(cell) or m is None:
        return
    raw, out.value_text = out.value_text, m.group(1).strip()
    out.cells["value"] = _repaired(cell, Repair(
        kind="speck", raw=raw, fixed=out.value_text,
        message=f"the point after the number '{out.value_text}' is an OCR speck (no decimal follows); dropped"))


_NUMBER_THEN_TAIL = re.compile(r"^(\s*[≥≤><=]?\s*[0-9]+(?:\.[0-9]+)?\s*)(\S{1,9})$")


def unit_readings(tail: str) -> set[str]:
    """The units an OCR reading of a unit after a number may stand for: a known misreading of a whole
    unit (ocr_repair.yaml unit_cell: 夭 for 天, 万兀 for 万元), the reading with a speck or a glyph read
    twice at its end dropped (天E, 公里里, %6), or with one glyph read as its look-alike (□ for 口, I
    for 工: columns.yaml unit_lookalikes)."""
    def named(unit: str) -> bool:  # a unit of the vocabulary, not any short run of letters (km, m2)
        return values.is_unit(unit) and not re.fullmatch(r"[A-Za-z0-9]+", unit)

    found = set()
    if tail in ocr_repair.rules().unit_cell:
        found.add(ocr_repair.rules().unit_cell[tail])
    if len(tail) >= 2 and named(tail[:-1]):
        found.add(tail[:-1])
    for i, ch in enumerate(tail):
        alt = column_cues().unit_lookalikes.get(ch)
        if alt and named(fixed := tail[:i] + alt + tail[i + 1:]):
            found.add(fixed)
    return found


_UNIT_CELL_MARKS = re.compile(r"[\s.,，。、·:：;；'`]")


def _misread_unit_cell(text: str) -> str | None:
    """The one unit an OCR'd 计量单位 cell stands for where specks read as marks stand beside it ('%.',
    '. %') or its glyphs read as a unit_readings case; None where no unit, or several, read so."""
    t = re.sub(r"\s+", "", text)
    if not t or values.is_unit(t):
        return None
    bare = _UNIT_CELL_MARKS.sub("", t)
    named = bool(bare) and values.is_unit(bare) and (not bare.isascii() or bare in ("%", "‰"))
    readings = ({bare} if named else set()) | unit_readings(t)
    return readings.pop() if len(readings) == 1 else None


def _repair_unit_after_number(out: AssignedRow) -> None:
    """'24□', '30个I作日', '365天E' read by OCR in a value cell: the text after the number is no unit,
    and exactly one unit reads so (unit_readings). The unit is put back and logged as an OCR repair
    on the cell; anything else is left to the value check (non_numeric_value). Text read from a file
    keeps whatever it says."""
    cell = out.cells.get("value")
    m = _NUMBER_THEN_TAIL.match(out.value_text or "")
    if not _ocr_read(cell) or m is None or values.is_unit(m.group(2)):
        return
    readings = unit_readings(m.group(2))
    if len(readings) != 1:
        return
    number, unit = m.group(1).strip(), readings.pop()
    raw, out.value_text = out.value_text, number + unit
    out.cells["value"] = _repaired(cell, Repair(
        kind="unit", raw=raw, fixed=out.value_text,
        message=f"'{m.group(2)}' after the number is no unit; read as the unit '{unit}'"), explains_doubt=True)


_TERM_FIELDS = ("level3", "explanation", "scoring_rule")


def _repair_domain_terms(a: AssignedRow) -> None:
    """A look-alike read for a character of a term of the form family where the reading makes no word
    (工程峻工验收: 竣 read as 峻; plausibility.domain_term_readings): the term is put back in OCR'd
    cells and logged as an OCR repair; text read from a file keeps whatever it says."""
    for f in _TERM_FIELDS:
        cell, text = a.cells.get(f), getattr(a, f)
        if not _ocr_read(cell) or not text:
            continue
        fixed = text
        for i, alt in domain_term_readings(text):
            fixed = fixed[:i] + alt + fixed[i + 1:]
        if fixed == text:
            continue
        setattr(a, f, fixed)
        changed = [i for i, (x, y) in enumerate(zip(text, fixed, strict=True)) if x != y]
        what = ", ".join(f"{text[i]} as {fixed[i]}" for i in changed)
        # the engine's doubt was the glyph it could not tell from its look-alike
        a.cells[f] = _repaired(cell, Repair(
            kind="glyph", raw=text, fixed=fixed,
            message=f"a character of a term of the form family read as a look-alike that makes no word there "
                    f"({what}: '{fixed[max(0, changed[0] - 2):changed[-1] + 3]}')"), explains_doubt=True)


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


def _is_long_rule(text: str) -> bool:
    """A scoring rule, not a short value that happens to name 分值 or 得分."""
    return is_rule_text(text) and len(compact(text)) > column_cues().rule_min_length


def _anchor_from_rule(active: list[Slot], header_cols: dict[str, int]) -> tuple[int | None, str]:
    """Older layout without an operator in the value: the value stands before the explanation,
    which stands before the scoring rule. Fall back to the header's value column."""
    nonempty = [i for i, s in enumerate(active) if s.text.strip()]
    rule_idx = next((i for i in nonempty if _is_long_rule(active[i].text)), None)
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
    return bool(t) and (bool(_DIGIT.match(t)) or len(compact(t)) <= column_cues().value_max_length)


def _trailing_columns(header_cols: dict[str, int]) -> list[str]:
    """The text columns after the value in the order the header gives them (指标解释 | 备注 with no
    评分标准 column), or all three in the usual order when the header names none of them."""
    named = sorted((col, f) for f, col in header_cols.items() if f in _TRAILING_FIELDS)
    return [f for _, f in named] or list(_TRAILING_FIELDS)


def _assign_trailing_text(out: AssignedRow, texts: list[Slot], slots: list[str], named_cols: set[int]) -> None:
    """The texts after the value into the header's text columns in order; a rule-like text skips
    an absent explanation, and standing in a column the header does not name it is the scoring
    rule even when the header names no such column (its label may have been misread)."""
    k = 0
    for n, s in enumerate(texts):
        rule_like = is_rule_text(s.text)
        if rule_like and "scoring_rule" not in slots and not out.scoring_rule and s.col not in named_cols:
            out.scoring_rule = clean_text(s.text)
            _put(out, "scoring_rule", s)
            continue
        if k >= len(slots):
            # more texts than columns: they belong to the note
            out.note = (out.note + " " + clean_text(s.text)).strip()
            continue
        target = slots[k]
        if target == "explanation" and rule_like and "scoring_rule" in slots[k + 1:]:
            later_rule = any(is_rule_text(t.text) for t in texts[n + 1:])
            if not later_rule:
                k = slots.index("scoring_rule")
                target = "scoring_rule"
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


_LABEL_MARKS = re.compile(r"[\s：:，,。.、;；]")


def label_tail(above_raw: str | None, above: str | None, frag: str, level: int) -> bool:
    """Whether ``frag``, a level-1/level-2 cell that names nothing, is the end of the label of the
    row above, cut off by a ruling the scan drew through their merged cell (服务对象满意度指 | 标):
    joined, the two read exactly as the name the row above was filed under."""
    if not above or not above_raw or _canonical(frag, level)[0] is not None:
        return False
    joined = _LABEL_MARKS.sub("", above_raw) + _LABEL_MARKS.sub("", frag)
    m = taxonomy.match_level1(joined) if level == 1 else taxonomy.match_level2(joined)
    return m is not None and m.canonical == above and m.score >= taxonomy.CONFIDENT_SCORE


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
        covers = taxonomy.other_framework_level1(raw) if field_name == "level1" else None
        why = f" (a name of the older framework, for {covers})" if covers else ""
        return [RowAnomaly(field_name, "taxonomy_unknown", "warning", raw, "",
                           f"{label} '{raw}' matches no name of the taxonomy{why}")]
    if m.reason == "exact":
        return []
    if m.reason == "framework":
        return [RowAnomaly(field_name, "framework_mapped", "warning", raw, m.canonical,
                           f"{label} '{raw}' is a name of another indicator framework, mapped onto '{m.canonical}'")]
    note = _name_note(field_name, label, raw, m)
    if note.severity == "warning":
        group_warnings[field_name] = note
    return [note]


def interpret_rows(rows: list[SourceRow], header_cols: dict[str, int]) -> list[IndicatorDraft]:
    """Indicator drafts of one form in reading order, with the row-level anomalies found on the way."""
    rows = repair_misread_operators(rows, header_cols)
    drafts: list[IndicatorDraft] = []
    l1: str | None = None
    l1_raw: str | None = None
    l2: str | None = None
    l2_raw: str | None = None
    pending: list[RowAnomaly] = []  # name anomalies of placeholder rows, reported on the next indicator
    # guesses a person must confirm (loose name matches) are repeated on every row of their group
    group_warnings: dict[str, RowAnomaly] = {}
    l2_written = False
    period = "annual"  # stacked sections (长期目标 / 年度目标) set it for the rows that follow
    # drafts from these indices on have no level-1 / level-2 name written in their own row
    since_l1 = since_l2 = 0
    # the labels written on each row, per section: where merged labels stand centred, their rows
    # say where the groups are (centred_labels)
    sections: list[list[LabelRow]] = [[]]
    for row in rows:
        row_period, row = _period_of_row(row, header_cols)
        if row_period is not None and row_period != period:
            # a new section starts its own groups
            l1 = l1_raw = l2 = l2_raw = None
            group_warnings.clear()
            l2_written = False
            period = row_period
            since_l1 = since_l2 = len(drafts)
            sections.append([])
        row, side, side_notes = split_side_cells(row, header_cols)
        a = assign_columns(row, header_cols)
        notes: list[RowAnomaly] = list(side_notes)
        new_group = False
        written: dict[str, object] = {}
        if (a.level1_raw and not a.level1_continued and not a.level2_raw and l1_raw
                and a.source_cols.get("level1") == header_cols.get("level2")):
            m2 = taxonomy.match_level2(a.level1_raw)
            if m2 is not None and taxonomy.is_framework_parent(l1_raw, m2.canonical):
                # 满意度指标 in the 二级指标 column under 效益指标: a level-2 of another framework
                a.level2_raw, a.level1_raw = a.level1_raw, ""
                a.source_cols["level2"] = a.source_cols.pop("level1")
        for level, field_name in ((1, "level1"), (2, "level2")):
            frag, above, above_raw = getattr(a, f"{field_name}_raw"), (l1, l2)[level - 1], (l1_raw, l2_raw)[level - 1]
            if frag and not getattr(a, f"{field_name}_continued") and label_tail(above_raw, above, frag, level):
                # the end of the merged label above, cut off by a ruling drawn through its cell
                notes.append(RowAnomaly(field_name, "ocr_repair", "info", frag, above,
                                        f"'{frag}' in the {field_name} cell ends the label above ('{above_raw}' | "
                                        f"'{frag}'): the row stays under {above}"))
                setattr(a, f"{field_name}_raw", above_raw)
                setattr(a, f"{field_name}_continued", True)
        if a.level1_raw:
            c1, m1 = _canonical(a.level1_raw, 1, previous=l1)
            if c1 is None and a.level2_raw == "" and taxonomy.match_level2(a.level1_raw):
                # a level-2 name standing in the level-1 place
                a.level2_raw, a.level1_raw = a.level1_raw, ""
            else:
                notes.extend(_name_notes("level1", "一级指标", a.level1_raw, m1, a.level1_continued, group_warnings))
                if not a.level1_continued:
                    written.update(level1=c1, level1_raw=a.level1_raw, unknown_label=c1 is None)
                if c1 != l1:
                    new_group = True
                l1, l1_raw = c1, a.level1_raw
                if not a.level1_continued and c1 is not None:
                    _fill_up_level1(drafts[since_l1:], c1, a.level1_raw)
                    since_l1 = since_l2 = len(drafts)
        if a.level2_raw:
            c2, m2 = _canonical(a.level2_raw, 2, previous=l2, previous_written=l2_written)
            notes.extend(_name_notes("level2", "二级指标", a.level2_raw, m2, a.level2_continued, group_warnings))
            if not a.level2_continued:
                written.update(level2=c2, level2_raw=a.level2_raw,
                               unknown_label=written.get("unknown_label", False) or c2 is None)
            l2, l2_raw = c2, a.level2_raw
            if not a.level2_continued and c2 is not None:
                _fill_up_level2(drafts[since_l2:], c2, a.level2_raw)
                since_l2 = len(drafts)
        elif new_group:
            l2, l2_raw = None, None  # a new level-1 group does not inherit the previous level-2
            group_warnings.pop("level2", None)
        for w in group_warnings.values():
            if w not in notes:
                notes.append(w)
        # level-1 from the taxonomy when missing or contradicting the level-2
        level1 = l1
        level1_from_taxonomy = False
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
                if raw and (taxonomy.is_framework_parent(raw, l2) or taxonomy.other_framework_level1(raw)):
                    notes = [n for n in notes if not (n.field == "level1" and n.code == "taxonomy_unknown")]
                    notes.append(RowAnomaly("level1", "framework_mapped", "warning", raw, parent,
                                            f"一级指标 '{raw}' is a name of another indicator framework; "
                                            f"二级指标 '{l2}' is under '{parent}' in the canonical taxonomy"))
                level1 = parent
                l1 = parent
                level1_from_taxonomy = not (a.level1_raw and not a.level1_continued)
        l2_written = bool(a.level2_raw) and not a.level2_continued
        if not a.is_indicator:
            pending.extend(n for n in notes if n.code in ("taxonomy_fuzzy_match", "taxonomy_unknown")
                           and n not in group_warnings.values())
            if written:  # a placeholder row (社会成本指标 with nothing after it) holds a place too
                sections[-1].append(LabelRow(**written))
            continue
        notes = pending + notes
        pending = []
        d = _draft(a, level1, l2, l1_raw, l2_raw, notes, header_cols)
        d.target_period = period
        d.level1_from_taxonomy = level1_from_taxonomy
        _put_side_values(d, side)
        before = len(drafts)
        drafts.append(d)
        long_term = side.get("value_long_term")
        if long_term is not None and clean_text(long_term.text):
            long_draft = _long_term_draft(d, long_term)
            if (column_cues().side_by_side_order == "column_order"
                    and long_term.col < header_cols.get("value", long_term.col)):
                drafts.insert(len(drafts) - 1, long_draft)
            else:
                drafts.append(long_draft)
        sections[-1].append(LabelRow(**written, drafts=tuple(range(before, len(drafts)))))
    for section in sections:
        _file_by_centred_labels(section, drafts)
    return drafts


def _file_by_centred_labels(rows: list[LabelRow], drafts: list[IndicatorDraft]) -> None:
    """Where the merged labels of a section stand in the middle of their rows, file each row under
    the groups their places and the rows' own names show (normalizers/centred_labels.py)."""
    from normalizers.plausibility import group_votes

    placement = place_groups(rows, misfits(rows, drafts, group_votes))
    if placement is None:
        return
    _apply_placement(rows, drafts, placement)


def _apply_placement(rows: list[LabelRow], drafts: list[IndicatorDraft], placement: Placement) -> None:
    start = 0
    labels1 = {k: r for k, r in enumerate(rows) if r.level1}
    noted = False
    for group, end in zip(placement.groups, placement.ends):
        parent = taxonomy.level1_of(group.name)
        # the level-1 label written inside this group's run (the run's rows take its name)
        label1 = next((labels1[k] for k in sorted(labels1) if labels1[k].level1 == parent
                       and _run_of(placement, k) == _run_of(placement, start)), None)
        for k in range(start, end + 1):
            for i in rows[k].drafts:
                d = drafts[i]
                if not noted:
                    d.anomalies.append(RowAnomaly(
                        "level2", "labels_centred", "info", "", "",
                        "the merged 一级/二级指标 labels of this table stand in the middle of their rows (as layout "
                        "OCR writes vertically centred text): each row is filed by where the labels stand and what "
                        "it names"))
                    noted = True
                old = d.level2
                if d.level2 != group.name:
                    d.level2, d.level2_raw = group.name, group.raw
                    d.anomalies.append(RowAnomaly(
                        "level2", "group_reassigned", "info", old or "", group.name,
                        f"the merged 二级指标 labels stand mid-span: '{d.level3}' lies in the rows of {group.name}, "
                        f"not {old}, which the row above would fill down"))
                if k in placement.uncertain:
                    # a split one row off fits nearly as well: evidence for the row plausibility step,
                    # not a flag by itself (the split read is right far more often than not)
                    d.anomalies.append(RowAnomaly(
                        "level2", "group_uncertain", "info", old or "", group.name,
                        f"the merged 二级指标 labels stand mid-span and '{d.level3}' could belong to the group next "
                        f"to {group.name} nearly as well"))
                if d.level1 != parent or (label1 is not None and d.level1_raw != label1.level1_raw):
                    d.level1 = parent
                    if label1 is not None:
                        d.level1_raw, d.level1_from_taxonomy = label1.level1_raw, False
                        d.anomalies = [n for n in d.anomalies if n.code != "level1_inferred"]
        start = end + 1


def _run_of(placement: Placement, row: int) -> int:
    """The index of the level-1 run (groups in a row under one 一级指标) that holds ``row``."""
    run, start = 0, 0
    for i, (group, end) in enumerate(zip(placement.groups, placement.ends)):
        if i and taxonomy.level1_of(group.name) != taxonomy.level1_of(placement.groups[i - 1].name):
            run += 1
        if start <= row <= end:
            return run
        start = end + 1
    return run


def _fill_up_level1(above: list[IndicatorDraft], canonical: str, raw: str) -> None:
    """A merged level-1 cell written in the middle of its rows (as OCR places vertically centred
    text) names the rows above it too: those right above, with no level-1 of their own, whose
    level-1 the taxonomy gave as this one, take its name (their level1_inferred note goes)."""
    for d in reversed(above):
        if d.level1 != canonical or not d.level1_from_taxonomy:
            break
        d.level1_raw, d.level1_from_taxonomy = raw, False
        d.anomalies = [n for n in d.anomalies if n.code != "level1_inferred"]


def _fill_up_level2(above: list[IndicatorDraft], canonical: str, raw: str) -> None:
    """The same for a level-2 cell: rows right above it in its level-1 group with no level-2."""
    parent = taxonomy.level1_of(canonical)
    for d in reversed(above):
        if d.level2 is not None or d.level2_raw or d.level1 != parent:
            break
        d.level2, d.level2_raw = canonical, raw


def _period_of_row(row: SourceRow, header_cols: dict[str, int]) -> tuple[str | None, SourceRow]:
    """The target period a section label in the row names (a row holding only 长期目标, or a merged
    cell 年度目标 in the lead column left of the names), and the row without that label. The same
    words elsewhere in a row (a note '年度目标') are data."""
    texts = [s for s in row.slots if s.text.strip() and not s.continued]
    alone = len(texts) == 1
    names = [header_cols[f] for f in ("level1", "level2", "level3") if f in header_cols]
    lead_end = min(names) if names else 0
    period = None
    slots = []
    for s in row.slots:
        p = period_section(s.text) if s.text.strip() and (alone or s.col < lead_end) else None
        if p is None:
            slots.append(s)
            continue
        period = period or p
        slots.append(Slot(text="", col=s.col, cell=None, continued=s.continued))
    if period is None:
        return None, row
    return period, SourceRow(slots, page=row.page, table_index=row.table_index, row_index=row.row_index)


def _put_side_values(d: IndicatorDraft, side: dict[str, Slot]) -> None:
    for f, s in side.items():
        text = clean_text(s.text)
        if f == "value_long_term" or not text:
            continue
        setattr(d, f, side_number(text) if f in column_cues().numeric_side_fields else text)
        if s.cell is not None and all(c is not s.cell for c in d.cells):
            d.cells.append(s.cell)


def _long_term_draft(annual: IndicatorDraft, cell: Slot) -> IndicatorDraft:
    """The record of a row's long-term target (the column beside the annual one): its own operator,
    value and unit, the rest of the row shared. A bare number takes the row's operator."""
    text = clean_text(cell.text)
    pv = values.parse_value_cell(text)
    op, value, num, unit = pv.operator, pv.value, pv.value_num, pv.unit
    notes: list[RowAnomaly] = []
    if op is None:
        if num is not None:
            op = annual.operator if annual.operator not in (None, values.QUALITATIVE) else "="
            if any(n.code == "operator_implied" for n in annual.anomalies) or annual.operator in (None, values.QUALITATIVE):
                # the row writes no operator for either target: noted like the annual one
                notes.append(RowAnomaly("operator", "operator_implied", "info", "", op,
                                        "no operator written for the long-term target: the row's operator "
                                        f"({op}) is taken"))
        else:
            op = values.QUALITATIVE
    if op == values.QUALITATIVE:
        value, num, unit = (pv.value if pv.operator == values.QUALITATIVE else text) or text, None, None
    else:
        unit = unit or annual.unit
        if num is None:
            notes.append(RowAnomaly("value", "non_numeric_value", "warning", value or text, value or text,
                                    f"the long-term target '{text}' of a quantitative indicator is not a number"))
    cells = list(annual.cells)
    judged = list(annual.judged_cells)
    if cell.cell is not None:
        cells.append(cell.cell)
        judged.append(cell.cell)
    return replace(annual, operator=op, value=value, value_num=num, unit=unit, target_period="long_term",
                   cells=cells, judged_cells=judged, anomalies=notes)


_UNJUDGED_FIELDS = ("scoring_rule", "note")


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
    if op is None and pv.value_num is not None and value_text[:1] and not value_text[:1].isdigit() \
            and not _DIGIT.match(unicodedata.normalize("NFKC", value_text[:1])) and value_text[:1] not in "+-.":
        # '$60万元': a glyph before the number that no operator reads as (OCR of '≤' or '≥')
        notes.append(RowAnomaly("operator", "low_confidence", "warning", value_text, "",
                                f"the value cell '{value_text}' starts with '{value_text[0]}', which is no "
                                f"operator: its operator may be misread"))
    value = pv.value if pv.value is not None else (value_text or None)
    unit = a.unit or pv.unit or None
    if unit and values.is_unit(unit):
        unit = to_simplified(unit)  # a unit is vocabulary (萬元 is 万元); free text keeps its script
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
    elif op is None and value_num is not None and "operator" not in header_cols:
        # no operator column and none written: a bare number ('10辆', '250万') is the target itself
        op = "="
        # noted (info) because an operator lost in conversion or OCR looks the same: the row
        # plausibility step weighs it against the form's other rows, which write theirs
        notes.append(RowAnomaly("operator", "operator_implied", "info", "", op,
                                "no operator written (the form has no 指标类型 column): the bare number "
                                "is taken as the target itself (=)"))
    elif op is not None and value is not None and value_num is None:
        notes.append(RowAnomaly("value", "non_numeric_value", "warning", value, value,
                                f"the quantitative indicator's value '{value}' is not a number"))
    _checkbox_notes(a, op, notes)
    cells = list({id(c): c for c in a.cells.values()}.values())
    for f, c in a.cells.items():
        for r in c.repairs:
            code = column_cues().repair_codes.get(r.kind, "ocr_repair")
            severity = column_cues().repair_severity.get(r.kind, "info")
            notes.append(RowAnomaly(f, code, severity, r.raw, r.fixed, r.message or f"{r.kind} repaired"))
    return IndicatorDraft(
        level1=level1, level2=level2, level3=a.level3 or None, operator=op, value=value, value_num=value_num,
        unit=unit, explanation=a.explanation or None,
        scoring_rule=a.scoring_rule or None, note=a.note or None, level1_raw=l1_raw, level2_raw=l2_raw,
        page=a.page, cells=cells, anomalies=notes,
        judged_cells=list({id(c): c for f, c in a.cells.items() if f not in _UNJUDGED_FIELDS}.values()),
    )


def _checkbox_notes(a: AssignedRow, op: str | None, notes: list[RowAnomaly]) -> None:
    t = a.operator_text or ""
    if CHECKED in t and UNCHECKED in t and op is not None:
        return  # a list of options with one ticked: the ticked one was taken
    if a.operator_checkbox == CheckboxState.UNCHECKED and op is not None:
        notes.append(RowAnomaly("operator", "checkbox_conflict", "info", clean_text(t), op,
                                f"the box of '{op}' is not ticked, though the row is '{op}'"))
