"""Output tables: BOM, column order, numbers as numbers, typed Parquet, atomic replacement."""
from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from normalizers.records import ANOMALY_COLUMNS, FORM_COLUMNS, INDICATOR_COLUMNS, FormRecord
from pipeline import writers
from pipeline.cli import main


def run_fake(batch_dir, out, *extra):
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache", *extra]) == 0


def test_csv_has_bom_and_contract_column_order(tmp_path, batch_dir, fake_pipeline):
    out = tmp_path / "out"
    run_fake(batch_dir, out)
    for name, columns in (("forms", FORM_COLUMNS), ("indicators", INDICATOR_COLUMNS),
                          ("anomalies", ANOMALY_COLUMNS)):
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header = raw[3:].split(b"\n", 1)[0].decode("utf-8").split(",")
        assert header == columns, name
        assert pq.read_table(out / f"{name}.parquet").column_names == columns


def test_numbers_are_written_as_numbers_and_none_as_empty(tmp_path):
    form = FormRecord(form_id="f1", source_file="a.md", form_index=0, form_kind="project", year=2024,
                      fund_total=120.5, fund_fiscal=100.0, agency=None)
    writers.write_records({"forms": [form]}, tmp_path)
    with open(tmp_path / "forms.csv", encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["year"] == "2024"
    assert row["fund_total"] == "120.5" and row["fund_fiscal"] == "100.0"
    assert row["agency"] == "" and row["fund_other"] == ""
    table = pq.read_table(tmp_path / "forms.parquet")
    assert table.schema.field("year").type == pa.int64()
    assert table.schema.field("fund_total").type == pa.float64()
    assert table.schema.field("agency").type == pa.string()
    assert table.column("fund_other").null_count == 1
    # an empty table still has its typed columns
    assert pq.read_table(tmp_path / "indicators.parquet").num_rows == 0
    assert pq.read_table(tmp_path / "indicators.parquet").column_names == INDICATOR_COLUMNS


def test_crash_while_writing_leaves_previous_tables_intact(tmp_path, batch_dir, monkeypatch, fake_pipeline):
    out = tmp_path / "out"
    run_fake(batch_dir, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (batch_dir / "new.md").write_text("新增 项目\n", encoding="utf-8")

    real = writers.write_table_files
    calls = []

    def crash_on_indicators(spill_path, model, csv_path, parquet_path):
        calls.append(model.__name__)
        if model.__name__ == "IndicatorRecord":
            with open(csv_path, "w", encoding="utf-8") as handle:
                handle.write("half a tab")  # a half-written temporary file
            raise OSError("disk full")
        return real(spill_path, model, csv_path, parquet_path)

    monkeypatch.setattr(writers, "write_table_files", crash_on_indicators)
    assert main(["extract", str(batch_dir), "--out", str(out), "--quiet", "--no-cache"]) == 1
    assert calls == ["FormRecord", "IndicatorRecord"]
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # no table replaced, no temporary or spill file left behind


def test_run_json_records_every_input(tmp_path, batch_dir, fake_pipeline):
    (batch_dir / "binary.md").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out"
    run_fake(batch_dir, out, "--workers", "2")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    entries = {e["source_file"]: e for e in run["inputs"]}
    assert len(entries) == 13
    assert entries["binary.md"]["status"] == "failed"
    assert entries["doc_003.md"]["status"] == "partial"  # has a "bad" line -> a warning
    assert entries["doc_001.md"]["status"] == "succeeded"
    doc = entries["doc_001.md"]
    assert doc["counts"] == {"forms": 1, "indicators": 4, "anomalies": 0}
    assert len(doc["sha256"]) == 64 and doc["path"].endswith("doc_001.md")
    assert set(doc["timings"]) >= {"extract", "total"}
    totals = run["totals"]
    assert (totals["files"], totals["succeeded"], totals["partial"], totals["failed"]) == (13, 8, 4, 1)
    assert totals["forms"] == 12 and totals["indicators"] == 48
    assert set(run["versions"]) >= {"python", "jixiao", "pdfplumber", "tesseract", "rapidocr"}
    assert run["options"]["workers"] == 2 and run["options"]["ocr"] == "auto"
    assert sorted(run["outputs"]) == sorted(
        [f"{t}.{s}" for t in ("forms", "indicators", "anomalies") for s in ("csv", "parquet")] + ["run.json"])


@pytest.mark.parametrize("value, text", [(None, ""), (3, "3"), (0.1, "0.1"), (1e-7, "1e-07"), (True, "true")])
def test_csv_cell(value, text):
    assert writers.csv_cell(value) == text
