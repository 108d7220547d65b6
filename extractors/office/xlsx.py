"""Extractor for spreadsheet submissions (.xlsx, read with openpyxl).

A filled-in template is one grid per sheet. Each visible sheet becomes one Page; its rows are split
into blocks: the bordered form region becomes a Table (merged ranges become cells with spans), and
the rows around it (title, 年度 line, agency line, 填表人/填报日期 footer) become TextLines. When a
sheet draws no borders the split falls back to content: a row holding a single text that no
merged cell from another row reaches is a line. Cell text is what the sheet shows: numbers and
dates are rendered through their number format (see extractors.office.number_format), checkbox glyphs
and symbol-font ticks become ☑ / ☐. Hidden sheets are skipped and noted.
"""
from __future__ import annotations

import io
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from extractors.errors import UnreadableFileError
from extractors.ir import Cell, Document, DocumentNote, Page, Table, TextLine
from extractors.limits import InputLimits, default_limits, over_limit
from extractors.office.magic import ZIP_MAGIC, read_bytes, reject_ole2
from extractors.office.number_format import format_value
from extractors.office.office_text import canonical_checkboxes, checkbox_state, symbol_text
from extractors.options import ExtractOptions

EXTRACTOR_NAME = "xlsx"
FORMATS = (".xlsx",)


def sniff(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)

Pos = tuple[int, int]  # (row, column), 1-based sheet coordinates


@dataclass
class SheetGrid:
    """What the extractor needs from one worksheet, as plain data (1-based coordinates).

    texts: shown text of every cell that starts a cell (top-left of a merge or a plain cell) and
    is not empty; spans: (rowspan, colspan) of merged ranges by their top-left; covered: the
    top-left of the merge each non-top-left position of a merged range belongs to; ruled: the
    positions that draw a vertical border line (left or right edge), which table rows have and
    title/footer rows do not; edged: the positions that draw any border line.
    """

    texts: dict[Pos, str] = field(default_factory=dict)
    spans: dict[Pos, tuple[int, int]] = field(default_factory=dict)
    covered: dict[Pos, Pos] = field(default_factory=dict)
    ruled: set[Pos] = field(default_factory=set)
    edged: set[Pos] = field(default_factory=set)
    dropped: int = 0  # texts in hidden rows/columns, not shown and not read
    # Row indexes, filled by index(): a sheet can hold thousands of styled cells.
    _starts: dict[int, list[Pos]] = field(default_factory=dict, repr=False)
    _reached: dict[int, set[int]] = field(default_factory=dict, repr=False)
    _ruled_rows: set[int] = field(default_factory=set, repr=False)
    _edged_count: dict[int, int] = field(default_factory=dict, repr=False)

    def index(self) -> SheetGrid:
        self._starts = {}
        for pos in sorted(self.texts):
            self._starts.setdefault(pos[0], []).append(pos)
        self._reached = {}
        for pos, top in self.covered.items():
            if top[0] < pos[0]:
                self._reached.setdefault(pos[0], set()).add(top[0])
        self._ruled_rows = {r for r, _ in self.ruled}
        self._edged_count = {}
        for r, _ in self.edged:
            self._edged_count[r] = self._edged_count.get(r, 0) + 1
        return self

    def rows(self) -> list[int]:
        used = {r for r, _ in self.texts} | {r for r, _ in self.covered}
        return list(range(min(used), max(used) + 1)) if used else []

    def starts_in_row(self, r: int) -> list[Pos]:
        """Cells with text that start in row r, left to right."""
        return self._starts.get(r, [])

    def reached_from_other_row(self, r: int) -> bool:
        """Whether a merged range starting in an earlier row covers part of row r."""
        return bool(self._reached.get(r))

    def reached_from_ruled_row(self, r: int) -> bool:
        return any(self.is_ruled(top_row) for top_row in self._reached.get(r, ()))

    def is_ruled(self, r: int) -> bool:
        """A table row by its borders: a vertical rule, or (tables ruled only horizontally) several
        texts over several bordered positions."""
        if r in self._ruled_rows:
            return True
        return len(self.starts_in_row(r)) >= 2 and self._edged_count.get(r, 0) >= 2


# ---------------------------------------------------------------------------------------------
# Opening the workbook


