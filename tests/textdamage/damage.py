"""Re-lay a clean tab-separated form text in the shapes that page and document conversion give.

Every function takes the text of a form file whose table rows are tab-separated (the seed's own
layout) and returns the same content damaged one way:

- ``cells_per_line``: each non-empty cell on its own line (a web page or PDF copied as text);
- ``cells_per_line_pipes``: each cell on its own line ending in ``|``, a run of empty cells as a
  line of ``|`` (one per cell);
- ``space_runs``: the cells of a row on one line with runs of spaces between them;
- ``single_spaces``: the same with one space between cells;
- ``vertical_labels``: one cell per line, and the label cells that lead a row written one
  character per line (a narrow merged cell);
- ``boilerplate``: the site's page furniture (索引号, 发布日期, 字号 …) before and after the form;
- ``digits_split``: a space inside the numbers of the value column (``2602.2 1``);
- ``traditional``: the whole text in Traditional characters;
- ``ge_as_two``: every ``≥`` of the operator column read as ``2``.

The content stays the same, so the expected records are the clean file's (see ``expected``).
"""
from __future__ import annotations

import copy
import re

from extractors.text.cleanup import decode_markup
from vocab.labels import form_labels, indicator_header_field, is_block_label, leading_label


def _rows(text: str) -> list[list[str] | str]:
    """Each line as its decoded cells (a tab row) or as the line itself."""
    out: list[list[str] | str] = []
    for line in text.splitlines():
        if "\t" in line:
            out.append([decode_markup(c) for c in line.split("\t")])
        else:
            out.append(line)
    return out


def cells_per_line(text: str) -> str:
    lines: list[str] = []
    for row in _rows(text):
        if isinstance(row, str):
            if row.strip():
                lines.append(row)
            continue
        lines.extend(c for c in row if c.strip())
    return "\n".join(lines) + "\n"


def cells_per_line_pipes(text: str) -> str:
    lines: list[str] = []
    for row in _rows(text):
        if isinstance(row, str):
            if row.strip():
                lines.append(row)
            continue
        # trailing empty cells of a row are not written (the row ends at its last cell)
        while row and not row[-1].strip():
            row = row[:-1]
        empty = 0
        for c in row:
            if not c.strip():
                empty += 1
                continue
            if empty:
                lines.append("|" * empty)
                empty = 0
            lines.append(c + "|")
    return "\n".join(lines) + "\n"


def space_runs(text: str) -> str:
    lines: list[str] = []
    for n, row in enumerate(_rows(text)):
        if isinstance(row, str):
            lines.append(row)
            continue
        gap = " " * (2 + n % 3)
        lines.append(gap.join(c for c in row if c.strip()))
    return "\n".join(lines) + "\n"


def single_spaces(text: str) -> str:
    """The cells of a row on one line with one space between them."""
    lines: list[str] = []
    for row in _rows(text):
        lines.append(row if isinstance(row, str) else " ".join(c for c in row if c.strip()))
    return "\n".join(lines) + "\n"


def _is_label(cell: str) -> bool:
    return is_block_label(cell) or leading_label(cell, "header_fields") is not None and len(cell) <= 12


def vertical_labels(text: str) -> str:
    lines: list[str] = []
    for row in _rows(text):
        if isinstance(row, str):
            if row.strip():
                lines.append(row)
            continue
        cells = [c for c in row if c.strip()]
        for k, c in enumerate(cells):
            if k == 0 and _is_label(c) and indicator_header_field(c) is None:
                lines.extend(ch for ch in c if not ch.isspace())
            else:
                lines.append(c)
    return "\n".join(lines) + "\n"


SITE_TOP = [
    "首页 > 政务公开 > 财政预决算",
    "索引号：431228000/2024-01735　　主题分类：财政",
    "发布机构：县财政局　　成文日期：2024-01-15",
    "发布日期：2024-01-16 09:30　　来源：县财政局　　浏览次数：418",
    "【字号：大 中 小】",
]
SITE_BOTTOM = [
    "【打印本页】　【关闭窗口】",
    "分享到：",
    "上一篇：关于公开2024年部门预算的说明",
    "版权所有：县人民政府办公室　　网站标识码：4312280001",
]


def boilerplate(text: str) -> str:
    return "\n".join(SITE_TOP) + "\n\n" + text.rstrip("\n") + "\n\n" + "\n".join(SITE_BOTTOM) + "\n"


