"""Checkbox glyphs in spreadsheet and word-processor text, read as the canonical ☑ / ☐.

Submitters tick boxes in many ways: Unicode glyphs (☑ ☒ □ ■ √ ✓), characters typed in a symbol
font (Wingdings 2 "R" shows as a ticked box, "£" as an empty one; Word stores those as
``w:sym w:font="Wingdings 2" w:char="F052"``) and Word content-control checkboxes. The font
tables below are the fonts' own code points (the 8-bit code, also reachable at 0xF000 + code in
the private-use area); only the box and tick glyphs matter for forms.
"""
from __future__ import annotations

from extractors.ir import checkbox_state_of as checkbox_state  # noqa: F401 - re-exported for docx/xlsx
from vocab import CHECKED, UNCHECKED

# Unicode glyphs that mark a ticked / an empty box on the forms.
CHECKED_GLYPHS = frozenset("☑☒✓✔√■▣⊠⌧◼🗹🗷🗸🗵⮽")
UNCHECKED_GLYPHS = frozenset("☐□▢◻🞎🞏🞐❑❒🞑🞒🞓")

# Symbol-font code -> canonical glyph, for codes that draw a box or a tick mark.
SYMBOL_FONT_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {
        0xFE: CHECKED,  # ballot box with bold check
        0xFD: CHECKED,  # ballot box with bold script X
        0xFC: CHECKED,  # check mark
        0x78: CHECKED,  # X in a rectangle box
        0x6E: CHECKED,  # black medium square
        0xA8: UNCHECKED,  # light white square
        0x6F: UNCHECKED,  # medium white square
        0x70: UNCHECKED,  # bold white square
        0x71: UNCHECKED,  # lower right shadowed white square
        0x72: UNCHECKED,  # upper right shadowed white square
    },
    "wingdings 2": {
        0x52: CHECKED,  # ballot box with check
        0x54: CHECKED,  # ballot box with X
        0x53: CHECKED,  # ballot box with light X
        0x51: CHECKED,  # ballot box with script X
        0x50: CHECKED,  # light check mark
        0xA2: CHECKED,  # black square
        0xA8: CHECKED,  # white square containing black small square
        0xA3: UNCHECKED,  # white square
        0xA4: UNCHECKED,  # heavy white square
        0xA5: UNCHECKED,  # very heavy white square
        0xA6: UNCHECKED,  # extremely heavy white square
    },
    "symbol": {
        0xD6: CHECKED,  # radical sign √, the usual tick in Chinese documents
    },
}


def symbol_font_key(font_name: str | None) -> str | None:
    """The SYMBOL_FONT_GLYPHS key for a font name, or None for an ordinary text font."""
    if not font_name:
        return None
    key = " ".join(font_name.lower().split())
    return key if key in SYMBOL_FONT_GLYPHS else None


def symbol_char(font_name: str | None, code: int) -> str:
    """Text for one character drawn in ``font_name``: the canonical glyph for box/tick codes.

    Codes in the private-use area (0xF000 + code, as Word writes them) are folded to the 8-bit code.
    Other 8-bit characters of a symbol font (arrows, pictures) carry no form content and become "".
    Characters of ordinary fonts, and characters beyond the 8-bit range (CJK text in a run whose
    Latin font is a symbol font), are returned unchanged.
    """
    key = symbol_font_key(font_name)
    private_use = 0xF000 <= code <= 0xF0FF
    if key is None:
        # A private-use code in a font we do not know draws some picture, not text.
        return "" if private_use else chr(code)
    if private_use:
        code -= 0xF000
    elif code > 0xFF or code < 0x20:
        # Beyond the 8-bit range Word draws the character with the run's other (East Asian) font.
        return chr(code)
    return SYMBOL_FONT_GLYPHS[key].get(code, "")


def symbol_text(font_name: str | None, text: str) -> str:
    """``text`` typed in ``font_name``, with symbol-font characters read as their glyphs."""
    if symbol_font_key(font_name) is None:
        return text
    return "".join(symbol_char(font_name, ord(ch)) for ch in text)


def canonical_checkboxes(text: str) -> str:
    """Replace every ticked/empty box glyph by ☑ / ☐."""
    return "".join(CHECKED if ch in CHECKED_GLYPHS else UNCHECKED if ch in UNCHECKED_GLYPHS else ch
                   for ch in text)


