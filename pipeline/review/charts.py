"""Geometry of the review page's inline SVG charts: small pure functions, drawn by the templates."""
from __future__ import annotations

import math
import unicodedata
from typing import Any

from extractors.options import ExtractOptions

from .settings import report_settings


def label_extent(text: str, size: float = 12.0) -> float:
    """Rough width in pixels of a chart label: wide (CJK) characters take a full em, others about 0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def bar_chart(items: list[tuple[str, dict[str, int]]], width: int = 460, bar: int = 18,
              label_width: int | None = None) -> dict[str, Any]:
    """Horizontal stacked bars: items are (label, {segment class: count}); geometry for the template."""
    gap, top = 6, 4
    if label_width is None:
        label_width = int(min(width * 0.45, max([60.0] + [label_extent(label) + 12 for label, _ in items])))
    biggest = max((sum(parts.values()) for _, parts in items), default=0) or 1
    span = width - label_width - 50
    rows = []
    for i, (label, parts) in enumerate(items):
        y = top + i * (bar + gap)
        x = label_width
        segments = []
        for cls, n in parts.items():
            if n <= 0:
                continue
            w = span * n / biggest
            segments.append({"x": round(x, 1), "w": round(max(w, 1.0), 1), "cls": cls, "n": n})
            x += w
        rows.append({"label": label, "y": y, "total": sum(parts.values()), "end": round(x, 1),
                     "segments": segments})
    return {"width": width, "height": top * 2 + len(items) * (bar + gap), "bar": bar,
            "label_width": label_width, "rows": rows}


def histogram(values: list[float], bins: int, width: int = 460, height: int = 200) -> dict[str, Any]:
    """Confidence histogram over [0, 1] in equal bins; geometry for the template."""
    counts = [0] * bins
    for v in values:
        if v is None or math.isnan(v):
            continue
        counts[min(bins - 1, max(0, int(v * bins)))] += 1
    left, bottom, top = 36, 24, 8
    plot_h = height - bottom - top
    plot_w = width - left - 8
    step = plot_w / bins
    biggest = max(counts) or 1
    low = ExtractOptions().low_confidence
    good = float(report_settings()["confidence_good"])
    out_bins = []
    for i, n in enumerate(counts):
        lo = i / bins
        h = plot_h * n / biggest
        tone = "low" if lo + 1e-9 < low else ("mid" if lo + 1e-9 < good else "ok")
        out_bins.append({"x": round(left + i * step + 1, 1), "w": round(step - 2, 1),
                         "y": round(top + plot_h - h, 1), "h": round(h, 1), "n": n, "tone": tone,
                         "range": f"{lo:.2f}–{(i + 1) / bins:.2f}"})
    ticks = [{"x": round(left + plot_w * t, 1), "label": f"{t:.1f}"} for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    return {"width": width, "height": height, "bins": out_bins, "ticks": ticks, "max": max(counts),
            "axis_y": top + plot_h, "left": left, "top": top, "total": sum(counts)}