def open_workbook(path: Path):
    """The workbook with cached formula results, or UnreadableFileError naming the file.

    A legacy binary workbook saved under .xlsx raises LegacyFormatInside; the office sniffer
    (extractors.office.sniff) hands it to LibreOffice.
    """
    import openpyxl

    data = read_bytes(path)
    reject_ole2(data, path, what="workbook", legacy=".xls", app="Excel/WPS", suffix=".xlsx")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (data validation, conditional formats).
            warnings.simplefilter("ignore")
            # From bytes, not the path: openpyxl refuses names not ending in .xlsx (an .xls that is
            # really an .xlsx comes here through extractors.office.legacy_office).
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True, rich_text=True)
    except Exception as e:  # zip errors, missing parts, XML parser errors of damaged parts
        raise UnreadableFileError(f"not a readable .xlsx workbook ({type(e).__name__}: {e})",
                                  file=str(path), hint="open it in Excel/WPS and save it as .xlsx") from e


# ---------------------------------------------------------------------------------------------
# Reading one sheet into a SheetGrid


def cell_text(cell) -> str:
    """The text a cell shows: formatted number/date, rich-text runs in symbol fonts decoded,
    checkbox glyphs canonical."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    value = cell.value
    if isinstance(value, CellRichText):
        cell_font = cell.font.name if cell.font is not None else None
        parts = []
        for part in value:
            if isinstance(part, TextBlock):
                font = part.font.rFont if part.font is not None and part.font.rFont else cell_font
                parts.append(symbol_text(font, part.text))
            else:
                parts.append(symbol_text(cell_font, str(part)))
        text = "".join(parts).strip()
    else:
        builtin_id = getattr(getattr(cell, "_style", None), "numFmtId", None)
        text = format_value(value, cell.number_format, builtin_id)
        if isinstance(value, str) and cell.font is not None:
            text = symbol_text(cell.font.name, text).strip()
    return canonical_checkboxes(text)


def _drawn_sides(cell, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    """Border sides the cell draws; memoised by the workbook's border id (cell.border is slow)."""
    style = getattr(cell, "_style", None)
    key = style.borderId if style is not None else -1
    if key not in cache:
        border = cell.border
        cache[key] = frozenset() if border is None else frozenset(
            side for side in ("left", "right", "top", "bottom")
            if getattr(border, side) is not None and getattr(border, side).style)
    return cache[key]


def read_sheet(ws, limits: InputLimits | None = None) -> SheetGrid:
    """Texts, merged spans and vertical rules of a worksheet.

    Only the cells the sheet stores are visited (not its whole used range: one stray cell at
    XFD1048576 would make that 17 billion), and merged ranges and the extent of the filled grid are
    held to ``limits.max_cells_per_sheet``.
    """
    limits = limits or default_limits()
    merged_area = sum((r.max_row - r.min_row + 1) * (r.max_col - r.min_col + 1) for r in ws.merged_cells.ranges)
    if merged_area > limits.max_cells_per_sheet:
        raise over_limit(None, f"cells in merged ranges of sheet {ws.title!r}", merged_area,
                         "max_cells_per_sheet", limits.max_cells_per_sheet)
    grid = SheetGrid()
    for rng in ws.merged_cells.ranges:
        top = (rng.min_row, rng.min_col)
        grid.spans[top] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != top:
                    grid.covered[(r, c)] = top
    border_sides: dict[int, frozenset[str]] = {}
    for row in stored_rows(ws):
        for cell in row:
            pos = (cell.row, cell.column)
            sides = _drawn_sides(cell, border_sides)
            if sides:
                grid.edged.add(pos)
            if sides & {"left", "right"}:
                grid.ruled.add(pos)
            if pos in grid.covered or cell.value is None:
                continue
            text = cell_text(cell)
            if text:
                grid.texts[pos] = text
    # A merged range draws its rules from its member cells: credit every row the range spans.
    for top, (rs, cs) in grid.spans.items():
        members = [(r, c) for r in range(top[0], top[0] + rs) for c in range(top[1], top[1] + cs)]
        if any(p in grid.ruled for p in members):
            grid.ruled.update((r, top[1]) for r in range(top[0], top[0] + rs))
    check_extent(ws.title, grid, limits)
    hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    hidden_cols = {c for dim in ws.column_dimensions.values() if dim.hidden and dim.min
                   for c in range(dim.min, (dim.max or dim.min) + 1)}
    if hidden_rows or hidden_cols:
        grid = without_hidden(grid, hidden_rows, hidden_cols)
    return grid.index()


