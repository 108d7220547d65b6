"""Renderers of a LayoutDoc to a text-layer PDF (fpdf2, every ruling drawn as a line) and to a
scan (the PDF's pages rendered by pypdfium2 at 200 dpi, slightly noised, written as PNG or
multi-page TIFF). Needs the CJK font WenQuanYi Micro Hei (fonts-wqy-microhei)."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

from .model import Form, LayoutDoc, place

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, pt
MARGIN = 36.0
SIZE = 8.0
LINE = SIZE + 2.5


def _wrap(text: str, width: float) -> list[str]:
    """Lines of at most the characters that fit; a break never splits a number (`25` stays
    together, as a word processor keeps an ASCII word)."""
    per_line = max(int((width - 4) // (SIZE * 0.98)), 1)
    out = []
    for part in text.split("\n"):
        while len(part) > per_line:
            cut = per_line
            while cut > 1 and part[cut - 1].isascii() and part[cut].isascii() and part[cut].isalnum():
                cut -= 1
            if cut <= 1:
                cut = per_line
            out.append(part[:cut])
            part = part[cut:]
        out.append(part)
    return out or [""]


def _column_widths(form: Form) -> list[float]:
    """Widths proportional to the longest single-column text of each column (bounded), filling
    the page."""
    n = form.width()
    need = [4.0] * n
    for _, c, cell in place(form.grid):
        if cell.colspan == 1:
            need[c] = max(need[c], min(len(cell.text), 22))
    total = PAGE_W - 2 * MARGIN
    s = sum(need)
    return [total * x / s for x in need]


def _row_heights(form: Form, xs: list[float]) -> list[float]:
    placed = place(form.grid)
    h = max(r + cell.rowspan for r, _, cell in placed)
    heights = [LINE + 6] * h
    for r, c, cell in placed:
        if cell.rowspan == 1:
            lines = len(_wrap(cell.text, xs[c + cell.colspan] - xs[c]))
            heights[r] = max(heights[r], lines * LINE + 6)
    return heights


def _draw_form(pdf, form: Form, y: float) -> float:
    """Draw one form from `y`; a new page when the next row would not fit (rows are not split,
    merged cells are cut at the break and continue open on the next page). Returns the y after."""
    for i, line in enumerate(form.before):
        pdf.set_font("cjk", size=15 if i == 0 else 9)
        w = pdf.get_string_width(line)
        pdf.text((PAGE_W - w) / 2 if i < 2 else MARGIN, y + (15 if i == 0 else 10), line)
        y += 22 if i == 0 else 14
    y += 4
    widths = _column_widths(form)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)
    heights = _row_heights(form, xs)
    placed = place(form.grid)
    # assign each grid row a page and a top y
    tops, pages = [], []
    page = 0
    for hgt in heights:
        if y + hgt > PAGE_H - MARGIN:
            page += 1
            y = MARGIN
        tops.append(y)
        pages.append(page)
        y += hgt
    first_page = pdf.page
    for p in range(page + 1):
        if p > 0:
            pdf.add_page()
        pdf.set_font("cjk", size=SIZE)
        for r, c, cell in placed:
            rows = [k for k in range(r, r + cell.rowspan) if pages[k] == p]
            if not rows:
                continue
            x0, x1 = xs[c], xs[c + cell.colspan]
            y0, y1 = tops[rows[0]], tops[rows[-1]] + heights[rows[-1]]
            pdf.line(x0, y0, x0, y1)
            pdf.line(x1, y0, x1, y1)
            if rows[0] == r:
                pdf.line(x0, y0, x1, y0)
            if rows[-1] == r + cell.rowspan - 1:
                pdf.line(x0, y1, x1, y1)
            if rows[0] == r and cell.text:
                lines = _wrap(cell.text, x1 - x0)
                ty = y0 + 3 + SIZE
                if cell.rowspan > 1:  # centred vertically over the part on this page, like Word
                    ty = max(ty, (y0 + y1) / 2 - len(lines) * LINE / 2 + SIZE)
                for k, line in enumerate(lines):
                    pdf.text(x0 + 2, ty + k * LINE, line)
    del first_page
    pdf.set_font("cjk", size=9)
    y += 14
    for i, line in enumerate(form.after):
        if y > PAGE_H - MARGIN:
            pdf.add_page()
            y = MARGIN + 10
        pdf.text(MARGIN + (i % 4) * 190, y, line)
        if i % 4 == 3 or i == len(form.after) - 1:
            y += 14
    return y + 10


def doc_chars(doc: LayoutDoc) -> set[str]:
    chars = set("".join(doc.page_before) + "".join(doc.page_after) + "- 0123456789")
    for form in doc.forms:
        chars |= set("".join(form.before) + "".join(form.after))
        chars |= {ch for row in form.grid for cell in row for ch in cell.text}
    return chars


def subset_font(chars: set[str], path: Path) -> Path:
    """The CJK font cut down to `chars`, written to `path`: parsing the whole 5 MB font takes
    most of a small PDF's time, a subset loads in milliseconds."""
    from fontTools import subset

    options = subset.Options()
    options.font_number = 0
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # a FontForge timestamp fontTools cannot subset (it warns)
    font = subset.load_font(CJK_FONT, options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    subset.save_font(font, str(path), options)
    return path


def pdf_bytes(doc: LayoutDoc, font: Path | str = CJK_FONT) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=timezone.utc))  # same bytes on every build
    pdf.add_font("cjk", fname=str(font))
    pdf.set_line_width(0.6)
    pdf.add_page()
    y = MARGIN
    pdf.set_font("cjk", size=8)
    for line in doc.page_before:
        pdf.text(MARGIN, y + 8, line)
        y += 12
    for i, form in enumerate(doc.drawn()):
        if i > 0 and not doc.one_page:
            pdf.add_page()
            y = MARGIN
        y = _draw_form(pdf, form, y)
    pdf.set_font("cjk", size=8)
    for line in doc.page_after:
        pdf.text(MARGIN, min(y, PAGE_H - 20) + 8, line)
        y += 12
    return bytes(pdf.output())


def write_pdf(doc: LayoutDoc, path: Path, font: Path | str = CJK_FONT) -> None:
    path.write_bytes(pdf_bytes(doc, font))


def write_scan(doc: LayoutDoc, path: Path, font: Path | str = CJK_FONT, dpi: int = 200, seed: int = 7) -> None:
    """The PDF rendered to an image without a text layer: grey speckle noise and a slight
    rotation, one PNG page (or a multi-page TIFF or image-only PDF when the suffix says so)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    pages = []
    pdf = pdfium.PdfDocument(pdf_bytes(doc, font))
    for page in pdf:
        img = page.render(scale=dpi / 72).to_pil().convert("L")
        img = img.rotate(rng.uniform(-0.4, 0.4), expand=False, fillcolor=255, resample=Image.BICUBIC)
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 400):
            x, y = rng.randrange(w), rng.randrange(h)
            px[x, y] = rng.randrange(120, 230)
        pages.append(img.filter(ImageFilter.SMOOTH))
    if path.suffix.lower() in (".tif", ".tiff"):
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(dpi, dpi))
    elif path.suffix.lower() == ".pdf":
        # a scanner's PDF: one image per page, no text layer
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=float(dpi))
    else:
        pages[0].save(path, dpi=(dpi, dpi))
