"""Domain-aware repair of OCR text from a scanned performance-target form.

OCR confuses a few glyphs in ways the form's structure exposes: the 指标类型 column holds only an
operator or 定性, so a "V" or "》" there is ≥; a value cell holds a number, so "1O0" is 100; a unit
cell holds a unit, so "96" is %; a footer date is digits. Each repair function is pure, returns
the repaired text with a list of Repair records (kind, raw, fixed, message) and never raises.
Columns get their role from the table's header row; a continuation table without a header takes
the roles of the table before it. Confusion lists live in extractors/data/ocr_repair.yaml.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import yaml

from vocab import (
    CHECK_GLYPHS,
    CJK_IDEOGRAPH_CLASS,
    OPERATORS,
    QUALITATIVE,
    compact_ocr_cell,
    is_cjk_ideograph_ext_a,
)
from vocab.labels import form_labels
from vocab.units import is_unit

from .. import DATA_DIR
from ..ir import Repair, Table

KNOWN_OPERATORS = frozenset(OPERATORS) | {QUALITATIVE}


@dataclass(frozen=True)
class RepairRules:
    operator_cell: dict[str, str]  # reading -> operator
    checkbox_readings: frozenset[str]
    value_prefix: tuple[tuple[str, str], ...]  # (reading, operator), longest first
    digit_map: dict[str, str]
    unit_cell: dict[str, str]
    unit_readings: dict[str, tuple[str, ...]]  # unit -> its misreadings (unit_cell turned round)
    vocabulary_confidence: float
    glyph_replaceable: frozenset[str]
    ambiguous_strictness: frozenset[str]
    strict_needs_strokes: frozenset[str]
    column_roles: dict[str, str]  # compacted header label -> role
    date_re: re.Pattern
    phone_re: re.Pattern
    phone_labels: tuple[str, ...]
    times_sign_re: re.Pattern  # a misread multiplication sign between a number and a word


@cache
def rules() -> RepairRules:
    raw = yaml.safe_load((DATA_DIR / "ocr_repair.yaml").read_text(encoding="utf-8"))
    prefixes = [(str(r), op) for op, readings in raw["value_prefix"].items() for r in readings]
    return RepairRules(
        operator_cell={str(r): op for op, readings in raw["operator_cell"].items() for r in readings},
        checkbox_readings=frozenset(str(x) for x in raw["checkbox_readings"]),
        value_prefix=tuple(sorted(prefixes, key=lambda p: -len(p[0]))),
        digit_map={str(c): d for d, chars in raw["digit_confusions"].items() for c in chars},
        unit_cell={str(r): unit for unit, readings in raw["unit_cell"].items() for r in readings},
        unit_readings={unit: tuple(str(r) for r in readings) for unit, readings in raw["unit_cell"].items()},
        vocabulary_confidence=float(raw["vocabulary_confidence"]),
        glyph_replaceable=frozenset(str(x) for x in raw["glyph_replaceable"]),
        ambiguous_strictness=frozenset(str(x) for x in raw["ambiguous_strictness"]),
        strict_needs_strokes=frozenset(str(x) for x in raw["strict_needs_strokes"]),
        column_roles={compact(label): role for role, labels in raw["column_roles"].items() for label in labels},
        date_re=re.compile(raw["date_pattern"]),
        phone_re=re.compile(raw["phone_pattern"]),
        phone_labels=tuple(raw["phone_labels"]),
        times_sign_re=re.compile(
            "(?<=[0-9%％)）])\\s*(" + "|".join(re.escape(str(x)) for x in raw["times_sign_readings"])
            + f")\\s*(?=[{CJK_IDEOGRAPH_CLASS}])"),
    )


compact = compact_ocr_cell  # keeps 「」, unlike the label compaction of the normalizers


def split_glyphs(text: str) -> tuple[str, str]:
    """Leading checkbox glyphs and the rest of a cell's text."""
    i = 0
    while i < len(text) and (text[i] in CHECK_GLYPHS or text[i].isspace()):
        i += 1
    return text[:i].replace(" ", ""), text[i:].strip()


def glyph_may_replace(text: str) -> bool:
    """Whether an OCR reading may be replaced by the comparison sign read from the cell's strokes."""
    return split_glyphs(text)[1].replace(" ", "") in rules().glyph_replaceable


# ---------------------------------------------------------------- cell repairs


