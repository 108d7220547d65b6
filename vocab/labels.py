"""The printed form's own vocabulary (titles, field labels, column headers), read from
``vocab/data/form_labels.yaml``, and the text folding used to compare labels."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from vocab import CHECKED, DATA_DIR, UNCHECKED, compact_label, is_label_punctuation
from vocab.chinese_script import to_simplified

_BLANKS = re.compile(r"[ \t\u3000]+")
_NEWLINE = re.compile(r"\s*\n\s*")


compact = compact_label  # the name the form readers use


@lru_cache(maxsize=16384)
def clean_text(text: str) -> str:
    """Cell text for output: checkbox glyphs removed, whitespace collapsed at the edges."""
    t = (text or "").replace(CHECKED, " ").replace(UNCHECKED, " ")
    t = _BLANKS.sub(" ", t)
    t = _NEWLINE.sub("", t)
    return t.strip()


@dataclass(frozen=True)
class FormLabels:
    title_patterns: dict[str, tuple[re.Pattern, ...]]
    title_max_length: int
    block_labels: frozenset[str]
    indicator_header: dict[str, tuple[str, ...]]
    header_fields: dict[str, tuple[str, ...]]
    footer_fields: dict[str, tuple[str, ...]]
    review_row_markers: tuple[str, ...]
    review_row_suffixes: tuple[str, ...]
    notes_markers: tuple[str, ...]
    header_noise: tuple[re.Pattern, ...]
    canonical_titles: dict[str, tuple[str, ...]]
    title_fuzzy_threshold: float
    title_fuzzy_max_length: int
    title_cues: dict[str, tuple[str, ...]]
    title_end_chars: str
    label_fuzzy_threshold: float
    score_annotation: re.Pattern
    period_sections: dict[str, tuple[str, ...]]
    self_evaluation_columns: frozenset[str]
    amount_unit_note: re.Pattern
    label_unit: re.Pattern
    register_columns: dict[str, tuple[str, ...]]
    register_subtotal: frozenset[str]
    register_total: frozenset[str]
    task_labels: frozenset[str]
    task_total_rows: frozenset[str]
    task_amount_columns: dict[str, tuple[str, ...]]
    rule_words: re.Pattern
    year_line_max_length: int
    agency_line_max_length: int
    direction_words: frozenset[str]


@lru_cache(maxsize=1)
def form_labels() -> FormLabels:
    raw = yaml.safe_load((DATA_DIR / "form_labels.yaml").read_text(encoding="utf-8"))

    def compacted(d: dict) -> dict[str, tuple[str, ...]]:
        # longest label first so that 主管部门及电话 wins over 主管部门
        return {k: tuple(sorted({compact(x) for x in v}, key=len, reverse=True)) for k, v in d.items()}

    return FormLabels(
        title_patterns={k: tuple(re.compile(p) for p in v) for k, v in raw["titles"].items() if k != "max_length"},
        title_max_length=int(raw["titles"].get("max_length", 40)),
        block_labels=frozenset(compact(x) for x in raw["block_labels"]),
        indicator_header=compacted(raw["indicator_header"]),
        header_fields=compacted(raw["header_fields"]),
        footer_fields=compacted(raw["footer_fields"]),
        review_row_markers=tuple(raw["review_row_markers"]),
        review_row_suffixes=tuple(raw["review_row_suffixes"]),
        notes_markers=tuple(compact(x) for x in raw["notes_markers"]),
        header_noise=tuple(re.compile(x) for x in raw.get("header_noise", [])),
        canonical_titles={k: tuple(compact(x) for x in v) for k, v in raw["canonical_titles"].items()},
        title_fuzzy_threshold=float(raw["title_fuzzy_threshold"]),
        title_fuzzy_max_length=int(raw["title_fuzzy_max_length"]),
        title_cues={k: tuple(v) for k, v in raw["title_cues"].items()},
        title_end_chars=str(raw["title_end_chars"]),
        label_fuzzy_threshold=float(raw["label_fuzzy_threshold"]),
        score_annotation=re.compile(raw["score_annotation"]),
        period_sections=compacted(raw["period_sections"]),
        self_evaluation_columns=frozenset(raw["self_evaluation_columns"]),
        amount_unit_note=re.compile(raw["amount_unit_note"]),
        label_unit=re.compile(raw["label_unit"]),
        register_columns=compacted(raw["register_columns"]),
        register_subtotal=frozenset(compact(x) for x in raw["register_subtotal"]),
        register_total=frozenset(compact(x) for x in raw["register_total"]),
        task_labels=frozenset(compact(x) for x in raw["task_table"]["labels"]),
        task_total_rows=frozenset(compact(x) for x in raw["task_table"]["total_rows"]),
        task_amount_columns=compacted(raw["task_table"]["amount_columns"]),
        rule_words=re.compile("|".join(re.escape(w) for w in raw["rule_words"]) + r"|扣\d"),
        direction_words=frozenset(compact(w) for w in raw["direction_words"]),
        year_line_max_length=int(raw["year_line_max_length"]),
        agency_line_max_length=int(raw["agency_line_max_length"]),
    )


def is_rule_text(text: str) -> bool:
    """Whether the text reads as a scoring rule (评(扣)分标准: 得满分, 扣分, 扣2分 …)."""
    return bool(form_labels().rule_words.search(to_simplified(text or "")))


def is_direction_word(text: str) -> bool:
    """Whether the text is what a 指标方向性 cell says (正向, 反向, 越大越好 …)."""
    return compact(text) in form_labels().direction_words


@lru_cache(maxsize=4096)
def title_kind(text: str) -> str | None:
    """'department' / 'project' / 'self_evaluation' when the text is a form title, else None. OCR'd titles with a
    few wrong characters are recognised by similarity to the canonical titles."""
    labels = form_labels()
    c = compact(text)
    if not c or len(c) > labels.title_max_length:
        return None
    for kind, patterns in labels.title_patterns.items():  # in the order of the data file
        for pat in patterns:
            if pat.search(c):
                return kind
    core = re.sub(r"^[0-9０-９]{4}年度?", "", c)
    if not core or len(core) > labels.title_fuzzy_max_length or core[-1] not in labels.title_end_chars:
        return None
    candidates = {k: v for k, v in labels.canonical_titles.items() if any(w in core for w in labels.title_cues[k])}
    return _nearest_key(core, candidates, labels.title_fuzzy_threshold)


def _nearest_key(text: str, table: dict[str, tuple[str, ...]], threshold: float) -> str | None:
    """The key whose names come closest to the text (rapidfuzz ratio at least threshold), or None."""
    best = None
    for key, names in table.items():
        for name in names:
            score = fuzz.ratio(text, name)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, key)
    return best[1] if best else None


@lru_cache(maxsize=16384)
def without_score_annotation(text: str) -> str:
    """The text without a score or score range written into it ('成本指标(0-20)分' -> '成本指标')."""
    t = unicodedata.normalize("NFKC", text or "")
    stripped = form_labels().score_annotation.sub("", t).strip()
    return stripped or t.strip()


_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]\s*$")


@lru_cache(maxsize=4096)
def indicator_header_field(text: str) -> str | None:
    c = compact(text)
    if not c:
        return None
    labels = form_labels()
    for field, names in labels.indicator_header.items():
        if c in names:
            return field
    # a unit or note in brackets after the label ('权重（%）', '分值(分)', '得分（10分）')
    bare = compact(_TRAILING_NOTE.sub("", unicodedata.normalize("NFKC", text)))
    if bare and bare != c:
        for field, names in labels.indicator_header.items():
            if bare in names:
                return field
    if len(c) < 4 or len(c) > 12 or is_block_label(text):
        return None  # the block's own label ('绩效指标') is near '绩效标准' but names no column
    return _nearest_key(c, labels.indicator_header, labels.label_fuzzy_threshold)


@lru_cache(maxsize=16384)
def leading_label(text: str, table_name: str) -> tuple[str, str] | None:
    """(field, rest of text) when the text starts with a label of the named table
    ('header_fields' or 'footer_fields'). The longest label wins; an OCR'd label of 4+ characters
    with a wrong character is accepted by similarity."""
    original = (text or "").strip()
    c = compact(original)
    if not c:
        return None
    labels = form_labels()
    pairs = _longest_first(tuple(getattr(labels, table_name).items()))
    # a fuzzy match stays before any bracket: '年度资金总额（万元）' is 年度资金总额 with a unit, not a
    # longer label eating the '万'
    head = compact(re.split(r"[(（\[【]", unicodedata.normalize("NFKC", original), maxsplit=1)[0])
    best = None  # (label length, score, field, matched prefix, label)
    for name, field in pairs:
        if best is not None and len(name) < best[0] and (len(name) < 4 or _fuzzy_wins(best, name)):
            break
        if c.startswith(name):
            # a label of 4+ characters written exactly beats a longer one that only looks somewhat
            # like the text ('年度总体目标：完成…' is no '总体目标完成情况'), unless that one reads on
            # from it ('年度资金总颔' is 年度资金总额, not 年度资金)
            if best is None or len(name) >= best[0] or not _fuzzy_wins(best, name):
                best = (len(name), 100.0, field, name, name)
            break
        # labels hold no digits: a prefix reaching into a number reaches into the value
        if len(name) >= 4 and len(head) >= len(name) and not re.search(r"\d", c[: len(name)]):
            score = fuzz.ratio(c[: len(name)], name)
            if score >= labels.label_fuzzy_threshold and (best is None or score > best[1]):
                best = (len(name), score, field, c[: len(name)], name)
    if best is None:
        return None
    return best[2], _rest_after_label(original, best[3])


def _fuzzy_wins(fuzzy: tuple, exact_name: str) -> bool:
    """Whether a longer label matched by similarity beats a shorter one written exactly: when it
    is nearly exact, or reads on from the exact one."""
    return fuzzy[1] >= 90 or fuzzy[4].startswith(exact_name)


@lru_cache(maxsize=8)
def _longest_first(table_items: tuple) -> tuple[tuple[str, str], ...]:
    """All labels of a table, longest first across fields (年度总体目标 before 年度)."""
    pairs = [(name, field) for field, names in table_items for name in names]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _rest_after_label(original: str, label_compact: str) -> str:
    """The original text after a label matched ignoring spaces, punctuation and character width."""
    i = 0
    k = 0
    while i < len(original) and k < len(label_compact):
        folded = unicodedata.normalize("NFKC", original[i])
        if is_label_punctuation(folded):
            i += 1
            continue
        k += len(folded)
        i += 1
    # the closing bracket of a label's own bracket ('项目资金(万元)') is no part of the value
    return original[i:].lstrip(" :：\t)）]】」").strip()


def is_review_label(text: str) -> bool:
    """The first cell of a sign-off row (业务股室审核, 绩效股审核意见): short and ending in a review
    marker; an indicator name holding the word (绩效目标审核覆盖率) is no such label."""
    labels = form_labels()
    c = compact(text)
    if not c or len(c) > 10:
        return False
    stems = [c[: len(c) - len(s)] for s in ("", *map(compact, labels.review_row_suffixes)) if c.endswith(s)]
    return any(stem.endswith(m) for stem in stems for m in labels.review_row_markers)


def is_block_label(text: str) -> bool:
    return compact(without_score_annotation(text)) in form_labels().block_labels


@lru_cache(maxsize=4096)
def period_section(text: str) -> str | None:
    """'long_term' / 'annual' when the text is the label of a section of stacked targets
    (长期目标 / 年度目标, 中期目标, 实施期目标 ...), else None."""
    c = compact(without_score_annotation(text))
    if not c:
        return None
    for period, names in form_labels().period_sections.items():
        if c in names:
            return period
    return None


def without_header_noise(text: str) -> str:
    """The line without the form's amount-unit note ('单位：万元')."""
    for pat in form_labels().header_noise:
        text = pat.sub(" ", text)
    return text.strip()


