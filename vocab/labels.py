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
    notes_markers: tuple[str, ...]
    header_noise: tuple[re.Pattern, ...]
    canonical_titles: dict[str, tuple[str, ...]]
    title_fuzzy_threshold: float
    title_fuzzy_max_length: int
    title_cues: dict[str, tuple[str, ...]]
    title_end_chars: str
    label_fuzzy_threshold: float


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
        header_noise=tuple(re.compile(x) for x in raw.get("header_noise", [])),
        canonical_titles={k: tuple(compact(x) for x in v) for k, v in raw["canonical_titles"].items()},
        title_fuzzy_threshold=float(raw["title_fuzzy_threshold"]),
        title_fuzzy_max_length=int(raw["title_fuzzy_max_length"]),
        title_cues={k: tuple(v) for k, v in raw["title_cues"].items()},
        title_end_chars=str(raw["title_end_chars"]),
        label_fuzzy_threshold=float(raw["label_fuzzy_threshold"]),
    )


@lru_cache(maxsize=4096)
def title_kind(text: str) -> str | None:
    """'department' / 'project' when the text is a form title, else None. OCR'd titles with a
    few wrong characters are recognised by similarity to the canonical titles."""
    labels = form_labels()
    c = compact(text)
    if not c or len(c) > labels.title_max_length:
        return None
    for kind in ("department", "project"):
        for pat in labels.title_patterns.get(kind, ()):
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


@lru_cache(maxsize=4096)
def indicator_header_field(text: str) -> str | None:
    c = compact(text)
    if not c:
        return None
    labels = form_labels()
    for field, names in labels.indicator_header.items():
        if c in names:
            return field
    if len(c) < 4 or len(c) > 12:
        return None
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
    best = None  # (label length, score, field, matched prefix)
    for name, field in pairs:
        if best is not None and len(name) < best[0]:
            break
        if c.startswith(name):
            best = (len(name), 100.0, field, name)
            break
        if len(name) >= 4 and len(c) >= len(name):
            score = fuzz.ratio(c[: len(name)], name)
            if score >= labels.label_fuzzy_threshold and (best is None or score > best[1]):
                best = (len(name), score, field, c[: len(name)])
    if best is None:
        return None
    return best[2], _rest_after_label(original, best[3])


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
    return original[i:].lstrip(" :：\t").strip()


def is_block_label(text: str) -> bool:
    return compact(text) in form_labels().block_labels


def without_header_noise(text: str) -> str:
    """The line without the form's amount-unit note ('单位：万元')."""
    for pat in form_labels().header_noise:
        text = pat.sub(" ", text)
    return text.strip()
