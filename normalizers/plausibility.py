"""Per-row plausibility: the checks a careful reviewer makes, combined into one confidence.

A row read confidently can still be wrong: a look-alike character (溆→激), a row filed under the
group above because its merged 二级指标 label stood mid-span, two rows joined, a digit changed.
For every indicator row of a form this module gathers evidence (each a number, 0 = nothing
doubtful) and combines it with a logistic model fitted on damaged documents
(``pipeline/fit_plausibility.py``):

- ocr_doubt: how far the lowest confidence of the row's cells falls under ``ocr_doubt_from``
  (scans; a cell at or above it carries no doubt);
- flagged: the row already carries a warning or error;
- group_misfit: votes of the group cues (``data/plausibility.yaml``) for another 二级指标 above
  the votes for the row's own one;
- confusable: log-ratio by which a look-alike reading of a character makes a more common word
  (``data/ocr_confusions.yaml``, ``data/confusable_bigrams.txt``; a reading that stands in a real
  longer word, ``data/confusable_trigrams.txt``, is not doubted); where that pair test keeps a
  reading, by which the look-alike makes the text around it more likely as a sequence of words
  (jieba's dictionary as a unigram word model: 质重合格率 → 质量/合格率);
- group_edge: for the rows just above a change of 二级指标, how much better they fit the next
  group (a merged label standing lower than its span's first row fills them down wrongly);
- join: signs of two rows in one: a scoring rule that closes twice or repeats itself, a unit that
  is no unit;
- longer: a name, explanation or text value far longer than the form's others (weaker: some
  names are long);
- misplaced: text of another column inside a field (a taxonomy name or 定性 in the 三级指标, an
  operator inside a text value, a 评分标准 without scoring wording, a bare value as 指标解释) or no
  二级指标 at all;
- rule_target_mismatch: the scoring rule names a target number and the value is none of them;
- value_suspicious: a percentage over 100, a time span over a year, a rate target nobody sets
  (合格率 ≥ 35%, 投诉率 ≤ 62%), a share written as an exact target under 100 % (= 90%);
- missing_parts: operator, value, explanation or scoring rule empty where the form's other rows
  have them;
- operator_implied: no operator was written (a bare number read as '=') while the form's other
  rows write theirs (an operator lost in conversion or OCR reads the same way);
- value_unround: a target whose digits past the first two are not 0 or 5 (4940, 362): targets are
  set in round numbers, a changed digit rarely keeps them round; amounts of money and headcounts
  are often exact and exempt (``round_targets`` in data/plausibility.yaml);
- value_near_text: the value is none of the numbers the form's header writes (its budget amounts,
  its overall goal) but differs from one of them in a single digit
  (2502.21 beside a budget of 2602.21), or the goal restates the row's target (its name, a number,
  its unit: 建设视频监控点位120个) and the value is another;
- value_malformed: a number written with a leading zero ('000', '05');
- engines_disagree: on a scan, the second OCR engine read other digits in one of the row's cells
  (``ocr_disagreement``, extractors/scan/scan.py cross_check);
- operator_as_digit: no operator written and the number starts with a digit an operator is read
  as (``≥3200`` scanned as ``23200``, ``vocab/data/units.yaml`` operator_lookalikes), even where every row
  of the form reads that way (a scan that lost all its signs);
- ink_unread: on a scan, one of the row's cells holds ink for more characters than OCR read
  (``ink_unread``, extractors/scan/scan.py ink_check): a character was dropped (not for a
  三级指标 its own explanation writes whole in the frame the form's other rows use: name_framed_whole);
- group_open: the merged labels stand mid-span and a split one row off fits the row's group
  nearly as well (``group_uncertain``, normalizers/centred_labels.py);
- text_noise: marks OCR leaves in text: one glyph read twice where a clause or a page's part of a
  split cell ends (数量量, 做出出 | 积极贡献: few real words end in 量量 or 出出, data/doubled_pairs.txt
  from jieba's dictionary), a stray mark at the end (完成情况.) or at the start ('-达到…), a closing
  bracket nothing opened (…(含)）、80%…), a mark
  splitting a word the form writes whole elsewhere (完成情，况 beside 完成情况), two numbers run
  together after a per-cent sign (60%0%) or after a bracket where the list parts its other items
  (…(含)60%… beside …(含)、80%…), a character before the words the form's scoring rules open with
  (文达到100%… beside rules opening 达到…), a lone digit no number stands for (的1负面影响), a
  name that lost its last 率 or 度 (…按时办结 where the row writes …按时办结率), a mark between
  clauses that read as words only joined (…的满，意程度), a component no text writes alone (扌), a
  glyph read twice whose copy stands as a word of its own (全员员培训), a bracket nothing closes,
  a part of the glyph before it read again as a character (完成情青况: 青 of 情).

Pure functions over records; the data files are read once.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import pairwise
from statistics import median

import yaml

from extractors.options import ExtractOptions
from normalizers import DATA_DIR
from normalizers.records import Anomaly, FormRecord, IndicatorRecord
from vocab import CJK_IDEOGRAPH_CLASS, taxonomy, values
from vocab.chinese_script import to_simplified
from vocab.labels import compact, is_rule_text
from vocab.units import is_unit, unit_vocabulary

FEATURES = ("ocr_doubt", "flagged", "group_misfit", "group_edge", "confusable", "join", "longer", "misplaced",
            "rule_target_mismatch", "value_suspicious", "missing_parts", "operator_implied", "value_unround",
            "value_near_text", "value_malformed", "operator_as_digit", "engines_disagree", "ink_unread", "group_open",
            "text_noise")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class GroupCue:
    names: tuple[str, ...]
    units: frozenset[str]
    operators: frozenset[str]
    groups: frozenset[str]
    weight: float


@dataclass(frozen=True)
class PlausibilityRules:
    cues: tuple[GroupCue, ...]
    group_margin: float
    edge_margin: float
    reassign_margin: float
    broad_cue_groups: int
    repeated_run: int
    confusable_ratio: float
    confusable_min_count: float
    confusable_smoothing: float
    confusable_attested: float
    confusable_fields: tuple[str, ...]
    segmentation_min_gain: float
    segmentation_nonword_gain: float
    segmentation_window: int
    own_word_freq: int
    unigram_ratio: float
    form_consistency_score: float
    consistent_min_share: float
    rule_phrases: tuple[str, ...]
    name_length_ratio: float
    explanation_length_ratio: float
    several_ratio: float
    several_fields: int
    apart_gap: int
    apart_stretch: float
    rule_targets: tuple[re.Pattern, ...]
    unit_max: dict[str, float]  # largest plausible value per unit (an annual target)
    unit_max_annual_only: frozenset[str]  # units whose bound does not hold for long-term targets
    rate_floor: float
    rate_word_floors: dict[str, float]
    full_marks: tuple[str, ...]
    rate_ceiling: float
    round_digits: int
    exact_units: frozenset[str]
    stray_digit_units: frozenset[str]
    stray_digit_length: int
    implied_share: float
    rate_units: frozenset[str]
    rate_suffixes: frozenset[str]
    document_rows: float
    period_max_ratio: float
    doubled_min: float
    lead_min_rules: int
    name_suffixes: frozenset[str]
    number_leads: frozenset[str]
    number_follows: frozenset[str]
    inserted_min_cells: int
    split_min_gain: float
    component_glyphs: frozenset[str]
    reread_min_gain: float
    exact_share_units: frozenset[str]
    restated_min_name: int
    restated_gap: int
    noise_fields: tuple[str, ...]
    ocr_doubt_from: float
    intercept: float
    weights: dict[str, float]
    threshold: float


@lru_cache(maxsize=1)
def rules() -> PlausibilityRules:
    raw = yaml.safe_load((DATA_DIR / "plausibility.yaml").read_text(encoding="utf-8"))
    cues = tuple(
        GroupCue(tuple(c.get("name", ())), frozenset(c.get("unit", ())), frozenset(c.get("operator", ())),
                 frozenset(c["groups"]), float(c["weight"]))
        for c in raw["group_cues"])
    conf, join, model = raw["confusable"], raw["join"], raw["model"]
    return PlausibilityRules(
        cues=cues, group_margin=float(raw["group_margin"]), edge_margin=float(raw["edge_margin"]),
        reassign_margin=float(raw["reassign_margin"]), broad_cue_groups=int(raw["broad_cue_groups"]),
        repeated_run=int(join["repeated_run"]),
        confusable_ratio=float(conf["ratio"]), confusable_min_count=float(conf["min_count"]),
        confusable_smoothing=float(conf["self_smoothing"]),
        confusable_attested=float(conf["attested"]), confusable_fields=tuple(conf["fields"]),
        segmentation_min_gain=float(conf["segmentation"]["min_gain"]),
        segmentation_nonword_gain=float(conf["segmentation"]["nonword_min_gain"]),
        segmentation_window=int(conf["segmentation"]["window"]),
        own_word_freq=int(conf["segmentation"]["own_word_freq"]),
        unigram_ratio=float(conf["unigram_ratio"]), form_consistency_score=float(conf["form_consistency"]),
        consistent_min_share=float(conf["consistent_min_share"]),
        rule_phrases=tuple(join["rule_phrases"]), name_length_ratio=float(join["name_length_ratio"]),
        explanation_length_ratio=float(join["explanation_length_ratio"]),
        several_ratio=float(join["several_ratio"]), several_fields=int(join["several_fields"]),
        apart_gap=int(join["apart_gap"]), apart_stretch=float(join["apart_stretch"]),
        rule_targets=tuple(re.compile(p) for p in raw["rule_target_patterns"]),
        full_marks=tuple(raw["full_marks"]),
        unit_max={str(k): float(v) for k, v in raw["unit_ranges"]["max"].items()},
        unit_max_annual_only=frozenset(raw["unit_ranges"]["annual_only"]),
        rate_floor=float(raw["rate_targets"]["floor"]), rate_ceiling=float(raw["rate_targets"]["ceiling"]),
        rate_word_floors={str(w): float(v) for w, v in (raw["rate_targets"].get("floors") or {}).items()},
        round_digits=int(raw["round_targets"]["leading_digits"]),
        exact_units=frozenset(raw["round_targets"]["exact_units"]),
        stray_digit_units=frozenset(raw["round_targets"]["stray_digit"]["units"]),
        stray_digit_length=int(raw["round_targets"]["stray_digit"]["length"]),
        implied_share=float(raw["operator_implied"]["max_share"]),
        rate_units=frozenset(raw["rate_names"]["units"]), rate_suffixes=frozenset(raw["rate_names"]["suffixes"]),
        document_rows=float(raw["operator_implied"]["document_rows"]),
        period_max_ratio=float(raw["period_targets"]["max_ratio"]),
        doubled_min=float(raw["text_noise"]["doubled_min"]),
        lead_min_rules=int(raw["text_noise"]["lead_min_rules"]),
        name_suffixes=frozenset(raw["text_noise"]["name_suffixes"]),
        number_leads=frozenset(raw["text_noise"]["number_leads"]),
        number_follows=frozenset(raw["text_noise"]["number_follows"]),
        inserted_min_cells=int(raw["text_noise"]["inserted_min_cells"]),
        split_min_gain=float(raw["text_noise"]["split_min_gain"]),
        component_glyphs=frozenset(raw["text_noise"]["component_glyphs"]),
        reread_min_gain=float(raw["text_noise"]["reread_min_gain"]),
        exact_share_units=frozenset(raw["exact_share"]["units"]),
        restated_min_name=int(raw["goal_restated"]["min_name"]),
        restated_gap=int(raw["goal_restated"]["gap"]),
        noise_fields=tuple(raw["text_noise"]["fields"]),
        ocr_doubt_from=float(raw["ocr_doubt_from"]),
        intercept=float(model["intercept"]), weights={k: float(v) for k, v in model["weights"].items()},
        threshold=float(model["threshold"]),
    )


@lru_cache(maxsize=1)
def confusion_partners() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load((DATA_DIR / "ocr_confusions.yaml").read_text(encoding="utf-8"))
    partners: dict[str, set[str]] = {}
    for group in raw["groups"]:
        for ch in group:
            partners.setdefault(ch, set()).update(c for c in group if c != ch)
    return {k: tuple(sorted(v)) for k, v in partners.items()}


def _data_table(name: str) -> dict[str, str]:
    """A lexicon file of data/ built by build_lexicon: 'key<TAB>value' lines, '#' comments."""
    out: dict[str, str] = {}
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("\t")
            out[key] = value
    return out


@lru_cache(maxsize=1)
def bigram_counts() -> dict[str, int]:
    return {bg: int(n) for bg, n in _data_table("confusable_bigrams.txt").items() if n}


@lru_cache(maxsize=1)
def attested_trigrams() -> frozenset[str]:
    lines = (DATA_DIR / "confusable_trigrams.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(t for t in lines if t and not t.startswith("#"))


@lru_cache(maxsize=1)
def doubled_counts() -> dict[str, int]:
    """How often real words end with each doubled ideograph (data/doubled_pairs.txt)."""
    return {pair: int(n) for pair, n in _data_table("doubled_pairs.txt").items()}


@lru_cache(maxsize=1)
def _glyph_parts() -> dict[str, str]:
    """Each character -> the ideographs its glyph is built of (data/glyph_parts.txt)."""
    return _data_table("glyph_parts.txt")


_MARK = "，,、.。;；:："
_SPLIT_WORD = re.compile(f"([{CJK_IDEOGRAPH_CLASS}])[{_MARK}]([{CJK_IDEOGRAPH_CLASS}])")
_TRAILING_MARK = re.compile(f"[{CJK_IDEOGRAPH_CLASS}][.,，、;；:：]$")
# a qualitative target is words: any mark after its last ideograph but a closing bracket or quote is a
# speck (稳步提升+; none of the 26,575 expected values of the measured sets ends so, while a name or
# an explanation may: 互联网+, …。)
_VALUE_TRAILING_MARK = re.compile(f"[{CJK_IDEOGRAPH_CLASS}][^{CJK_IDEOGRAPH_CLASS}0-9A-Za-z%％)）\\]】》\"”’]$")
_LIST_NUMERALS = "一二三四五六七八九十"
# marks no text cell opens with before its words ('-达到或超过…): specks; brackets and quotes open freely
_LEADING_MARK = re.compile(f"^[{_MARK}'`\\-_~·|!！?？—]+[{CJK_IDEOGRAPH_CLASS}]")
_RUN_TOGETHER = re.compile(r"[0-9][%％][0-9]")
_BRACKET_PAUSE = re.compile(r"[)）]、[0-9]")  # a list's items parted after a bracket: …(含)、80%…
_BRACKET_NUMBER = re.compile(r"[)）][0-9]")
_IDEOGRAPH = re.compile(f"[{CJK_IDEOGRAPH_CLASS}]")
# one digit between two ideographs, not part of a longer number, a date or a ratio (的1负面)
_LONE_DIGIT = re.compile(f"(?<![0-9.%％/／:：-])([{CJK_IDEOGRAPH_CLASS}])([0-9])([{CJK_IDEOGRAPH_CLASS}])(?![0-9])")
_DOUBLED = re.compile(f"([{CJK_IDEOGRAPH_CLASS}])\\1")


@lru_cache(maxsize=1)
def _number_follows() -> frozenset[str]:
    """Characters a number stands before: the first of every unit and unit prefix (vocab/data/units.yaml:
    1个, 1分, 3万) and text_noise's number_follows (1至3, 10余)."""
    units = unit_vocabulary()
    firsts = {u[0] for u in units.base_units | set(units.unit_prefixes) if u and _IDEOGRAPH.fullmatch(u[0])}
    return frozenset(firsts | rules().number_follows)


