"""The office reader: picks the reader of a spreadsheet or word-processor file.

.xlsx/.docx go to their readers; .xls/.doc to LibreOffice conversion (extractors.office.legacy_office).
A legacy binary file saved under a modern name is found by the reader when it opens the file
(LegacyFormatInside, after its password check) and converted here, so no reader imports another.
"""
from __future__ import annotations

from pathlib import Path

from extractors.ir import Document
from extractors.office import docx, legacy_office, xlsx
from extractors.office.magic import LegacyFormatInside
from extractors.options import ExtractOptions

FORMATS = docx.FORMATS + xlsx.FORMATS + legacy_office.FORMATS
READERS = {suffix: reader for reader in (docx, xlsx, legacy_office) for suffix in reader.FORMATS}


def sniff(head: bytes) -> bool:
    return any(reader.sniff(head) for reader in (docx, xlsx, legacy_office))


def extract(path: Path, options: ExtractOptions) -> Document:
    path = Path(path)
    reader = READERS[path.suffix.lower()]
    try:
        return reader.extract(path, options)
    except LegacyFormatInside:
        return legacy_office.convert_and_extract(path, reader.EXTRACTOR_NAME, options)
