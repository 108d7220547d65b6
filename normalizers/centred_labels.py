"""Merged 一级/二级指标 labels that stand in the middle of their rows.

A merged cell's text is centred vertically; layout OCR writes it on the row at the middle of the
cell, not its first row. Filled down, such a table files the rows above each label under the group
before (数量指标 rows under 社会成本指标). Where the labels stand says where the groups are, within a
row or so: a label written on row p of a span [s, e] stands at its middle. Together with the taxonomy
(each 二级指标 lies inside its 一级指标) and what each row names (its name, unit and operator vote for
groups, ``plausibility.group_votes``), the spans can be found.

``centred_groups`` reads the labels of one table, finds the spans that fit best when labels stand
centred, and compares them with the filled-down reading (labels on first rows). It changes nothing
unless the centred reading fits clearly better (a 一级指标 label on a row whose 二级指标 is still the
group before, a first row without a 一级指标 …). Rows it moves get ``group_reassigned`` (info); rows
that another split nearly as good would put in the next or previous group get ``group_uncertain``
(info, evidence for the plausibility step). The table gets one ``labels_centred`` note (info) so the
plausibility step does not move its rows again.

Costs are in the units of group votes; weights and margins are in ``data/plausibility.yaml``
(``centred_labels``). Pure functions; a dynamic programme over the span ends.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import yaml

from normalizers import DATA_DIR
from vocab import taxonomy

INF = math.inf


@dataclass(frozen=True)
class LabelRow:
    """One source row of the indicator table: the canonical 一级/二级指标 written on it (None: none
    written, or continued from a merged cell above) and the drafts it gave (none for a placeholder)."""

    level1: str | None = None
    level1_raw: str | None = None
    level2: str | None = None
    level2_raw: str | None = None
    drafts: tuple[int, ...] = ()
    unknown_label: bool = False  # a name was written that the taxonomy does not know


@dataclass(frozen=True)
class CentredSettings:
    geometry_weight: float  # cost of a label one row off where it should stand
    contradiction: float  # a 一级指标 label inside the span of another 一级指标 (filled-down reading)
    decide_margin: float  # the centred reading must fit this much better than the filled-down one
    uncertain_margin: float  # another split this close to the best leaves a row's group open


@lru_cache(maxsize=1)
def settings() -> CentredSettings:
    raw = yaml.safe_load((DATA_DIR / "plausibility.yaml").read_text(encoding="utf-8"))["centred_labels"]
    return CentredSettings(**{k: float(v) for k, v in raw.items()})


@dataclass
class Group:
    name: str
    raw: str
    rows: list[int]  # rows where its label is written

    @property
    def first(self) -> int:
        return self.rows[0]

    @property
    def last(self) -> int:
        return self.rows[-1]

    @property
    def parent(self) -> str | None:
        return taxonomy.level1_of(self.name)


@dataclass(frozen=True)
class Placement:
    """The chosen spans: ends[i] is the last row of level-2 group i; uncertain rows could belong to
    a neighbouring group almost as well."""

    groups: tuple[Group, ...]
    ends: tuple[int, ...]
    uncertain: frozenset[int]
    cost: float
    filled_cost: float


def level2_groups(rows: list[LabelRow]) -> list[Group]:
    """Level-2 labels in order; one name written on several rows with no other label between
    (a label repeated on every row of an unmerged column) is one group."""
    groups: list[Group] = []
    for k, r in enumerate(rows):
        if not r.level2:
            continue
        if groups and groups[-1].name == r.level2:
            groups[-1].rows.append(k)
        else:
            groups.append(Group(r.level2, r.level2_raw or r.level2, [k]))
    return groups


def off_centre(p: int, s: int, e: int) -> float:
    """How far row p stands from the middle of [s, e], in rows: 0 on the middle row, and on the upper
    of two middle rows (a text centred on the line between two rows is read with the upper one: its
    top lies in it); half a row more below the middle than above it."""
    return abs(2 * p - (s + e) + 0.5) / 2 - 0.25


def off_top(p: int, s: int, e: int) -> int:
    return p - s


def _run_cost(labels1: list[tuple[int, str]], parent: str | None, s: int, e: int, offset, contradiction: float,
              weight: float) -> float:
    """The level-1 labels written in the run [s, e] of groups under ``parent``: each off its place
    costs ``weight`` per row; a label of another name inside the run costs ``contradiction``."""
    cost = 0.0
    for row, name in labels1:
        if s <= row <= e:
            cost += weight * offset(row, s, e) if name == parent else contradiction
    return cost


# Between splits that fit alike, the one that leaves more rows where filling down puts them (under
# the label above them): a row just below a label belongs to it in both readings.
TIE_BREAK = 0.01


def _content(misfit: list[dict[str, float]], name: str, s: int, e: int) -> float:
    return sum(misfit[k].get(name, 0.0) for k in range(s, e + 1))


def _moved(groups: list[Group], i: int, s: int, e: int) -> float:
    """TIE_BREAK for each row of [s, e] that filling down would put in another group than i."""
    lo = groups[i].first if i else 0
    hi = groups[i + 1].first - 1 if i + 1 < len(groups) else e
    return TIE_BREAK * sum(1 for k in range(s, e + 1) if not lo <= k <= hi)


def filled_down_cost(groups: list[Group], rows: list[LabelRow], misfit: list[dict[str, float]],
                     labels1: list[tuple[int, str]], cfg: CentredSettings) -> float:
    """The cost of reading each label as its group's first row (filled down), with labels on top."""
    n = len(rows)
    starts = [0] + [g.first for g in groups[1:]]
    ends = [s - 1 for s in starts[1:]] + [n - 1]
    return _placement_cost(groups, starts, ends, misfit, labels1, cfg, off_top)


