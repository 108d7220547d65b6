"""Golden-record comparison shared by the xlsx and docx tests: a run's records against gt JSON."""
from __future__ import annotations

import json
import math
from pathlib import Path

from conftest import SHARED

from extractors.options import ExtractOptions
from normalizers.document import process_file

FIXTURES = Path(__file__).parent / "fixtures" / "office"
SHARED_CORPUS = SHARED / "dev-corpus"

HEADER = ["form_kind", "year", "agency", "project_name", "competent_dept", "fund_total", "fund_fiscal",
          "fund_carryover", "fund_other", "overall_goal", "preparer", "phone", "fill_date", "unit_head"]
ROW = ["seq", "level1", "level2", "level3", "operator", "value", "value_num", "unit", "explanation",
       "scoring_rule", "note"]


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b))
    return (a or None) == (b or None)


def golden_mismatches(name: str) -> list[tuple]:
    """Every (form, seq, field, got, expected) where the run differs from the fixture's gt."""
    path = FIXTURES / name
    gt = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    outcome = process_file(path, name, ExtractOptions())
    problems: list[tuple] = []
    if len(outcome.forms) != len(gt["forms"]):
        return [("forms", len(outcome.forms), len(gt["forms"]))]
    for i, expected in enumerate(gt["forms"]):
        got = outcome.forms[i].model_dump()
        problems += [(i, 0, f, got[f], expected[f]) for f in HEADER if not same(got[f], expected[f])]
        rows = [r.model_dump() for r in outcome.indicators if r.form_index == i]
        if len(rows) != len(expected["indicators"]):
            problems.append((i, "rows", len(rows), len(expected["indicators"])))
            continue
        for row, exp in zip(rows, expected["indicators"]):
            problems += [(i, exp["seq"], f, row[f], exp[f]) for f in ROW if not same(row[f], exp[f])]
        flagged = {(a.seq or 0, a.code) for a in outcome.anomalies if a.form_index == i}
        problems += [(i, seq, "must_flag", code, None) for seq, code in expected["must_flag"]
                     if (seq, code) not in flagged]
    return problems
