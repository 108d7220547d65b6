"""Golden layout set of issue 11: each document of tests/layouts (other provinces' layouts in the
text kinds and in xlsx/docx/text PDF) extracts to its expected records, field by field, including
the issue-11 fields (target_period, weight, score, standard, ... and the new form fields).

The set is built into a temp dir and extracted once with one in-process `jixiao extract` run;
each file is then one test. Files the readers do not handle yet are xfail(strict=True) with the
reason from tests/layouts/status.py (flip them there when they pass). Scans are left out here
(slow OCR); score them with the commands in tests/layouts/build.py.
"""
from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import pytest

from tests.layouts.build import build
from tests.layouts.docs import all_docs
from tests.layouts.model import FORM_FIELDS, INDICATOR_FIELDS
from tests.layouts.status import GAPS, PASSING

TEST_KINDS = {"tsv", "pipe", "html", "cells", "cells_bare", "spaces", "xlsx", "docx", "pdf"}
FLOAT_FIELDS = {"year", "fund_total", "fund_fiscal", "fund_carryover", "fund_other", "fund_total_all",
                "fund_superior", "value_num", "weight", "score", "actual_score", "seq"}


def _files() -> list[tuple[str, str]]:
    from tests.layouts.build import file_name

    return [(file_name(d, k), d.name) for d in all_docs() for k in d.kinds if k in TEST_KINDS]


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from pipeline.cli import main

    corpus = tmp_path_factory.mktemp("layouts")
    out = tmp_path_factory.mktemp("layouts_out")
    build(corpus, kinds=TEST_KINDS)
    assert main(["extract", str(corpus), "--out", str(out), "--no-cache", "--workers", "1", "--quiet"]) == 0
    forms, inds, anos = (defaultdict(list) for _ in range(3))
    for r in _read(out / "forms.csv"):
        forms[Path(r["source_file"]).name].append(r)
    for r in _read(out / "indicators.csv"):
        inds[(Path(r["source_file"]).name, r["form_index"])].append(r)
    for r in _read(out / "anomalies.csv"):
        anos[(Path(r["source_file"]).name, r["form_index"])].append(r)
    return corpus, forms, inds, anos


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


def mismatches(gt: dict, forms: dict, inds: dict, anos: dict) -> list[tuple]:
    """Every (form_index, seq, field, got, expected) where the run differs from the gt."""
    name = gt["source_file"]
    got_forms = sorted(forms.get(name, []), key=lambda r: int(r["form_index"]))
    if len(got_forms) != len(gt["forms"]):
        return [("forms", len(got_forms), len(gt["forms"]))]
    problems: list[tuple] = []
    for gf, pf in zip(gt["forms"], got_forms):
        i = gf["form_index"]
        problems += [(i, 0, f, pf.get(f), gf[f]) for f in FORM_FIELDS if not same(f, pf.get(f), gf[f])]
        rows = sorted(inds.get((name, str(i)), []), key=lambda r: int(r["seq"]))
        if len(rows) != len(gf["indicators"]):
            problems.append((i, "rows", len(rows), len(gf["indicators"])))
        else:
            for pr, gr in zip(rows, gf["indicators"]):
                problems += [(i, gr["seq"], f, pr.get(f), gr[f]) for f in INDICATOR_FIELDS
                             if not same(f, pr.get(f), gr[f])]
        flagged = {(int(float(a["seq"])) if a.get("seq") else 0, a["code"]) for a in anos.get((name, str(i)), [])}
        problems += [(i, seq, "must_flag", code, None) for seq, code in gf["must_flag"]
                     if (seq, code) not in flagged and not (seq == 0 and any(c == code for _, c in flagged))]
    return problems


def _param(name: str, layout: str):
    if name in PASSING:
        return pytest.param(name, id=name)
    reason = GAPS.get(layout, f"issue 11: layout {layout} not read yet")
    return pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("name", [_param(n, layout) for n, layout in _files()])
