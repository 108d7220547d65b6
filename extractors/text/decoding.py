"""Bytes of an OCR'd text export decoded by detection, not assumption: UTF-8 (with or without
BOM, a few damaged bytes tolerated), UTF-16 with BOM, GB18030/GBK, else charset-normalizer's
guess. Binary, undecodable and empty files raise UnreadableFileError.
"""
from __future__ import annotations

import re

from ..errors import UnreadableFileError
from ..ir import DocumentNote
from .cleanup import MarkupVocabulary, markup_vocabulary

PRIVATE_USE_RE = re.compile(r"[\ue000-\uf8ff]")
CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(raw: bytes, file: str) -> tuple[str, list[DocumentNote]]:
    """The file's text and notes about how it was decoded; raises UnreadableFileError."""
    vocab = markup_vocabulary()
    notes: list[DocumentNote] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError("the file starts like UTF-16 text but is not", file=file) from exc
    elif b"\x00" in raw:
        raise UnreadableFileError(
            "the file is binary, not text (it contains NUL bytes)",
            file=file,
            hint="OCR'd text files must be plain text (.md .txt .html .htm)",
        )
    else:
        text = _decode_without_bom_hint(raw, file, vocab, notes)
    if not text.strip():
        raise UnreadableFileError("the file is empty (no text)", file=file)
    controls = len(CONTROL_CHARACTER_RE.findall(text))
    if controls > vocab.max_control_share * len(text):
        raise UnreadableFileError(
            "the file is binary, not text (it is full of control characters)",
            file=file,
            hint="OCR'd text files must be plain text (.md .txt .html .htm)",
        )
    return text, notes


def _decode_without_bom_hint(raw: bytes, file: str, vocab: MarkupVocabulary, notes: list[DocumentNote]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Valid UTF-8 except for a few damaged bytes: still UTF-8 (GB18030 would turn it into mojibake).
    lenient = raw.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd")
    non_ascii = sum(1 for ch in lenient if ch >= "\u0080" and ch != "\ufffd")
    if non_ascii and bad <= vocab.utf8_max_bad_share * non_ascii:
        notes.append(
            DocumentNote(
                code="unreadable_file",
                severity="warning",
                message=f"{bad} byte sequence(s) are not valid UTF-8 and were replaced by \ufffd",
            )
        )
        return lenient
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        # GB18030 decodes most byte strings; private-use characters show it guessed wrong (Big5 ...).
        if not PRIVATE_USE_RE.search(text):
            return text
    from charset_normalizer import from_bytes  # rarely needed; keeps the common path light

    best = from_bytes(raw).best()
    if best is None:
        raise UnreadableFileError(
            "the file is not text in any encoding jixiao can detect",
            file=file,
            hint="save it as UTF-8 or GB18030",
        )
    notes.append(
        DocumentNote(
            code="unreadable_file",
            severity="info",
            message=f"text encoding guessed as {best.encoding}",
        )
    )
    return str(best)