def repair_operator_cell(text: str) -> tuple[str, list[Repair]]:
    """The 指标类型 cell: a confusable reading becomes the operator it stands for."""
    glyphs, body = split_glyphs(text)
    key = body.replace(" ", "")
    table = rules().operator_cell
    op = table.get(key) or table.get(unicodedata.normalize("NFKC", key))
    if op is None and not glyphs and len(key) >= 2 and key[0] in rules().checkbox_readings:
        # a checkbox the pixel test missed, read as a character before the operator
        key = key[1:]
        op = table.get(key) or table.get(unicodedata.normalize("NFKC", key))
    if op is None or op == body:
        return text, []
    fixed = glyphs + op
    if key in rules().ambiguous_strictness:
        # an angle read without telling whether a bar lies under it: ≥ or >, ≤ or <
        return fixed, [Repair(kind="operator_guess", raw=text, fixed=fixed,
                              message=f"operator cell read as '{body}', which may stand for {op} or "
                                      f"{'>' if op == '≥' else '<'}: check the sign")]
    return fixed, [Repair(kind="operator", raw=text, fixed=fixed, message=f"operator cell read as '{body}'")]


def repair_number_run(run: str) -> str:
    """Digits for confusable letters inside a run that is otherwise a number ("1O0" -> "100")."""
    table = rules().digit_map
    return "".join(table.get(ch, ch) for ch in run)


_NUMBERISH = re.compile(r"^[0-9OoQDlI|i!丨ZzSsbBgq.,]+$")


def repair_value_cell(text: str) -> tuple[str, list[Repair]]:
    """A 指标值 cell: an operator mark before a number, and letters read for digits in the number."""
    repairs: list[Repair] = []
    body = text.strip()
    for reading, op in rules().value_prefix:
        rest = body[len(reading):].lstrip()
        if body.startswith(reading) and rest[:1].isdigit():
            fixed = op + rest
            repairs.append(Repair(kind="operator", raw=body, fixed=fixed, message=f"'{reading}' before a number read as {op}"))
            body = fixed
            break
    m = re.match(r"^([≥≤<>=]?)\s*(\S+?)([^0-9OoQDlI|i!丨ZzSsbBgq.,]*)$", body)
    if m:
        op, number, tail = m.groups()
        if _NUMBERISH.match(number) and any(ch.isdigit() for ch in number) and not number.isdigit():
            fixed_number = repair_number_run(number)
            if re.fullmatch(r"\d+(?:[.,]\d+)*", fixed_number) and fixed_number != number:
                fixed = op + fixed_number + tail
                repairs.append(Repair(kind="digit", raw=body, fixed=fixed, message=f"'{number}' read as {fixed_number}"))
                body = fixed
    return (body if repairs else text), repairs


def repair_unit_cell(text: str) -> tuple[str, list[Repair]]:
    """A 计量单位 cell: a known misreading of a unit becomes the unit."""
    body = text.strip()
    unit = rules().unit_cell.get(body.replace(" ", ""))
    if unit is None or unit == body:
        return text, []
    return unit, [Repair(kind="unit", raw=body, fixed=unit, message=f"unit read as '{body}'")]


def repair_free_line(text: str) -> tuple[str, list[Repair]]:
    """A line outside the table: letters read for digits inside a date or a phone number."""
    r = rules()
    repairs: list[Repair] = []

    def fix(m: re.Match) -> str:
        raw = m.group(0)
        fixed = repair_number_run(raw)
        if fixed != raw:
            repairs.append(Repair(kind="date" if r.date_re is m.re else "digit", raw=raw, fixed=fixed,
                                  message=f"'{raw}' read as {fixed}"))
        return fixed

    out = r.date_re.sub(lambda m: fix(m) if any(ch.isdigit() for ch in m.group(0)) else m.group(0), text)
    if any(label in out for label in r.phone_labels):
        out = r.phone_re.sub(
            lambda m: fix(m) if sum(ch.isdigit() for ch in m.group(0)) >= len(m.group(0)) - 2 else m.group(0), out
        )
    return out, repairs


def repair_text_cell(text: str) -> tuple[str, list[Repair]]:
    """A text cell (explanation, scoring rule): the multiplication sign of a formula read as a
    letter ('/4300x指标分值' -> '/4300×指标分值')."""
    fixed = rules().times_sign_re.sub("×", text)
    if fixed == text:
        return text, []
    return fixed, [Repair(kind="glyph", raw=text, fixed=fixed, message="a multiplication sign read as a letter")]