def text_noise(text: str, elsewhere: Callable[[str | tuple[str, str]], int] | None = None,
               seams: Collection[int] = ()) -> list[str]:
    """Marks OCR leaves in a text cell (see the module docstring), each as a short reason.
    ``elsewhere(s)``: in how many other cells the form writes ``s``; ``elsewhere(("end", s))``: how
    many other cells end with it. ``seams``: where, in the text without spaces, a page break split
    the cell (the page's part ends there, as at the end of a clause)."""
    t = re.sub(r"\s+", "", text or "")
    found = []
    doubled = doubled_counts()
    for m in _DOUBLED.finditer(t):
        pair = m.group(0)
        # inside a text the second copy may start the next word (出厂水水质, 学校校舍, 2026年年底); at
        # the end of a clause, or of a page's part of a cell (做出出 | 积极贡献), it starts nothing
        # (信访数量量) and the pair must end a word; after another doubled pair it may end a
        # reduplicated four (进进出出)
        at_end = m.end() == len(t) or not _IDEOGRAPH.fullmatch(t[m.end()]) or m.end() in seams
        reduplicated = m.start() >= 2 and t[m.start() - 2] == t[m.start() - 1]
        if doubled.get(pair, 0) < rules().doubled_min and at_end and not reduplicated \
                and not (elsewhere and elsewhere(pair)):
            where = " at the foot of a page" if m.end() in seams else ""
            found.append(f"'{t[max(0, m.start() - 2):m.end()]}' writes {m.group(1)} twice (one glyph read twice{where}?)")
        elif not reduplicated and _lone_copy(t, m.start() + 1):
            # the copy starts no word, the first ends one (全员员培训: 全员/员/培训; at the end,
            # 稳步提高高: a common doubling, 高高, that stands as no word there)
            found.append(f"'{t[max(0, m.start() - 2):m.end() + 2]}' writes {m.group(1)} twice, the copy a word "
                         "of its own (one glyph read twice?)")
    if _TRAILING_MARK.search(t):
        found.append(f"'{t[-4:]}' ends in a stray mark")
    if m := _LEADING_MARK.match(t):
        found.append(f"the text opens with a stray mark: {t[:m.end() + 2]}…")
    glyphs = rules().component_glyphs
    if not glyphs.isdisjoint(t):
        for k, ch in enumerate(t):
            if ch in glyphs:
                found.append(f"'{t[max(0, k - 2):k + 3]}' holds {ch}, a component no text writes alone (a stroke read as one?)")
    if unpaired := _unpaired_bracket(t):
        kind, k = unpaired
        if kind == "close":
            found.append(f"'{t[max(0, k - 4):k + 2]}' closes a bracket it never opened (a speck read as one?)")
        else:
            found.append(f"'{t[k:k + 6]}' opens a bracket it never closes (a bracket read twice?)")
    for m in _SPLIT_WORD.finditer(t):
        a, b = m.start(1), m.start(2)
        # the words around the mark, whole, in another cell (完成情，况 beside 完成情况): a speck read
        # as a mark; two characters that merely meet across a clause (的，得) are no word
        whole = [t[a - 1:a + 1] + t[b] if a > 0 else "", t[a] + t[b:b + 2] if b + 1 < len(t) else ""]
        left = len(re.split(f"[{_MARK}]", t[:a + 1])[-1])
        right = len(re.split(f"[{_MARK}]", t[b:])[0])
        # ... and leaves a one-character clause on one side (情，况 at the end): a clause of its own
        # ('…60%的，得分=…') is a clause, whatever the form writes elsewhere
        # ... where the mark is a comma or a pause mark, which part clauses; a colon or semicolon
        # between two characters of a phrase (生态：环境) parts nothing
        clause_mark = m.group(0)[1] in "，,、"
        if elsewhere is not None and (min(left, right) == 1 or not clause_mark) \
                and any(len(w) == 3 and elsewhere(w) for w in whole) and not elsewhere(m.group(0)):
            found.append(f"'{m.group(0)}' splits {t[a]}{t[b]}, which the form writes whole")
        elif min(left, right) >= 2 and split_gain(t, a, b) >= rules().split_min_gain:
            # clauses that read as words only joined (…效果的满，意程度: 满意/程度): the mark parts a
            # word. Real clauses are words on their own; a list of single characters (水、电、路)
            # joins into words too and is left to the form's evidence above
            found.append(f"'{m.group(0)}' parts the word {t[a]}{t[b]} (a speck read as a mark?)")
    if elsewhere is not None:
        found.extend(_inserted_glyphs(t, elsewhere))
    reread = _reread_parts(t, elsewhere)
    found.extend(reason for _, reason in reread)
    if any(k == len(t) - 1 for k, _ in reread):
        return found  # the last character is judged (the end checks below would name it again)
    for m in _LONE_DIGIT.finditer(t):
        before, after = m.group(1), m.group(3)
        if before not in rules().number_leads and after not in _number_follows():
            found.append(f"'{m.group(0)}' holds a digit no number stands for (a speck read as {m.group(2)}?)")
    for m in _RUN_TOGETHER.finditer(t):
        found.append(f"'{t[max(0, m.start() - 2):m.end() + 1]}' runs two numbers together")
    if _BRACKET_PAUSE.search(t) or (elsewhere is not None and (elsewhere("）、") or elsewhere(")、"))):
        # a list that parts its items with a pause mark after a bracket, and at one item does not
        # (…80%-60%(含)60%-0%…): the mark was lost; so too where the form's other cells part theirs
        # so and this one at none (all its marks lost)
        for m in _BRACKET_NUMBER.finditer(t):
            found.append(f"'{t[max(0, m.start() - 3):m.end() + 2]}' lost the pause mark its list writes elsewhere")
    found.extend(_clipped_terms(t))
    if elsewhere is not None and len(t) >= 6 and _IDEOGRAPH.fullmatch(t[-1]):
        # a character after the phrase the form's cells end with (考核…完成情况兄): a speck read as one
        ending = t[-5:-1]
        if _IDEOGRAPH.fullmatch(ending[0]) and elsewhere(("end", ending)) >= 2 and not elsewhere(("end", t[-5:])):
            found.append(f"'{t[-5:]}' ends with a character after {ending}, with which the form's cells end")
            return found
    # ... or after the word they end with, where the last character stands as a word of its own and
    # the form writes it after that word nowhere (有所保障章: a part of 障 read again)
    if elsewhere is not None and (word := _word_before_lone_end(t)) \
            and elsewhere(("end", word)) >= 2 and not elsewhere(t[-2:]):
        found.append(f"'{t[-len(word) - 1:]}' ends with a character after {word}, with which the form's cells end")
    return found