def stored_rows(ws) -> list[list]:
    """The cells a worksheet stores, row by row in sheet order (``iter_rows`` would make a cell for
    every position of the used range)."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # a read-only sheet streams its stored rows already
        return [list(row) for row in ws.iter_rows()]
    rows: dict[int, list] = {}
    for (r, _c), cell in sorted(cells.items()):
        rows.setdefault(r, []).append(cell)
    return list(rows.values())


def check_extent(title: str, grid: SheetGrid, limits: InputLimits) -> None:
    """The filled grid (rows x columns from the first to the last text) is laid out cell by cell
    later on: held to max_cells_per_sheet."""
    used = list(grid.texts) + list(grid.covered)
    if not used:
        return
    rows = max(r for r, _ in used) - min(r for r, _ in used) + 1
    cols = max(c for _, c in used) - min(c for _, c in used) + 1
    if rows * cols > limits.max_cells_per_sheet:
        raise over_limit(None, f"extent of the filled cells of sheet {title!r} ({rows}x{cols})", rows * cols,
                         "max_cells_per_sheet", limits.max_cells_per_sheet)


def without_hidden(grid: SheetGrid, hidden_rows: set[int], hidden_cols: set[int]) -> SheetGrid:
    """The grid as the sheet shows it: hidden rows and columns removed, later ones moved up/left.

    A merged range keeps its text at its first visible position and spans only its visible rows
    and columns; texts in hidden cells are dropped (grid.dropped counts them).
    """
    from bisect import bisect_left

    hr, hc = sorted(hidden_rows), sorted(hidden_cols)

    def moved(pos: Pos) -> Pos:
        return pos[0] - bisect_left(hr, pos[0]), pos[1] - bisect_left(hc, pos[1])

    def visible(pos: Pos) -> bool:
        return pos[0] not in hidden_rows and pos[1] not in hidden_cols

    out = SheetGrid()
    for top, (rs, cs) in grid.spans.items():
        rows = [r for r in range(top[0], top[0] + rs) if r not in hidden_rows]
        cols = [c for c in range(top[1], top[1] + cs) if c not in hidden_cols]
        if not rows or not cols:
            continue
        origin = moved((rows[0], cols[0]))
        if len(rows) > 1 or len(cols) > 1:
            out.spans[origin] = (len(rows), len(cols))
            for r in range(origin[0], origin[0] + len(rows)):
                for c in range(origin[1], origin[1] + len(cols)):
                    if (r, c) != origin:
                        out.covered[(r, c)] = origin
        if top in grid.texts:
            out.texts[origin] = grid.texts[top]
    for pos, text in grid.texts.items():
        if pos in grid.spans:
            continue
        if visible(pos):
            out.texts[moved(pos)] = text
        else:
            out.dropped += 1
    out.ruled = {moved(p) for p in grid.ruled if visible(p)}
    out.edged = {moved(p) for p in grid.edged if visible(p)}
    return out


# ---------------------------------------------------------------------------------------------
# Splitting a sheet into lines and tables


def is_line_row(grid: SheetGrid, r: int) -> bool:
    """A row that reads as one line of text: a single text, nothing reaching in from other rows."""
    return len(grid.starts_in_row(r)) == 1 and not grid.reached_from_other_row(r)


def classify_rows(grid: SheetGrid) -> list[tuple[int, str]]:
    """(row, kind) for every used row; kind is "table", "line" or "blank".

    With rules drawn, ruled rows (and rows a ruled merge reaches) are the table and every other
    text row is a line; a ruled single-text row at the top or bottom edge of a table region (a
    title boxed in with the form) is a line too. Without rules, single-text rows are lines.
    A table region of one row is a line.
    """
    rows = grid.rows()
    ruled_sheet = any(grid.is_ruled(r) and grid.starts_in_row(r) for r in rows)
    kinds: dict[int, str] = {}
    for r in rows:
        has_text = bool(grid.starts_in_row(r))
        if ruled_sheet:
            in_table = grid.is_ruled(r) or grid.reached_from_ruled_row(r)
            kinds[r] = "table" if in_table else ("line" if has_text else "blank")
        elif not has_text and not grid.reached_from_other_row(r):
            kinds[r] = "blank"
        else:
            kinds[r] = "line" if is_line_row(grid, r) and _reads_as_line(grid, r) else "table"
    if ruled_sheet:
        _fill_unruled_body_rows(grid, rows, kinds)
        for region in _runs(rows, kinds, "table"):
            _peel_edge_lines(grid, region, kinds)
    for region in _runs(rows, kinds, "table"):
        # A lone row (e.g. a footer of several label cells) has no table structure: read it as a line.
        if len(region) == 1 and not grid.reached_from_other_row(region[0]) \
                and not _spans_below(grid, region[0]):
            kinds[region[0]] = "line" if grid.starts_in_row(region[0]) else "blank"
    return [(r, kinds[r]) for r in rows]


def _fill_unruled_body_rows(grid: SheetGrid, rows: list[int], kinds: dict[int, str]) -> None:
    """Rows of several texts enclosed by table rows are table rows drawn without rules (a table
    ruled only under its header and at its end)."""
    for run in _runs(rows, kinds, "line"):
        before, after = run[0] - 1, run[-1] + 1
        if (kinds.get(before) == "table" and kinds.get(after) == "table"
                and all(len(grid.starts_in_row(r)) >= 2 for r in run)):
            for r in run:
                kinds[r] = "table"


def _reads_as_line(grid: SheetGrid, r: int) -> bool:
    """Without rules: the single text starts the sheet's first used column or spans half its width.

    (A lone text further right is a table row with blank neighbours, e.g. a placeholder 二级指标.)
    """
    used = [c for _, c in grid.texts]
    first, width = min(used), max(used) - min(used) + 1
    pos = grid.starts_in_row(r)[0]
    return pos[1] == first or grid.spans.get(pos, (1, 1))[1] * 2 >= width


def _runs(rows: list[int], kinds: dict[int, str], kind: str) -> list[list[int]]:
    runs: list[list[int]] = []
    for r in rows:
        if kinds[r] == kind:
            if runs and runs[-1][-1] == r - 1:
                runs[-1].append(r)
            else:
                runs.append([r])
    return runs


def _peel_edge_lines(grid: SheetGrid, region: list[int], kinds: dict[int, str]) -> None:
    """Turn single-text rows at either edge of a table region into lines (title boxed with the form)."""
    texts = [r for r in region if grid.starts_in_row(r)]
    if not texts:
        for r in region:
            kinds[r] = "blank"
        return
    for ordered in (texts, list(reversed(texts))):
        for r in ordered:
            if not is_line_row(grid, r) or _spans_below(grid, r):
                break
            kinds[r] = "line"
    # Empty rows left outside the peeled edges are not part of the table either.
    body = [r for r in region if kinds[r] == "table"]
    if body:
        for r in region:
            if (r < body[0] or r > body[-1]) and not grid.starts_in_row(r):
                kinds[r] = "blank"


def _spans_below(grid: SheetGrid, r: int) -> bool:
    return any(top[0] == r and rs > 1 for top, (rs, _) in grid.spans.items())


def line_texts(grid: SheetGrid, r: int) -> list[str]:
    """A line row's texts, one per cell left to right; a label cell ending in a colon runs into
    the value cell after it ("填报日期：" + a date cell). Separate cells stay separate lines, so
    that "单位：万元" beside the agency name is not read as part of it."""
    out: list[str] = []
    for pos in grid.starts_in_row(r):
        text = grid.texts[pos]
        if out and out[-1].endswith((":", "：")):
            out[-1] += text
        else:
            out.append(text)
    return out


def table_from_rows(grid: SheetGrid, rows: list[int], page: int) -> Table | None:
    """A Table over consecutive sheet rows: every grid position that starts a cell, spans clipped."""
    first, last = rows[0], rows[-1]
    cols: set[int] = set()
    for (r, c), text in grid.texts.items():
        if first <= r <= last:
            span = grid.spans.get((r, c), (1, 1))[1]
            cols.update(range(c, c + span))
    for (r, c), top in grid.covered.items():
        if first <= r <= last and top in grid.texts:
            cols.add(c)
    if not cols:
        return None
    c0, c1 = min(cols), max(cols)
    cells: list[Cell] = []
    for r in range(first, last + 1):
        for c in range(c0, c1 + 1):
            top = grid.covered.get((r, c))
            # A position covered by a merge that starts inside this table is not a new cell; one whose
            # merge starts outside (above the table or left of its first column) starts a clipped cell.
            if top is not None and top[0] >= first and top[1] >= c0:
                continue
            origin = top or (r, c)
            rowspan, colspan = grid.spans.get(origin, (1, 1))
            rowspan = min(origin[0] + rowspan, last + 1) - r
            colspan = min(origin[1] + colspan, c1 + 1) - c
            text = grid.texts.get(origin, "") if origin == (r, c) else ""
            cells.append(Cell(text=text, row=r - first, col=c - c0, rowspan=rowspan, colspan=colspan,
                              page=page, checkbox=checkbox_state(text)))
    return Table(cells=cells, n_rows=last - first + 1, n_cols=c1 - c0 + 1, page=page)


def sheet_blocks(grid: SheetGrid, page: int) -> list:
    """The sheet's lines and tables in reading (row) order."""
    blocks: list = []
    pending: list[int] = []

    def flush() -> None:
        if pending:
            table = table_from_rows(grid, pending, page)
            if table is not None:
                blocks.append(table)
            pending.clear()

    for r, kind in classify_rows(grid):
        if kind == "table":
            pending.append(r)
            continue
        flush()
        if kind == "line":
            blocks.extend(TextLine(text=text, page=page) for text in line_texts(grid, r))
    flush()
    return blocks


