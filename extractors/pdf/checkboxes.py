"""Checkboxes of a text-layer PDF: box chars made canonical (☑ / ☐, also the box glyphs of
symbol fonts such as Wingdings), and boxes drawn as small squares (rectangles, closed paths or
four lines), ticked by a dark fill or a mark drawn inside. Settings: pdf_text.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vocab import CHECKED, UNCHECKED

from ..settings import PdfTextCheckboxRectSettings, PdfTextSettings


def _font_key(fontname: str) -> str:
    base = fontname.split("+", 1)[-1]
    return re.sub(r"[^a-z0-9]", "", base.lower())


def canonical_glyph(text: str, fontname: str, cfg: PdfTextSettings) -> str:
    """The canonical checkbox glyph for a checkbox char, else the char itself."""
    glyphs = cfg.checkbox_glyphs
    if text in glyphs.checked:
        return CHECKED
    if text in glyphs.unchecked:
        return UNCHECKED
    key = _font_key(fontname)
    for font in sorted(cfg.symbol_font_checkboxes, key=len, reverse=True):
        if key.startswith(font):
            table = cfg.symbol_font_checkboxes[font]
            if text in table.checked:
                return CHECKED
            if text in table.unchecked:
                return UNCHECKED
            break
    return text


def is_checkbox_rect(obj: dict[str, Any], box: PdfTextCheckboxRectSettings) -> bool:
    w, h = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return (
        box.min_side <= w <= box.max_side
        and box.min_side <= h <= box.max_side
        and abs(w - h) <= box.max_side_difference
    )


def _inside(inner: dict[str, Any], outer: dict[str, Any], pad: float = 1.0) -> bool:
    return (
        inner["x0"] >= outer["x0"] - pad
        and inner["x1"] <= outer["x1"] + pad
        and inner["top"] >= outer["top"] - pad
        and inner["bottom"] <= outer["bottom"] + pad
    )


def _is_filled_dark(rect: dict[str, Any]) -> bool:
    if not rect.get("fill"):
        return False
    color = rect.get("non_stroking_color")
    if color is None:
        return True
    values = color if isinstance(color, (tuple, list)) else (color,)
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return True
    if len(numbers) == 4:  # CMYK: dark when K or the inks are high
        return numbers[3] > 0.5 or sum(numbers[:3]) > 1.5
    return sum(numbers) / max(len(numbers), 1) < 0.5


@dataclass
class DrawnCheckbox:
    """A checkbox drawn with rectangles: its outer box, and whether something marks it."""

    box: dict[str, Any]
    parts: list[dict[str, Any]]
    ticked: bool = False


def _on_outline(obj: dict[str, Any], tol: float = 0.8) -> bool:
    """Whether a path outlines its own bounding box (a box, not a tick): every point lies on the
    box's edges and at least three of its corners are points of the path."""
    pts = obj.get("pts") or []
    x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
    on_edge = all(min(abs(x - x0), abs(x - x1), abs(y - top), abs(y - bottom)) <= tol for x, y in pts)
    corners = sum(
        any(abs(x - cx) <= tol and abs(y - cy) <= tol for x, y in pts)
        for cx in (x0, x1)
        for cy in (top, bottom)
    )
    return bool(pts) and on_edge and corners >= 3


def line_squares(lines: list[dict[str, Any]], cfg: PdfTextSettings) -> list[tuple[dict[str, Any], list]]:
    """Checkbox-sized squares drawn as four separate lines: (the square, its lines)."""
    box = cfg.checkbox_rect
    tol = box.max_side_difference
    short = [ln for ln in lines if box.min_side - tol <= max(ln["x1"] - ln["x0"], ln["bottom"] - ln["top"])
             <= box.max_side + tol]
    hs = [ln for ln in short if ln["bottom"] - ln["top"] < 0.5]
    vs = [ln for ln in short if ln["x1"] - ln["x0"] < 0.5]
    found = []
    for i, top in enumerate(hs):
        for bottom in hs[i + 1:]:
            if abs(top["x0"] - bottom["x0"]) > tol or abs(top["x1"] - bottom["x1"]) > tol:
                continue
            upper, lower = sorted((top, bottom), key=lambda ln: ln["top"])
            square = {"x0": upper["x0"], "x1": upper["x1"], "top": upper["top"], "bottom": lower["top"],
                      "fill": False, "object_type": "rect"}
            if not is_checkbox_rect(square, box):
                continue
            sides = [v for v in vs if v["top"] >= square["top"] - tol and v["bottom"] <= square["bottom"] + tol
                     and min(abs(v["x0"] - square["x0"]), abs(v["x0"] - square["x1"])) <= tol]
            if {abs(v["x0"] - square["x0"]) <= tol for v in sides} == {True, False}:
                found.append((square, [upper, lower, *sides]))
    return found


def drawn_checkboxes(page: Any, cfg: PdfTextSettings) -> list[DrawnCheckbox]:
    """Checkboxes drawn as small squares (rectangles, closed paths or four lines), each grouped
    with the squares drawn inside it (border rings, fills).

    A box is ticked when its innermost fill is dark, ignoring even-odd fills (how a border ring is
    painted), or when a line or curve that is not part of the box is drawn inside it (a tick)."""
    box = cfg.checkbox_rect
    outlines = [c for c in page.curves if is_checkbox_rect(c, box) and _on_outline(c)]
    squares = [(r, [r]) for r in (*page.rects, *outlines) if is_checkbox_rect(r, box)]
    squares += line_squares(page.lines, cfg)
    squares.sort(key=lambda sq: (sq[0]["x1"] - sq[0]["x0"]) * (sq[0]["bottom"] - sq[0]["top"]), reverse=True)
    boxes: list[DrawnCheckbox] = []
    for square, parts in squares:
        holder = next((b for b in boxes if _inside(square, b.box, 0.5)), None)
        if holder is None:
            boxes.append(DrawnCheckbox(box=square, parts=list(parts)))
        else:
            holder.parts.extend(parts)
    for b in boxes:
        own = {id(p) for p in b.parts}
        interior = [r for r in b.parts if r.get("fill") and not r.get("evenodd")]
        b.ticked = (bool(interior) and _is_filled_dark(interior[-1])) or any(
            id(o) not in own and _inside(o, b.box) for o in (*page.lines, *page.curves)
        )
    return boxes
