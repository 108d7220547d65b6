"""Build ``data/radicals.yaml``: the CJK radical code points a CJK font draws with an ideograph's glyph.

A PDF's text layer maps glyphs back to Unicode through the font; where one glyph serves both a radical
(U+2E80..U+2FDF: ⻓ CJK RADICAL C-SIMPLIFIED LONG) and an ideograph (长), exporters such as Chromium's
PDF printer write the radical, the lower code point. NFKC folds the Kangxi radicals (U+2F00..U+2FD5),
to the traditional form where the two differ (⼾ -> 戶 where the page shows 户), and leaves the CJK
Radicals Supplement (U+2E80..U+2EFF) alone, so ⻓ ⺠ ⻔ ⻝ ⻘ stay unreadable to every word list. Unicode's EquivalentUnifiedIdeograph.txt states the same correspondence; this derives it from
the font that shows it, the Simplified Chinese face of Noto Sans CJK (Debian's fonts-noto-cjk): a
radical whose glyph is the glyph of exactly one unified ideograph maps to that ideograph.

    python -m vocab.build_radicals [--font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from vocab import DATA_DIR

OUT = DATA_DIR / "radicals.yaml"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
RADICALS = range(0x2E80, 0x2FE0)
UNIFIED = (range(0x4E00, 0xA000), range(0x3400, 0x4DC0))


def radical_ideographs(font: Path) -> dict[str, str]:
    from fontTools.ttLib import TTCollection

    face = next(f for f in TTCollection(str(font)).fonts if f["name"].getDebugName(4) == FACE)
    cmap = face.getBestCmap()
    by_glyph: dict[str, list[int]] = {}
    for cp, glyph in cmap.items():
        if any(cp in r for r in UNIFIED):
            by_glyph.setdefault(glyph, []).append(cp)
    out = {}
    for cp in RADICALS:
        ideographs = by_glyph.get(cmap.get(cp, ""), [])
        # NFKC folds the Kangxi radicals to the traditional form (⼾ -> 戶); the Simplified face
        # draws some with the simplified one's glyph (户): the table keeps those too
        if len(ideographs) == 1 and unicodedata.normalize("NFKC", chr(cp)) != chr(ideographs[0]):
            out[chr(cp)] = chr(ideographs[0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vocab.build_radicals", description=__doc__.splitlines()[0])
    ap.add_argument("--font", type=Path, default=FONT)
    a = ap.parse_args(argv)
    table = radical_ideographs(a.font)
    lines = ["# CJK radicals (U+2E80..U+2FDF) that NFKC leaves alone or folds to another ideograph than the one",
             "# a Simplified Chinese font draws for them (⼾: NFKC 戶, drawn 户); written by",
             "# `python -m vocab.build_radicals` from " + FACE + " (fonts-noto-cjk).",
             "radicals:"]
    lines += [f"  '{r}': '{i}'  # U+{ord(r):04X} -> U+{ord(i):04X}" for r, i in sorted(table.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(table)} radicals written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
