"""Renderers of a LayoutDoc to xlsx (openpyxl, merged cells) and docx (python-docx, merged table
cells), as budget systems export them: title lines above the table, footer lines below."""
from __future__ import annotations

from pathlib import Path

from .model import LayoutDoc, place


def write_xlsx(doc: LayoutDoc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    r0 = 1
    for line in doc.page_before:
        ws.cell(r0, 1, line)
        r0 += 1
    for form in doc.drawn():
        width = form.width()
        for line in form.before:
            ws.cell(r0, 1, line)
            if width > 1:
                ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=width)
            r0 += 1
        placed = place(form.grid)
        for r, c, cell in placed:
            target = ws.cell(r0 + r, c + 1, _xlsx_value(cell.text))
            if cell.text.startswith("="):  # a target written "=100%" is text, not a formula
                target.data_type = "s"
            target.alignment = Alignment(wrap_text=True, vertical="center")
            target.border = box
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=r0 + r, start_column=c + 1, end_row=r0 + r + cell.rowspan - 1,
                               end_column=c + cell.colspan)
        r0 += max(r + cell.rowspan for r, _, cell in placed) if placed else 0
        for line in form.after:
            ws.cell(r0, 1, line)
            r0 += 1
        r0 += 1
    for line in doc.page_after:
        ws.cell(r0, 1, line)
        r0 += 1
    for col in "ABCDEFGHIJKL":
        ws.column_dimensions[col].width = 16
    wb.save(path)


def _xlsx_value(text: str):
    """Plain numbers as numbers (as a budget system writes amounts), everything else as text."""
    try:
        if text and text.replace(".", "", 1).isdigit() and not text.startswith("0"):
            return float(text) if "." in text else int(text)
    except ValueError:
        pass
    return text


def write_docx(doc: LayoutDoc, path: Path) -> None:
    from docx import Document

    d = Document()
    for line in doc.page_before:
        d.add_paragraph(line)
    for form in doc.drawn():
        for line in form.before:
            d.add_paragraph(line)
        placed = place(form.grid)
        if placed:
            h = max(r + cell.rowspan for r, _, cell in placed)
            table = d.add_table(rows=h, cols=form.width())
            table.style = "Table Grid"
            for r, c, cell in placed:
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
        for line in form.after:
            d.add_paragraph(line)
    for line in doc.page_after:
        d.add_paragraph(line)
    d.save(str(path))
