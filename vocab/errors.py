"""The error base every stage shares, and the error of the vocabulary's value parsers.

Every error carries the file it concerns and a fix-it hint, so the batch can log it as an anomaly
and go on, and the command line can print one clear sentence instead of a traceback. They live here,
below every stage, because the parsers in ``vocab.values`` raise ``ParseError`` and the extractors
and normalizers catch it; ``extractors.errors`` adds the errors about input files and the machine.
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


class ParseError(JixiaoError, ValueError):
    """A parser could not read a value (operator, number, date, unit)."""

    code = "non_numeric_value"