def _reread_parts(t: str, elsewhere: Callable[[str | tuple[str, str]], int] | None) -> list[tuple[int, str]]:
    """(position, reason) for a character that is a part of the glyph before it, read again as a
    character of its own (完成情青况: 青 of 情; 行政村比例列: 列 of 例). It makes no word of jieba's
    dictionary with either neighbour, the form writes the pair in no other cell, and the text reads
    10^`reread_min_gain` times as likely without it. On the 2,925 distinct expected texts of the
    measured sets the gain of such a part reaches 3.39 (服务站占比: 占 of 站, before 比)."""
    found = []
    parts = _glyph_parts()  # (looked up directly: this runs on every pair of every text cell)
    for k in range(1, len(t)):
        a, ch = t[k - 1], t[k]
        if ch not in parts.get(a, "") or not _IDEOGRAPH.fullmatch(ch):
            continue
        if is_word_prefix(a + ch) or (k + 1 < len(t) and is_word_prefix(ch + t[k + 1])):
            continue
        if elsewhere is not None and elsewhere(a + ch):
            continue
        if deletion_gain(t, k) >= rules().reread_min_gain:
            reason = f"'{t[max(0, k - 3):k + 3]}' holds {ch}, a part of the glyph {a} before it (read again as a character?)"
            found.append((k, reason))
    return found


def _word_before_lone_end(t: str) -> str | None:
    """The word before the text's last character where that character stands as a word of its own
    (保障/章), else None."""
    if len(t) < 4 or not all(_IDEOGRAPH.fullmatch(ch) for ch in t[-3:]):
        return None
    words = [w for _, w in _segmentation(t[-rules().segmentation_window * 2:])[1]]
    if len(words) < 2 or len(words[-1]) != 1 or len(words[-2]) < 2:
        return None
    return words[-2]


def _unpaired_bracket(t: str) -> tuple[str, int] | None:
    """("close", k) where the text closes a bracket nothing before it opened (…(含)）、80%…: a speck
    read as one), else ("open", k) for the first bracket nothing after it closes (…（(含)、…: one
    bracket read twice), None where its brackets pair. A list label (1）, a), 一）) closes its own."""
    open_at: list[int] = []
    for k, ch in enumerate(t):
        if ch in "(（":
            open_at.append(k)
        elif ch in ")）":
            if open_at:
                open_at.pop()
            elif not (k and (t[k - 1].isascii() and t[k - 1].isalnum() or t[k - 1] in _LIST_NUMERALS)):
                return "close", k
    return ("open", open_at[0]) if open_at else None


def _lone_copy(t: str, k: int) -> bool:
    """Whether the character at k, a copy of the one before it, stands as a word of its own between a
    longer word the first copy ends and the words after (全员/员/培训), where a real doubling starts
    the next word (出厂水/水质, 学校/校舍, 年/年底) or is a word itself (人人)."""
    w = rules().segmentation_window
    lo = max(0, k - w)
    words = dict(_segmentation(t[lo:k + w + 1])[1])
    before = [word for start, word in words.items() if start + len(word) == k - lo]
    return len(words.get(k - lo, "")) == 1 and bool(before) and len(before[0]) >= 2


def stray_lead(rule: str, others: list[str]) -> list[str]:
    """A character before the words the form's scoring rules open with (文达到100%得满分 beside
    达到或超过目标值得满分 and 达到目标值得满分): a speck read as one. Rules open with a few set
    words, so a rule whose first two characters open no other rule of the form (``others``, texts
    without spaces) while the two after them open at least ``lead_min_rules`` is read so. Names and
    explanations open freely (对项目实施情况… beside 项目实施…) and are not judged."""
    t = re.sub(r"\s+", "", rule or "")
    # (the speck may read as a Latin letter too: i达到目标值得满分)
    if len(t) < 6 or not ((_IDEOGRAPH.fullmatch(t[0]) or t[0].isascii() and t[0].isalpha())
                          and _IDEOGRAPH.fullmatch(t[1])):
        return []
    if any(o.startswith(t[:2]) for o in others):
        return []
    if sum(1 for o in others if o.startswith(t[1:3])) >= rules().lead_min_rules:
        return [f"'{t[:4]}' opens with a character before {t[1:3]}, with which the form's scoring rules open"]
    return []


@lru_cache(maxsize=1)
def _look_alike_between_ideographs() -> re.Pattern[str]:
    """A character with a look-alike (data/ocr_confusions.yaml) between two ideographs."""
    chars = "".join(sorted(confusion_partners()))
    return re.compile(f"(?<=[{CJK_IDEOGRAPH_CLASS}])[{re.escape(chars)}](?=[{CJK_IDEOGRAPH_CLASS}])")


def _inserted_glyphs(t: str, elsewhere: Callable[[str | tuple[str, str]], int]) -> list[str]:
    """A look-alike character read into a word the form writes whole (完成项页目 beside the form's
    项目): it makes no attested word with either neighbour, the form writes its neighbours as a pair
    in `inserted_min_cells` other cells and neither of its own pairs anywhere. The lexicon counts
    only pairs with a look-alike character, so no other character is judged. On the 132,661 expected
    cells of the measured sets it fires on none."""
    counts, partners, r = bigram_counts(), confusion_partners(), rules()
    found = []
    for m in _look_alike_between_ideographs().finditer(t):
        a, ch, b = t[m.start() - 1], m.group(0), t[m.start() + 1]
        if any(max(counts.get(a + alt, 0), counts.get(alt + b, 0)) >= r.confusable_attested for alt in partners[ch]):
            continue  # a look-alike read for another (程健设 of 工程建设) is the look-alike doubt's to judge
        if counts.get(a + ch, 0) < r.confusable_attested and counts.get(ch + b, 0) < r.confusable_attested \
                and elsewhere(a + b) >= r.inserted_min_cells and not elsewhere(a + ch) and not elsewhere(ch + b):
            found.append(f"'{a}{ch}{b}' holds {ch} inside {a}{b}, which the form writes whole (a glyph read into it?)")
    return found


def restated_with_look_alike(name: str, text: str) -> tuple[str, str] | None:
    """(name, restatement) where the row's own text restates its 三级指标 with one character replaced
    by a look-alike (data/ocr_confusions.yaml): 土地集约节约利用 beside 考核工地集约节约利用完成情况. Both
    readings may make words (工地), so no lexicon tells; the row contradicts itself. Of the 28,097
    expected rows of the measured sets none restates its name so; 152 read rows of the damaged sets
    do, every one wrong."""
    n, t = compact(name), compact(text)
    if len(n) < 4 or n in t:
        return None
    partners = confusion_partners()
    # one character apart, the window holds the name's first half or its second half whole
    h = len(n) // 2
    starts = set(_occurrences(t, n[:h])) | {i - h for i in _occurrences(t, n[h:])}
    for j in sorted(x for x in starts if 0 <= x <= len(t) - len(n)):
        window = t[j:j + len(n)]
        diff = [i for i, (a, b) in enumerate(zip(n, window, strict=True)) if a != b]
        if len(diff) == 1 and window[diff[0]] in partners.get(n[diff[0]], ()):
            return n, window
    return None


def _occurrences(text: str, part: str) -> list[int]:
    """Where ``part`` starts in ``text``, overlapping occurrences included."""
    out, i = [], text.find(part)
    while i >= 0:
        out.append(i)
        i = text.find(part, i + 1)
    return out


def lost_suffix(name: str, own_texts: list[str]) -> list[str]:
    """A 三级指标 that lost its last character: the row's own explanation or scoring rule writes the
    name followed by a character names of shares end with (城市管理投诉按时办结 beside 考核城市管理投诉按时
    办结率完成情况). Of 34,641 expected rows of the measured sets, none names itself so."""
    t = re.sub(r"\s+", "", name or "")
    own = "".join(re.sub(r"\s+", "", x or "") for x in own_texts)
    return [f"level3 '…{t[-4:]}' may have lost its last character: the row writes '…{t[-4:]}{s}'"
            for s in sorted(rules().name_suffixes) if len(t) >= 2 and not t.endswith(s) and t + s in own][:1]


def _clipped_terms(t: str) -> list[str]:
    """A term of the form family with one character lost (开工到工验收: 竣工验收 without 竣): the clipped
    run stands where the whole term does not, and, where the first character is the one lost, the
    character before the run makes no word with it (到工; 完工验收 and 施工验收 are words of their own).
    The bigram lexicon counts only pairs with a look-alike character, so a run starting with another
    character is not judged."""
    counts, partners = bigram_counts(), confusion_partners()
    found = []
    for clipped, term in clipped_terms().items():
        start = t.find(clipped)
        while start >= 0:
            before = t[start - 1] if start > 0 else ""
            # another term of the family ends here (交工验收 beside 竣工验收), or the character before
            # makes a word with the run's first (完工验收)
            other_term = (before + clipped) in domain_words()
            judged = bool(before) and _IDEOGRAPH.fullmatch(before) is not None and clipped[0] in partners \
                and counts.get(before + clipped[0], 0) < rules().confusable_attested
            if before + clipped not in term.split("/") and not other_term and judged:
                found.append(f"'{t[max(0, start - 1):start + len(clipped)]}' reads like {term} with a character lost")
                break
            start = t.find(clipped, start + 1)
    return found


@lru_cache(maxsize=1)
def clipped_terms() -> dict[str, str]:
    """The form family's terms of four or more characters (data/domain_words.yaml) without their
    first character -> the term: 竣工验收 without 竣 (工验收). An inner character lost often leaves a
    word of its own (补助资金 / 补助金), a last one a shorter term (服务对象 / 服务对)."""
    out: dict[str, str] = {}
    for w in sorted(domain_words()):
        if len(w) >= 4:
            out[w[1:]] = "/".join(filter(None, (out.get(w[1:]), w)))  # 竣工验收/交工验收
    return out


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    raw = yaml.safe_load((DATA_DIR / "domain_words.yaml").read_text(encoding="utf-8"))
    return frozenset(raw["words"])


