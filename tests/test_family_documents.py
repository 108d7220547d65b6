"""Held-out documents of the development family (tests/family/build.py) in the text kinds, read
field by field against their expected records: other counties, agencies and numbers, and the
merged labels written mid-span as layout OCR writes them (tsv_mid), placeholder rows (社会成本指标
and nothing else)."""
from __future__ import annotations

import json

import pytest

from extractors.options import ExtractOptions
from normalizers.document import process_file

FIELDS = ("level1", "level2", "level3", "operator", "value", "unit", "explanation", "scoring_rule", "note")


@pytest.mark.needs_shared("dev-corpus", "gt")
@pytest.mark.parametrize("kind", ["tsv", "tsv_mid", "pipe", "html"])
def test_family_documents_read_exactly(tmp_path, kind):
    from tests.family.build import build

    rows = build(tmp_path, 6, 5, {kind}, placeholders=True)
    for row in rows:
        gt = json.loads((tmp_path / "gt" / f"{row['file']}.json").read_text(encoding="utf-8"))
        out = process_file(tmp_path / row["file"], row["file"], ExtractOptions())
        assert len(out.forms) == len(gt["forms"]), row["file"]
        for gf in gt["forms"]:
            got = [r for r in out.indicators if r.form_index == gf["form_index"]]
            want = [{f: r[f] for f in FIELDS} for r in gf["indicators"]]
            assert [{f: getattr(r, f) for f in FIELDS} for r in got] == want, (row["file"], gf["form_index"])
        # nothing a person must check on a clean document
        assert not [a for a in out.anomalies if a.severity in ("warning", "error")], row["file"]
