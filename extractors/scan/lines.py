"""OCR items assembled into text: grouped into lines, lines split where fields stand apart,
runs joined (no space between CJK runs), boxes united.
"""
from __future__ import annotations

from collections.abc import Sequence

from .ocr_engines import OcrItem

BBox = tuple[float, float, float, float]


def _centre(b: BBox) -> tuple[float, float]:
    return (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0


def group_lines(items: Sequence[OcrItem], overlap: float) -> list[list[OcrItem]]:
    """Items grouped into text lines (top to bottom), each line left to right."""
    lines: list[list[OcrItem]] = []
    for it in sorted(items, key=lambda i: (_centre(i.bbox)[1], i.bbox[0])):
        placed = False
        for line in lines:
            top = min(x.bbox[1] for x in line)
            bottom = max(x.bbox[3] for x in line)
            inter = min(bottom, it.bbox[3]) - max(top, it.bbox[1])
            height = min(bottom - top, it.bbox[3] - it.bbox[1])
            if height > 0 and inter / height >= overlap:
                line.append(it)
                placed = True
                break
        if not placed:
            lines.append([it])
    for line in lines:
        line.sort(key=lambda i: i.bbox[0])
    lines.sort(key=lambda ln: min(i.bbox[1] for i in ln))
    return lines


def join_texts(parts: Sequence[str]) -> str:
    """Concatenate text runs: no space between CJK runs, one space between two Latin words."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalpha():
            out += " "
        out += p
    return out


def line_text(lines: Sequence[Sequence[OcrItem]]) -> str:
    return join_texts([join_texts([i.text for i in line]) for line in lines])


def split_line_runs(line: Sequence[OcrItem], gap_heights: float) -> list[list[OcrItem]]:
    """Split one text line where items stand far apart (the footer's separate fields)."""
    runs: list[list[OcrItem]] = []
    for it in line:
        if runs:
            prev = runs[-1][-1]
            height = max(prev.bbox[3] - prev.bbox[1], it.bbox[3] - it.bbox[1], 1.0)
            if it.bbox[0] - prev.bbox[2] <= gap_heights * height:
                runs[-1].append(it)
                continue
        runs.append([it])
    return runs


def union_bbox(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