def amount_unit_note(text: str) -> str | None:
    """The amount unit a note such as '单位：元' or '金额单位：万元' states, or None."""
    m = form_labels().amount_unit_note.search(unicodedata.normalize("NFKC", text or ""))
    return m.group(1) if m else None


def unit_after_label(rest: str) -> tuple[str | None, str]:
    """(unit, value) when the text after a label starts with a bracketed unit ('(元) 2500000'),
    else (None, rest): the unit a label carries applies to its value."""
    folded = unicodedata.normalize("NFKC", rest or "")
    m = form_labels().label_unit.match(folded.strip())
    if not m:
        return None, rest
    return m.group(1), folded.strip()[m.end():].lstrip(" :：\t").strip()


_TRAILING_UNIT = re.compile(r"[(（\[【]\s*(万元|千元|亿元|元)\s*[)）\]】]\s*$")


def register_column(text: str) -> tuple[str, str | None] | None:
    """(field, amount unit) when a header cell names a register table's project column
    ('项目名称', '资金(元)', '绩效目标'), else None."""
    folded = unicodedata.normalize("NFKC", text or "")
    m = _TRAILING_UNIT.search(folded)
    unit = m.group(1) if m else None
    c = compact(folded[: m.start()] if m else folded)
    if not c:
        return None
    for field, names in form_labels().register_columns.items():
        if c in names:
            return field, unit
    return None


def _without_trailing_unit(text: str) -> tuple[str, str | None]:
    folded = unicodedata.normalize("NFKC", text or "")
    m = _TRAILING_UNIT.search(folded)
    return compact(folded[: m.start()] if m else folded), (m.group(1) if m else None)


def is_task_table_label(text: str) -> bool:
    """The lead label of a department form's table of main tasks (年度主要任务)."""
    return compact(text) in form_labels().task_labels


def is_task_total(text: str) -> bool:
    """The label of a task table's total row (金额合计, 合计)."""
    return compact(text) in form_labels().task_total_rows


def task_amount_column(text: str) -> tuple[str, str | None] | None:
    """(fund field, amount unit) when a cell of a task table's header names an amount column
    ('总额', '财政拨款', '预算金额（万元）'), else None."""
    c, unit = _without_trailing_unit(text)
    for field, names in form_labels().task_amount_columns.items():
        if c in names:
            return field, unit
    return None
