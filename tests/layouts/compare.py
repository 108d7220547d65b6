"""Compare a run's output tables with the layout set's gt, field by field (the contract fields and
the issue-11 ones), file by file.

    .venv/bin/python -m tests.layouts.compare CORPUS RUN_DIR [--details N] [--file SUBSTRING] [--silent]

prints one line per file (OK, or the number of differences and the fields concerned), the
accuracy of each field over the set, and the files that match completely (to add to
tests/layouts/status.py PASSING); with --silent, the rows that differ from the gt with no warning
or error on them. tests/test_layouts.py uses the same comparison.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .model import FORM_FIELDS, INDICATOR_FIELDS

FLOAT_FIELDS = {"year", "fund_total", "fund_fiscal", "fund_carryover", "fund_other", "fund_total_all",
                "fund_superior", "value_num", "weight", "score", "actual_score", "seq"}


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


class Run:
    """A run's forms, indicators and anomalies, by source file (base name) and form index."""

    def __init__(self, out: Path):
        self.forms: dict[str, list[dict]] = defaultdict(list)
        self.inds: dict[tuple[str, str], list[dict]] = defaultdict(list)
        self.anos: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in _read(out / "forms.csv"):
            self.forms[Path(r["source_file"]).name].append(r)
        for r in _read(out / "indicators.csv"):
            self.inds[(Path(r["source_file"]).name, r["form_index"])].append(r)
        for r in _read(out / "anomalies.csv"):
            self.anos[(Path(r["source_file"]).name, r["form_index"])].append(r)


def same(field: str, got: str | None, expected) -> bool:
    """`got` is the CSV text of the run ('' for empty or for a column the run lacks)."""
    got = (got or "").strip()
    if expected is None or expected == "":
        return got == ""
    if field in FLOAT_FIELDS:
        try:
            return math.isclose(float(got), float(expected), rel_tol=1e-9)
        except ValueError:
            return False
    return got == str(expected)


def mismatches(gt: dict, run: Run, checked: Counter | None = None) -> list[tuple]:
    """Every (form_index, seq, field, got, expected) where the run differs from the gt; `checked`
    counts the comparisons made per field."""
    checked = checked if checked is not None else Counter()
    name = gt["source_file"]
    got_forms = sorted(run.forms.get(name, []), key=lambda r: int(r["form_index"]))
    if len(got_forms) != len(gt["forms"]):
        checked["forms"] += 1
        return [("-", 0, "forms", len(got_forms), len(gt["forms"]))]
    problems: list[tuple] = []
    for gf, pf in zip(gt["forms"], got_forms):
        i = gf["form_index"]
        for f in FORM_FIELDS:
            checked[f] += 1
            if not same(f, pf.get(f), gf[f]):
                problems.append((i, 0, f, pf.get(f), gf[f]))
        rows = sorted(run.inds.get((name, str(i)), []), key=lambda r: int(r["seq"]))
        if len(rows) != len(gf["indicators"]):
            checked["rows"] += 1
            problems.append((i, 0, "rows", len(rows), len(gf["indicators"])))
        else:
            for pr, gr in zip(rows, gf["indicators"]):
                for f in INDICATOR_FIELDS:
                    checked[f] += 1
                    if not same(f, pr.get(f), gr[f]):
                        problems.append((i, gr["seq"], f, pr.get(f), gr[f]))
        flagged = {(int(float(a["seq"])) if a.get("seq") else 0, a["code"]) for a in run.anos.get((name, str(i)), [])}
        for seq, code in gf["must_flag"]:
            checked["must_flag"] += 1
            if (seq, code) not in flagged and not (seq == 0 and any(c == code for _, c in flagged)):
                problems.append((i, seq, "must_flag", code, None))
    return problems


FLAGGING = ("warning", "error")  # severities that ask a person to look (info notes do not)


def silent_rows(gt: dict, run: Run) -> list[tuple]:
    """Rows that differ from the gt with no warning or error on them (nor a form-level error):
    (form_index, seq, fields that differ, got level3). The worst outcome: a wrong row unflagged."""
    out = []
    name = gt["source_file"]
    by_row: dict[tuple, list[str]] = {}
    for form, seq, f, _, _ in mismatches(gt, run):
        if f in INDICATOR_FIELDS and seq:
            by_row.setdefault((form, seq), []).append(f)
    for (form, seq), fields in sorted(by_row.items()):
        anos = run.anos.get((name, str(form)), [])
        flagged = any(a["severity"] in FLAGGING and a.get("seq") and int(float(a["seq"])) == seq for a in anos)
        form_error = any(a["severity"] == "error" and not a.get("seq") for a in anos)
        if not flagged and not form_error:
            got = next((r.get("level3") for r in run.inds.get((name, str(form)), []) if r["seq"] == str(seq)), None)
            out.append((form, seq, fields, got))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.layouts.compare", description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("run", type=Path)
    ap.add_argument("--details", type=int, default=0, help="print the first N differences of each file")
    ap.add_argument("--file", default="", help="only files whose name contains this")
    ap.add_argument("--silent", action="store_true",
                    help="also list the rows that differ from the gt with no warning or error on them")
    a = ap.parse_args(argv)
    silent: list[tuple] = []
    run = Run(a.run)
    checked: Counter = Counter()
    wrong: Counter = Counter()
    passing = []
    for path in sorted((a.corpus / "gt").glob("*.json")):
        gt = json.loads(path.read_text(encoding="utf-8"))
        if a.file not in gt["source_file"]:
            continue
        problems = mismatches(gt, run, checked)
        wrong.update(p[2] for p in problems)
        if a.silent:
            silent += [(gt["source_file"], *r) for r in silent_rows(gt, run)]
        if not problems:
            passing.append(gt["source_file"])
            print(f"OK    {gt['source_file']}")
            continue
        fields = Counter(p[2] for p in problems)
        print(f"{len(problems):4d}  {gt['source_file']}  " + " ".join(f"{f}:{n}" for f, n in fields.most_common(6)))
        for p in problems[: a.details]:
            print("        ", p)
    print("\nfield accuracy over the set:")
    for f in [*FORM_FIELDS, "rows", *INDICATOR_FIELDS, "must_flag", "forms"]:
        if checked[f]:
            print(f"  {f:24s} {1 - wrong[f] / checked[f]:.3f}  ({checked[f] - wrong[f]}/{checked[f]})")
    print(f"\n{len(passing)} files match completely:")
    for name in passing:
        print(f'    "{name}",')
    if a.silent:
        print(f"\n{len(silent)} wrong rows with no warning or error on them (file, form, seq, fields, level3):")
        for r in silent:
            print("   ", *r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