# ---------------------------------------------------------------------------------------------
# Formulas without a stored result


def has_formulas(path: Path) -> bool:
    """Whether any worksheet part holds a formula (cheap check before a second, formula-level read)."""
    with zipfile.ZipFile(path) as zf:
        return any(b"<f" in zf.read(name) for name in zf.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def uncalculated_formula_notes(path: Path, shown: dict[str, SheetGrid], numbers: dict[str, int]) -> list:
    """A warning for each formula cell whose result the file does not store.

    Excel and WPS save every formula's last result, which is what the extractor reads; files
    written by scripts often store none, and the cell then reads as empty.
    """
    import openpyxl

    if not shown or not has_formulas(path):
        return []
    notes: list[DocumentNote] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # not read_only: its rows are padded to the used range; stored_rows visits stored cells only
        formulas = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=False)
    try:
        for title, grid in shown.items():
            for row in stored_rows(formulas[title]):
                for cell in row:
                    value = getattr(cell, "value", None)
                    pos = (getattr(cell, "row", 0), getattr(cell, "column", 0))
                    if not (isinstance(value, str) and value.startswith("=")):
                        continue
                    if pos in grid.texts or pos in grid.covered:
                        continue
                    notes.append(DocumentNote(
                        code="formula_not_calculated", severity="warning", page=numbers.get(title),
                        raw_value=f"{cell.coordinate}: {value}",
                        message=f"cell {cell.coordinate} of sheet {title!r} holds the formula {value} but the "
                                "file stores no result for it, so it reads as empty (open and save the "
                                "file in Excel/WPS to store results)"))
    finally:
        formulas.close()
    return notes


