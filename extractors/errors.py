"""The errors jixiao reports about an input file or the machine (the base and ParseError: vocab.errors).

Every error carries the file it concerns and a fix-it hint, so the batch can log it as an anomaly
and go on, and the command line can print one clear sentence instead of a traceback.
"""
from __future__ import annotations

from vocab.errors import JixiaoError, ParseError  # noqa: F401 - the shared base and the parsers' error, re-exported


class UnreadableFileError(JixiaoError):
    """Corrupt, encrypted, empty, undecodable or unsupported input."""

    code = "unreadable_file"


class EncryptedFileError(UnreadableFileError):
    pass


class UnsupportedFormatError(UnreadableFileError):
    pass


class MissingDependencyError(JixiaoError):
    """An external program or model is not installed (e.g. tesseract, LibreOffice)."""

    code = "unreadable_file"
