"""Tables that page or document conversion flattened into lines, rebuilt for the OCR'd-text reader.

Converting a web page or a PDF to text often loses a table's grid: each cell lands on its own line
(sometimes ending in ``|``, with empty cells as runs of ``|``), or the cells of a row run together
on one line with only spaces between them. Narrow merged cells come out one character per line
(``绩\\n效\\n指\\n标``), and the site's page furniture (索引号, 发布日期, 字号 …) stands around the form.

This module finds such a table from the meaning of its indicator header (one-cell lines, or one
line of space-separated cells, that are column labels: 一级指标, 二级指标, 三级指标, 指标值 …) and
regroups the cells after it into rows by their content: a best-scoring alignment of each cell's
kind (a taxonomy name, an operator, a number, a unit, a scoring rule, other text) with the header's
columns, where merged cells (level-1/level-2 names given once per group) and empty cells are
skipped columns. The header fields above the indicator header (项目名称, 主管部门, 资金 …) become
label rows. The result is an ordinary Table at the header's grid positions, so the normalizers read
it like a clean form. Vocabulary and scores live in ``extractors/data/text_damage.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vocab import CHECK_GLYPHS, CJK_SCRIPT_CLASS, is_only_checkboxes, labels, taxonomy, values
from vocab.errors import ParseError

DATA_FILE = Path(__file__).with_name("data") / "text_damage.yaml"

SPACE_RUN_RE = re.compile(r"[ \t\u3000]{2,}")
PIPES_ONLY_RE = re.compile(r"^\s*\|+\s*$")
SPACES_RE = re.compile(r"[\s\u3000]+")
BLOCK = "block"


@dataclass(frozen=True)
class DamageVocabulary:
    furniture: tuple[re.Pattern[str], ...]
    vertical_min_run: int
    section_labels: tuple[re.Pattern[str], ...]
    costs: dict


@cache
def damage_vocabulary() -> DamageVocabulary:
    import yaml

    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return DamageVocabulary(
        furniture=tuple(re.compile(p) for p in raw["page_furniture"]),
        vertical_min_run=int(raw["vertical_min_run"]),
        section_labels=tuple(re.compile(p) for p in raw["section_labels"]),
        costs=raw["alignment"],
    )


# --- what a line says (the form vocabulary lives in vocab/) ----------------------------------------


def matching_text(text: str) -> str:
    """The text as labels are compared: Traditional characters folded to Simplified."""
    from vocab.chinese_script import to_simplified

    return to_simplified(text)


def is_page_furniture(line: str) -> bool:
    s = SPACES_RE.sub("", matching_text(line)).strip("|")
    return bool(s) and any(p.search(s) for p in damage_vocabulary().furniture)


def header_field(text: str) -> str | None:
    """The indicator column a header cell names (level1 … note), or None."""
    t = text.strip()
    if not t or len(t) > 16:
        return None
    return labels.indicator_header_field(t)


def is_header_label(text: str) -> bool:
    """A form header field label standing alone or leading its value (项目名称, 年度总体目标 …)."""
    t = text.strip()
    return bool(t) and labels.leading_label(t, "header_fields") is not None


def is_block_label(text: str) -> bool:
    return bool(text.strip()) and labels.is_block_label(text)


def ends_table(text: str) -> bool:
    """A line after which the indicator rows cannot go on: a footer, sign-off, notes or title."""
    t = text.strip()
    if not t:
        return False
    c = labels.compact(t)
    if labels.leading_label(t, "footer_fields") is not None:
        return True
    if labels.is_review_label(t):
        return True
    if any(c.startswith(m) for m in labels.form_labels().notes_markers):
        return True
    return labels.title_kind(t.lstrip("#").strip()) is not None


def is_title(text: str) -> bool:
    return labels.title_kind(text.lstrip("#").strip()) is not None


# --- line repairs --------------------------------------------------------------------------------


def drop_page_furniture(lines: list[str]) -> list[str]:
    """The lines without the site's page furniture (rows of a kept grid are never furniture)."""
    return [line for line in lines if _is_grid_line(line) or not is_page_furniture(line)]