@lru_cache(maxsize=1)
def _domain_terms_by_char() -> dict[str, tuple[str, ...]]:
    """The project's own words (taxonomy names, form labels, domain words: build_lexicon.own_words)
    by each character they hold."""
    from normalizers.build_lexicon import own_words

    out: dict[str, set[str]] = {}
    for w in set(own_words()):
        for ch in set(w):
            out.setdefault(ch, set()).add(w)
    return {ch: tuple(sorted(ws)) for ch, ws in out.items()}


def domain_term_readings(text: str) -> list[tuple[int, str]]:
    """(position, look-alike) where a character makes no attested word with either neighbour and
    exactly one of its look-alikes (data/ocr_confusions.yaml) makes a term of the form family there
    (the project's own words: taxonomy names, form labels, data/domain_words.yaml): 工程峻工验收 -> 竣
    (竣工验收), 完成项自 -> 目 (项目). On the distinct expected texts of the measured sets it finds none;
    of the 349,046 words of jieba's dictionary, each read as a text, it changes one (峻工, itself a
    misspelling there)."""
    partners, counts, r = confusion_partners(), bigram_counts(), rules()
    found = []
    for i, ch in enumerate(text):
        if ch not in partners:
            continue
        own = [p for p in _side_pairs(text, i, ch) if _CJK_PAIR.fullmatch(p)]
        if any(counts.get(p, 0) >= r.confusable_attested for p in own) \
                or any(text[k:k + 3] in attested_trigrams() for k in range(max(0, i - 2), i + 1)):
            continue  # the reading makes a word
        fits = set()
        for alt in partners[ch]:
            reading = text[:i] + alt + text[i + 1:]
            if any(reading[j:j + len(term)] == term for term in _domain_terms_by_char().get(alt, ())
                   for j in range(max(0, i - len(term) + 1), i + 1)):
                fits.add(alt)
        if len(fits) == 1:
            found.append((i, fits.pop()))
    return found


@lru_cache(maxsize=1)
def domain_trigrams() -> frozenset[str]:
    """Three-character runs of the form family's terms (data/domain_words.yaml)."""
    raw = yaml.safe_load((DATA_DIR / "domain_words.yaml").read_text(encoding="utf-8"))
    return frozenset(w[k:k + 3] for w in raw["words"] for k in range(len(w) - 2))


@lru_cache(maxsize=1)
def char_totals() -> dict[str, int]:
    """How often each confusable character occurs in the lexicon's words at all."""
    out: dict[str, int] = {}
    for bg, n in bigram_counts().items():
        for ch in set(bg):
            out[ch] = out.get(ch, 0) + n
    return out


@dataclass
class RowEvidence:
    features: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FEATURES, 0.0))
    reasons: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # evidence -> the column it points at
    moved_to: str | None = None  # the 二级指标 this row belongs to by the evidence (label stood lower)
    confidence: float = 1.0

    @property
    def doubtful(self) -> bool:
        return round(self.confidence, 3) < rules().threshold  # as written to indicators.confidence


def _sides(text: str, i: int, ch: str, counts: dict[str, int]) -> tuple[int, int]:
    """How often ch makes a word with its left and its right neighbour (0 at the text's ends)."""
    left = counts.get(text[i - 1] + ch, 0) if i > 0 else 0
    right = counts.get(ch + text[i + 1], 0) if i + 1 < len(text) else 0
    return left, right


def _side_pairs(text: str, i: int, ch: str) -> tuple[str, str]:
    """The two character pairs ch makes with its left and right neighbour ('' at the text's ends)."""
    return (text[i - 1] + ch if i > 0 else "", ch + text[i + 1] if i + 1 < len(text) else "")


_CJK_PAIR = re.compile(f"[{CJK_IDEOGRAPH_CLASS}]{{2}}")


def _trigram_covers(text: str, i: int, k: int, counts: dict[str, int]) -> bool:
    """Whether the attested trigram text[k:k+3] vouches for the reading at i: where the reading is
    its middle character, or where on the trigram's open side no look-alike makes a far more
    common word than the reading does (the doubt's own test). 入生活 (of 深入生活) says nothing for
    老入生活, where 老人 beats 老入; 低保金 vouches for 低保金的."""
    if k == i - 1:
        return True
    j = i - 1 if k == i else i + 1  # the neighbour outside the trigram
    if j < 0 or j >= len(text):
        return True

    def pair(c: str) -> str:
        return text[j] + c if j < i else c + text[j]

    own = counts.get(pair(text[i]), 0)
    return not any(_far_commoner(counts.get(pair(alt), 0), own) for alt in confusion_partners().get(text[i], ()))


def _far_commoner(alt: int, own: int) -> bool:
    """Whether a look-alike's pair (seen ``alt`` times in the lexicon) makes a far more common word
    than the reading's (``own``): frequent enough and ``confusable.ratio`` times as frequent."""
    r = rules()
    return alt >= r.confusable_min_count and alt >= r.confusable_ratio * (own + r.confusable_smoothing)


@lru_cache(maxsize=1)
def word_model():
    """jieba's dictionary (349k words with corpus frequencies) plus the project's own words: a
    unigram word model whose best segmentation gives a text's log probability. Loaded once per
    process (jieba keeps a marshal cache of its prefix dictionary in the temp directory)."""
    import logging

    import jieba

    from normalizers.build_lexicon import own_words

    logging.getLogger("jieba").setLevel(logging.WARNING)  # its 'Building prefix dict' notes
    model = jieba.Tokenizer()
    model.initialize()
    for word in set(own_words()):
        if model.FREQ.get(word, 0) < rules().own_word_freq:
            model.add_word(word, rules().own_word_freq)
    return model


@lru_cache(maxsize=65536)
def _segmentation(text: str) -> tuple[float, tuple[tuple[int, str], ...]]:
    """The text's best segmentation under the word model: its natural log probability and its
    (start, word) pairs (kept per text: a form's rules and explanations repeat their clauses)."""
    model = word_model()
    route: dict[int, tuple[float, int]] = {}
    model.calc(text, model.get_DAG(text), route)
    words, i = [], 0
    while i < len(text):
        j = route[i][1] + 1
        words.append((i, text[i:j]))
        i = j
    return route[0][0], tuple(words)


def _log_probability(text: str) -> float:
    return _segmentation(text)[0]


def segmentation_gain(text: str, i: int, alt: str) -> float:
    """How many times (log10) as likely the text around position i becomes, as a sequence of real
    words, with the look-alike ``alt`` in place of its character: 质重合格率 → 质量合格率 (质/重合/格/率
    against 质量/合格率). The word model weighs every word of the window at once where a pair count
    sees one neighbour: 重合 is a word, yet 质重合格率 is no phrase."""
    w = rules().segmentation_window
    lo = max(0, i - w)
    window = text[lo:i + w + 1]
    k = i - lo
    return (_log_probability(window[:k] + alt + window[k + 1:]) - _log_probability(window)) / math.log(10)


def glyph_components(ch: str) -> frozenset[str]:
    """The characters the glyph of ``ch`` is built of, by every decomposition of the 汉语拆字字典
    (data/glyph_parts.txt: 情 -> 忄 心 青; 例 -> 亻 人 列); empty for a character it does not decompose."""
    return frozenset(_glyph_parts().get(ch, ""))


def deletion_gain(text: str, i: int) -> float:
    """How many times (log10) as likely the text around position i becomes, as a sequence of real
    words, without its character there (完成情青况 → 完成情况)."""
    w = rules().segmentation_window
    lo = max(0, i - w)
    window = text[lo:i + w + 1]
    k = i - lo
    return (_log_probability(window[:k] + window[k + 1:]) - _log_probability(window)) / math.log(10)


def is_word_prefix(s: str) -> bool:
    """Whether jieba's dictionary (with the project's own words) holds a word starting with ``s``."""
    return s in word_model().FREQ


def split_gain(text: str, a: int, b: int) -> float:
    """How many times (log10) as likely the ideographs around a mark (text[a] before it, text[b]
    after) read as words joined than as two clauses: 0 where each clause is words of its own (…稳定，
    为地方…: 稳定/为), high where the mark parts a word (…的满，意程度: 满意/程度)."""
    w = rules().segmentation_window
    left = re.split(f"[^{CJK_IDEOGRAPH_CLASS}]", text[:a + 1])[-1][-w:]
    right = re.split(f"[^{CJK_IDEOGRAPH_CLASS}]", text[b:])[0][:w]
    return (_log_probability(left + right) - _log_probability(left) - _log_probability(right)) / math.log(10)


