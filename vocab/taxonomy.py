"""Recognise 一级指标 / 二级指标 names of the indicator taxonomy and map them to canonical names.

The taxonomy, its aliases, the OCR glyph confusions and the thresholds live in
``vocab/data/taxonomy.yaml``. A match carries a score (0..100) and the reason it was made:

- ``exact``: the normalised text is a canonical name;
- ``alias``: a historical/regional spelling, or a bare stem without 指标 (scored low: a bare stem
  such as 经济效益 or 服务对象满意度 is also how level-3 indicators are named);
- ``glyph``: an OCR glyph confusion repaired (质量指杯, 时效措标, 数最指标) lands exactly on a name;
- ``fuzzy``: rapidfuzz similarity of a string ending in 指标 above the configured threshold;
- ``framework``: a name of another indicator framework (the older 投入/过程/产出/效果 evaluation
  framework, 社会公众或服务对象满意度指标 ...) mapped onto the canonical name it corresponds to.

A score or score range written into a name (``成本指标(0-20)分``) is not part of the name.

Scores at or above ``CONFIDENT_SCORE`` mean the text is certainly a taxonomy name; below it the
caller should accept the match only for a cell standing in a level-1/level-2 column.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from vocab.chinese_script import to_simplified
from vocab.errors import ParseError
from vocab.labels import without_score_annotation

_DATA = Path(__file__).with_name("data") / "taxonomy.yaml"
_SUFFIX = "指标"


@dataclass(frozen=True)
class TaxonomyMatch:
    canonical: str
    level: int  # 1 or 2
    score: float  # 0..100
    reason: str  # "exact" | "alias" | "fuzzy" | "glyph" | "framework"


@dataclass(frozen=True)
class _Entry:
    canonical: str
    score: float
    reason: str  # "exact" | "alias" | "framework"
    bare: bool  # a stem written without 指标


@dataclass(frozen=True)
class _Config:
    hierarchy: Mapping[str, tuple[str, ...]]
    names: Mapping[int, Mapping[str, _Entry]]  # level -> normalised name -> entry
    not_taxonomy: frozenset[str]
    suffix_glyphs: Mapping[str, frozenset[str]]  # "指"/"标" -> garbled forms
    stem_glyphs: Mapping[str, str]
    glyph_score: float
    stray_min_length: int
    suffix_truncated_score: float
    fuzzy_threshold: float
    fuzzy_length_slack: float
    confident_score: float
    framework_parents: Mapping[str, frozenset[str]]  # canonical level-2 -> level-1 names other frameworks put it under
    framework_level1: Mapping[str, str]  # normalised level-1 name of another framework -> what it was


@lru_cache(maxsize=1)
def _config() -> _Config:
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    hierarchy = {l1: tuple(l2s) for l1, l2s in raw["levels"].items()}
    bare_score = float(raw["bare_stem_score"])
    names: dict[int, dict[str, _Entry]] = {1: {}, 2: {}}
    for l1, l2s in hierarchy.items():
        names[1][l1] = _Entry(l1, 100.0, "exact", False)
        for l2 in l2s:
            names[2][l2] = _Entry(l2, 100.0, "exact", False)
    for key, level in (("level1", 1), ("level2", 2)):
        for alias, spec in (raw["aliases"].get(key) or {}).items():
            reason = "framework" if spec.get("framework") else "alias"
            names[level].setdefault(normalize_name(alias),
                                    _Entry(spec["canonical"], float(spec["score"]), reason, False))
    # Bare stems (the name without its 指标 suffix) of every full name.
    for level in (1, 2):
        for name, entry in list(names[level].items()):
            if name.endswith(_SUFFIX) and len(name) > len(_SUFFIX):
                stem = name[: -len(_SUFFIX)]
                score = min(bare_score, entry.score)
                known = names[level].get(stem)
                if known is None or known.score < score:
                    names[level][stem] = _Entry(entry.canonical, score,
                                                "framework" if entry.reason == "framework" else "alias", True)
    glyphs = raw["glyphs"]
    return _Config(
        hierarchy=hierarchy,
        names=names,
        not_taxonomy=frozenset(normalize_name(n) for n in raw["not_taxonomy"]),
        suffix_glyphs={ch: frozenset(v) for ch, v in glyphs["suffix"].items()},
        stem_glyphs=dict(glyphs["stem"]),
        glyph_score=float(raw["glyph_score"]),
        stray_min_length=int(raw["stray_min_length"]),
        suffix_truncated_score=float(raw["suffix_truncated_score"]),
        fuzzy_threshold=float(raw["fuzzy_threshold"]),
        fuzzy_length_slack=float(raw["fuzzy_length_slack"]),
        confident_score=float(raw["confident_score"]),
        framework_parents={l2: frozenset(normalize_name(x) for x in l1s)
                           for l2, l1s in (raw.get("framework_parents") or {}).items()},
        framework_level1={normalize_name(k): str(v) for k, v in (raw.get("framework_level1") or {}).items()},
    )


# Leading enumerators such as "一、" "1." "(1)" that some forms put before a name.
_ENUMERATOR = re.compile(r"^(?:[（(]?[0-9一二三四五六七八九十]{1,2}[)）、.．]+)")


def normalize_name(text: str) -> str:
    """Half-width, Simplified, no whitespace, punctuation, symbols, checkbox glyphs, leading
    enumerator or score annotation."""
    s = without_score_annotation(to_simplified(text or ""))
    s = "".join(ch for ch in s if not ch.isspace())
    s = _ENUMERATOR.sub("", s)
    return "".join(ch for ch in s if unicodedata.category(ch)[0] not in "PSZC")


LEVEL1_NAMES: tuple[str, ...] = tuple(_config().hierarchy)
LEVEL2_NAMES: tuple[str, ...] = tuple(l2 for l2s in _config().hierarchy.values() for l2 in l2s)
CONFIDENT_SCORE: float = _config().confident_score


@dataclass(frozen=True)
class _Repair:
    text: str  # the string with its 指标 suffix restored
    score: float  # how sure the repair is
    fuzzy: bool  # whether fuzzy matching may follow (only when the suffix evidence is strong)


def _repair_suffix(s: str, cfg: _Config) -> _Repair | None:
    """The string with a garbled or truncated 指标 suffix restored, or None when it has none."""
    if len(s) < 3:
        return None
    zhi, biao = s[-2], s[-1]
    zhi_ok = zhi == "指" or zhi in cfg.suffix_glyphs["指"]
    biao_ok = biao == "标" or biao in cfg.suffix_glyphs["标"]
    if zhi_ok and biao_ok:
        # One character right: good evidence. Both garbled: only an exact name after repair.
        return _Repair(s[:-2] + _SUFFIX, cfg.glyph_score, zhi == "指" or biao == "标")
    if biao == "标":
        return _Repair(s[:-1] + _SUFFIX, cfg.suffix_truncated_score, False)  # 质量标: 指 lost
    if biao == "指":
        return _Repair(s + "标", cfg.suffix_truncated_score, False)  # 质量指: 标 lost at the cell edge
    return None


def _repair_stem(s: str, cfg: _Config) -> str:
    stem, suffix = (s[: -len(_SUFFIX)], _SUFFIX) if s.endswith(_SUFFIX) else (s, "")
    return "".join(cfg.stem_glyphs.get(ch, ch) for ch in stem) + suffix


def _match(text: str, level: int) -> TaxonomyMatch | None:
    cfg = _config()
    table = cfg.names[level]
    s = normalize_name(text)
    if not s or s in cfg.not_taxonomy:
        return None
    entry = table.get(s)
    if entry is not None:
        return TaxonomyMatch(entry.canonical, level, entry.score, entry.reason)
    stray = _stray_glyph_match(s, level, cfg)
    if stray is not None:
        return TaxonomyMatch(stray.canonical, level, min(stray.score, cfg.glyph_score), "glyph")

    repair = _Repair(s, 100.0, True) if s.endswith(_SUFFIX) else _repair_suffix(s, cfg)
    if repair is None:
        return None  # no 指标 suffix: bare words are how level-3 indicators are named
    if repair.text in cfg.not_taxonomy:
        return None
    for guess, score in ((repair.text, repair.score), (_repair_stem(repair.text, cfg), cfg.glyph_score)):
        entry = table.get(guess)
        if entry is not None and not entry.bare and guess != s:
            if guess in cfg.not_taxonomy:
                return None
            return TaxonomyMatch(entry.canonical, level, min(entry.score, score, repair.score), "glyph")
    return _fuzzy(repair.text, level, repair.score, cfg) if repair.fuzzy else None


def _stray_glyph_match(s: str, level: int, cfg: _Config):
    """The entry ``s`` names with one character too many (产出指東标, 满意度指标示: a speck or a
    neighbouring cell's glyph read into the label), when dropping one character gives exactly one
    name of the table and no other name, of either level, is as near (会效益指标 is 社会效益指标 with
    a character lost, not 效益指标 with one too many)."""
    if len(s) < cfg.stray_min_length:
        return None
    table = cfg.names[level]
    found = {}
    for i in range(len(s)):
        shorter = s[:i] + s[i + 1:]
        entry = table.get(shorter)
        if entry is not None and not entry.bare and shorter not in cfg.not_taxonomy:
            found[shorter] = entry
    if len(found) != 1:
        return None
    name, entry = next(iter(found.items()))
    return entry if _nearest_rival(s, name, entry, level, cfg) < fuzz.ratio(s, name) else None


def _nearest_rival(candidate: str, name: str, entry, level: int, cfg: _Config) -> float:
    """How near ``candidate`` comes to the nearest name other than ``name`` (of ``level``): a name
    of either level of about its length that is not one of ``entry``'s own spellings, or a
    non-taxonomy word such as 绩效指标."""
    rivals = [fuzz.ratio(candidate, other) for lvl, names in cfg.names.items() for other, e in names.items()
              if not e.bare and other != name and (lvl != level or e.canonical != entry.canonical)
              and abs(len(other) - len(candidate)) <= max(1, int(len(other) * cfg.fuzzy_length_slack))]
    rivals += [fuzz.ratio(candidate, other) for other in cfg.not_taxonomy]
    return max(rivals, default=0.0)


def _fuzzy(candidate: str, level: int, repair_score: float, cfg: _Config) -> TaxonomyMatch | None:
    """The name of ``level`` most similar to ``candidate``, when it clears the threshold and no
    other name (of either level, or a non-taxonomy word such as 绩效指标) is as similar."""
    scored = [(fuzz.ratio(candidate, name), lvl, name, entry)
              for lvl, table in cfg.names.items() for name, entry in table.items()
              if not entry.bare
              and abs(len(name) - len(candidate)) <= max(1, int(len(name) * cfg.fuzzy_length_slack))]
    own = [t for t in scored if t[1] == level]
    if not own:
        return None
    ratio, _, best_name, best = max(own, key=lambda t: t[0])
    if ratio < cfg.fuzzy_threshold or _nearest_rival(candidate, best_name, best, level, cfg) >= ratio:
        return None
    return TaxonomyMatch(best.canonical, level, min(ratio, best.score, repair_score), "fuzzy")


def match_level1(text: str) -> TaxonomyMatch | None:
    """The canonical 一级指标 ``text`` names, or None."""
    return _match(text, 1)


def match_level2(text: str) -> TaxonomyMatch | None:
    """The canonical 二级指标 ``text`` names, or None."""
    return _match(text, 2)


def classify_taxonomy_name(text: str) -> TaxonomyMatch | None:
    """The better of the level-1 and level-2 readings of ``text`` (level 1 on a tie)."""
    matches = [m for m in (match_level1(text), match_level2(text)) if m is not None]
    if not matches:
        return None
    return max(matches, key=lambda m: (m.score, -m.level))


def level1_of(level2_canonical: str) -> str:
    """The 一级指标 a 二级指标 belongs to; a non-canonical name is matched first (confidently)."""
    for l1, l2s in _config().hierarchy.items():
        if level2_canonical in l2s:
            return l1
    m = match_level2(level2_canonical)
    if m is not None and m.score >= CONFIDENT_SCORE:
        return level1_of(m.canonical)
    raise ParseError(f"{level2_canonical!r} is not a 二级指标 of the taxonomy")


def level2_names_of(level1_canonical: str) -> tuple[str, ...]:
    """The 二级指标 under a canonical 一级指标 (empty for an unknown name)."""
    return _config().hierarchy.get(level1_canonical, ())


def is_framework_parent(level1_raw: str, level2_canonical: str) -> bool:
    """Whether another framework puts ``level2_canonical`` under the level-1 name ``level1_raw``
    (满意度 under 效益指标, 成本指标 under 产出指标): a framework difference, not a misread."""
    return normalize_name(level1_raw) in _config().framework_parents.get(level2_canonical, frozenset())


def other_framework_level1(text: str) -> str | None:
    """What a level-1 name of another framework with no canonical counterpart stands for
    (投入指标, 过程指标), or None; its rows take their level-1 from their level-2."""
    return _config().framework_level1.get(normalize_name(text))