def is_known_operator(text: str) -> bool:
    return split_glyphs(text)[1] in KNOWN_OPERATORS


def is_known_unit(text: str) -> bool:
    """A unit of measure as the normalizers know them (composed units included)."""
    try:
        return bool(is_unit(text))
    except Exception:  # noqa: BLE001 - a vocabulary check must never break extraction
        return False


# ---------------------------------------------------------------- tables


def column_roles(table: Table) -> dict[int, str]:
    """Column index -> role ("operator", "value", "unit") from the header row, if the table has one."""
    labels = rules().column_roles
    for row in table.rows():
        roles = {}
        for cell in row:
            role = labels.get(compact(cell.text))
            if role:
                for col in range(cell.col, cell.col + cell.colspan):
                    roles[col] = role
        if len(roles) >= 2:
            return roles
    return {}


@cache
def header_labels() -> tuple[str, ...]:
    """Column header labels of the indicator table, in the order the normalizers list them."""
    return tuple(label for labels in form_labels().indicator_header.values() for label in labels)


_is_cjk = is_cjk_ideograph_ext_a


def is_header_row(cells: list) -> bool:
    """Whether a table row is the indicator table's column header (two or more known labels)."""
    known = set(header_labels()) | set(rules().column_roles)
    return sum(compact(c.text) in known for c in cells) >= 2


def repair_header_row(cells: list) -> list:
    """Header labels with one non-CJK mark read for a character ("-级指标" -> 一级指标).

    Only a substitution at a position where OCR gave punctuation or a Latin letter is repaired;
    when several labels fit (一级/二级/三级), the first one not used earlier in the row is taken.
    """
    labels = header_labels()
    known = set(labels)
    texts = [compact(c.text) for c in cells]
    if not labels or sum(t in known for t in texts) < 2:
        return cells
    used = set(texts)
    out = []
    for cell, folded in zip(cells, texts):
        if folded in known:
            out.append(cell)
            continue
        # compare on the text with its punctuation: ":级指标" is a label with one char misread
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell.text))
        if not 2 <= len(text) <= 8:
            out.append(cell)
            continue
        fits = [
            label
            for label in labels
            if len(label) == len(text)
            and sum(a != b for a, b in zip(label, text)) == 1
            and all(a == b or not _is_cjk(b) for a, b in zip(label, text))
            and label not in used
        ]
        if not fits:
            out.append(cell)
            continue
        used.add(fits[0])
        repair = Repair(kind="label", raw=cell.text, fixed=fits[0], message=f"header read as '{cell.text}'")
        out.append(cell.model_copy(update={"text": fits[0], "repairs": [*cell.repairs, repair]}))
    return out


def repair_table(table: Table, inherited: dict[int, str] | None = None) -> tuple[Table, dict[int, str]]:
    """Apply the repairs each cell's column allows; returns the table and the roles used.

    A cell whose repaired text is a vocabulary operator or unit gets at least
    ``vocabulary_confidence``: a wrong reading rarely lands on a valid entry.
    """
    fixed_rows = {}
    for row in table.rows():
        repaired = repair_header_row(row)
        for before, after in zip(row, repaired):
            if after is not before:
                fixed_rows[(before.row, before.col)] = after
    if fixed_rows:
        table = table.model_copy(
            update={"cells": [fixed_rows.get((c.row, c.col), c) for c in table.cells]}
        )
    fixed_cells = {}
    for row in table.rows():
        for before, after in zip(row, repair_header_row(row)):
            if after is not before:
                fixed_cells[(before.row, before.col)] = after
    if fixed_cells:
        table = table.model_copy(update={"cells": [fixed_cells.get((c.row, c.col), c) for c in table.cells]})
    roles = column_roles(table) or (inherited if inherited else {})
    header_rows = {c.row for c in table.cells if compact(c.text) in rules().column_roles}
    cells = []
    for cell in table.cells:
        role = roles.get(cell.col) if cell.colspan == 1 and cell.row not in header_rows else None
        if not cell.text.strip():
            cells.append(cell)
            continue
        if role is None:
            fixed, reps = repair_text_cell(cell.text) if cell.row not in header_rows else (cell.text, [])
            cells.append(cell.model_copy(update={"text": fixed, "repairs": cell.repairs + reps}) if reps else cell)
            continue
        if role == "operator":
            fixed, reps = repair_operator_cell(cell.text)
            known = is_known_operator(fixed)
        elif role == "value":
            fixed, reps = repair_value_cell(cell.text)
            known = False
        else:
            fixed, reps = repair_unit_cell(cell.text)
            known = is_known_unit(fixed)
        conf = cell.confidence
        if known and conf > 0:
            conf = max(conf, rules().vocabulary_confidence)
        cells.append(cell.model_copy(update={"text": fixed, "repairs": cell.repairs + reps, "confidence": conf}))
    if not roles:  # text cells only (a table without an operator, value or unit column)
        return table.model_copy(update={"cells": cells}), roles
    return table.model_copy(update={"cells": cells, "confidence": min(c.confidence for c in cells)}), roles