def confusable_readings(text: str, elsewhere: Callable[[str], int] | None = None,
                        elsewhere_sources: Callable[[str], int] | None = None) -> list[tuple[str, str, float]]:
    """(character, look-alike, log-ratio) where the look-alike makes a far more common word. A
    reading that makes an attested word on a side where the look-alike does not clearly beat it is
    kept ('疏浚工': 疏浚 is a word though 竣工 is commoner).

    ``elsewhere(pair)``: in how many other cells of the form a character pair stands. The form is
    its own best lexicon: a reading whose look-alike pair, a word, the form writes elsewhere while the
    reading's own pair is no word ('推进士地' in a form that writes 土地) is doubted whatever the
    neighbours make ('进士'); a reading the form writes in another cell too, with its look-alike
    nowhere ('公路管养' in two rows), is taken as the form's own word (an OCR misread is a one-off
    of one cell), unless the look-alike is a far rarer character (溆 read as 激 throughout).

    ``elsewhere_sources(pair)``: the same count with each source cell once (a row with an annual and a
    long-term target gives two records of one name cell). A far rarer reading than its look-alike
    (完戍率, 菅养) counts as the form's word only when another source cell writes it: an engine does
    not read a common character as a rare one throughout, but one misread cell yields two records."""
    r = rules()
    partners, counts = confusion_partners(), bigram_counts()
    found = []
    for i, ch in enumerate(text):
        if ch not in partners:
            continue
        if any(text[k:k + 3] in attested_trigrams() and _trigram_covers(text, i, k, counts)
               for k in range(max(0, i - 2), i + 1)):
            continue  # a longer real word holds this reading ('低保金')
        if elsewhere is not None:
            own_pairs = _side_pairs(text, i, ch)
            # the look-alike's pair stands in another cell: a word of the lexicon, or, where the reading
            # makes no word on either side (疫水 beside the form's 疫木), the form's own word
            no_word = max(counts.get(p, 0) for p in own_pairs) < r.confusable_attested
            # ... unless the reading makes a word the form writes in another cell on its other side
            # (考核土地 beside the form's 土地集约: 核工 of 考核工作 elsewhere says nothing)
            confirmed = any(_CJK_PAIR.fullmatch(p) and counts.get(p, 0) >= r.confusable_attested and elsewhere(p)
                            for p in own_pairs)
            alt_hits = [(alt, side) for alt in partners[ch] for side, pair in enumerate(_side_pairs(text, i, alt))
                        if not confirmed and _CJK_PAIR.fullmatch(pair) and elsewhere(pair)
                        and (counts.get(pair, 0) >= r.confusable_attested or no_word)
                        and counts.get(own_pairs[side], 0) < r.confusable_attested and not elsewhere(own_pairs[side])]
            if alt_hits:
                alt = alt_hits[0][0]
                found.append((text[max(0, i - 1):i + 2], text[max(0, i - 1):i] + alt + text[i + 1:i + 2],
                              r.form_consistency_score))
                continue
            alt_pairs = [p for alt in partners[ch] for p in _side_pairs(text, i, alt) if _CJK_PAIR.fullmatch(p)]
            # the form writes this word in another cell too, its look-alike nowhere
            repeated = any(_CJK_PAIR.fullmatch(p) and elsewhere(p) for p in own_pairs) \
                and not any(elsewhere(p) for p in alt_pairs)
            sources = elsewhere_sources or elsewhere
            repeated_sources = any(_CJK_PAIR.fullmatch(p) and sources(p) for p in own_pairs)
        else:
            repeated = repeated_sources = False
        own_sides = _sides(text, i, ch, counts)
        own = max(own_sides)
        totals = char_totals()
        for alt in partners[ch]:
            far_rarer = totals.get(alt, 0) >= r.unigram_ratio * (totals.get(ch, 0) + 1)
            if repeated and totals.get(alt, 0) >= r.consistent_min_share * totals.get(ch, 0) \
                    and (repeated_sources or not far_rarer):
                # a repeated reading is the form's word, unless the look-alike is a far rarer
                # character: an engine that lacks one reads it as a common look-alike wherever it
                # stands (溆浦 as 激浦 in the header and the rows)
                continue
            alt_sides = _sides(text, i, alt, counts)
            alt_text = text[:i] + alt + text[i + 1:]
            if any(alt_text[k:k + 3] in domain_trigrams() for k in range(max(0, i - 2), i + 1)):
                # the look-alike makes a term of the form family ('较上年'): a strong sign
                found.append((text[max(0, i - 1):i + 2], alt_text[max(0, i - 1):i + 2], 2.0))
                break
            # the look-alike makes a word, and a commoner one than the reading, on some side: the word
            # model may judge where the pair test does not
            alt_word = any(a >= r.confusable_attested and a > o for o, a in zip(own_sides, alt_sides))
            if any(o >= r.confusable_attested and a < r.confusable_ratio * o for o, a in zip(own_sides, alt_sides)):
                # the reading makes a word on one side (重合 of 质重合格率): the whole window decides
                if alt_word:
                    gain = segmentation_gain(text, i, alt)
                    if gain >= r.segmentation_min_gain:
                        found.append((text[max(0, i - 1):i + 2], alt_text[max(0, i - 1):i + 2], gain))
                        break
                continue
            score = 0.0
            best = max((a / (o + r.confusable_smoothing), a, o) for o, a in zip(own_sides, alt_sides))
            if _far_commoner(best[1], best[2]):
                score = math.log10(best[0])
            elif own == 0 and totals.get(alt, 0) >= r.unigram_ratio * (totals.get(ch, 0) + 1):
                # the reading makes no known word (the look-alike may make a rare one, 管护): the far
                # rarer character is the likelier misread
                score = math.log10(totals[alt] / (totals.get(ch, 0) + 1)) - 1
            if score <= 0 and alt_word:
                # the look-alike makes a word too rare for the pair test (主欢干道 → 主次干道); where the
                # reading makes no word on either side (按时力结率: 办结 is rare in jieba's counts) a
                # smaller gain will do
                gain = segmentation_gain(text, i, alt)
                floor = r.segmentation_nonword_gain if own < r.confusable_attested else r.segmentation_min_gain
                score = gain if gain >= floor else 0.0
            if score > 0:
                found.append((text[max(0, i - 1):i + 2], text[max(0, i - 1):i] + alt + text[i + 1:i + 2], score))
                break
    return found


def group_votes(rec: IndicatorRecord, specific: bool = False) -> dict[str, float]:
    """Votes of the group cues for the 二级指标 this row's name, unit and operator point to;
    ``specific``: only cues that single out a few groups (not 'a lower bound is no cost')."""
    name = compact(rec.level3 or "")
    unit = compact(rec.unit or "")
    votes: dict[str, float] = {}
    for cue in rules().cues:
        if cue.names and not any(w in name for w in cue.names):
            continue
        if cue.units and unit not in cue.units:
            continue
        if cue.operators and (rec.operator or "") not in cue.operators:
            continue
        if not cue.names and not cue.units and not cue.operators:
            continue
        if specific and len(cue.groups) >= rules().broad_cue_groups:
            continue
        for g in cue.groups:
            votes[g] = votes.get(g, 0.0) + cue.weight
    return votes


_CLAUSE = re.compile(r"[，,；;。]")
_PERCENT_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*[%％]")


def _rule_targets(text: str, percent: bool = False) -> set[float]:
    """Numbers the scoring rule names as the target; for a % row also every 'N%' of a clause that
    gives full marks ('满意度达到90%以上得满分')."""
    out = set()
    if percent:
        for clause in _CLAUSE.split(text):
            if any(m in clause for m in rules().full_marks):
                out.update(float(n) for n in _PERCENT_NUMBER.findall(clause))
    for p in rules().rule_targets:
        for m in p.finditer(text):
            try:
                out.add(float(m.group(1)))
            except ValueError:
                pass
    return out


