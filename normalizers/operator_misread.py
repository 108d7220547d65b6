"""Operators read as digits: ``≥`` OCR'd or converted as ``2`` (``≥92%`` -> ``292%``, a lone ``2``
in the 指标类型 column).

The repair is made only where the form shows that an operator belongs there: a lone ``2`` right
before the row's number in a form with a 指标类型 column (a row with no operator), or a value
cell in a column whose other numeric cells start
with an operator. In a value cell the repaired reading must also be more plausible than the
written one (``292%`` is no percentage; ``92%`` is) -- unless the column shows the reader misread
the operator throughout (every bare number in it starts with ``2``, and operators or an impossible
``292%`` stand beside them), as OCR of one font does. Each repair is logged on the cell as a
``operator_misread`` repair (a warning: a person should confirm it), with raw and fixed text.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from extractors.ir import Repair
from vocab import CHECK_GLYPHS, values
from vocab.labels import clean_text
from vocab.units import units_yaml

CODE = "operator_misread"
_VALUE_CELL_MAX = 24  # characters of a value cell (operator, number, unit)
_BOXES = re.compile(rf"[{CHECK_GLYPHS}\s]")


@lru_cache(maxsize=1)
def _config() -> tuple[dict[str, str], float]:
    raw = units_yaml()
    return {str(k): str(v) for k, v in raw["operator_lookalikes"].items()}, float(raw["operator_column_evidence"])


def misread_operator_cell(text: str) -> str | None:
    """The operator a lone lookalike digit in an operator cell stands for ("2", "☑ 2" -> "≥")."""
    lookalikes, _ = _config()
    return lookalikes.get(_BOXES.sub("", clean_text(text)))


def misread_value_cell(text: str) -> str | None:
    """The value cell read with its leading lookalike digit as the operator ("292%" -> "≥92%"),
    when that reading is the plausible one; else None."""
    lookalikes, _ = _config()
    t = clean_text(text).replace(" ", "")
    if len(t) < 2 or t[0] not in lookalikes or values.parse_value_cell(t).operator is not None:
        return None
    fixed = lookalikes[t[0]] + t[1:]
    return fixed if values.leading_digit_is_sign(t, fixed) else None


def _starts_with_operator(text: str) -> bool:
    pv = values.parse_value_cell(clean_text(text))
    return pv.operator is not None and pv.operator != values.QUALITATIVE and pv.value_num is not None


def _column_holds_operators(rows, col: int) -> bool:
    _, share = _config()
    numeric = [s.text for r in rows for s in r.slots
               if s.col == col and not s.continued and re.search(r"\d", s.text or "")]
    with_op = sum(1 for t in numeric if _starts_with_operator(t))
    return with_op >= 2 and with_op >= share * (len(numeric) - 1)


def lookalike_reading(text: str) -> str | None:
    """A bare number led by a lookalike digit read with that digit as its operator ("2420" ->
    "≥420"), when the rest is a number as written (not "≥0…"); else None."""
    lookalikes, _ = _config()
    t = clean_text(text).replace(" ", "")
    if len(t) < 2 or t[0] not in lookalikes or values.parse_value_cell(t).operator is not None:
        return None
    if t[1] == "0" and t[2:3] != ".":
        return None
    reread = values.parse_value_cell(lookalikes[t[0]] + t[1:])
    if reread.operator is None or reread.value_num is None:
        return None
    return lookalikes[t[0]] + t[1:]


def _systematic_misreads(rows, col: int) -> bool:
    """Whether the reader of this column read an operator as a digit throughout: every numeric
    cell without an operator starts with the lookalike digit (two at least; bare numbers of a
    form start with any digit), and the column shows operators elsewhere or one of those cells
    is impossible as written (292%)."""
    numeric = [s.text for r in rows for s in r.slots
               if s.col == col and not s.continued and re.search(r"\d", s.text or "")
               and len(clean_text(s.text)) <= _VALUE_CELL_MAX]  # a text slid into the column is no value
    # bare numbers ('2420套'; a cell led by a glyph OCR made of another operator, '$60万元', is none)
    bare = [t for t in numeric if (pv := values.parse_value_cell(clean_text(t))).operator is None
            and pv.value_num is not None and clean_text(t)[:1].isdigit()]
    led = [t for t in bare if lookalike_reading(t) is not None]
    if len(bare) < 2 or len(led) != len(bare):
        return False
    return any(_starts_with_operator(t) for t in numeric) or any(misread_value_cell(t) for t in led)


def _is_ocr_cell(slot) -> bool:
    """A cell an OCR engine read (its confidence is below that of text read from a file)."""
    return slot.cell is not None and slot.cell.confidence < 1.0


def _repaired(slot, fixed: str, what: str):
    raw = clean_text(slot.text)
    shown = clean_text(fixed)
    repair = Repair(kind=CODE, raw=raw, fixed=shown,
                    message=f"'{raw}' read as '{shown}': an operator of {what} was read as a digit")
    cell = slot.cell.model_copy(update={"text": fixed, "repairs": [*slot.cell.repairs, repair]}) if slot.cell else None
    return replace(slot, text=fixed, cell=cell)


def repair_misread_operators(rows: list, header_cols: dict[str, int]) -> list:
    """The rows (normalizers.columns.SourceRow) with misread operators repaired in their cells."""
    op_col = header_cols.get("operator")
    operator_column = op_col is not None  # the header has a 指标类型 column
    # the value columns (the annual and the long-term one) that write their operators, and those
    # whose reader misread the operator throughout
    value_cols = [c for c in (header_cols.get("value"), header_cols.get("value_long_term")) if c is not None]
    with_operators = {c for c in value_cols if _column_holds_operators(rows, c)}
    systematic = set() if operator_column else {
        c for c in value_cols if c not in with_operators and _systematic_misreads(rows, c)}
    if not operator_column and not with_operators and not systematic:
        return rows
    out = []
    for r in rows:
        slots = list(r.slots)
        active = [k for k, s in enumerate(slots) if not s.continued and s.text.strip()]
        has_operator = any(values.parse_operator(slots[k].text) is not None for k in active)
        for n, k in enumerate(active):
            s = slots[k]
            following = slots[active[n + 1]].text if n + 1 < len(active) else ""
            # a lone "2" just before the row's number, in a row with no operator: the 指标类型 cell
            # (rows may stand shifted, so its place is found from its neighbour, not its column)
            if operator_column and not has_operator and misread_operator_cell(s.text) is not None \
                    and values.parse_value_cell(clean_text(following)).value_num is not None:
                op = misread_operator_cell(s.text)
                slots[k] = _repaired(s, s.text.replace(clean_text(s.text).strip(CHECK_GLYPHS + " ")[0], op, 1),
                                     "the 指标类型 cell")
                has_operator = True
            elif s.col in with_operators:
                fixed = misread_value_cell(s.text)
                if fixed is not None:
                    slots[k] = _repaired(s, fixed, "the value")
                elif _is_ocr_cell(s) and (fixed := lookalike_reading(s.text)) is not None:
                    # a bare number in a column that writes its operators, read by OCR: '≥24' -> '224'
                    slots[k] = _repaired(s, fixed, "the value (OCR; the other values of the column carry "
                                                   "their operators)")
            elif s.col in systematic:
                fixed = lookalike_reading(s.text)
                if fixed is not None:
                    slots[k] = _repaired(s, fixed, "the value (every bare number of the column starts "
                                                   "with that digit)")
        out.append(replace(r, slots=slots))
    return out
