"""Traditional Chinese folded to Simplified, for matching labels and vocabulary only.

Forms published in Traditional characters (繁体) must be read with the same vocabulary as the
others: titles, labels, taxonomy names, operators and units are compared on the Simplified
text, while the records keep the text as written. The folding keeps the length of the text (one
character for one character), so positions found in the folded text hold in the source.
"""
from __future__ import annotations

from functools import cache, lru_cache


@cache
def _converter():
    import opencc  # OpenCC's Traditional -> Simplified tables

    return opencc.OpenCC("t2s")


def _maybe_traditional(text: str) -> bool:
    return any(ord(ch) >= 0x3400 for ch in text)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """The text with Traditional characters replaced by Simplified ones, of the same length."""
    if not text or not _maybe_traditional(text):
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    # a phrase conversion changed the length: fold one character at a time instead
    out = []
    for ch in text:
        c = _converter().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)