# ---------------------------------------------------------------------------------------------


def extract(path: Path, options: ExtractOptions) -> Document:
    started = time.perf_counter()
    path = Path(path)
    wb = open_workbook(path)  # LegacyFormatInside goes to LibreOffice (extractors.office.sniff)
    pages: list[Page] = []
    notes: list[DocumentNote] = []
    shown: dict[str, SheetGrid] = {}
    try:
        for number, ws in enumerate(wb.worksheets, start=1):
            if ws.sheet_state != "visible":
                notes.append(DocumentNote(
                    code="hidden_sheet_skipped", severity="info", page=number, raw_value=ws.title,
                    message=f"sheet {ws.title!r} is {ws.sheet_state} and was not read"))
                continue
            grid = read_sheet(ws, options.limits)
            if grid.dropped:
                notes.append(DocumentNote(
                    code="hidden_cells_skipped", severity="info", page=number, raw_value=ws.title,
                    message=f"{grid.dropped} filled cell(s) in hidden rows or columns of sheet {ws.title!r} "
                            "were not read"))
            pages.append(Page(number=number, unit="none", blocks=sheet_blocks(grid, number)))
            shown[ws.title] = grid
        notes += uncalculated_formula_notes(path, shown, {ws.title: n for n, ws in enumerate(wb.worksheets, 1)})
    except UnreadableFileError:
        raise
    except Exception as e:  # a damaged sheet part surfaces only when its cells are read
        raise UnreadableFileError(f"a sheet could not be read ({type(e).__name__}: {e})", file=str(path)) from e
    finally:
        wb.close()
    return Document(source_path=str(path), extractor=EXTRACTOR_NAME, pages=pages, notes=notes,
                    timings={"extract": time.perf_counter() - started})
