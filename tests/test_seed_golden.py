"""The real seed document, record by record, against its expected records (gt)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import SHARED, need_shared

from extractors.options import ExtractOptions
from normalizers.document import process_file

FIXTURES = Path(__file__).parent / "fixtures" / "seed"
SHARED_SEED = SHARED / "seed"
SEED = FIXTURES / "zhijiang_2024_forms.md"
GT = json.loads((FIXTURES / "zhijiang_2024_forms.md.json").read_text(encoding="utf-8"))

HEADER = ["form_kind", "year", "agency", "project_name", "competent_dept", "fund_total", "fund_fiscal",
          "fund_carryover", "fund_other", "overall_goal", "preparer", "phone", "fill_date", "unit_head"]
ROW = ["seq", "level1", "level2", "level3", "operator", "value", "value_num", "unit", "explanation",
       "scoring_rule", "note"]


@pytest.fixture(scope="module")
def outcome():
    return process_file(SEED, SEED.name, ExtractOptions())


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b))
    return a == b


def test_fixture_is_the_shared_seed():
    need_shared("seed", SEED.name)
    assert (SHARED_SEED / SEED.name).read_bytes() == SEED.read_bytes()
    assert json.loads((SHARED_SEED / "gt" / (SEED.name + ".json")).read_text(encoding="utf-8")) == GT


def test_seed_status_and_form_count(outcome):
    assert outcome.status == "succeeded"
    assert [f.form_index for f in outcome.forms] == [0, 1]


@pytest.mark.parametrize("form_index", [0, 1])
def test_seed_header_fields(outcome, form_index):
    expected = GT["forms"][form_index]
    got = outcome.forms[form_index].model_dump()
    for f in HEADER:
        assert _same(got[f], expected[f]), (f, got[f], expected[f])


@pytest.mark.parametrize("form_index,seq", [(i, r["seq"]) for i, f in enumerate(GT["forms"]) for r in f["indicators"]])
def test_seed_indicator_rows(outcome, form_index, seq):
    expected = GT["forms"][form_index]["indicators"][seq - 1]
    rows = [r for r in outcome.indicators if r.form_index == form_index]
    assert len(rows) == len(GT["forms"][form_index]["indicators"])
    got = rows[seq - 1].model_dump()
    for f in ROW:
        assert _same(got[f], expected[f]), (f, got[f], expected[f])


@pytest.mark.parametrize("form_index", [0, 1])
def test_seed_required_anomalies(outcome, form_index):
    got = {(a.seq or 0, a.code) for a in outcome.anomalies if a.form_index == form_index}
    for seq, code in GT["forms"][form_index]["must_flag"]:
        assert (seq, code) in got, (seq, code)


def test_seed_form_ids_are_stable(outcome):
    again = process_file(SEED, SEED.name, ExtractOptions())
    assert [f.form_id for f in again.forms] == [f.form_id for f in outcome.forms]
    assert len({f.form_id for f in outcome.forms}) == 2