def assess_form(rows: list[IndicatorRecord], flagged: set[int], implied: frozenset[int] = frozenset(),
                form: FormRecord | None = None, disputed: dict[int, str] | None = None,
                unread: dict[int, str] | None = None, elsewhere: tuple[int, int] = (0, 0),
                centred: bool = False, open_groups: frozenset[int] = frozenset(),
                page_parts: dict[tuple[int, str], tuple[str, ...]] | None = None) -> list[RowEvidence]:
    """Evidence and confidence for each row of one form; ``flagged`` holds the seqs that already
    carry a warning or error, ``implied`` those whose operator was not written (read as '='),
    ``form`` the form's header (its budget amounts and goal are numbers a value may copy),
    ``disputed`` the rows whose cells the two OCR engines read differently (seq -> field),
    ``unread`` those with a cell whose ink holds more characters than its text (seq -> field),
    ``elsewhere`` the (bare, quantitative) rows of the document's other forms (bare_rows),
    ``centred`` whether the form's groups were placed from labels standing mid-span (its rows are
    not filed again by the edges of their groups: normalizers/centred_labels.py weighed that),
    ``open_groups`` the seqs whose group such a placement left open (group_uncertain),
    ``page_parts`` the cells a page break split (page_break_parts)."""
    disputed = disputed or {}
    page_parts = page_parts or {}
    unread = {seq: fld for seq, fld in (unread or {}).items()
              if not (fld == "level3" and name_framed_whole(seq, rows))}
    r = rules()
    form_numbers = _form_numbers(form)
    goals = [form.overall_goal or "", form.overall_goal_long_term or ""] if form is not None else []
    siblings = _period_siblings(rows)
    form_pairs = _form_pair_cells(rows, form)
    source_pairs = _form_pair_cells(rows, form, siblings) if siblings else form_pairs
    form_texts = _form_texts(rows, form)
    n_bare, n_quantitative = bare_rows(rows, implied)
    signed_rows = sum(1 for x in rows if _OPERATOR_CHARS.fullmatch(x.operator or ""))
    implied_share = _written_share(n_bare, n_quantitative, elsewhere, r.document_rows)
    names = [len(compact(x.level3 or "")) for x in rows if x.level3]
    expls = [len(compact(x.explanation or "")) for x in rows if x.explanation]
    typical_name = median(names) if names else 0
    typical_expl = median(expls) if expls else 0
    lengths = {fld: [_text_len(x, fld) for x in rows] for fld in _JOINABLE_FIELDS}
    share = {f: sum(1 for x in rows if getattr(x, f)) / len(rows) if rows else 0
             for f in ("explanation", "scoring_rule")}
    out = []
    rule_texts = [re.sub(r"\s+", "", x.scoring_rule or "") for x in rows]
    for k, rec in enumerate(rows):
        ev = RowEvidence()
        f = ev.features
        f["ocr_doubt"] = max(0.0, r.ocr_doubt_from - rec.confidence)
        if rec.confidence < _OCR_NOTE_BELOW:
            ev.reasons.append(f"a cell was read with OCR confidence {rec.confidence:.2f}")
        f["flagged"] = 1.0 if rec.seq in flagged else 0.0
        # group plausibility
        votes = group_votes(rec)
        if rec.level2 and votes:
            own = votes.get(rec.level2, 0.0)
            best_group, best = max(votes.items(), key=lambda kv: kv[1])
            if best_group != rec.level2 and best - own >= r.group_margin:
                f["group_misfit"] = best - own
                ev.reasons.append(f"'{rec.level3}' reads like a {best_group} row, not {rec.level2}")
                ev.fields["group_misfit"] = "level2"
        # text plausibility
        worst = 0.0
        for fld in r.confusable_fields:
            own_cell = _cell_pairs(getattr(rec, fld) or "")
            elsewhere = partial(_pair_cells_elsewhere, form_pairs, own_cell)
            elsewhere_sources = partial(_pair_cells_elsewhere, source_pairs, own_cell)
            # the lexicon is Simplified: a form in Traditional characters is read folded (質最 as 质最)
            for seen, alt, score in confusable_readings(to_simplified(getattr(rec, fld) or ""), elsewhere,
                                                        elsewhere_sources):
                if score > worst:
                    worst = score
                    ev.fields["confusable"] = fld
                ev.reasons.append(f"{fld} '{seen}' may be a misread '{alt}'")
        name = compact(rec.level3 or "")
        suffix = next((a for a in confusion_partners().get(name[-1:], ()) if a in r.rate_suffixes), None)
        if suffix is not None and compact(rec.unit or "") in r.rate_units:
            # a share in % whose name ends in a look-alike of 率 (受害幸): indicator names of shares end in 率
            worst = max(worst, r.form_consistency_score)
            ev.fields.setdefault("confusable", "level3")
            ev.reasons.append(f"level3 '{name[-2:]}' may be a misread '{name[-2:-1]}{suffix}' (a share in "
                              f"{rec.unit} whose name ends in a look-alike of {suffix})")
        f["confusable"] = worst
        noise = []
        for fld in r.noise_fields:
            own = re.sub(r"\s+", "", getattr(rec, fld) or "")
            seams = _seams(own, page_parts.get((rec.seq, fld), ()))
            for why in text_noise(own, partial(_written_elsewhere, form_texts, own), seams):
                noise.append(why)
                ev.fields.setdefault("text_noise", fld)
            if fld == "value" and _VALUE_TRAILING_MARK.search(own) and not _TRAILING_MARK.search(own):
                noise.append(f"the target '{own[-5:]}' ends in a stray mark")
                ev.fields.setdefault("text_noise", fld)
        lead = stray_lead(rule_texts[k], [t for j, t in enumerate(rule_texts) if j != k and t])
        if lead:
            noise.extend(lead)
            ev.fields.setdefault("text_noise", "scoring_rule")
        lost = lost_suffix(rec.level3 or "", [rec.explanation or "", rec.scoring_rule or ""])
        if lost:
            noise.extend(lost)
            ev.fields.setdefault("text_noise", "level3")
        for fld in ("explanation", "scoring_rule"):
            if restated := restated_with_look_alike(rec.level3 or "", getattr(rec, fld) or ""):
                noise.append(f"the {fld} restates the 三级指标 '{restated[0]}' as '{restated[1]}', a look-alike "
                             "apart: one of the two was misread")
                ev.fields.setdefault("text_noise", fld)
                break
        if noise:
            f["text_noise"] = min(len(noise), 2)
            ev.reasons.extend(noise)
        # structural plausibility: two rows in one
        join = 0.0  # texts that close twice: strong
        longer = 0.0  # texts longer than the form's others: weak (some names are long)
        rule_text = compact(rec.scoring_rule or "")
        if any(rule_text.count(p) >= 2 for p in r.rule_phrases):
            join += 1
            ev.reasons.append("the scoring rule reads as two rules joined")
        # (not a name its own explanation writes whole: a joined row's explanation is two, and does not
        # restate the two names run together; 绿色矿山建设、砂石土矿整治、历史遗留废弃矿山的修复 is one)
        if typical_name and len(name_text := compact(rec.level3 or "")) >= r.name_length_ratio * typical_name + 2 \
                and name_text not in compact(rec.explanation or ""):
            longer += 1
            ev.reasons.append("the 三级指标 is far longer than the form's others (two names joined?)")
        if typical_expl and len(compact(rec.explanation or "")) >= r.explanation_length_ratio * typical_expl + 4:
            longer += 1
            ev.reasons.append("the 指标解释 is far longer than the form's others (two rows joined?)")
        others = [len(compact(x.value or "")) for x in rows if x is not rec and x.value and x.value_num is None]
        if (others and rec.value and rec.value_num is None
                and len(compact(rec.value)) >= max(6, 2 * median(others))):
            longer += 1
            ev.reasons.append(f"the value '{rec.value}' is twice as long as the form's other text values")
        # the typical length is the other rows': a form with few text values (定性 rows) would
        # otherwise count the joined row's own double length in its median
        typical_len = {fld: median(others) if (others := [n for j, n in enumerate(lens) if j != k and n]) else 0
                       for fld, lens in lengths.items()}
        stretch = {fld: _text_len(rec, fld) / typical for fld, typical in typical_len.items()
                   if typical and _text_len(rec, fld)}
        stretched = [fld for fld, ratio in stretch.items() if ratio >= r.several_ratio]
        if len(stretched) >= r.several_fields:
            longer += 1
            ev.reasons.append(f"the {', '.join(stretched)} are all far longer than the form's others (two rows joined?)")
        parts = name_told_apart(rec.level3 or "", rec.explanation or "", r.apart_gap)
        if parts and len(stretch) >= r.several_fields and min(stretch.values()) >= r.apart_stretch:
            join += 1
            ev.reasons.append(f"the 三级指标 reads as two names, '{parts[0]}' and '{parts[1]}', that the 指标解释 "
                              f"speaks of apart, and every text of the row is longer than the form's others "
                              f"(two rows joined?)")
        if rec.unit and not values.is_unit(rec.unit):
            join += 1
            ev.reasons.append(f"the unit '{rec.unit}' is no unit (two units joined?)")
        for fld in ("scoring_rule", "explanation"):
            if _repeats_run(compact(getattr(rec, fld) or ""), r.repeated_run):
                join += 1
                ev.reasons.append(f"the {fld} repeats itself (two rows joined?)")
                break
        f["join"] = join
        f["longer"] = longer
        misplaced = 0.0
        if name and (_holds_taxonomy_name(name) or values.QUALITATIVE in name):
            misplaced += 1
            ev.reasons.append(f"the 三级指标 '{rec.level3}' holds the text of another column")
            ev.fields["misplaced"] = "level3"
        if rec.value and rec.value_num is None and _OPERATOR_CHARS.search(rec.value):
            misplaced += 1
            ev.reasons.append(f"the value '{rec.value}' holds an operator")
            ev.fields.setdefault("misplaced", "value")
        if rec.scoring_rule and not is_rule_text(rec.scoring_rule):
            misplaced += 1
            ev.reasons.append(f"the 评(扣)分标准 '{rec.scoring_rule[:20]}' holds no scoring wording "
                              "(a column the form has was read into it?)")
            ev.fields.setdefault("misplaced", "scoring_rule")
        if rec.explanation and _BARE_VALUE.fullmatch(compact(rec.explanation)):
            misplaced += 1
            ev.reasons.append(f"the 指标解释 '{rec.explanation}' is a bare value (a column the form has was read into it?)")
            ev.fields.setdefault("misplaced", "explanation")
        if not rec.level2:
            misplaced += 1
            ev.reasons.append("the row has no 二级指标")
            ev.fields.setdefault("misplaced", "level2")
        f["misplaced"] = misplaced
        # value against the scoring rule
        targets = _rule_targets(rec.scoring_rule or "", percent=compact(rec.unit or "") in ("%", "％"))
        if rec.value_num is not None and targets and not any(abs(t - rec.value_num) < 1e-9 for t in targets):
            f["rule_target_mismatch"] = 1.0
            ev.fields["rule_target_mismatch"] = "value"
            ev.reasons.append(f"the value {rec.value} is not the target the scoring rule names "
                              f"({', '.join(f'{t:g}' for t in sorted(targets))})")
        if rec.value_num is not None:
            unit = compact(rec.unit or "")
            unit_max = r.unit_max.get(unit)
            if unit in r.unit_max_annual_only and getattr(rec, "target_period", None) == "long_term":
                unit_max = None
            if unit_max is not None and rec.value_num > unit_max:
                f["value_suspicious"] = 1.0
                ev.fields["value_suspicious"] = "value"
                ev.reasons.append(f"the value {rec.value}{rec.unit} is out of the usual range")
            elif unit in ("%", "％") and _rate_target_odd(name, rec.operator, rec.value_num):
                f["value_suspicious"] = 1.0
                ev.fields["value_suspicious"] = "value"
                ev.reasons.append(f"a target of {rec.operator} {rec.value}% is unusual for '{rec.level3}'")
            elif unit in r.exact_share_units and rec.operator == "=" and 0 < rec.value_num < 100 \
                    and (rec.seq not in implied or signed_rows):
                # written '=', or no sign in a form that signs its other bounds (a sign lost)
                f["value_suspicious"] = 1.0
                ev.fields["value_suspicious"] = "operator"
                ev.reasons.append(f"an exact share of = {rec.value}{rec.unit}: shares under 100 % are set as "
                                  f"bounds (a sign read as '=' or lost?)")
        missing = 0.0
        if not rec.operator or not rec.value:
            missing += 1
        for fld, s in share.items():
            if s >= 0.8 and not getattr(rec, fld):
                missing += 1
        if missing:
            ev.reasons.append("cells the form's other rows have are empty here")
        f["missing_parts"] = missing
        if rec.seq in implied and implied_share <= r.implied_share:
            f["operator_implied"] = 1.0
            ev.fields["operator_implied"] = "operator"
            ev.reasons.append("no operator written where the form's other rows write one (an operator lost?)")
        if rec.value_num is not None and _unround(rec.value or "", r.round_digits) \
                and compact(rec.unit or "") not in r.exact_units:
            f["value_unround"] = 1.0
            ev.fields.setdefault("value_unround", "value")
            ev.reasons.append(f"the target {rec.value} is not a round number (a changed digit?)")
        elif rec.value_num is not None and compact(rec.unit or "") in r.stray_digit_units \
                and _stray_digit(rec.value or "", r.stray_digit_length):
            f["value_unround"] = 1.0
            ev.fields.setdefault("value_unround", "value")
            ev.reasons.append(f"the headcount {rec.value} is a round number with one stray digit (a changed digit?)")
        if rec.value_num is not None:
            seen = _number_text(rec.value or "")
            # the row's own texts are left out: score bands ('60%') sit one digit from many targets
            near = sorted(n for n in form_numbers if _one_digit_apart(seen, n))
            if seen and seen not in form_numbers and near:
                f["value_near_text"] = 1.0
                ev.fields.setdefault("value_near_text", "value")
                ev.reasons.append(f"the value {rec.value} differs in one digit from {near[0]}, which the form "
                                  "writes elsewhere (a changed digit?)")
            restated = goal_restated_values(goals, rec.level3 or "", rec.unit or "")
            if restated and not any(abs(v - rec.value_num) < 1e-9 for v in restated):
                # the goal gives this row's own target, and another one (a changed digit, or the form
                # contradicts itself: either way a person must look)
                f["value_near_text"] = 1.0
                ev.fields.setdefault("value_near_text", "value")
                ev.reasons.append(f"the goal writes {name} {restated[0]:g}{(rec.unit or '').strip()}, "
                                  f"the row {rec.value}")
            if re.fullmatch(r"0[0-9]+(?:\.[0-9]+)?", re.sub(r"\s+", "", rec.value or "")):
                f["value_malformed"] = 1.0
                ev.fields.setdefault("value_malformed", "value")
                ev.reasons.append(f"the value '{rec.value}' is written with a leading zero (a misread digit?)")
            sibling = siblings.get(rec.seq)
            if sibling is not None and _lead_digit_breaks_periods(rec, sibling, r.period_max_ratio):
                f["operator_as_digit"] = 1.0
                ev.fields["operator_as_digit"] = "value"
                ev.reasons.append(f"the {_PERIOD_NAMES[rec.target_period]} target {rec.value} is far from the "
                                  f"{_PERIOD_NAMES[sibling.target_period]} {sibling.value}; read with its leading "
                                  f"'{compact(rec.value or '')[0]}' as an operator it is not (an operator read as a digit?)")
            # also on cost rows: a per-head standard may be a lower bound (生均公用经费 ≥ 940)
            if rec.seq in implied and _lookalike_lead(rec.value or ""):
                f["operator_as_digit"] = 1.0
                ev.fields["operator_as_digit"] = "operator"
                ev.reasons.append(f"no operator written and the value '{rec.value}' starts with "
                                  f"'{compact(rec.value or '')[0]}', a digit an operator is misread as")
        if rec.seq in disputed:
            f["engines_disagree"] = 1.0
            ev.fields["engines_disagree"] = disputed[rec.seq]
            ev.reasons.append(f"the two OCR engines read the {disputed[rec.seq] or 'row'} differently")
        if rec.seq in open_groups:
            f["group_open"] = 1.0
            ev.fields["group_open"] = "level2"
            ev.reasons.append(f"the merged labels stand mid-span and the row may belong to the group next to {rec.level2}")
        if rec.seq in unread:
            f["ink_unread"] = 1.0
            ev.fields["ink_unread"] = unread[rec.seq]
            ev.reasons.append(f"the {unread[rec.seq] or 'row'} cell holds ink for more characters than OCR read")
        out.append(ev)
    if not centred:
        _group_edges(rows, out)
    else:
        _open_group_edges(rows, out, open_groups)
    for ev in out:
        ev.confidence = row_confidence(ev.features)
    return out


