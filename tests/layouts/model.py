"""The logical model of a golden layout document: what a form says (its expected records) and how
its table is laid out (a grid of cells with row/col spans), so that every renderer and the ground
truth come from one source.

A `LayoutDoc` holds one or more `Form`s (and page boilerplate around them). A `Form` holds the lines
above its table (title, year, agency), the table `grid` (rows of `Cell`s in HTML order: a cell
covered by a span above or to the left is not repeated), the lines below it (footer) and `record`,
the expected form record of the contract (header fields plus the agreed new fields) with its
indicators and must_flag list.

Indicator tables are usually built with `indicator_block`, which takes `Ind` records (the
semantic indicator: names as written, canonical names, operator, value, unit, ...) and a column set
(`Col`s: header label + which part of the indicator the column shows) and returns grid rows with the
level-1 and level-2 cells merged over their groups, plus the expected indicator records in reading
order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CANONICAL = {
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
LEVEL1_OF = {l2: l1 for l1, l2s in CANONICAL.items() for l2 in l2s}

# The form fields of the contract and the agreed new ones (issue 11); every gt form carries all of
# them (None where the form has none), so a reader that invents a value is caught as well.
FORM_FIELDS = [
    "form_kind", "year", "agency", "project_name", "competent_dept", "fund_total", "fund_fiscal",
    "fund_carryover", "fund_other", "overall_goal", "preparer", "phone", "fill_date", "unit_head",
    "overall_goal_long_term", "agency_code", "competent_dept_code", "implementing_agency",
    "project_attribute", "period", "fund_total_all", "fund_superior", "budget_code",
]
INDICATOR_FIELDS = [
    "seq", "level1", "level2", "level3", "operator", "value", "value_num", "unit", "explanation",
    "scoring_rule", "note", "level1_raw", "level2_raw", "target_period", "weight", "score", "standard",
    "direction", "actual_value", "actual_score", "deviation_reason",
]


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1


Row = list[Cell]


@dataclass
class Ind:
    """One indicator as the form means it. `l1`/`l2` are the names as written in the source;
    `l1_canon`/`l2_canon` the canonical names when they differ. `written_value` overrides how the
    value cell reads in the source (damage such as `292%` for `≥92%`); `flags` are the anomaly codes
    a correct run must report on this row."""

    l1: str
    l2: str
    l3: str
    op: str  # ≥ > = ≤ < or 定性, as recorded
    value: str
    unit: str | None = None
    explanation: str | None = None
    rule: str | None = None
    note: str | None = None
    standard: str | None = None
    direction: str | None = None
    weight: float | None = None
    score: float | None = None
    actual_value: str | None = None
    actual_score: float | None = None
    deviation: str | None = None
    period: str = "annual"
    # the long-term target of a row that states both (side by side): operator, value, unit
    long_op: str | None = None
    long_value: str | None = None
    long_unit: str | None = None
    l1_canon: str | None = None
    l2_canon: str | None = None
    written_value: str | None = None
    written_op: str | None = None  # how the operator cell reads (e.g. "大于等于"); default op
    flags: list[str] = field(default_factory=list)

    @property
    def level1(self) -> str | None:
        """The canonical level-1; None for a name of another framework with no sound counterpart
        (`l1_canon` set to "")."""
        return None if self.l1_canon == "" else (self.l1_canon or self.l1)

    @property
    def level2(self) -> str | None:
        return None if self.l2_canon == "" else (self.l2_canon or self.l2)


def _num(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return None


def indicator_record(ind: Ind, period: str | None = None) -> dict:
    """The expected indicator record (without seq) of `ind`; `period` "long_term" gives the record
    of its long-term target."""
    long = period == "long_term" and ind.long_value is not None
    op = ind.long_op if long else ind.op
    value = ind.long_value if long else ind.value
    unit = ind.long_unit if long else ind.unit
    qualitative = op == "定性"
    assert (ind.level1, ind.level2) == (None, None) or LEVEL1_OF.get(ind.level2) == ind.level1, (ind.l3, ind.level1)
    return {
        "level1": ind.level1, "level2": ind.level2, "level3": ind.l3, "operator": op, "value": value,
        "value_num": None if qualitative else _num(value), "unit": None if qualitative else unit,
        "explanation": ind.explanation, "scoring_rule": ind.rule, "note": ind.note,
        "level1_raw": ind.l1, "level2_raw": ind.l2,
        "target_period": period or ind.period, "weight": ind.weight, "score": ind.score,
        "standard": ind.standard, "direction": ind.direction, "actual_value": ind.actual_value,
        "actual_score": ind.actual_score, "deviation_reason": ind.deviation,
    }


def _fmt_num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def _written_op(ind: Ind, long: bool = False) -> str:
    if long:
        return ind.long_op or ""
    return ind.written_op if ind.written_op is not None else ind.op


def value_unit_text(ind: Ind, long: bool = False) -> str:
    """One cell holding operator, value and unit (`≥80M`, `10辆`, `有所提升`)."""
    if long:
        op, value, unit = ind.long_op, ind.long_value, ind.long_unit
        if op == "定性":
            return value or ""
        return f"{op}{value}{unit or ''}"
    if ind.written_value is not None:
        return ind.written_value
    if ind.op == "定性":
        return ind.value
    return f"{_written_op(ind)}{ind.value}{ind.unit or ''}"


# What each column kind shows of an indicator.
CELL_TEXT: dict[str, Callable[[Ind], str]] = {
    "l3": lambda i: i.l3,
    "op": lambda i: _written_op(i),
    "value": lambda i: i.written_value if i.written_value is not None else i.value,
    "unit": lambda i: "" if i.op == "定性" else (i.unit or ""),
    "value_unit": value_unit_text,
    # "=" left out: a bare number is the target itself (`250万`, `10辆`)
    "value_unit_no_eq": lambda i: (i.written_value if i.written_value is not None
                                   else (f"{i.value}{i.unit or ''}" if i.op == "=" else value_unit_text(i))),
    "long_value_unit": lambda i: value_unit_text(i, long=True),
    "explanation": lambda i: i.explanation or "",
    "rule": lambda i: i.rule or "",
    "note": lambda i: i.note or "",
    "standard": lambda i: i.standard or "",
    "direction": lambda i: i.direction or "",
    "weight": lambda i: _fmt_num(i.weight),
    "score": lambda i: _fmt_num(i.score),
    "actual_value": lambda i: i.actual_value or "",
    "actual_score": lambda i: _fmt_num(i.actual_score),
    "deviation": lambda i: i.deviation or "",
}


@dataclass
class Col:
    label: str
    kind: str  # a key of CELL_TEXT, or l1 / l2


def indicator_block(inds: list[Ind], cols: list[Col], header: bool = True,
                    l1_text: Callable[[str], str] | None = None) -> tuple[list[Row], list[dict]]:
    """Grid rows of an indicator table (its header row when `header`, then one row per indicator,
    level-1 and level-2 cells merged over consecutive equal names) and the expected records in
    reading order (a row with both targets gives two records, the annual one first). `l1_text`
    rewrites how a level-1 name is written (e.g. with its score range). Callers put a label cell
    spanning the block (绩效指标) before the first row themselves."""
    rows: list[Row] = []
    if header:
        rows.append([Cell(c.label) for c in cols])
    for i, ind in enumerate(inds):
        row: Row = []
        for c in cols:
            if c.kind == "l1":
                if i > 0 and inds[i - 1].l1 == ind.l1:
                    continue
                span = _run(inds, i, lambda x: x.l1)
                row.append(Cell(l1_text(ind.l1) if l1_text else ind.l1, rowspan=span))
            elif c.kind == "l2":
                if i > 0 and inds[i - 1].l1 == ind.l1 and inds[i - 1].l2 == ind.l2:
                    continue
                span = _run(inds, i, lambda x: (x.l1, x.l2))
                row.append(Cell(ind.l2, rowspan=span))
            else:
                row.append(Cell(CELL_TEXT[c.kind](ind)))
        rows.append(row)
    kinds = [c.kind for c in cols]
    records: list[dict] = []
    for ind in inds:
        periods = []
        for k in kinds:
            if k == "long_value_unit":
                periods.append("long_term")
            elif k in ("value", "value_unit", "value_unit_no_eq") and ind.long_value is not None:
                periods.append("annual")
        # both targets of one row: the annual record first, whatever the column order (the
        # convention the readers follow, README "Output tables")
        periods = sorted(periods, key=lambda p: p != "annual") or [ind.period]
        for p in periods:
            rec = indicator_record(ind, p)
            rec["_flags"] = list(ind.flags)
            records.append(rec)
    return rows, records


def _run(inds: list[Ind], i: int, key) -> int:
    """How many rows from `i` on share its `key` (the rows a merged cell spans)."""
    n = 1
    while i + n < len(inds) and key(inds[i + n]) == key(inds[i]):
        n += 1
    return n


@dataclass
class Form:
    before: list[str]  # lines above the table (title, year, agency)
    grid: list[Row]
    after: list[str]  # lines below the table (footer)
    record: dict  # expected form fields (subset of FORM_FIELDS; the rest are None)
    indicators: list[dict]  # expected indicator records, without seq, with "_flags"
    form_flags: list[str] = field(default_factory=list)  # form-level (seq 0) must_flag codes
    title_level: int = 2  # markdown heading level of the first `before` line in markdown renderings

    def width(self) -> int:
        return grid_width(self.grid)

    def gt(self, index: int) -> dict:
        out = {"form_index": index}
        out.update({f: self.record.get(f) for f in FORM_FIELDS})
        rows, must = [], [[0, c] for c in self.form_flags]
        for seq, rec in enumerate(self.indicators, 1):
            r = {"seq": seq, **{k: v for k, v in rec.items() if not k.startswith("_")}}
            rows.append({f: r.get(f) for f in INDICATOR_FIELDS})
            must += [[seq, c] for c in rec.get("_flags", [])]
        out["indicators"] = rows
        out["must_flag"] = must
        return out


@dataclass
class LayoutDoc:
    """One golden document: its forms, the boilerplate lines of the page around them, and the input
    kinds it is written in (see build.KINDS). `covers` names the issue-11 bullet it stands for."""

    name: str
    covers: str
    forms: list[Form]
    kinds: list[str]
    page_before: list[str] = field(default_factory=list)
    page_after: list[str] = field(default_factory=list)
    one_page: bool = False  # in PDF/scan renderings, all forms on one page
    vertical_labels: tuple[str, ...] = ()  # in the "cells" kind, labels written one character per line

    def drawn(self) -> list[Form]:
        """The forms that have a table or lines of their own (the other forms of a register
        table live in the first form's grid)."""
        return [f for f in self.forms if f.grid or f.before or f.after]

    def gt(self, source_file: str) -> dict:
        return {"source_file": source_file, "forms": [f.gt(i) for i, f in enumerate(self.forms)]}


def grid_width(grid: list[Row]) -> int:
    return max((c + cell.colspan for _, c, cell in place(grid)), default=0)


def place(grid: list[Row]) -> list[tuple[int, int, Cell]]:
    """(row, col, cell) of every cell of an HTML-ordered grid: a cell takes the first column its row
    leaves free of spans from above."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def matrix(grid: list[Row], width: int | None = None, middle: bool = False) -> list[list[str]]:
    """The grid as a full matrix of texts: a merged cell's text at its top-left position, the
    positions it covers empty (how a spreadsheet or a TSV export shows merged cells). With
    `middle`, a cell merged over several rows stands in its middle row instead, where OCR reads
    the vertically centred text."""
    placed = place(grid)
    w = width or max(c + cell.colspan for _, c, cell in placed)
    h = max(r + cell.rowspan for r, _, cell in placed)
    out = [[""] * w for _ in range(h)]
    for r, c, cell in placed:
        out[r + ((cell.rowspan - 1) // 2 if middle else 0)][c] = cell.text
    return out


def full_width(grid: list[Row], width: int) -> list[Row]:
    """Pad each row's last cell so every row spans `width` columns (a label/value header row
    under a wide indicator table)."""
    placed = place(grid)
    ends: dict[int, int] = {}
    for r, c, cell in placed:
        for dr in range(cell.rowspan):
            ends[r + dr] = max(ends.get(r + dr, 0), c + cell.colspan)
    for r, row in enumerate(grid):
        if row and ends.get(r, 0) < width:
            row[-1].colspan += width - ends[r]
    return grid