def _value_column(header: list[str]) -> int | None:
    for k, c in enumerate(header):
        if indicator_header_field(c) == "value":
            return k
    return None


_SPLITTABLE = re.compile(r"^(\d+\.?\d*)(\d)$")


def digits_split(text: str) -> str:
    """A space before the last digit of every number of 3+ characters in the value column."""
    out: list[str] = []
    value_col = None
    for line in text.splitlines():
        cells = line.split("\t")
        if "\t" in line and value_col is None:
            value_col = _value_column([decode_markup(c) for c in cells])
        elif "\t" in line and value_col is not None and len(cells) > value_col + 1:
            for k in (value_col, value_col + 1):  # the seed's rows may stand one column to the left
                m = _SPLITTABLE.match(cells[k].strip())
                if m and len(cells[k].strip()) >= 3:
                    cells[k] = f"{m.group(1)} {m.group(2)}"
            line = "\t".join(cells)
        out.append(line)
    return "\n".join(out) + "\n"


def traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


_GE_SPELLINGS = re.compile(r"\$\\geq\$|≥|\\geq")


def ge_as_two(text: str) -> str:
    """≥ in operator cells read as the digit 2 (the cells of the 指标类型 column only)."""
    out = []
    for line in text.splitlines():
        if "\t" in line:
            cells = line.split("\t")
            cells = [_GE_SPELLINGS.sub("2", c) if _GE_SPELLINGS.search(c) and len(decode_markup(c)) <= 3 else c
                     for c in cells]
            line = "\t".join(cells)
        out.append(line)
    return "\n".join(out) + "\n"


VARIANTS = {
    "cells_per_line": cells_per_line,
    "cells_per_line_pipes": cells_per_line_pipes,
    "space_runs": space_runs,
    "single_spaces": single_spaces,
    "vertical_labels": vertical_labels,
    "boilerplate": boilerplate,
    "boilerplate_cells_per_line": lambda t: boilerplate(cells_per_line(t)),
    "digits_split": digits_split,
    "traditional": traditional,
    "traditional_cells_per_line": lambda t: traditional(cells_per_line(t)),
    "ge_as_two": ge_as_two,
}

# Variants that a document converted to Word shows too (one paragraph per line).
DOCX_VARIANTS = ("cells_per_line", "vertical_labels", "traditional_cells_per_line")

# Variants whose rows are re-laid by content: the seed's own column shifts are gone from them.
RELAID = {"cells_per_line", "cells_per_line_pipes", "space_runs", "single_spaces", "vertical_labels",
          "boilerplate_cells_per_line", "traditional_cells_per_line"}
TEXT_FIELDS_KEPT_AS_WRITTEN = ("agency", "project_name", "competent_dept", "overall_goal", "preparer", "unit_head")
INDICATOR_TEXT_AS_WRITTEN = ("level3", "explanation", "scoring_rule", "note")


def expected(gt: dict, variant: str, source_file: str) -> dict:
    """The clean file's expected records as they hold for one damaged variant."""
    out = copy.deepcopy(gt)
    out["source_file"] = source_file
    for form in out["forms"]:
        flags = [tuple(f) for f in form["must_flag"]]
        if variant in RELAID:
            flags = [f for f in flags if f[1] != "column_shift"]
        if variant == "ge_as_two":
            flags += [(r["seq"], "operator_misread") for r in form["indicators"] if r["operator"] == "≥"]
        form["must_flag"] = [list(f) for f in flags]
        if variant.startswith("traditional"):
            import opencc

            s2t = opencc.OpenCC("s2t")
            for f in TEXT_FIELDS_KEPT_AS_WRITTEN:
                if form.get(f):
                    form[f] = s2t.convert(form[f])
            for r in form["indicators"]:
                for f in INDICATOR_TEXT_AS_WRITTEN:
                    if r.get(f):
                        r[f] = s2t.convert(r[f])
                if r["operator"] == "定性" and r.get("value"):
                    r["value"] = s2t.convert(r["value"])
    return out


__all__ = ["VARIANTS", "expected", "form_labels"]


def as_docx(text: str, path) -> None:
    """The damaged text as a Word document, one paragraph per line (a converted web page)."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line.lstrip("#").strip())
    document.save(str(path))