# ---------------------------------------------------------------- the cell's own reading


# signs the page pass reads for a sign whose bar (or angle) it lost
_SIGN_WITH_BAR = {">": ("≥",), "<": ("≤",), "=": ("≥", "≤")}


def reconcile_own_reading(page_text: str, own_text: str, own_conf: float, min_conf: float,
                          unit_min_conf: float) -> tuple[str, list[Repair]]:
    """A short cell read by the page pass, checked against the same engine's reading of the cell's
    own crop (``self_check`` in scan.yaml). The page pass recognizes each detected line at its
    size on the page and often loses the small sign before a number ('$15万元', '298%', '15万元'
    for '≤15万元', '≥98%'); the crop alone, at full height, shows it. Only the sign is taken from
    the crop's reading, and only where the rest reads the same:

    - the crop reads an operator the page text lacks, or has as a non-digit mark or as the digit
      an operator is misread as ('≥' for '2'), or has without its bar ('>' for '≥');
    - the crop reads the number without the page text's leading look-alike digit ('98%' beside
      '298%'): that digit is the operator (``operator_lookalikes`` in vocab/data/units.yaml);
    - the crop reads a per-mille sign where the page read '%' (less surely: ``unit_min_conf``).

    A digit taken for an operator is logged as ``operator_misread`` (a warning), the per-mille sign
    as ``reread_unit`` (a warning: the crop's reading is less sure), a lost or garbled sign as an
    ``operator`` repair. Anything else is left as the page read it.
    """
    page, own = re.sub(r"\s+", "", page_text), re.sub(r"\s+", "", own_text)
    if not page or not own or page == own or not any(ch.isdigit() for ch in page):
        return page_text, []
    lookalikes = _operator_lookalikes()
    comparison = set(OPERATORS)
    if own_conf >= min_conf:
        sign, rest = (own[0], own[1:]) if own[0] in comparison else ("", own)
        if sign and rest[:1].isdigit():
            if page == rest:
                return _own_sign(page_text, sign + page, "operator", "the page pass lost the sign before the number")
            head, tail = page[0], page[1:]
            if tail == rest and head not in comparison and not head.isdigit():
                return _own_sign(page_text, sign + tail, "operator", f"'{head}' before the number is {sign}")
            if tail == rest and lookalikes.get(head) == sign:
                return _own_sign(page_text, sign + tail, "operator_misread",
                                 f"the '{head}' before the number is the sign {sign}")
            if tail == rest and sign in _SIGN_WITH_BAR.get(head, ()):
                return _own_sign(page_text, sign + tail, "operator", f"'{head}' is {sign} (its bar was lost)")
        if not sign and len(page) > len(own) and page[1:] == own and page[0] in lookalikes and own[:1].isdigit():
            fixed = lookalikes[page[0]] + own
            return _own_sign(page_text, fixed, "operator_misread",
                             f"'{own}' without the leading '{page[0]}': it is the sign {lookalikes[page[0]]}")
    if own_conf >= unit_min_conf and page.endswith(("%", "％")):
        for reading in (*rules().unit_readings.get("‰", ()), "‰"):
            if own.endswith(reading) and own[: -len(reading)] == page[:-1]:
                return _own_sign(page_text, page[:-1] + "‰", "reread_unit",
                                 f"'{own}' ({own_conf:.2f}): a per-mille sign")
    return page_text, []


def _own_sign(raw: str, fixed: str, kind: str, why: str) -> tuple[str, list[Repair]]:
    return fixed, [Repair(kind=kind, raw=raw, fixed=fixed, message=f"the cell's own crop reads it again: {why}")]


@cache
def _operator_lookalikes() -> dict[str, str]:
    from vocab.units import units_yaml

    return {str(k): str(v) for k, v in units_yaml()["operator_lookalikes"].items()}
