"""The chars of a PDF page as glyphs (checkbox glyphs canonical, fake-bold overprints read once,
radicals as ideographs), grouped into text lines and joined into text: spaces only where the
source spaced Latin words, none between CJK characters. Settings: pdf_text.yaml.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from vocab import CHECKED, UNCHECKED, VOCABULARY, in_ranges, radical_to_ideograph

from ..ir import TextLine
from ..settings import PdfTextSettings
from .checkboxes import DrawnCheckbox, _inside, canonical_glyph


@dataclass(frozen=True)
class Glyph:
    """One char of the text layer (or a checkbox drawn as a rectangle), y growing downwards."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def is_cjk(ch: str) -> bool:
    """CJK ideographs and full-width punctuation: text in these scripts is written without spaces."""
    if not ch:
        return False
    return in_ranges(ch, VOCABULARY.cjk_ranges.pdf_spacing) or unicodedata.east_asian_width(ch) in ("W", "F")


def without_overprints(chars: list[dict[str, Any]], tol: float) -> list[dict[str, Any]]:
    """Chars minus copies drawn again at (almost) the same place, as exporters do for fake bold."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for ch in chars:
        x, y = round(ch["x0"] / tol), round(ch["top"] / tol)
        text = ch["text"]
        if not text.isspace() and any(
            (text, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)
        ):
            continue
        seen.add((text, x, y))
        out.append(ch)
    return out


def page_glyphs(page: Any, boxes: list[DrawnCheckbox], cfg: PdfTextSettings) -> list[Glyph]:
    """The page's chars with checkbox glyphs made canonical, plus the drawn checkboxes ``boxes``
    (a tick or box char drawn inside such a box marks the box and is not text of its own)."""
    glyphs = cfg.checkbox_glyphs
    marks = set(cfg.tick_marks) | set(glyphs.checked) | set(glyphs.unchecked)
    out: list[Glyph] = []
    for ch in without_overprints(page.chars, cfg.duplicate_char_tolerance):
        text = canonical_glyph(ch["text"], ch.get("fontname", ""), cfg)
        if boxes and (text in marks or text in (CHECKED, UNCHECKED)):
            holder = next((b for b in boxes if _inside(ch, b.box, 2.0)), None)
            if holder is not None:
                holder.ticked = holder.ticked or text != UNCHECKED
                continue
        out.append(
            Glyph(
                text=radical_to_ideograph(text),
                x0=ch["x0"],
                top=ch["top"],
                x1=ch["x1"],
                bottom=ch["bottom"],
                size=float(ch.get("size") or (ch["bottom"] - ch["top"]) or 1.0),
            )
        )
    for b in boxes:
        r = b.box
        out.append(
            Glyph(
                text=CHECKED if b.ticked else UNCHECKED,
                x0=r["x0"],
                top=r["top"],
                x1=r["x1"],
                bottom=r["bottom"],
                size=r["bottom"] - r["top"],
            )
        )
    return out


def group_lines(glyphs: list[Glyph], cfg: PdfTextSettings) -> list[list[Glyph]]:
    """Glyphs grouped into text lines, top to bottom, each left to right."""
    frac = cfg.line_merge_fraction
    lines: list[list[Glyph]] = []
    centre = height = 0.0
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        h = max(g.bottom - g.top, 0.1)
        if lines and abs(g.cy - centre) <= frac * max(height, h):
            lines[-1].append(g)
            n = len(lines[-1])
            centre += (g.cy - centre) / n
            height += (h - height) / n
        else:
            lines.append([g])
            centre, height = g.cy, h
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: list[Glyph], cfg: PdfTextSettings) -> str:
    """Text of one line: real spaces kept (collapsed), a space added where a wide gap stands for one."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if prev is not None and not g.text.isspace() and not prev.text.isspace():
            gap = g.x0 - prev.x1
            both_cjk = is_cjk(prev.text[-1:]) and is_cjk(g.text[:1])
            limit = cfg.space_gap_cjk if both_cjk else cfg.space_gap_other
            if gap > limit * max(min(g.size, prev.size), 1.0):
                parts.append(" ")
        parts.append(g.text)
        prev = g
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def join_wrapped(texts: list[str]) -> str:
    """Lines of one cell joined: wrapped CJK text joins directly, Latin words with a space."""
    out = ""
    for t in texts:
        if not t:
            continue
        latin_pair = out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum()
        if latin_pair and (out[-1].isalpha() or t[0].isalpha()):
            out += " "
        out += t
    return out


def glyphs_text(glyphs: list[Glyph], cfg: PdfTextSettings) -> str:
    return join_wrapped([line_text(line, cfg) for line in group_lines(glyphs, cfg)])


def page_text_lines(glyphs: list[Glyph], in_cells: set[int], page_number: int, cfg: PdfTextSettings) -> list[TextLine]:
    """Text lines of the glyphs that are in no table cell, top to bottom."""
    outside = [g for n, g in enumerate(glyphs) if n not in in_cells]
    lines = []
    for line in group_lines(outside, cfg):
        text = line_text(line, cfg)
        if text:
            bbox = (min(g.x0 for g in line), min(g.top for g in line), max(g.x1 for g in line),
                    max(g.bottom for g in line))
            lines.append(TextLine(text=text, bbox=bbox, page=page_number))
    return lines
