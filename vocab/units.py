"""Units of measure (计量单位) and the other vocabularies of ``vocab/data/units.yaml``.

``is_unit`` lives here, below the extractors, because both the scan repairs (a unit column's cell)
and the normalizers (splitting a value from its unit) ask it.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from vocab import DATA_DIR
from vocab.chinese_script import to_simplified

UNITS_FILE = DATA_DIR / "units.yaml"


@lru_cache(maxsize=1)
def units_yaml() -> dict[str, Any]:
    """The whole units file (operator spellings, amount units, scoring wording are read by values)."""
    return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))


def nfkc(text: str) -> str:
    """NFKC-folded and Simplified (Traditional spellings of units and operators match)."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


def clean_value_text(text: str) -> str:
    """NFKC, HTML entities decoded, LaTeX math delimiters dropped, outer whitespace stripped."""
    s = nfkc(html.unescape(text or ""))
    return s.replace("$", "").strip()


@dataclass(frozen=True)
class UnitVocabulary:
    base_units: frozenset[str]
    unit_prefixes: tuple[str, ...]
    unit_max_length: int


@lru_cache(maxsize=1)
def unit_vocabulary() -> UnitVocabulary:
    units = units_yaml()["units"]
    return UnitVocabulary(
        base_units=frozenset(nfkc(str(u)) for u in units["base"]),
        unit_prefixes=tuple(units["prefix"]),
        unit_max_length=int(units["max_length"]),
    )


def is_unit(text: str) -> bool:
    """Whether ``text`` is a unit of measure: a known unit, a prefixed one (万人次, 个工作日),
    an ASCII symbol (km, m2), or such units joined by "/" or "·" (元/人·月)."""
    cfg = unit_vocabulary()
    s = clean_value_text(text).replace(" ", "")
    if not s or len(s) > cfg.unit_max_length:
        return False
    if s in cfg.base_units:
        return True
    alternative = re.fullmatch(r"(.+)\((.+)\)", s)
    if alternative:  # a unit with its alternative in brackets: 万头(只)
        return is_unit(alternative.group(1)) and is_unit(alternative.group(2))
    parts = re.split(r"[/·・]", s)
    return len(parts) > 1 and all(_is_simple_unit(p, cfg) for p in parts) or _is_simple_unit(s, cfg)


def _is_simple_unit(s: str, cfg: UnitVocabulary) -> bool:
    if s in cfg.base_units:
        return True
    if re.fullmatch(r"[A-Za-z]{1,4}[23]?", s):
        return True
    return any(s.startswith(p) and s[len(p):] in cfg.base_units for p in cfg.unit_prefixes)
