"""Command line: exit codes, one-line usage errors, defaults, source_file naming, integration hooks."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from normalizers.records import Anomaly
from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_bad_option_exits_2_with_one_line_and_no_traceback(tmp_path):
    done = run_module("extract", "--no-such-option", cwd=ROOT)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--no-such-option" in done.stderr


def test_missing_path_exits_2_naming_the_path(tmp_path, capsys, fake_pipeline):
    missing = tmp_path / "nowhere"
    assert main(["extract", str(missing), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [
    ["extract", "x", "--workers", "0"],
    ["extract", "x", "--workers", "two"],
    ["extract", "x", "--ocr", "easyocr"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_corrections_file_is_a_usage_error(tmp_path, batch_dir, capsys, fake_pipeline):
    code = main(["extract", str(batch_dir), "--out", str(tmp_path / "o"), "--corrections", str(tmp_path / "c.csv")])
    assert code == 2
    assert "c.csv" in capsys.readouterr().err


def test_batch_with_failed_file_exits_0_and_logs_it(tmp_path, batch_dir, fake_pipeline):
    (batch_dir / "empty.md").write_bytes(b"")
    out = tmp_path / "out"
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache", "--workers", "1"]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    statuses = {entry["source_file"]: entry["status"] for entry in run["inputs"]}
    assert statuses["empty.md"] == "failed"
    assert run["totals"]["failed"] == 1 and run["totals"]["files"] == 13
    codes = [(row["source_file"], row["code"]) for row in read_rows(out / "anomalies.csv")]
    assert ("empty.md", "unreadable_file") in codes


def test_default_paths_are_data_raw_to_data_clean(tmp_path, monkeypatch, fake_pipeline):
    from conftest import make_batch

    make_batch(tmp_path / "data" / "raw", 3)
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "--quiet", "--workers", "1"]) == 0
    assert (tmp_path / "data" / "clean" / "forms.csv").is_file()
    assert (tmp_path / "data" / "cache").is_dir()  # the default cache lives beside the data
    forms = read_rows(tmp_path / "data" / "clean" / "forms.csv")
    assert [f["source_file"] for f in forms] == ["doc_001.md", "doc_002.md", "sub/doc_000.md"]


def test_source_file_is_relative_to_its_path_argument(tmp_path, batch_dir, fake_pipeline):
    single = tmp_path / "elsewhere" / "single.md"
    single.parent.mkdir()
    single.write_text("单个\n", encoding="utf-8")
    (batch_dir / ".hidden.md").write_text("skip me\n", encoding="utf-8")
    (batch_dir / "notes.csv").write_text("not an input\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(batch_dir), str(single), "--out", str(out), "--quiet", "--no-cache"]) == 0
    names = [e["source_file"] for e in json.loads((out / "run.json").read_text(encoding="utf-8"))["inputs"]]
    assert names == sorted(names)
    assert "single.md" in names and "sub/doc_004.md" in names
    assert not any("hidden" in n or n.endswith(".csv") for n in names)
    entry = next(e for e in json.loads((out / "run.json").read_text(encoding="utf-8"))["inputs"]
                 if e["source_file"] == "single.md")
    assert entry["path"] == str(single.resolve())


def test_report_and_review_verb_call_the_review_page(tmp_path, batch_dir, monkeypatch, fake_pipeline):
    import pipeline.review

    called = []
    monkeypatch.setattr(pipeline.review, "write_report", lambda out_dir: called.append(Path(out_dir)) or None)
    out = tmp_path / "out"
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache", "--report"]) == 0
    assert main(["review", str(out)]) == 0
    assert called == [out, out]
    assert main(["review", str(tmp_path / "missing")]) == 2


def test_corrections_are_applied_to_the_whole_batch(tmp_path, batch_dir, monkeypatch, fake_pipeline):
    import pipeline.corrections

    seen = {}

    def fake_apply(forms, indicators, corrections):
        seen["forms"], seen["indicators"] = len(forms), len(indicators)
        first = forms[0].model_copy(update={"agency": "人工更正"})
        note = Anomaly(source_file=forms[0].source_file, form_id=first.form_id, form_index=0,
                       field="agency", code="manual_correction", severity="info", message="corrected")
        return [first, *forms[1:]], indicators, [note]

    monkeypatch.setattr(pipeline.corrections, "load_corrections", lambda path: ["one"])
    monkeypatch.setattr(pipeline.corrections, "apply_corrections", fake_apply)
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("form_id,seq,field,value\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache",
                 "--corrections", str(corrections)]) == 0
    assert seen == {"forms": 12, "indicators": 48}
    forms = read_rows(out / "forms.csv")
    assert forms[0]["agency"] == "人工更正"
    anomalies = read_rows(out / "anomalies.csv")
    manual = [a for a in anomalies if a["code"] == "manual_correction"]
    assert len(manual) == 1
    # the new anomaly sits with its own file's anomalies, not at the end of the table
    files = [a["source_file"] for a in anomalies]
    assert files == sorted(files, key=lambda name: [f["source_file"] for f in forms].index(name))


def test_eval_usage_error_without_gt(tmp_path, capsys):
    assert main(["eval", str(tmp_path)]) == 2
    assert "gt/" in capsys.readouterr().err


def test_out_that_is_a_file_is_a_usage_error(tmp_path, batch_dir, capsys):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    assert main(["extract", str(batch_dir), "--out", str(target)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_output_dir_inside_the_input_is_not_read_back(tmp_path, batch_dir, fake_pipeline):
    out = batch_dir / "clean"
    (out / "report").mkdir(parents=True)
    (out / "report" / "index.html").write_text("<html>review page</html>", encoding="utf-8")
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache"]) == 0
    names = [e["source_file"] for e in json.loads((out / "run.json").read_text(encoding="utf-8"))["inputs"]]
    assert len(names) == 12 and not any(n.startswith("clean/") for n in names)