def _placement_cost(groups: list[Group], starts: list[int], ends: list[int], misfit: list[dict[str, float]],
                    labels1: list[tuple[int, str]], cfg: CentredSettings, offset: Callable) -> float:
    cost = 0.0
    run_start = 0
    for i, g in enumerate(groups):
        if len(g.rows) == 1:
            cost += cfg.geometry_weight * offset(g.first, starts[i], ends[i])
        cost += _content(misfit, g.name, starts[i], ends[i])
        if i + 1 == len(groups) or groups[i + 1].parent != g.parent:
            cost += _run_cost(labels1, g.parent, run_start, ends[i], offset, cfg.contradiction, cfg.geometry_weight)
            run_start = ends[i] + 1
    return cost


def best_centred(groups: list[Group], rows: list[LabelRow], misfit: list[dict[str, float]],
                 labels1: list[tuple[int, str]], cfg: CentredSettings) -> tuple[float, list[int], list[dict[int, float]]]:
    """Spans with labels standing centred: (best cost, ends, for each boundary the best total cost
    of each end it can take). A 一级指标 label inside another's run is impossible here."""
    n, m = len(rows), len(groups)

    def end_range(i: int) -> range:
        hi = groups[i + 1].first - 1 if i + 1 < m else n - 1
        return range(groups[i].last, hi + 1) if i + 1 < m else range(n - 1, n)

    def step(i: int, s: int, e: int) -> float:
        g = groups[i]
        geo = cfg.geometry_weight * off_centre(g.first, s, e) if len(g.rows) == 1 else 0.0
        return geo + _content(misfit, g.name, s, e) + _moved(groups, i, s, e)

    def close(i: int, run_start: int, e: int) -> float:
        return _run_cost(labels1, groups[i].parent, run_start, e, off_centre, INF, cfg.geometry_weight)

    # forward: state (end of group i, start of its level-1 run) -> (cost, back pointer)
    forward: list[dict[tuple[int, int], tuple[float, tuple[int, int] | None]]] = []
    forward.append({(e, 0): (step(0, 0, e), None) for e in end_range(0)})
    for i in range(1, m):
        layer: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {}
        same_run = groups[i].parent == groups[i - 1].parent
        for (e_prev, run), (cost, _) in forward[-1].items():
            s = e_prev + 1
            if s > groups[i].first:
                continue
            base = cost
            new_run = run
            if not same_run:
                base += close(i - 1, run, e_prev)
                new_run = s
            if base == INF:
                continue
            for e in end_range(i):
                total = base + step(i, s, e)
                key = (e, new_run)
                if total < layer.get(key, (INF, None))[0]:
                    layer[key] = (total, (e_prev, run))
        forward.append(layer)
    finals = {k: c + close(m - 1, k[1], k[0]) for k, (c, _) in forward[-1].items()}
    if not finals or min(finals.values()) == INF:
        return INF, [], []
    best_key = min(finals, key=finals.get)
    best = finals[best_key]
    ends = [0] * m
    key: tuple[int, int] | None = best_key
    for i in range(m - 1, -1, -1):
        ends[i] = key[0]
        key = forward[i][key][1]
    # backward: cost to finish from the state after group i
    backward: list[dict[tuple[int, int], float]] = [{} for _ in range(m)]
    backward[m - 1] = {k: close(m - 1, k[1], k[0]) for k in forward[m - 1]}
    for i in range(m - 2, -1, -1):
        same_run = groups[i + 1].parent == groups[i].parent
        for (e_prev, run) in forward[i]:
            s = e_prev + 1
            best_rest = INF
            if s <= groups[i + 1].first:
                closing = 0.0 if same_run else close(i, run, e_prev)
                new_run = run if same_run else s
                if closing < INF:
                    for e in end_range(i + 1):
                        rest = backward[i + 1].get((e, new_run), INF)
                        best_rest = min(best_rest, closing + step(i + 1, s, e) + rest)
            backward[i][(e_prev, run)] = best_rest
    by_end: list[dict[int, float]] = []
    for i in range(m):
        totals: dict[int, float] = {}
        for k, (c, _) in forward[i].items():
            t = c + backward[i].get(k, INF)
            totals[k[0]] = min(totals.get(k[0], INF), t)
        by_end.append(totals)
    return best, ends, by_end


