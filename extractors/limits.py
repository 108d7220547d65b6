"""Input limits: checks that refuse an input before it can exhaust time or memory.

The limits (bytes per file, text bytes, HTML depth, pages per PDF, frames per image, pixels per page,
rows and cells per sheet, unzipped bytes of a zip container) live in extractors/data/limits.yaml and can be
overridden per run. ``check_input`` looks only at what is cheap to learn without decoding the file
(its size, a PDF's page count, an image header, a zip's directory, a sheet's row tags, the tag
depth of HTML) and raises InputLimitError naming the file and the limit. Decoders that could still
be surprised (a PDF page rasterized at dpi) check again with the same limits where they decode.
"""
from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, PositiveInt

from .errors import UnreadableFileError

LIMITS_FILE = Path(__file__).parent / "data" / "limits.yaml"
TEXT_SUFFIXES = frozenset({".md", ".txt", ".html", ".htm"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
ZIP_SUFFIXES = frozenset({".xlsx", ".docx"})
READ_CHUNK = 1 << 20


class InputLimits(BaseModel):
    """What one input may demand; see extractors/data/limits.yaml for the meaning of each."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: PositiveInt
    max_text_bytes: PositiveInt
    max_html_depth: PositiveInt
    max_pages_per_file: PositiveInt
    max_frames_per_image: PositiveInt
    max_pixels_per_page: PositiveInt
    max_rows_per_sheet: PositiveInt
    max_cells_per_sheet: PositiveInt
    max_xml_bytes: PositiveInt
    max_unzipped_bytes: PositiveInt


class InputLimitError(UnreadableFileError):
    """An input over one of the limits: refused before it is decoded."""

    code = "input_limit_exceeded"


@lru_cache(maxsize=1)
def default_limits() -> InputLimits:
    return InputLimits.model_validate(yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")))


def limits_with(overrides: dict) -> InputLimits:
    """The default limits with some replaced (from a YAML file or --limit NAME=VALUE)."""
    return InputLimits.model_validate({**default_limits().model_dump(), **overrides})


def over_limit(path: Path | None, what: str, found: int | None, name: str, limit: int) -> InputLimitError:
    """The error for ``what`` over the limit ``name``; ``found`` None: counting stopped above it."""
    amount = f"more than {limit:,}" if found is None else f"{found:,}"
    return InputLimitError(
        f"{what} ({amount}) exceeds the limit {name}={limit:,}; the file was not read",
        file=str(path) if path is not None else "",
        hint=f"raise it with --limit {name}=N if the file is genuine",
    )


def check_input(path: Path, limits: InputLimits) -> None:
    """Raise InputLimitError when ``path`` is over a limit (cheap checks, before decoding)."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise over_limit(path, "file size in bytes", size, "max_file_bytes", limits.max_file_bytes)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        if size > limits.max_text_bytes:
            raise over_limit(path, "text size in bytes", size, "max_text_bytes", limits.max_text_bytes)
        depth = html_depth(path.read_bytes(), limits.max_html_depth)
        if depth > limits.max_html_depth:
            raise over_limit(path, "HTML element nesting depth", None, "max_html_depth", limits.max_html_depth)
    elif suffix in IMAGE_SUFFIXES:
        check_image(path, limits)
    elif suffix == ".pdf":
        pages = pdf_page_count(path)
        if pages is not None and pages > limits.max_pages_per_file:
            raise over_limit(path, "number of PDF pages", pages, "max_pages_per_file", limits.max_pages_per_file)
    elif suffix in ZIP_SUFFIXES and zipfile.is_zipfile(path):
        check_zip(path, limits)


# ------------------------------------------------------------------------------------------ HTML

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
# elements that never have content, so never nest
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
# elements whose end tag may be left out: the next sibling of the same kind closes them
_CELLS = frozenset({b"td", b"th"})
_SELF_SIBLINGS = frozenset({b"p", b"li", b"option", b"dt", b"dd", b"tbody", b"thead", b"tfoot"})


def html_depth(data: bytes, stop_above: int) -> int:
    """Deepest nesting of HTML elements in ``data`` (stops once above ``stop_above``).

    Follows the HTML rules that matter for tables written by OCR tools: end tags that may be left
    out (td, tr, p, li ...) are implied by the next sibling; an end tag closes up to its element,
    and one that matches no open element is ignored, as a browser does.
    """
    if b"<" not in data:
        return 0
    stack: list[bytes] = []
    deepest = 0
    for match in _TAG.finditer(data):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
            continue
        if name in _CELLS or name == b"tr":
            while stack and stack[-1] in _CELLS:
                stack.pop()
            if name == b"tr" and stack and stack[-1] == b"tr":
                stack.pop()
        elif name in _SELF_SIBLINGS and stack and stack[-1] == name:
            stack.pop()
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > stop_above:
                return deepest
    return deepest


# ---------------------------------------------------------------------------------------- images

def check_image(path: Path, limits: InputLimits) -> None:
    """Frames and pixels per frame from the image header(s), before any pixel is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:  # reads the header only
            check_pixels(path, im.width, im.height, limits)
            frames = getattr(im, "n_frames", 1)
            if frames > limits.max_frames_per_image:
                raise over_limit(path, "number of image frames", frames, "max_frames_per_image",
                                 limits.max_frames_per_image)
            for index in range(1, frames):
                im.seek(index)
                check_pixels(path, im.width, im.height, limits, frame=index + 1)
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling, should a run raise ours above it
        raise InputLimitError(f"the image is too large to decode (Pillow: {exc}); the file was not read",
                              file=str(path), hint=f"the limit is max_pixels_per_page="
                                                   f"{limits.max_pixels_per_page:,}") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return  # not decodable at all: the scan extractor reports it as unreadable


def check_pixels(path: Path, width: int, height: int, limits: InputLimits, frame: int | None = None) -> None:
    pixels = int(width) * int(height)
    if pixels > limits.max_pixels_per_page:
        where = f" of page {frame}" if frame else ""
        raise over_limit(path, f"pixels{where} ({width}x{height})", pixels, "max_pixels_per_page",
                         limits.max_pixels_per_page)


# ------------------------------------------------------------------------------------------- PDF

def pdf_page_count(path: Path) -> int | None:
    """Pages of a PDF from its page tree, or None when pdfium cannot open it (the extractor says why)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - encrypted, truncated, not a PDF: reported by pdf_text
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


# ----------------------------------------------------------------------------------- zip (OOXML)

_SHEET_TAG = re.compile(rb'<(?:[A-Za-z][\w.-]*:)?(row|c|mergeCell)[\s/>](?:\s*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)")?')
_SHEET_TAG_MAX = 64  # longest tag head (namespace prefix, a merge's ref) the scan must not cut in two


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_zip(path: Path, limits: InputLimits) -> None:
    """Declared uncompressed sizes of the parts, then (xlsx) the rows, cells and merged cells of
    each worksheet (openpyxl makes an object for every cell of a merged range as it loads)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unzipped = sum(info.file_size for info in members)
            if unzipped > limits.max_unzipped_bytes:
                raise over_limit(path, "uncompressed size of the zip container's parts in bytes", unzipped,
                                 "max_unzipped_bytes", limits.max_unzipped_bytes)
            xml = sum(info.file_size for info in members if info.filename.endswith((".xml", ".rels")))
            if xml > limits.max_xml_bytes:
                raise over_limit(path, "uncompressed size of the zip container's XML parts in bytes", xml,
                                 "max_xml_bytes", limits.max_xml_bytes)
            if path.suffix.lower() == ".xlsx":
                for info in members:
                    if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                        check_sheet_part(path, archive, info, limits)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return  # a damaged or encrypted container: the extractor reports it as unreadable


def check_sheet_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: InputLimits) -> None:
    """Row, cell and merged-cell counts of one worksheet part, streamed; stops at the first limit
    passed, and counts the bytes actually inflated so that a part whose declared size lies is still
    bounded."""
    counts = {b"row": 0, b"c": 0, b"mergeCell": 0}
    inflated = 0
    carry = b""

    def count(buffer: bytes, end: int) -> None:
        for m in _SHEET_TAG.finditer(buffer):
            if m.start() >= end:
                break
            if m.group(1) == b"mergeCell" and m.group(2):
                rows = int(m.group(5)) - int(m.group(3)) + 1
                cols = column_number(m.group(4)) - column_number(m.group(2)) + 1
                counts[b"mergeCell"] += max(1, rows) * max(1, cols)
            else:
                counts[m.group(1)] += 1

    def over() -> bool:
        return (counts[b"row"] > limits.max_rows_per_sheet or counts[b"c"] > limits.max_cells_per_sheet
                or counts[b"mergeCell"] > limits.max_cells_per_sheet)

    with archive.open(info) as part:
        while not over() and (chunk := part.read(READ_CHUNK)):
            inflated += len(chunk)
            if inflated > limits.max_unzipped_bytes:
                raise over_limit(path, f"uncompressed size of {info.filename} in bytes",
                                 None, "max_unzipped_bytes", limits.max_unzipped_bytes)
            buffer = carry + chunk
            safe = max(0, len(buffer) - _SHEET_TAG_MAX)
            count(buffer, safe)
            carry = buffer[safe:]
        count(carry, len(carry))
    if counts[b"row"] > limits.max_rows_per_sheet:
        raise over_limit(path, f"rows of worksheet {info.filename}", None,
                         "max_rows_per_sheet", limits.max_rows_per_sheet)
    if counts[b"c"] > limits.max_cells_per_sheet:
        raise over_limit(path, f"cells of worksheet {info.filename}", None,
                         "max_cells_per_sheet", limits.max_cells_per_sheet)
    if counts[b"mergeCell"] > limits.max_cells_per_sheet:
        raise over_limit(path, f"cells in merged ranges of worksheet {info.filename}", counts[b"mergeCell"],
                         "max_cells_per_sheet", limits.max_cells_per_sheet)