def test_layout_document_matches_gt(run, name):
    corpus, forms, inds, anos = run
    gt = json.loads((corpus / "gt" / f"{name}.json").read_text(encoding="utf-8"))
    problems = mismatches(gt, forms, inds, anos)
    assert not problems, f"{len(problems)} differences, first: {problems[:8]}"


def test_every_layout_names_its_gap_until_it_passes():
    """A layout added without a reason would xfail with a generic one; a name in PASSING that is
    no file of the set is a typo that silently turns a check off."""
    files = {n for n, _ in _files()}
    assert PASSING <= files, sorted(PASSING - files)
    for doc in all_docs():
        mine = {n for n, layout in _files() if layout == doc.name}
        assert doc.name in GAPS or mine <= PASSING, doc.name


def test_gt_is_consistent_with_the_model():
    """The expected records themselves: seq from 1, canonical names only, numbers where the
    operator is quantitative, target_period one of the two agreed values."""
    from tests.layouts.model import LEVEL1_OF

    for doc in all_docs():
        gt = doc.gt("x")
        for f in gt["forms"]:
            assert f["form_kind"] in ("department", "project", "self_evaluation")
            for seq, r in enumerate(f["indicators"], 1):
                assert r["seq"] == seq
                assert LEVEL1_OF[r["level2"]] == r["level1"], (doc.name, r)
                assert r["target_period"] in ("annual", "long_term")
                assert r["operator"] in ("≥", ">", "=", "≤", "<", "定性"), (doc.name, r)
                if r["operator"] != "定性":
                    assert r["value_num"] is not None, (doc.name, r)
                else:
                    assert r["value_num"] is None and r["unit"] is None


def test_gt_of_side_by_side_targets_checked_by_hand():
    """One record per target in column order: the long-term target first, as the form reads."""
    doc = next(d for d in all_docs() if d.name == "periods_side_by_side_1")
    form = doc.gt("x")["forms"][0]
    first, second = form["indicators"][:2]
    assert (first["level3"], first["target_period"], first["operator"], first["value"], first["unit"]) == (
        "新建改建农村公路", "long_term", "≥", "150", "公里")
    assert (second["level3"], second["target_period"], second["value"], second["value_num"]) == (
        "新建改建农村公路", "annual", "45", 45.0)
    assert len(form["indicators"]) == 16
    assert form["overall_goal"].startswith("本年度") and form["overall_goal_long_term"].startswith("到2026年底")
    assert form["period"] == "2024年1月-2026年12月"


def test_gt_of_register_table_checked_by_hand():
    """Three projects of one table: three forms, amounts in 元 as 万元, the conversion flagged."""
    doc = next(d for d in all_docs() if d.name == "multi_register_table")
    forms = doc.gt("x")["forms"]
    assert [(f["project_name"], f["fund_total"], len(f["indicators"])) for f in forms] == [
        ("村级道路硬化工程", 128.0, 4), ("农村人居环境整治", 45.0, 4), ("基层公共文化服务", 8.65, 3)]
    assert all(f["must_flag"] == [[0, "unit_converted"]] for f in forms)


def test_text_renderings_keep_every_cell_once():
    """The renderers lose no cell and invent none: each cell text of the grid appears in every
    text rendering (merged cells once, at their top-left position)."""
    from tests.layouts import render_text
    from tests.layouts.model import matrix

    doc = next(d for d in all_docs() if d.name == "periods_stacked")
    form = doc.forms[0]
    texts = [c.text for row in form.grid for c in row if c.text]
    flat = [t for row in matrix(form.grid) for t in row if t]
    assert sorted(flat) == sorted(texts)
    for render in (render_text.tsv, render_text.pipe, render_text.html_md, render_text.space_run,
                   lambda d: render_text.cell_lines(d, pipes=False)):
        out = render(doc)
        assert all(t in out for t in texts), render
    assert "长\n期\n目\n标" in render_text.cell_lines(doc, vertical_labels=("长期目标",))