def place_groups(rows: list[LabelRow], misfit: list[dict[str, float]],
                 cfg: CentredSettings | None = None) -> Placement | None:
    """The centred placement of one table's groups, or None where the labels do not stand centred
    (the filled-down reading fits as well) or cannot be read this way (an unknown name)."""
    cfg = cfg or settings()
    if any(r.unknown_label for r in rows):
        return None
    groups = level2_groups(rows)
    if len(groups) < 2 or any(g.parent is None for g in groups):
        return None
    labels1 = [(k, r.level1) for k, r in enumerate(rows) if r.level1]
    filled = filled_down_cost(groups, rows, misfit, labels1, cfg)
    if filled < cfg.decide_margin:
        return None  # every cost is 0 or more: no centred placement can beat this by the margin
    best, ends, by_end = best_centred(groups, rows, misfit, labels1, cfg)
    if best == INF or best + cfg.decide_margin > filled:
        return None
    uncertain: set[int] = set()
    for i in range(len(groups) - 1):
        close_ends = [e for e, t in by_end[i].items() if t - best < cfg.uncertain_margin]
        lo, hi = min(close_ends + [ends[i]]), max(close_ends + [ends[i]])
        uncertain.update(range(lo + 1, hi + 1))  # rows that may fall on either side of this boundary
    return Placement(tuple(groups), tuple(ends), frozenset(uncertain), best, filled)


def misfits(rows: list[LabelRow], drafts: list, votes: Callable[[object], dict[str, float]]) -> list[dict[str, float]]:
    """For each source row, how much worse each 二级指标 fits its drafts than the best-fitting one."""
    out = []
    names = taxonomy.LEVEL2_NAMES
    for r in rows:
        cost = dict.fromkeys(names, 0.0)
        for i in r.drafts:
            v = votes(drafts[i])
            top = max(v.values(), default=0.0)
            for name in names:
                cost[name] += top - v.get(name, 0.0)
        out.append(cost)
    return out
