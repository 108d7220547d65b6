"""Plain registry: input suffix -> extractor module.

Every extractor module exposes ``extract(path: Path, options: ExtractOptions) -> Document`` and
raises a subclass of ``JixiaoError`` for input it cannot read. Modules are imported on first use so
that a batch of text files never loads OCR models.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .errors import UnsupportedFormatError
from .ir import Document
from .options import ExtractOptions

Extractor = Callable[[Path, ExtractOptions], Document]

EXTRACTOR_MODULES: dict[str, str] = {
    ".md": "extractors.ocr_text",
    ".txt": "extractors.ocr_text",
    ".html": "extractors.ocr_text",
    ".htm": "extractors.ocr_text",
    ".pdf": "extractors.pdf_text",  # hands pages without a text layer to extractors.scan
    ".png": "extractors.scan",
    ".jpg": "extractors.scan",
    ".jpeg": "extractors.scan",
    ".tif": "extractors.scan",
    ".tiff": "extractors.scan",
    ".xlsx": "extractors.xlsx",
    ".docx": "extractors.docx",
    ".xls": "extractors.legacy_office",
    ".doc": "extractors.legacy_office",
}

SUPPORTED_SUFFIXES = frozenset(EXTRACTOR_MODULES)


def extractor_for(path: Path) -> Extractor:
    suffix = path.suffix.lower()
    module_name = EXTRACTOR_MODULES.get(suffix)
    if module_name is None:
        raise UnsupportedFormatError(
            f"unsupported file type {suffix or '(no suffix)'}",
            file=str(path),
            hint="jixiao reads " + " ".join(sorted(SUPPORTED_SUFFIXES)),
        )
    return importlib.import_module(module_name).extract
