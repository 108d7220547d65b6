"""Renderers of a LayoutDoc to the text an OCR service, a web page or a document converter gives:
TSV rows, markdown pipe tables, HTML tables inside markdown, one cell per line, cells run together
with spaces. Pure functions: LayoutDoc -> str."""
from __future__ import annotations

import html

from .model import Form, LayoutDoc, matrix


def _lines_before(form: Form, markdown: bool) -> list[str]:
    out = []
    for i, line in enumerate(form.before):
        out.append(("#" * form.title_level + " " + line) if (markdown and i == 0) else line)
    return out


def _join(doc: LayoutDoc, bodies: list[str]) -> str:
    parts = [*doc.page_before, *bodies, *doc.page_after]
    return "\n\n".join(p for p in parts if p) + "\n"


def _form_text(form: Form, table: str, markdown: bool) -> str:
    return "\n\n".join([*_lines_before(form, markdown), table, *form.after])


def tsv(doc: LayoutDoc, middle: bool = False) -> str:
    """Tab-separated rows, merged cells written once at their top-left position (with `middle`:
    in the middle row of their span, as layout OCR places vertically centred text)."""
    bodies = []
    for f in doc.drawn():
        table = "\n".join("\t".join(row) for row in matrix(f.grid, f.width(), middle=middle))
        bodies.append(_form_text(f, table, markdown=True))
    return _join(doc, bodies)


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "｜") for c in cells) + " |"


def pipe(doc: LayoutDoc) -> str:
    """Markdown pipe tables; the first table row is taken as the markdown header row."""
    bodies = []
    for f in doc.drawn():
        rows = matrix(f.grid, f.width())
        lines = [_pipe(rows[0]), "|" + "---|" * len(rows[0]), *(_pipe(r) for r in rows[1:])]
        bodies.append(_form_text(f, "\n".join(lines), markdown=True))
    return _join(doc, bodies)


def html_table(form: Form) -> str:
    out = ["<html><body><table>"]
    for row in form.grid:
        out.append("<tr>")
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            out.append(f"<td{attrs}>{html.escape(c.text)}</td>")
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def html_md(doc: LayoutDoc) -> str:
    """HTML <table> with row/col spans inside markdown (what layout-OCR services return)."""
    return _join(doc, [_form_text(f, html_table(f), markdown=True) for f in doc.drawn()])


def _vertical(text: str) -> str:
    return "\n".join(text)


def cell_lines(doc: LayoutDoc, pipes: bool = True, vertical_labels: tuple[str, ...] = ()) -> str:
    """Each cell on its own line, as copying a web table gives. With `pipes`, every position of the
    table (merged cells expanded) ends in `|`, so the positions a merged cell covers and empty
    cells are runs of `|`; without, only the non-empty cells, one per line. Labels in
    `vertical_labels` are written one character per line (a narrow merged column)."""
    bodies = []
    for f in doc.drawn():
        rows = matrix(f.grid, f.width()) if pipes else [[c.text for c in row] for row in f.grid]
        lines: list[str] = []
        for row in rows:
            for text in row:
                text = _vertical(text) if text in vertical_labels else text
                if not pipes:
                    if text:
                        lines.append(text)
                elif text:
                    lines.append(text + "|")
                elif lines:
                    lines[-1] += "|"
                else:
                    lines.append("|")
        bodies.append("\n".join([*f.before, "\n".join(lines), *f.after]))
    return _join(doc, bodies)


def space_run(doc: LayoutDoc, sep: str = "  ") -> str:
    """Each table row on one line, its non-empty cells run together with only spaces between."""
    bodies = []
    for f in doc.drawn():
        lines = [sep.join(c.text for c in row if c.text) for row in f.grid]
        bodies.append("\n".join([*f.before, *(l for l in lines if l), *f.after]))
    return _join(doc, bodies)
