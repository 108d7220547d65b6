"""The forms' shared vocabulary, below every stage: checkbox glyphs, operators, CJK ranges and the
text compaction used to compare labels, each defined once in ``vocab/data/vocab.yaml``.

``vocab.units`` (units of measure) and ``vocab.labels`` (the printed form's titles, field labels and
column headers) hold the larger vocabularies. This package imports nothing from extractors,
normalizers or pipeline, so any stage may use it.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from vocab.chinese_script import to_simplified

DATA_DIR = Path(__file__).parent / "data"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckboxGlyphs(_Frozen):
    checked: str
    unchecked: str


class Operators(_Frozen):
    comparison: tuple[str, ...]
    upper_bound: tuple[str, ...]
    lower_bound: tuple[str, ...]
    qualitative: str


class CjkRanges(_Frozen):
    ideographs: tuple[tuple[str, str], ...]
    ideographs_ext_a: tuple[tuple[str, str], ...]
    script: tuple[tuple[str, str], ...]
    ocr_spacing: tuple[tuple[str, str], ...]
    pdf_spacing: tuple[tuple[str, str], ...]
    radicals_and_compatibility: tuple[tuple[str, str], ...]


class CompactPunctuation(_Frozen):
    label: str
    ocr_cell: str


class Vocabulary(_Frozen):
    checkbox: CheckboxGlyphs
    operators: Operators
    cjk_ranges: CjkRanges
    compact_punctuation: CompactPunctuation


def load_vocabulary(path: Path = DATA_DIR / "vocab.yaml") -> Vocabulary:
    """The vocabulary file, validated (a misspelt key fails here, not deep inside a page)."""
    return Vocabulary.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


VOCABULARY = load_vocabulary()

CHECKED: str = VOCABULARY.checkbox.checked
UNCHECKED: str = VOCABULARY.checkbox.unchecked
CHECK_GLYPHS: str = CHECKED + UNCHECKED


def is_only_checkboxes(text: str) -> bool:
    """Whether the text is nothing but checkbox glyphs and spaces (an operator cell's boxes with
    none of their labels)."""
    return set(text) <= set(CHECK_GLYPHS + " ")

OPERATORS: tuple[str, ...] = VOCABULARY.operators.comparison
UPPER_BOUND_OPERATORS: tuple[str, ...] = VOCABULARY.operators.upper_bound
LOWER_BOUND_OPERATORS: tuple[str, ...] = VOCABULARY.operators.lower_bound
QUALITATIVE: str = VOCABULARY.operators.qualitative


def regex_class(ranges: tuple[tuple[str, str], ...]) -> str:
    """The ranges as the inside of a regex character class (``\\u4e00-\\u9fff``)."""
    return "".join(f"\\u{ord(lo):04x}-\\u{ord(hi):04x}" for lo, hi in ranges)


def in_ranges(ch: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    return any(lo <= ch <= hi for lo, hi in ranges)


def is_cjk_ideograph(ch: str) -> bool:
    """A CJK unified ideograph (U+4E00..U+9FFF)."""
    return in_ranges(ch, VOCABULARY.cjk_ranges.ideographs)


@lru_cache(maxsize=1)
def _radical_ideographs() -> dict[str, str]:
    raw = yaml.safe_load((DATA_DIR / "radicals.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in raw["radicals"].items()}


def radical_to_ideograph(ch: str) -> str:
    """A Kangxi/CJK radical or compatibility ideograph some exporters emit, as the ideograph the page
    shows (⼈ -> 人 by NFKC; ⻓ -> 长, which NFKC leaves alone, and ⼾ -> 户, which NFKC makes 戶, by
    data/radicals.yaml); any other character as it is. The font's Unicode mapping is off, not the
    text, so this is no repair."""
    if len(ch) != 1 or not in_ranges(ch, VOCABULARY.cjk_ranges.radicals_and_compatibility):
        return ch
    if ch in _radical_ideographs():
        return _radical_ideographs()[ch]
    mapped = unicodedata.normalize("NFKC", ch)
    return mapped if len(mapped) == 1 else ch


def is_cjk_ideograph_ext_a(ch: str) -> bool:
    """A CJK unified ideograph or one of extension A (U+3400..U+9FFF)."""
    return in_ranges(ch, VOCABULARY.cjk_ranges.ideographs_ext_a)


OCR_SPACING_CJK_CLASS: str = regex_class(VOCABULARY.cjk_ranges.ocr_spacing)
CJK_IDEOGRAPH_CLASS: str = regex_class(VOCABULARY.cjk_ranges.ideographs)  # inside [...] of a regex
CJK_SCRIPT_CLASS: str = regex_class(VOCABULARY.cjk_ranges.script)

_LABEL_PUNCT = re.compile(VOCABULARY.compact_punctuation.label)
_OCR_CELL_PUNCT = re.compile(VOCABULARY.compact_punctuation.ocr_cell)


@lru_cache(maxsize=16384)
def compact_label(text: str) -> str:
    """NFKC-folded, Simplified text without whitespace, colons, brackets and list punctuation (for
    labels)."""
    return _LABEL_PUNCT.sub("", to_simplified(unicodedata.normalize("NFKC", text or "")))


def is_label_punctuation(text: str) -> bool:
    """Whether the text is wholly characters that compact_label drops."""
    return _LABEL_PUNCT.fullmatch(text) is not None


def compact_ocr_cell(text: str) -> str:
    """Like compact_label but keeps 「」 and does not fold Traditional: the header cells of OCR'd
    scanned tables."""
    return _OCR_CELL_PUNCT.sub("", unicodedata.normalize("NFKC", text or ""))
