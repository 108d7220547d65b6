"""What the office readers share about the bytes of a file: the container magic numbers, reading
the file once with a clear error, and the signal that a modern name sits on a legacy binary file."""
from __future__ import annotations

from pathlib import Path

from extractors.errors import EncryptedFileError, UnreadableFileError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary .xls/.doc (and encrypted OOXML)
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx/.docx


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableFileError(f"cannot read the file ({e.strerror or e})", file=str(path)) from e
    if not data:
        raise UnreadableFileError("the file is empty", file=str(path))
    return data


class LegacyFormatInside(UnreadableFileError):
    """An .xlsx/.docx name on a legacy binary (OLE2) file."""


def reject_ole2(data: bytes, path: Path, *, what: str, legacy: str, app: str, suffix: str) -> None:
    """An OOXML name on an OLE2 file is either an encrypted package (EncryptedFileError: the
    password must go) or a legacy binary file (LegacyFormatInside: LibreOffice converts it)."""
    if data[:8] != OLE2_MAGIC:
        return
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise EncryptedFileError(f"the {what} is password-protected", file=str(path),
                                 hint=f"remove the password in {app} and save again as {suffix}")
    raise LegacyFormatInside(f"the file is a legacy binary {what} ({legacy}) named {suffix}", file=str(path))