_JOINABLE_FIELDS = ("level3", "value", "explanation", "scoring_rule")
# a cell confidence worth naming among the reasons (the readers' own low mark)
_OCR_NOTE_BELOW = ExtractOptions().low_confidence


def _text_len(rec: IndicatorRecord, fld: str) -> int:
    """Length of a text field; a numeric value counts as no text."""
    if fld == "value" and rec.value_num is not None:
        return 0
    return len(compact(getattr(rec, fld) or ""))


def _cell_pairs(text: str) -> set[str]:
    """The character pairs of one cell (folded to Simplified, as the lexicon is)."""
    t = to_simplified(re.sub(r"\s+", "", text))
    return {t[k:k + 2] for k in range(len(t) - 1)}


def _form_texts(rows: list[IndicatorRecord], form: FormRecord | None) -> list[str]:
    """The texts of the form's cells (rows and header), without spaces."""
    cells = [getattr(x, f) or "" for x in rows for f in rules().confusable_fields]
    if form is not None:
        cells += [getattr(form, f) or "" for f in _HEADER_TEXT_FIELDS]
    return [re.sub(r"\s+", "", c) for c in cells if c]


def _written_elsewhere(texts: list[str], own: str, s: str | tuple[str, str]) -> int:
    """In how many cells of the form other than ``own`` ``s`` stands (one copy of own's text aside);
    ``("end", s)``: how many end with it."""
    if isinstance(s, tuple):
        hits = sum(1 for t in texts if t.endswith(s[1]))
        return hits - (1 if own.endswith(s[1]) else 0)
    hits = sum(1 for t in texts if s in t)
    return hits - (1 if s in own else 0)


def _pair_cells_elsewhere(form_pairs: Counter, own_cell: set[str], pair: str) -> int:
    """In how many cells of the form other than this one a character pair stands."""
    return form_pairs[pair] - (pair in own_cell)


def _form_pair_cells(rows: list[IndicatorRecord], form: FormRecord | None,
                     siblings: dict[int, IndicatorRecord] | None = None) -> Counter:
    """In how many cells of the form (its rows' texts and its header's names and goals) each
    character pair stands. ``siblings`` (_period_siblings): a text a record shares with its period
    sibling (the other target of the same source row) counts once, as the one cell it was read from."""
    siblings = siblings or {}
    cells = []
    for x in rows:
        twin = siblings.get(x.seq)
        for f in rules().confusable_fields:
            text = getattr(x, f) or ""
            if twin is None or twin.seq > x.seq or text != (getattr(twin, f) or ""):
                cells.append(text)
    if form is not None:
        cells += [getattr(form, f) or "" for f in _HEADER_TEXT_FIELDS]
    out: Counter = Counter()
    for c in cells:
        out.update(_cell_pairs(c))
    return out


_HEADER_TEXT_FIELDS = ("project_name", "agency", "competent_dept", "implementing_agency", "overall_goal",
                       "overall_goal_long_term")


def _group_edges(rows: list[IndicatorRecord], out: list[RowEvidence]) -> None:
    """Rows above a change of 二级指标 that fit the next group better than their own."""
    margin = rules().edge_margin
    for i in range(len(rows) - 1):
        nxt = rows[i + 1].level2
        if not nxt or rows[i].level2 == nxt:
            continue
        start = i
        while start > 0 and rows[start - 1].level2 == rows[i].level2:
            start -= 1
        j = i
        moving = True  # rows from the change upward that fit the next group clearly better
        while j >= 0 and rows[j].level2 == rows[i].level2 and rows[j].level2:
            votes = group_votes(rows[j], specific=True)
            gain = votes.get(nxt, 0.0) - votes.get(rows[j].level2, 0.0)
            if gain < 0:
                break  # a row that fits its own group better: the group starts at or above it
            moving = moving and gain >= rules().reassign_margin and j > start  # the group keeps its first row
            if moving:
                out[j].moved_to = nxt
            if gain >= margin:
                out[j].features["group_edge"] = gain
                out[j].fields["group_edge"] = "level2"
                out[j].reasons.append(f"'{rows[j].level3}' stands just above the {nxt} rows and fits them better "
                                      f"than {rows[j].level2} (was a merged label filled down?)")
            j -= 1


def _open_group_edges(rows: list[IndicatorRecord], out: list[RowEvidence], open_groups: frozenset[int]) -> None:
    """Rows of a form whose labels stand mid-span that the label placement left open (a split one
    row off fitted nearly as well) and that fit the group next to them better than their own: the
    placement weighed the whole form, the row's own evidence says which side it belongs to."""
    margin = rules().edge_margin
    for i, rec in enumerate(rows):
        if rec.seq not in open_groups or not rec.level2:
            continue
        votes = group_votes(rec, specific=True)
        for j in (i - 1, i + 1):
            if not 0 <= j < len(rows):
                continue
            other = rows[j].level2
            if not other or other == rec.level2:
                continue
            gain = votes.get(other, 0.0) - votes.get(rec.level2, 0.0)
            if gain >= margin and gain > out[i].features.get("group_edge", 0.0):
                out[i].features["group_edge"] = gain
                out[i].fields["group_edge"] = "level2"
                out[i].reasons.append(f"'{rec.level3}' stands next to the {other} rows and fits them better than "
                                      f"{rec.level2} (the labels stand mid-span: a label one row off?)")


_DIGITS = re.compile(r"[0-9]")
_FUND_FIELDS = ("fund_total", "fund_fiscal", "fund_carryover", "fund_other", "fund_total_all", "fund_superior")


def _lookalike_lead(value: str) -> bool:
    """The number starts with a digit an operator is misread as, with more digits after it."""
    from normalizers.operator_misread import misread_operator_cell

    t = re.sub(r"\s+", "", value)
    return len(t) >= 2 and t[1].isdigit() and misread_operator_cell(t[0]) is not None


_PERIOD_NAMES = {"annual": "annual", "long_term": "long-term"}


def _period_siblings(rows: list[IndicatorRecord]) -> dict[int, IndicatorRecord]:
    """The other target of the same source row (a row with an annual and a long-term target gives
    two adjacent records of one name and unit), by seq."""
    out: dict[int, IndicatorRecord] = {}
    for a, b in pairwise(rows):
        if a.level3 and a.level3 == b.level3 and a.unit == b.unit and a.target_period != b.target_period:
            out[a.seq], out[b.seq] = b, a
    return out


def _lead_digit_breaks_periods(rec: IndicatorRecord, sibling: IndicatorRecord, max_ratio: float) -> bool:
    """The row's number is more than ``max_ratio`` times apart from its other target's, and read with
    its leading digit as an operator ('2150' as '≥150' beside an annual 45) it is within it: the two
    targets of one row are of one size."""
    from normalizers.operator_misread import lookalike_reading

    fixed = lookalike_reading(rec.value or "")
    if rec.value_num is None or sibling.value_num is None or sibling.value_num <= 0 or fixed is None:
        return False
    reread = values.parse_value_cell(fixed).value_num or 0.0
    if reread <= 0:
        return False
    apart = max(rec.value_num, sibling.value_num) / max(min(rec.value_num, sibling.value_num), 1e-9)
    reread_apart = max(reread, sibling.value_num) / max(min(reread, sibling.value_num), 1e-9)
    return apart > max_ratio >= reread_apart


def _number_text(text: str) -> str:
    """A number as its digits, without leading zeros and trailing decimal zeros ('96.950' -> '96.95')."""
    m = _NUMBER.search(text or "")
    if not m:
        return ""
    n = m.group(0)
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    return n.lstrip("0") or "0"


def _form_numbers(form: FormRecord | None) -> set[str]:
    """Numbers of two or more digits the form's header writes: budget amounts and its goals."""
    if form is None:
        return set()
    out = {_number_text(f"{getattr(form, f):.6f}") for f in _FUND_FIELDS if getattr(form, f)}
    for text in (form.overall_goal, form.overall_goal_long_term):
        out.update(_number_text(n) for n in _NUMBER.findall(text or ""))
    return {n for n in out if len(n.replace(".", "")) >= 2}


def goal_restated_values(goals: list[str], name: str, unit: str) -> list[float]:
    """The numbers the form's goals write right after this row's name with this row's unit
    (购置执法执勤车辆10辆 for the row 购置执法执勤车辆 … 辆): the goal restating the row's own target.
    A few characters may stand between (改造危旧桥梁共8座); the unit must end there (10个 of 10个月
    is no count of 个)."""
    name, unit = re.sub(r"\s+", "", name), re.sub(r"\s+", "", unit)
    if len(name) < rules().restated_min_name or not unit or not _NUMBER.search(" ".join(goals)):
        return []
    after = re.compile(f"[^0-9.，。；;,、]{{0,{rules().restated_gap}}}?({_NUMBER.pattern}){re.escape(unit)}")
    found = []
    for goal in goals:
        goal = re.sub(r"\s+", "", goal or "")
        for m in re.finditer(re.escape(name), goal):
            hit = after.match(goal, m.end())
            following = goal[hit.end():hit.end() + 1] if hit else ""
            if hit and not (following and is_unit(unit + following)):
                found.append(float(hit.group(1)))
    return found


