"""Golden layout set of issue 11: each document of tests/layouts (other provinces' layouts in the
text kinds and in xlsx/docx/text PDF) extracts to its expected records, field by field, including
the issue-11 fields (target_period, weight, score, standard, ... and the new form fields).

The set is built into a temp dir and extracted once with one in-process `jixiao extract` run;
each file is then one test. Files the readers do not handle yet are xfail(strict=True) with the
a generic reason (add them to tests/layouts/status.py PASSING when they pass). Scans are left out here
(slow OCR); score them with the commands in tests/layouts/build.py.
"""
from __future__ import annotations

import json

import pytest
from layouts.build import build
from layouts.compare import Run, mismatches
from layouts.docs import all_docs
from layouts.status import PASSING

TEST_KINDS = {"tsv", "tsv_mid", "pipe", "html", "cells", "cells_bare", "spaces", "xlsx", "docx", "pdf"}


def _files() -> list[tuple[str, str]]:
    from layouts.build import file_name

    return [(file_name(d, k), d.name) for d in all_docs() for k in d.kinds if k in TEST_KINDS]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from pipeline.cli import main

    corpus = tmp_path_factory.mktemp("layouts")
    out = tmp_path_factory.mktemp("layouts_out")
    build(corpus, kinds=TEST_KINDS)
    assert main(["extract", str(corpus), "--out", str(out), "--no-cache", "--workers", "1", "--quiet"]) == 0
    return corpus, Run(out)


def _param(name: str, layout: str):
    if name in PASSING:
        return pytest.param(name, id=name)
    reason = f"layout {layout} not read yet (add its files to layouts/status.py PASSING when they pass)"
    return pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("name", [_param(n, layout) for n, layout in _files()])
def test_layout_document_matches_gt(run, name):
    corpus, result = run
    gt = json.loads((corpus / "gt" / f"{name}.json").read_text(encoding="utf-8"))
    problems = mismatches(gt, result)
    assert not problems, f"{len(problems)} differences, first: {problems[:8]}"


def test_passing_names_only_files_of_the_set():
    """A name in PASSING that is no file of the set is a typo that silently turns a check off."""
    files = {n for n, _ in _files()}
    assert PASSING <= files, sorted(PASSING - files)


def test_gt_is_consistent_with_the_model():
    """The expected records themselves: seq from 1, canonical names only, numbers where the
    operator is quantitative, target_period one of the two agreed values."""
    from layouts.model import LEVEL1_OF

    for doc in all_docs():
        gt = doc.gt("x")
        for f in gt["forms"]:
            assert f["form_kind"] in ("department", "project", "self_evaluation")
            for seq, r in enumerate(f["indicators"], 1):
                assert r["seq"] == seq
                # canonical names, or none at all for a name of another framework without counterpart
                assert LEVEL1_OF.get(r["level2"]) == r["level1"] or (r["level1"], r["level2"]) == (None, None)
                assert r["target_period"] in ("annual", "long_term")
                assert r["operator"] in ("≥", ">", "=", "≤", "<", "定性"), (doc.name, r)
                if r["operator"] != "定性":
                    assert r["value_num"] is not None, (doc.name, r)
                else:
                    assert r["value_num"] is None and r["unit"] is None


def test_gt_of_side_by_side_targets_checked_by_hand():
    """One record per target, the annual one first (the long-term column stands first here)."""
    doc = next(d for d in all_docs() if d.name == "periods_side_by_side_1")
    form = doc.gt("x")["forms"][0]
    first, second = form["indicators"][:2]
    assert (first["level3"], first["target_period"], first["operator"], first["value"], first["unit"]) == (
        "新建改建农村公路", "annual", "≥", "45", "公里")
    assert (second["level3"], second["target_period"], second["value"], second["value_num"]) == (
        "新建改建农村公路", "long_term", "150", 150.0)
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
    from layouts import render_text
    from layouts.model import matrix

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


def test_gt_text_stands_in_the_document():
    """Every text the gt expects as written (names, goals, footer values, indicator texts) is in
    the rendered document: a typo in a layout's gt cannot pass as a reader's error."""
    from layouts import render_text

    for doc in all_docs():
        source = render_text.html_md(doc)
        for form in doc.gt("x")["forms"]:
            for f in ("agency", "project_name", "competent_dept", "overall_goal", "overall_goal_long_term",
                      "preparer", "phone", "unit_head", "agency_code", "competent_dept_code",
                      "implementing_agency", "project_attribute", "period", "budget_code"):
                assert form[f] is None or form[f] in source, (doc.name, f, form[f])
            for r in form["indicators"]:
                for f in ("level3", "explanation", "scoring_rule", "note", "level1_raw", "level2_raw", "standard",
                          "direction", "actual_value", "deviation_reason"):
                    assert r[f] is None or r[f] in source, (doc.name, r["seq"], f, r[f])
