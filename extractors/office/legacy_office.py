"""Extractor for legacy binary Office files (.xls, .doc): converted by LibreOffice, then read as .xlsx/.docx.

No maintained pure-Python reader gives merged cells, number formats and tables for both formats,
so the file is converted with LibreOffice headless (``soffice --headless --convert-to``) into a
temporary directory and handed to extractors.office.xlsx / extractors.office.docx. Without LibreOffice the file
cannot be read; the error names the missing program and how to install it.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from extractors.errors import JixiaoError, MissingDependencyError, UnreadableFileError
from extractors.ir import Document
from extractors.office import docx as docx_extractor
from extractors.office import xlsx as xlsx_extractor
from extractors.office.magic import OLE2_MAGIC, ZIP_MAGIC
from extractors.options import ExtractOptions

# legacy suffix -> (target suffix, extractor module)
CONVERSIONS = {
    ".xls": ("xlsx", xlsx_extractor),
    ".doc": ("docx", docx_extractor),
}
OFFICE_PROGRAMS = ("soffice", "libreoffice")
CONVERT_TIMEOUT_S = 180
INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: apt-get install -y libreoffice-calc libreoffice-writer) "
                "or save the file as .xlsx/.docx")


def find_office_program() -> str | None:
    """Path of the LibreOffice command-line program, or None when it is not installed."""
    for name in OFFICE_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(path: Path, target: str, program: str, out_dir: Path) -> Path:
    """Convert ``path`` to ``target`` (xlsx/docx) into ``out_dir`` with LibreOffice; the new file's path."""
    # A private user profile: parallel workers sharing the default one block each other.
    profile = (out_dir / "profile").resolve().as_uri()
    cmd = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
           "--convert-to", target, "--outdir", str(out_dir), str(path.resolve())]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        raise UnreadableFileError(f"LibreOffice did not convert the file within {CONVERT_TIMEOUT_S} s",
                                  file=str(path)) from e
    except OSError as e:
        raise MissingDependencyError(f"LibreOffice ({program}) could not be started: {e}", file=str(path),
                                     hint=INSTALL_HINT) from e
    converted = out_dir / f"{path.stem}.{target}"
    if proc.returncode != 0 or not converted.exists():
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        raise UnreadableFileError(
            f"LibreOffice could not convert the file to .{target}" + (f" ({detail[-1]})" if detail else ""),
            file=str(path), hint="open it in Excel/Word/WPS and save it as .xlsx/.docx")
    return converted


FORMATS = (".xls", ".doc")


def sniff(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC)


def extract(path: Path, options: ExtractOptions) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CONVERSIONS:
        raise UnreadableFileError(f"not a legacy Office file ({suffix})", file=str(path))
    target, module = CONVERSIONS[suffix]
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == ZIP_MAGIC:
        # Saved as .xlsx/.docx and renamed: read it directly, no conversion needed.
        return module.extract(path, options)
    return convert_and_extract(path, target, options)


def convert_and_extract(path: Path, target: str, options: ExtractOptions) -> Document:
    """Convert a legacy binary file to ``target`` (xlsx/docx) with LibreOffice and read the result."""
    started = time.perf_counter()
    module = {"xlsx": xlsx_extractor, "docx": docx_extractor}[target]
    program = find_office_program()
    if program is None:
        raise MissingDependencyError(
            f"reading legacy binary Office files ({path.suffix.lower() or 'no suffix'}) needs LibreOffice "
            "(soffice), which is not installed", file=str(path), hint=INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as tmp:
        # Convert a copy with the legacy suffix: LibreOffice names its output after the input's stem,
        # and a legacy file misnamed .xlsx must not be mistaken for its own output.
        source = Path(tmp) / f"input.{'xls' if target == 'xlsx' else 'doc'}"
        shutil.copyfile(path, source)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        try:
            converted = convert(source, target, program, out_dir)
        except JixiaoError as e:  # name the submitted file, not the temporary copy
            raise type(e)(e.message, file=str(path), hint=e.hint) from e
        convert_s = time.perf_counter() - started
        try:
            document = module.extract(converted, options)
        except UnreadableFileError as e:
            raise type(e)(e.message, file=str(path), hint=e.hint) from e
    document.source_path = str(path)
    document.timings = {"convert": convert_s, **document.timings}
    return document
