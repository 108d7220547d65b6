"""jixiao eval agrees with ../shared/tools/score.py on the same output directory."""
from __future__ import annotations

import importlib.util
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from normalizers.records import Anomaly, FormRecord, IndicatorRecord
from pipeline import evaluate
from pipeline.cli import main
from pipeline.writers import write_records

SCORE_PY = SHARED / "tools" / "score.py"
CORPORA = [SHARED / "dev-corpus", SHARED / "seed"]

pytestmark = pytest.mark.needs_shared("tools", "score.py")


def load_score_py():
    spec = importlib.util.spec_from_file_location("shared_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_numbers(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for fmt, row in a.items():
        for name, value in row.items():
            other = b[fmt][name]
            if not ((math.isnan(value) and math.isnan(other)) or value == pytest.approx(other, abs=1e-12)):
                return False
    return True


def perturbed_predictions(corpus: Path, out: Path, seed: int) -> None:
    """Tables built from the expected records with the damage a real run does: lost forms and rows,
    wrong values, operators in other spellings, extra rows, missing and extra anomalies."""
    rng = random.Random(seed)
    forms, indicators, anomalies = [], [], []
    header = set(FormRecord.model_fields) - {"form_id", "source_file", "form_index"}
    row_fields = set(IndicatorRecord.model_fields) - {"form_id", "source_file", "form_index", "seq"}
    for gt_file in sorted((corpus / "gt").glob("*.json")):
        expected = json.loads(gt_file.read_text(encoding="utf-8"))
        source = expected["source_file"]
        for gf in expected["forms"]:
            if rng.random() < 0.1:
                continue  # form not found
            form_id = f"{source}#{gf['form_index']}"
            fields = {k: v for k, v in gf.items() if k in header}
            if rng.random() < 0.3:
                fields["year"] = (fields.get("year") or 2024) + 1
            if rng.random() < 0.3:
                fields["agency"] = (fields.get("agency") or "") + "局"
            if rng.random() < 0.3 and fields.get("overall_goal"):
                fields["overall_goal"] = fields["overall_goal"][: len(fields["overall_goal"]) // 2]
            forms.append(FormRecord(form_id=form_id, source_file=source, form_index=gf["form_index"], **fields))
            seq = 0
            for row in gf["indicators"]:
                if rng.random() < 0.08:
                    continue  # row lost
                values = {k: row.get(k) for k in row_fields if k in row}
                roll = rng.random()
                if roll < 0.1:
                    values["value"] = (values.get("value") or "") + "0"
                elif roll < 0.2:
                    values["operator"] = {"≥": ">=", "≤": "<="}.get(values.get("operator"), values.get("operator"))
                elif roll < 0.3:
                    values["explanation"] = (values.get("explanation") or "")[1:] + "　"
                elif roll < 0.35:
                    values["level2"] = "数量指标"
                seq += 1
                indicators.append(IndicatorRecord(form_id=form_id, source_file=source, form_index=gf["form_index"],
                                                  seq=seq, **values))
                if rng.random() < 0.15:
                    anomalies.append(Anomaly(source_file=source, form_id=form_id, form_index=gf["form_index"],
                                             seq=seq, code="low_confidence", severity="info"))
                if rng.random() < 0.05:
                    seq += 1
                    indicators.append(IndicatorRecord(form_id=form_id, source_file=source,
                                                      form_index=gf["form_index"], seq=seq, level3="多余的行",
                                                      value="1", operator="="))
            for flag_seq, code in gf.get("must_flag", []):
                if rng.random() < 0.8:
                    anomalies.append(Anomaly(source_file=source, form_id=form_id, form_index=gf["form_index"],
                                             seq=flag_seq or None, code=code,
                                             severity=rng.choice(["info", "warning", "error"])))
    write_records({"forms": forms, "indicators": indicators, "anomalies": anomalies}, out)


@pytest.mark.parametrize("corpus, seed", [(CORPORA[0], 1), (CORPORA[1], 1), (CORPORA[1], 2)],
                         ids=["dev-corpus", "seed-1", "seed-2"])
def test_scores_agree_with_score_py_on_damaged_output(tmp_path, corpus, seed):
    score_py = load_score_py()
    perturbed_predictions(corpus, tmp_path, seed)
    manifest_path = corpus / "manifest.csv"
    manifest = evaluate.read_manifest(manifest_path) if manifest_path.is_file() else None
    for only in (None, ["ocr", "scan"]):
        ours, our_details = evaluate.score(corpus, tmp_path, manifest, only)
        theirs, their_details = score_py.score(str(corpus), str(tmp_path), manifest, only)
        assert same_numbers(evaluate.summarize(ours), score_py.summarize(theirs))
        assert our_details == their_details
    summary = evaluate.summarize(evaluate.score(corpus, tmp_path, manifest)[0])
    assert 0.5 < summary["ALL"]["field_acc"] < 1.0  # the damage shows: the comparison is not vacuous


def test_eval_command_agrees_with_score_py_on_the_seed(tmp_path, capsys):
    corpus = SHARED / "seed"
    out = tmp_path / "out"
    ours_json = tmp_path / "ours.json"
    assert main(["eval", str(corpus), "--out", str(out), "--json", str(ours_json), "--quiet",
                 "--workers", "1", "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert "anomaly_recall" in printed and "\nALL " in printed
    theirs_json = tmp_path / "theirs.json"
    subprocess.run([sys.executable, str(SCORE_PY), str(corpus), str(out), "--json", str(theirs_json)],
                   check=True, capture_output=True)
    ours = json.loads(ours_json.read_text(encoding="utf-8"))["summary"]
    theirs = json.loads(theirs_json.read_text(encoding="utf-8"))["summary"]
    assert same_numbers(ours, theirs)
    assert ours["ALL"]["form_recall"] == 1.0


def test_corpus_inputs_follow_gt_and_manifest():
    corpus = SHARED / "dev-corpus"
    manifest = evaluate.read_manifest(corpus / "manifest.csv")
    names = [i.source_file for i in evaluate.corpus_inputs(corpus, manifest, ["ocr"])]
    assert names == ["dev_005.md", "dev_006.md", "dev_007.md", "dev_009.md", "dev_013.md"]
    assert len(evaluate.corpus_inputs(corpus, manifest, None)) == len(manifest)
