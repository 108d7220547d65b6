"""Every reader follows the same protocol (FORMATS, sniff, extract) and the registry agrees with it."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from extractors.errors import UnsupportedFormatError
from extractors.registry import READER_FORMATS, SUPPORTED_SUFFIXES, reader_for

READER_MODULES = sorted(READER_FORMATS) + ["extractors.office.docx", "extractors.office.xlsx",
                                           "extractors.office.legacy_office"]


@pytest.mark.parametrize("module_name", READER_MODULES)
def test_reader_has_the_protocol(module_name):
    reader = importlib.import_module(module_name)
    assert all(s.startswith(".") and s == s.lower() for s in reader.FORMATS)
    assert callable(reader.sniff) and callable(reader.extract)


@pytest.mark.parametrize("module_name", sorted(READER_FORMATS))
def test_registry_lists_the_suffixes_each_reader_takes(module_name):
    assert set(importlib.import_module(module_name).FORMATS) == set(READER_FORMATS[module_name])


def test_office_sniffer_covers_each_office_reader_once():
    from extractors.office import sniff

    assert sorted(sniff.READERS) == [".doc", ".docx", ".xls", ".xlsx"]
    assert sniff.READERS[".xlsx"].EXTRACTOR_NAME == "xlsx" and sniff.READERS[".docx"].EXTRACTOR_NAME == "docx"


@pytest.mark.parametrize(("module_name", "head", "expected"), [
    ("extractors.pdf.pdf_text", b"%PDF-1.7\n", True),
    ("extractors.pdf.pdf_text", b"PK\x03\x04", False),
    ("extractors.scan.scan", b"\x89PNG\r\n\x1a\n....", True),
    ("extractors.scan.scan", b"\xff\xd8\xff\xe0", True),
    ("extractors.scan.scan", b"%PDF-1.4", False),
    ("extractors.office.xlsx", b"PK\x03\x04rest", True),
    ("extractors.office.legacy_office", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", True),
    ("extractors.office.legacy_office", b"PK\x03\x04", False),
    ("extractors.text.ocr_text", "| 项目名称 | 测试 |".encode(), True),
    ("extractors.text.ocr_text", b"\x89PNG\r\n\x1a\n\x00\x00", False),
])
def test_sniff_tells_formats_apart(module_name, head, expected):
    assert importlib.import_module(module_name).sniff(head) is expected


def test_unknown_suffix_names_the_file():
    with pytest.raises(UnsupportedFormatError) as info:
        reader_for(Path("form.odt"))
    assert info.value.file == "form.odt"
    assert ".xlsx" in info.value.hint and len(SUPPORTED_SUFFIXES) == 14
