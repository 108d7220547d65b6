"""One exception base for everything jixiao reports about an input or the machine.

Every error carries the file it concerns and a fix-it hint, so the batch can log it as an anomaly
and go on, and the command line can print one clear sentence instead of a traceback.
"""
from __future__ import annotations


class JixiaoError(Exception):
    code = "unreadable_file"

    def __init__(self, message: str, file: str = "", hint: str = ""):
        super().__init__(message)
        self.message = message
        self.file = file
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        fix = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{fix}"


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


class ParseError(JixiaoError, ValueError):
    """A parser could not read a value (operator, number, date, unit)."""

    code = "non_numeric_value"
