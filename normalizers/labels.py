"""The printed form's own vocabulary (titles, field labels, column headers), read from
``data/form_labels.yaml``, and the text folding used to compare labels."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

DATA_DIR = Path(__file__).parent / "data"
CHECK_GLYPHS = "☑☐"
_SPACE_PUNCT = re.compile(r"[\s:：()（）\[\]【】「」、,，.。;；*#|]+")
_BLANKS = re.compile(r"[ \t\u3000]+")
_NEWLINE = re.compile(r"\s*\n\s*")


@lru_cache(maxsize=16384)
def compact(text: str) -> str:
    """NFKC-folded text without whitespace, colons, brackets and list punctuation (for labels)."""
    return _SPACE_PUNCT.sub("", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=16384)
def clean_text(text: str) -> str:
    """Cell text for output: checkbox glyphs removed, whitespace collapsed at the edges."""
    t = (text or "").replace("☑", " ").replace("☐", " ")
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
    notes_markers: tuple[str, ...]
    header_noise: tuple[str, ...]


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
        notes_markers=tuple(compact(x) for x in raw["notes_markers"]),
        header_noise=tuple(compact(x) for x in raw.get("header_noise", [])),
    )


def title_kind(text: str) -> Optional[str]:
    """'department' / 'project' when the text is a form title, else None."""
    labels = form_labels()
    c = compact(text)
    if not c or len(c) > labels.title_max_length:
        return None
    for kind in ("department", "project"):
        for pat in labels.title_patterns.get(kind, ()):
            if pat.search(c):
                return kind
    return None


def indicator_header_field(text: str) -> Optional[str]:
    c = compact(text)
    if not c:
        return None
    for field, names in form_labels().indicator_header.items():
        if c in names:
            return field
    return None


def leading_label(text: str, table: dict[str, tuple[str, ...]]) -> Optional[tuple[str, str]]:
    """(field, rest of text) when the text starts with one of the table's labels."""
    original = (text or "").strip()
    c = compact(original)
    if not c:
        return None
    for name, field in _longest_first(tuple(table.items())):
        if c.startswith(name):
            return field, _rest_after_label(original, name)
    return None


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
        if _SPACE_PUNCT.fullmatch(folded):
            i += 1
            continue
        k += len(folded)
        i += 1
    return original[i:].lstrip(" :：\t").strip()


def is_block_label(text: str) -> bool:
    return compact(text) in form_labels().block_labels
