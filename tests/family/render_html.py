"""Scans of family documents as the development corpus's scans look: the form laid out as an HTML
page (title, year and agency centred, a ruled table with short cells centred, the footer in one
row), printed to PDF by headless Chromium, rendered to pixels by pypdfium2, then optionally
skewed and speckled like a cheap scanner. Needs Debian's chromium and a CJK font
(fonts-noto-cjk for the sans/serif styles the corpus names; WenQuanYi as the fallback)."""
from __future__ import annotations

import html
import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.layouts.model import Form, LayoutDoc

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-pdf-header-footer"]
FONTS = {"sans": "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
         "serif": "'Noto Serif CJK SC', 'WenQuanYi Micro Hei', serif"}


@dataclass(frozen=True)
class ScanStyle:
    font: str = "sans"
    size_pt: float = 9.5
    dpi: int = 300
    angle: float = 0.0  # degrees of skew
    speckle: int = 0  # one grey speck per this many pixels (0: none)
    blur: bool = False


def _cell_html(text: str, rowspan: int, colspan: int) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    short = len(text) <= 8 and "\n" not in text
    cls = ' class="c"' if short else ""
    return f"<td{attrs}{cls}>{html.escape(text)}</td>"


def form_html(form: Form, header_labels: set[str]) -> str:
    out = []
    for i, line in enumerate(form.before):
        out.append(f'<div class="{"title" if i == 0 else "sub"}">{html.escape(line)}</div>')
    out.append("<table>")
    for row in form.grid:
        head = any(c.text in header_labels for c in row) and sum(c.text in header_labels for c in row) >= 3
        out.append('<tr class="h">' if head else "<tr>")
        out.extend(_cell_html(c.text, c.rowspan, c.colspan) for c in row)
        out.append("</tr>")
    out.append("</table>")
    out.append('<div class="foot">' + "".join(f"<span>{html.escape(x)}</span>" for x in form.after) + "</div>")
    return "\n".join(out)


def page_html(doc: LayoutDoc, style: ScanStyle) -> str:
    labels = {"一级指标", "二级指标", "三级指标", "指标类型", "指标值", "计量单位", "指标解释", "评分标准", "备注",
              "评(扣)分标准", "绩效指标"}
    forms = "\n".join(f'<section>{form_html(f, labels)}</section>' for f in doc.drawn())
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 12mm 10mm; }}
body {{ font-family: {FONTS[style.font]}; font-size: {style.size_pt}pt; color: #000; }}
section {{ break-after: page; }}
section:last-child {{ break-after: auto; }}
.title {{ text-align: center; font-size: {style.size_pt * 1.8:.1f}pt; font-weight: bold; margin: 4mm 0 2mm; }}
.sub {{ text-align: center; margin: 1mm 0; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 2mm; }}
td {{ border: 1px solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; }}
td.c {{ text-align: center; }}
tr.h td {{ font-weight: bold; text-align: center; }}
.foot {{ display: flex; justify-content: space-between; margin-top: 3mm; }}
</style></head><body>{forms}</body></html>"""


def print_pdf(page: str, tmp: Path) -> bytes:
    src, out = tmp / "page.html", tmp / "page.pdf"
    src.write_text(page, encoding="utf-8")
    subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--print-to-pdf={out}", src.as_uri()], check=True,
                   capture_output=True, timeout=120)
    return out.read_bytes()


def write_scan(doc: LayoutDoc, path: Path, style: ScanStyle, seed: int = 0) -> int:
    """Write the document as a scan at `path` (.png one page, .tif multi-page, .pdf image-only);
    returns the number of pages."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = pdfium.PdfDocument(print_pdf(page_html(doc, style), Path(tmp)))
        pages = []
        for page in pdf:
            img = page.render(scale=style.dpi / 72).to_pil().convert("L")
            if style.angle:
                img = img.rotate(style.angle, expand=False, fillcolor=255, resample=Image.BICUBIC)
            if style.speckle:
                px = img.load()
                w, h = img.size
                for _ in range(w * h // style.speckle):
                    x, y = rng.randrange(w), rng.randrange(h)
                    px[x, y] = rng.randrange(120, 230)
            if style.blur:
                img = img.filter(ImageFilter.SMOOTH)
            pages.append(img)
    if path.suffix.lower() in (".tif", ".tiff"):
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate",
                      dpi=(style.dpi, style.dpi))
    elif path.suffix.lower() == ".pdf":
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=float(style.dpi))
    else:
        pages[0].save(path, dpi=(style.dpi, style.dpi))
    return len(pages)