def _single_character(line: str) -> str | None:
    s = line.strip().removesuffix("|").strip()
    return s if len(s) == 1 and not s.isascii() else None


def _known_label(text: str) -> bool:
    return bool(
        header_field(text) or is_block_label(text) or is_header_label(text)
        or labels.leading_label(text, "footer_fields") or labels.title_kind(text)
    )


def vertical_label_runs(lines: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, joined text) of each run of one-character lines that spells a label (or is
    long enough to be one)."""
    runs = []
    min_run = damage_vocabulary().vertical_min_run
    i = 0
    while i < len(lines):
        j = i
        chars = []
        while j < len(lines) and (ch := _single_character(lines[j])) is not None:
            chars.append(ch)
            j += 1
        joined = "".join(chars)
        if len(chars) >= 2 and (len(chars) >= min_run or _known_label(joined)):
            runs.append((i, j, joined))
            i = j
        else:
            i += 1
    return runs


def join_vertical_labels(lines: list[str]) -> list[str]:
    """Runs of one-character lines that spell a label (or are long) joined into one line."""
    out: list[str] = []
    last = 0
    for start, end, joined in vertical_label_runs(lines):
        out.extend(lines[last:start])
        out.append(joined)
        last = end
    out.extend(lines[last:])
    return out


# --- finding flattened tables --------------------------------------------------------------------


@dataclass
class Token:
    text: str
    line_start: bool  # first cell of its source line


TRAILING_PIPES_RE = re.compile(r"(?<!\\)\|+\s*$")


def _cell_and_empties(line: str) -> tuple[str, int]:
    """A one-cell line as its cell and the number of empty cells after it: the ``|`` closing the
    cell, then one more ``|`` per empty cell (``保洁服务|||`` is the cell and two empty ones)."""
    s = line.strip()
    if PIPES_ONLY_RE.match(s):
        return s, 0
    m = TRAILING_PIPES_RE.search(s)
    if not m:
        return s, 0
    pipes = m.group(0).strip().count("|")
    return s[: m.start()].rstrip(), pipes - 1


def _cell_line(line: str) -> str:
    """A one-cell line without the ``|`` run that closes it."""
    return _cell_and_empties(line)[0]


def _is_grid_line(line: str) -> bool:
    """A line that already keeps its grid: a tab row, or a pipe row with several cells."""
    s = line.strip()
    if "\t" in s:
        return True
    return s.startswith("|") and not PIPES_ONLY_RE.match(s) and s.count("|") >= 2 and not s.endswith("||")


def _space_cells(line: str, mode: str = "spaces") -> list[str]:
    """The cells of a line whose cells run together: split at runs of 2+ spaces, or at every
    space in ``single_spaces`` mode (a header whose labels have one space between them)."""
    splitter = SPACES_RE if mode == "single_spaces" else SPACE_RUN_RE
    return [c for c in splitter.split(line.strip()) if c]


def _spaced_header(cells: list[str]) -> bool:
    fields = [header_field(c) for c in cells]
    named = {f for f in fields if f}
    return sum(1 for f in fields if f) >= 3 and bool(named & {"level2", "level3"})


def _header_run(lines: list[str], i: int) -> tuple[int, list[str], str] | None:
    """(end, header cells, mode) when an indicator header starts at line i."""
    line = lines[i]
    if _is_grid_line(line) or not line.strip():
        return None
    cells = _space_cells(line)
    if len(cells) >= 3:
        return (i + 1, cells, "spaces") if _spaced_header(cells) else None
    words = _space_cells(line, "single_spaces")
    if len(words) >= 3:
        # one space between labels: a header only when every word is a column or block label
        if _spaced_header(words) and all(header_field(w) or is_block_label(w) for w in words):
            return i + 1, words, "single_spaces"
        return None
    j = i
    cells = []
    while j < len(lines):
        s = _cell_line(lines[j])
        if not s:
            j += 1
            continue
        if _is_grid_line(lines[j]) or header_field(s) is None:
            break
        cells.append(s)
        j += 1
    named = {header_field(c) for c in cells}
    if len(cells) >= 3 and named & {"level2", "level3"}:
        return j, cells, "lines"
    return None


def _region_start(lines: list[str], header_start: int, floor: int) -> int:
    """The first line of the form header fields above an indicator header (a label line)."""
    start = header_start
    k = header_start - 1
    while k >= floor:
        s = _cell_line(lines[k])
        if _is_grid_line(lines[k]) or is_title(s):
            break
        if is_header_label(s):
            start = k
        k -= 1
    return start


def _header_rows(lines: list[str], mode: str) -> list[list[str]]:
    """The lines of form header fields as label rows: a label starts a row, its values follow."""
    rows: list[list[str]] = []
    for line in lines:
        cells = _space_cells(line, mode) if mode != "lines" else [_cell_line(line)]
        for cell in cells:
            if not cell or PIPES_ONLY_RE.match(cell):
                continue
            if is_header_label(cell) or is_block_label(cell) or not rows:
                rows.append([cell])
            else:
                rows[-1].append(cell)
    return rows


def _boxes_with_their_labels(words: list[str]) -> list[str]:
    """A checkbox glyph split off by a space (``☐ 定性``) is one cell with the word after it."""
    out: list[str] = []
    for w in words:
        if out and out[-1] and set(out[-1]) <= set(CHECK_GLYPHS):
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    return out


def _body_tokens(lines: list[str], mode: str) -> list[Token]:
    tokens: list[Token] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if PIPES_ONLY_RE.match(s):
            tokens.extend(Token("", k == 0) for k in range(s.count("|")))
            continue
        if mode != "lines":
            cells = _space_cells(s, mode)
            if mode == "single_spaces":
                cells = _boxes_with_their_labels(cells)
            tokens.extend(Token(c, k == 0) for k, c in enumerate(cells))
            continue
        cell, empties = _cell_and_empties(s)
        tokens.append(Token(cell, True))
        tokens.extend(Token("", False) for _ in range(empties))
    return tokens


# --- regrouping cells into rows ------------------------------------------------------------------


def cell_kind(text: str) -> str:
    """What a cell's content is: block_label, level1_name, level2_name, operator, operator_value,
    direction, number, unit, rule, short_text or text."""
    t = text.strip()
    folded = matching_text(t)
    if is_block_label(t):
        return "block_label"
    if is_only_checkboxes(t):
        return "operator"  # the boxes of an operator cell with none of its labels
    l1 = taxonomy.match_level1(folded)
    if l1 is not None and l1.score >= taxonomy.CONFIDENT_SCORE:
        return "level1_name"
    l2 = taxonomy.match_level2(folded)
    if l2 is not None and l2.score >= taxonomy.CONFIDENT_SCORE:
        return "level2_name"
    pv = values.parse_value_cell(folded)
    if pv.operator is not None and pv.operator != values.QUALITATIVE and pv.value_num is not None:
        return "operator_value"
    if values.parse_operator(folded) is not None:
        return "operator"
    if labels.is_direction_word(folded):
        return "direction"  # 正向 / 反向 of a 指标方向性 column
    squeezed = SPACES_RE.sub("", folded)
    try:
        values.parse_number(squeezed)
    except ParseError:
        pass
    else:
        return "number"
    if pv.value_num is not None:
        return "number"
    if values.is_unit(folded):
        return "unit"
    if labels.is_rule_text(folded):
        return "rule"
    if len(squeezed) <= damage_vocabulary().costs["short_text_max"]:
        return "short_text"
    return "text"


def _field_costs(fields: list[str]) -> tuple[list[float], dict]:
    costs = damage_vocabulary().costs
    skip = [float(costs["skip"].get(f, costs["skip"]["other"])) for f in fields]
    return skip, costs


def _fit(kind: str, field: str, costs: dict) -> float:
    if kind == "empty":
        return 0.0
    table = costs["fit"].get(kind, {})
    if field in table:
        return float(table[field])
    if field.startswith("other") and "other" in table:
        return float(table["other"])
    return float(costs["mismatch"])


def align_rows(tokens: list[Token], fields: list[str], mode: str) -> list[list[str]]:
    """The tokens regrouped into rows of len(fields) cells (best-scoring alignment)."""
    if not tokens or not fields:
        return []
    skip, costs = _field_costs(fields)
    n_f = len(fields)
    prefix = [0.0]
    for s in skip:
        prefix.append(prefix[-1] + s)

    def skipped(a: int, b: int) -> float:  # columns a..b-1 left empty
        return prefix[b] - prefix[a] if b > a else 0.0

    names = {BLOCK, "level1", "level2"}

    def row_rest(g: int) -> float:
        """Columns after g left empty; a row of names only (a placeholder row) costs nothing."""
        return 0.0 if fields[g] in names else skipped(g + 1, n_f)

    kinds = ["empty" if not t.text else cell_kind(t.text) for t in tokens]
    fit = [[_fit(k, f, costs) for f in fields] for k in kinds]
    spaces = mode != "lines"
    neg = float("-inf")
    # best[i][f]: best score with token i in column f; back[i][f] = (previous column, how)
    best = [[neg] * n_f for _ in tokens]
    back: list[list[tuple[int, str]]] = [[(-1, "start")] * n_f for _ in tokens]
    for f in range(n_f):
        best[0][f] = skipped(0, f) + fit[0][f]
    for i in range(1, len(tokens)):
        start = tokens[i].line_start
        for f in range(n_f):
            here = fit[i][f]
            top, how_top = neg, (-1, "start")
            for g in range(n_f):
                prev = best[i - 1][g]
                if prev == neg:
                    continue
                if f > g:  # same row
                    s = prev + skipped(g + 1, f) + here
                    if spaces and start:
                        s += costs["continue_over_line"]
                    if s > top:
                        top, how_top = s, (g, "same")
                if f == g and kinds[i] != "empty" and kinds[i - 1] != "empty" and fields[f] not in (
                        "operator", "value", "unit", "level1", "level2", BLOCK):
                    s = prev + costs["join_same_field"]
                    if s > top:
                        top, how_top = s, (g, "join")
                if f == g and kinds[i] == "empty":  # an empty cell that holds no column (a stray |)
                    s = prev + costs["empty_ignored"]
                    if s > top:
                        top, how_top = s, (g, "ignore")
                s = prev + row_rest(g) + costs["new_row"] + skipped(0, f) + here
                if spaces and not start:
                    s += costs["break_inside_line"]
                if s > top:
                    top, how_top = s, (g, "new")
            best[i][f] = top
            back[i][f] = how_top
    last = len(tokens) - 1
    f = max(range(n_f), key=lambda k: best[last][k] + row_rest(k))
    path: list[tuple[int, str]] = []
    for i in range(last, -1, -1):
        g, how = back[i][f]
        path.append((f, how))
        f = g
    path.reverse()
    rows: list[list[str]] = []
    for (f, how), tok in zip(path, tokens):
        if how in ("start", "new"):
            rows.append([""] * n_f)
        if how == "ignore":
            continue
        if how == "join":
            rows[-1][f] = (rows[-1][f] + tok.text) if _cjk_glue(rows[-1][f], tok.text) else f"{rows[-1][f]} {tok.text}"
        else:
            rows[-1][f] = tok.text
    return [r for r in rows if any(c.strip() for c in r)]


_CJK_RE = re.compile(f"[{CJK_SCRIPT_CLASS}]")


def _cjk_glue(a: str, b: str) -> bool:
    return bool(a) and bool(b) and bool(_CJK_RE.match(a[-1])) and bool(_CJK_RE.match(b[0]))


@dataclass
class FlatTable:
    start: int  # first line of the region
    end: int  # line after the region
    rows: list[list[str]]  # cells at raw positions


def _ends_region(line: str) -> bool:
    firsts = {c[0] for c in (_space_cells(line), _space_cells(line, "single_spaces")) if c}
    return (ends_table(_cell_line(line)) or any(ends_table(f) for f in firsts) or _is_grid_line(line)
            or is_page_furniture(line))


def is_section_label(text: str) -> bool:
    """A label that names the target period of the indicator section below it (长期目标, 年度目标)."""
    c = labels.compact(text)
    return bool(c) and any(p.search(c) for p in damage_vocabulary().section_labels)


def _leading_column(header_lines: list[str]) -> tuple[str | None, list[str]]:
    """The label standing just above an indicator header that belongs in its leftmost column (a
    block label such as 绩效指标, or a section's period such as 长期目标), and the lines before it."""
    for k in range(len(header_lines) - 1, -1, -1):
        s = _cell_line(header_lines[k])
        if not s or PIPES_ONLY_RE.match(header_lines[k].strip()):
            continue
        if is_block_label(s) or is_section_label(s):
            return s, header_lines[:k]
        break
    return None, header_lines


def find_flat_tables(lines: list[str]) -> list[FlatTable]:
    """Every flattened form table in the lines, with the rows it regroups into. Sections stacked
    under their own headers (长期目标 / 年度目标) stay in one table, as a clean form has them."""
    found: list[FlatTable] = []
    floor = 0
    i = 0
    n = len(lines)
    while i < n:
        run = _header_run(lines, i)
        if run is None:
            i += 1
            continue
        start = _region_start(lines, i, floor)
        header_lines = lines[start:i]
        rows: list[list[str]] = []
        while run is not None:
            header_end, header_cells, mode = run
            fields = [header_field(c) or f"other{k}" for k, c in enumerate(header_cells)]
            leading, header_lines = _leading_column(header_lines) if mode == "lines" else (None, header_lines)
            if leading is not None:
                header_cells = [leading, *header_cells]
                fields = [BLOCK, *fields]
            rows.extend(_header_rows(header_lines, mode))
            rows.append(header_cells)
            j = header_end
            run = None
            while j < n and not _ends_region(lines[j]):
                run = _header_run(lines, j)
                if run is not None:
                    break
                j += 1
            body = lines[header_end:j]
            header_lines = []
            if run is not None and body and mode == "lines" and is_section_label(_cell_line(body[-1])):
                body, header_lines = body[:-1], body[-1:]
            rows.extend(align_rows(_body_tokens(body, mode), fields, mode))
            if run is not None:
                i = j
        found.append(FlatTable(start=start, end=j, rows=rows))
        floor = i = j
    return found


def rebuild_flat_tables_in_blocks(blocks: list) -> list:
    """The blocks of a page with every run of text lines that is a flattened form table replaced
    by the Table it regroups into (for readers of paragraphs or positioned lines: docx, PDF text)."""
    from .ir import Cell, Table, TextLine, checkbox_state_of

    out: list = []
    run: list = []

    def flush() -> None:
        if not run:
            return
        joined = []
        last = 0
        for start, end, text in vertical_label_runs([b.text for b in run]):
            joined.extend(run[last:start])
            joined.append(run[start].model_copy(update={"text": text}))
            last = end
        run[:] = [*joined, *run[last:]]
        texts = [b.text for b in run]
        start = 0
        for flat in find_flat_tables(texts):
            out.extend(run[start:flat.start])
            page = run[flat.start].page
            cells = [Cell(text=t, row=r, col=c, page=page, checkbox=checkbox_state_of(t))
                     for r, row in enumerate(flat.rows) for c, t in enumerate(row)]
            out.append(Table(cells=cells, n_rows=len(flat.rows), n_cols=max(map(len, flat.rows), default=0),
                             page=page))
            start = flat.end
        out.extend(run[start:])
        run.clear()

    for b in blocks:
        if isinstance(b, TextLine):
            run.append(b)
        else:
            flush()
            out.append(b)
    flush()
    return out
