"""Makers of hostile and broken input files, written into a temp dir by the tests (nothing committed).

Each maker is cheap (well under a second): huge documents are small on disk (a 30000x30000 PNG is
~100 KB of deflated zeros, a zip bomb one deflated run of zeros, a 200,000-row sheet XML written
straight into the zip), so the whole set is built in a few seconds on a shared machine.
"""
from __future__ import annotations

import os
import resource
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "zhijiang_2024_forms.md"
TEXT_PDF = FIXTURES / "pdf" / "single_page_form.pdf"
ENCRYPTED_PDF = FIXTURES / "pdf" / "encrypted_form.pdf"
XLSX = FIXTURES / "office" / "dev_002.xlsx"
DOCX = FIXTURES / "office" / "dev_004.docx"
PNG = FIXTURES / "scan" / "form_page.png"


def truncated(source: Path, dest: Path, share: float = 0.5) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * share)])
    return dest


def empty(dest: Path) -> Path:
    dest.write_bytes(b"")
    return dest


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(dest: Path, side: int = 30000) -> Path:
    """A 1-bit white PNG of side x side pixels: ~100 KB on disk, side**2 pixels decoded."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)  # filter byte 0, then the packed bits
    packer = zlib.compressobj(9)
    block = row * 256
    parts = [packer.compress(block) for _ in range(side // 256)]
    parts.append(packer.compress(row * (side % 256)))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    dest.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", b"".join(parts))
                     + png_chunk(b"IEND", b""))
    return dest


def many_frame_tiff(dest: Path, frames: int = 50) -> Path:
    from PIL import Image

    pages = [Image.new("L", (64, 64), 255) for _ in range(frames)]
    pages[0].save(dest, save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return dest


def many_page_pdf(dest: Path, pages: int = 300, size: tuple[int, int] = (612, 792), text: bool = True) -> Path:
    """A PDF of ``pages`` pages of ``size`` points, each with one line of text (or none: a page to
    OCR), written object by object."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # the page tree (2) is filled in below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for n in range(pages):
        content = f"BT /F1 12 Tf 72 720 Td (page {n + 1}) Tj ET".encode() if text else b"0 0 m 10 10 l S"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        content_id = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (*size, content_id, font))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    dest.write_bytes(bytes(out))
    return dest


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '</Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def xlsx_with_rows(dest: Path, rows: list[list[str]] | None = None, count: int = 0, tail: str = "",
                   merge: str = "") -> Path:
    """A minimal workbook (inline strings) written straight into the zip: ``rows`` as given, or
    ``count`` rows of filler; ``tail`` is raw row XML after them, ``merge`` a merged range (A1:XFD9)."""
    from xml.sax.saxutils import escape

    def row_xml(r: int, cells: list[str]) -> str:
        cols = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                       for c, text in enumerate(cells) if text)
        return f'<row r="{r}">{cols}</row>'

    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            if rows is not None:
                sheet.write("".join(row_xml(r, cells) for r, cells in enumerate(rows, 1)).encode())
            else:
                block = []
                for r in range(1, count + 1):
                    block.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>')
                    if len(block) == 5000:
                        sheet.write("".join(block).encode())
                        block = []
                sheet.write("".join(block).encode())
            sheet.write(tail.encode() + b"</sheetData>")
            if merge:
                sheet.write(f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'.encode())
            sheet.write(b"</worksheet>")
    return dest


def zip_bomb(dest: Path, part: str, unzipped: int = 400_000_000) -> Path:
    """An .xlsx/.docx whose ``part`` inflates to ``unzipped`` bytes of zeros (~400 KB on disk)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        block = b"\x00" * (1 << 22)
        with z.open(part, "w", force_zip64=True) as member:
            for _ in range(unzipped // len(block)):
                member.write(block)
    return dest


def nested_html(dest: Path, depth: int = 10_000) -> Path:
    dest.write_text("<html><body>" + "<div>" * depth + "项目绩效目标表" + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return dest


def big_markdown(dest: Path, size: int = 50_000_000) -> Path:
    text = SEED.read_bytes()
    with open(dest, "wb") as out:
        out.writelines(text for _ in range(size // len(text) + 1))
    return dest


def seed_encoded(dest: Path, encoding: str) -> Path:
    dest.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    return dest


# ---------------------------------------------------------------------------------- measuring

@dataclass
class Measured:
    value: object  # what ``work`` returned in the child (pickled back)
    seconds: float
    peak_rss_mb: float  # the child's peak resident memory (getrusage)
    start_rss_mb: float  # its resident memory when ``work`` began (what it had of the parent)

    @property
    def growth_mb(self) -> float:
        return round(self.peak_rss_mb - self.start_rss_mb, 1)


def in_child(work: Callable[[], object], timeout: float) -> Measured:
    """Run ``work`` in a forked child; its result, wall time and peak RSS (getrusage of the child).

    The child starts as a copy of this process, so the figure that bounds ``work`` is the growth of
    its RSS from when it began. It is killed after ``timeout`` seconds (the test then fails on time).
    """
    import pickle

    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        start = own_rss_mb()
        try:
            payload = pickle.dumps(("ok", work(), start))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent as the failure
            payload = pickle.dumps(("raised", repr(exc), start))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as source:
        os.set_blocking(source.fileno(), False)
        while True:
            try:
                chunk = source.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                chunks.append(chunk)
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                rest = source.read()
                if rest:
                    chunks.append(rest)
                break
            if time.perf_counter() - started > timeout:
                os.kill(pid, 9)
                _, status, usage = os.wait4(pid, 0)
                return Measured(("timeout", None), time.perf_counter() - started, _mb(usage), 0.0)
            time.sleep(0.01)
    seconds = time.perf_counter() - started
    kind, value, start = pickle.loads(b"".join(chunks)) if chunks else ("died", status, 0.0)
    return Measured(value if kind == "ok" else (kind, value), seconds, _mb(usage), start)


def _mb(usage: resource.struct_rusage) -> float:
    unit = 1 if sys.platform == "darwin" else 1024
    return round(usage.ru_maxrss * unit / 2**20, 1)


def own_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return round(int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
