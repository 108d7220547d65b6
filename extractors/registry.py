"""Plain registry: input suffix -> reader module.

Every reader module follows one small protocol: ``FORMATS`` (the suffixes it takes), ``sniff(head:
bytes) -> bool`` (whether the first bytes look like its format) and ``extract(path: Path, options:
ExtractOptions) -> Document``, raising a subclass of ``JixiaoError`` for input it cannot read.
Modules are imported on first use so that a batch of text files never loads OCR models; the
suffixes are therefore listed here too (tests check they agree with each module's FORMATS).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .errors import UnsupportedFormatError
from .ir import Document
from .options import ExtractOptions

Extractor = Callable[[Path, ExtractOptions], Document]


class Reader(Protocol):
    FORMATS: tuple[str, ...]

    def sniff(self, head: bytes) -> bool: ...

    def extract(self, path: Path, options: ExtractOptions) -> Document: ...


READER_FORMATS: dict[str, tuple[str, ...]] = {
    "extractors.text.ocr_text": (".md", ".txt", ".html", ".htm"),
    "extractors.pdf.pdf_text": (".pdf",),  # hands pages without a text layer to extractors.scan.scan
    "extractors.scan.scan": (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
    "extractors.office.sniff": (".xlsx", ".docx", ".xls", ".doc"),  # picks the office reader
}

EXTRACTOR_MODULES: dict[str, str] = {
    suffix: module for module, suffixes in READER_FORMATS.items() for suffix in suffixes
}

SUPPORTED_SUFFIXES = frozenset(EXTRACTOR_MODULES)


def reader_for(path: Path) -> Reader:
    suffix = path.suffix.lower()
    module_name = EXTRACTOR_MODULES.get(suffix)
    if module_name is None:
        raise UnsupportedFormatError(
            f"unsupported file type {suffix or '(no suffix)'}",
            file=str(path),
            hint="jixiao reads " + " ".join(sorted(SUPPORTED_SUFFIXES)),
        )
    return importlib.import_module(module_name)


def extractor_for(path: Path) -> Extractor:
    return reader_for(path).extract