def _one_digit_apart(a: str, b: str) -> bool:
    """Same shape, one digit different ('2502.21' / '2602.21'), both with three or more significant
    digits (round numbers one digit apart, 100 and 500, are common targets beside each other)."""
    if len(a) != len(b) or a == b or min(len(x.replace(".", "").strip("0")) for x in (a, b)) < 3:
        return False
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diff) == 1 and diff[0][0].isdigit() and diff[0][1].isdigit()


def _stray_digit(value: str, length: int) -> bool:
    """A whole number of ``length`` or more digits whose significant digits end in zeros and one
    more digit (195003, 195010 -> 19501): a round number with one digit changed; an exact count
    has no reason to hold that run (14130, 2460 do not)."""
    t = re.sub(r"\s+", "", value)
    if not re.fullmatch(r"[1-9][0-9]*", t) or len(t) < length:
        return False
    return re.search(r"0[1-9]$", t.rstrip("0")) is not None


def _unround(value: str, leading: int) -> bool:
    """Digits past the first ``leading`` significant ones hold something other than 0 or 5."""
    digits = "".join(_DIGITS.findall(value)).lstrip("0")
    return any(d not in "05" for d in digits[leading:])


def _rate_target_odd(name: str, operator: str | None, value: float) -> bool:
    """A rate better when high with a low lower bound ('合格率 ≥ 35%'), or one better when low with
    a high upper bound ('投诉率 ≤ 62%'): a target nobody sets, likely a misread digit."""
    from normalizers.validate import validation_rules  # the word lists of operator_conflict

    r, v = rules(), validation_rules()
    if operator in ("≥", ">", "=") and any(w in name for w in v.higher_is_better):
        floor = max([r.rate_floor, *(f for w, f in r.rate_word_floors.items() if w in name)])
        return value < floor
    if operator in ("≤", "<") and any(w in name for w in v.lower_is_better):
        return value > r.rate_ceiling
    return False


_BARE_VALUE = re.compile(rf"[0-9０-９.%％]+[^\s]{{0,2}}|[{CJK_IDEOGRAPH_CLASS}]{{1,2}}")
_OPERATOR_CHARS = re.compile(r"[≥≤><]")


def name_told_apart(name: str, explanation: str, gap: int, least: int = 2) -> tuple[str, str] | None:
    """The name as two parts (A, B) that the explanation writes apart, A first and at least ``gap``
    characters before B, while it never writes the whole name: the explanation of two joined rows
    restates each row's name in its own words. None when there is no such split."""
    n, e = compact(name), compact(explanation)
    if len(n) < 2 * least or not e or n in e:
        return None
    for k in range(least, len(n) - least + 1):
        a, b = n[:k], n[k:]
        i = e.find(a)
        if i >= 0 and e.find(b, i + len(a) + gap) >= 0:
            return a, b
    return None


def _repeats_run(text: str, n: int) -> bool:
    """The text holds some run of n characters twice (without overlap)."""
    seen: dict[str, int] = {}
    for i in range(len(text) - n + 1):
        run = text[i:i + n]
        if run in seen and i - seen[run] >= n:
            return True
        seen.setdefault(run, i)
    return False


@lru_cache(maxsize=4096)
def _holds_taxonomy_name(name: str) -> bool:
    return any(t in name for t in taxonomy.LEVEL1_NAMES + taxonomy.LEVEL2_NAMES)


def bare_rows(rows: list[IndicatorRecord], implied: frozenset[int]) -> tuple[int, int]:
    """(rows written as a bare number, rows with a number) of one form. Rows whose number starts with
    a digit an operator is misread as lost their operator too: they do not show a form that writes
    bare numbers."""
    quantitative = [x for x in rows if x.value_num is not None]
    bare = [x for x in quantitative if x.seq in implied and not _lookalike_lead(x.value or "")]
    return len(bare), len(quantitative)


def bare_rows_elsewhere(per_form: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each form of a document, the bare_rows of its other forms (the document's totals less its own)."""
    bare, quantitative = sum(b for b, _ in per_form), sum(q for _, q in per_form)
    return [(bare - b, quantitative - q) for b, q in per_form]


def _written_share(bare: int, quantitative: int, elsewhere: tuple[int, int], weight: float) -> float:
    """The share of a form's numbers written bare, drawn toward the document's other forms by
    ``weight`` rows' worth: a form of three rows says little by itself of how its table writes
    targets (a register table split into one form per project), its siblings do."""
    other_bare, other_quantitative = elsewhere
    if other_quantitative:
        return (bare + weight * other_bare / other_quantitative) / (quantitative + weight)
    return bare / quantitative if quantitative else 0.0


def implied_operators(anomalies: list[Anomaly]) -> frozenset[int]:
    """Seqs of the rows whose operator was not written but implied (operator_implied)."""
    return frozenset(a.seq for a in anomalies if a.code == "operator_implied" and a.seq is not None)


def disputed_cells(anomalies: list[Anomaly]) -> dict[int, str]:
    """Rows (seq -> field) with a cell the two OCR engines read differently (ocr_disagreement)."""
    return {a.seq: a.field for a in anomalies if a.code == "ocr_disagreement" and a.seq is not None}


def open_groups(anomalies: list[Anomaly]) -> frozenset[int]:
    """Seqs of the rows whose group a mid-span label placement left open (group_uncertain)."""
    return frozenset(a.seq for a in anomalies if a.code == "group_uncertain" and a.seq is not None)


def page_break_parts(anomalies: list[Anomaly]) -> dict[tuple[int, str], tuple[str, ...]]:
    """Rows' cells a page break split ((seq, field) -> the parts from the next page, without spaces;
    row_joined notes of extractors/scan/page_breaks.py)."""
    out: dict[tuple[int, str], tuple[str, ...]] = {}
    for a in anomalies:
        if a.code == "row_joined" and a.seq is not None and a.raw_value:
            key = (a.seq, a.field)
            out[key] = out.get(key, ()) + (re.sub(r"\s+", "", a.raw_value),)
    return out


def _seams(t: str, parts: tuple[str, ...]) -> frozenset[int]:
    """Where, in ``t`` (a text without spaces), the parts from the next page begin (the page's part ends)."""
    return frozenset(len(t) - len(p) for p in parts if p and t.endswith(p) and len(t) > len(p))


def _name_frame(rec: IndicatorRecord) -> tuple[str, str] | None:
    """The explanation around the row's 三级指标 where it writes the name once (考核 … 完成情况)."""
    name, expl = compact(rec.level3 or ""), compact(rec.explanation or "")
    if len(name) < 2 or expl.count(name) != 1:
        return None
    i = expl.index(name)
    return expl[:i], expl[i + len(name):]


def name_framed_whole(seq: int, rows: list[IndicatorRecord]) -> bool:
    """Whether the row's explanation writes its 三级指标 in the frame at least two other rows of the
    form write theirs in (考核学生体质健康达标率完成情况 beside 考核…完成情况): read apart, the name
    and the explanation agree on every character, so the ink measure that found one more in the
    name cell misjudged it (speckle beside the text; 5 right rows of the family and layout scans,
    no wrong one). A character lost from the name stays in the explanation and breaks the frame."""
    own = next((x for x in rows if x.seq == seq), None)
    frame = _name_frame(own) if own is not None else None
    if frame is None or not any(frame):
        return False
    return sum(1 for x in rows if x.seq != seq and _name_frame(x) == frame) >= 2


def unread_cells(anomalies: list[Anomaly]) -> dict[int, str]:
    """Rows (seq -> field) with a scanned cell whose ink holds more characters than its text (ink_unread).
    The merged 一级/二级指标 labels are left out: the row takes the canonical name they match (a
    lost character there is reported as a loose taxonomy match), and their tall cells hold ink
    the measure misjudges (4 right rows of the family scans, no wrong one)."""
    return {a.seq: a.field for a in anomalies
            if a.code == "ink_unread" and a.seq is not None and a.field not in ("level1", "level2")}


def row_confidence(features: dict[str, float]) -> float:
    """1 - P(row wrong) under the fitted logistic model."""
    r = rules()
    z = r.intercept + sum(r.weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(z)) if z > -500 else 1.0


def _move_to_next_group(rec: IndicatorRecord, below: IndicatorRecord) -> Anomaly:
    """File a row under the group whose merged label stood below it (the rows up to that label
    were filled down from the group above); reported as a warning for a person to confirm."""
    old = rec.level2
    rec.level2, rec.level2_raw = below.level2, below.level2_raw
    if rec.level1 != taxonomy.level1_of(below.level2):
        rec.level1, rec.level1_raw = taxonomy.level1_of(below.level2), below.level1_raw
    return Anomaly(
        source_file=rec.source_file, form_id=rec.form_id, form_index=rec.form_index, seq=rec.seq, field="level2",
        code="group_reassigned", severity="warning", raw_value=old or "", fixed_value=rec.level2 or "",
        message=f"'{rec.level3}' fits {rec.level2} (whose merged label stands below it) far better than {old}, "
                f"which it was filled down from; filed under {rec.level2}", page=rec.page)


def assess_rows(indicators: list[IndicatorRecord], anomalies: list[Anomaly],
                form: FormRecord | None = None, elsewhere: tuple[int, int] = (0, 0)) -> list[Anomaly]:
    """Set each row's confidence from its evidence; a low_confidence anomaly (with the reasons) for
    every row under the threshold. Rows just above a group whose evidence clearly places them in it
    are moved into it (group_reassigned). ``elsewhere``: bare_rows of the document's other forms."""
    flagged = {a.seq for a in anomalies if a.seq is not None and a.severity in ("warning", "error")}
    notes = []
    centred = any(a.code == "labels_centred" for a in anomalies)
    evidence = assess_form(indicators, flagged, implied_operators(anomalies), form, disputed_cells(anomalies),
                           unread_cells(anomalies), elsewhere, centred, open_groups(anomalies),
                           page_break_parts(anomalies))
    for n in range(len(indicators) - 2, -1, -1):  # bottom-up: the row below has moved already
        if evidence[n].moved_to:
            notes.append(_move_to_next_group(indicators[n], indicators[n + 1]))
    for rec, ev in zip(indicators, evidence):
        rec.confidence = round(ev.confidence, 3)
        if ev.doubtful:
            weights = rules().weights
            strongest = max(ev.fields, key=lambda k: weights.get(k, 0.0) * ev.features[k], default="")
            reasons = "; ".join(dict.fromkeys(ev.reasons)) or "several weak signs together"
            notes.append(Anomaly(
                source_file=rec.source_file, form_id=rec.form_id, form_index=rec.form_index, seq=rec.seq,
                field=ev.fields.get(strongest, ""), code="low_confidence", severity="warning",
                raw_value=(rec.level3 or "")[:200],
                message=f"row plausibility {ev.confidence:.2f} under {rules().threshold:.2f}: {reasons}"[:500],
                page=rec.page))
    return notes
