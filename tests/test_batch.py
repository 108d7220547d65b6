"""Batch runner: identical outputs for any worker count or executor, cache, resume after kill -9."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors.options import ExtractOptions
from pipeline.batch import BatchOptions, discover_inputs, run_batch
from pipeline.cache import FINGERPRINT_ENV, OutcomeCache, cache_key, file_sha256, pipeline_fingerprint
from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
TABLE_FILES = [f"{t}.{s}" for t in ("forms", "indicators", "anomalies") for s in ("csv", "parquet")]


def tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLE_FILES}


def statuses(out: Path) -> dict[str, str]:
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {entry["source_file"]: entry["status"] for entry in run["inputs"]}


def extract(paths, out: Path, *extra: str) -> None:
    assert main(["extract", *map(str, paths), "--out", str(out), "--quiet", *extra]) == 0


def test_one_and_two_workers_give_identical_outputs(tmp_path, fake_pipeline):
    from conftest import make_batch

    batch = make_batch(tmp_path / "in", 40)
    extract([batch], tmp_path / "w1", "--workers", "1", "--no-cache")
    extract([batch], tmp_path / "w2", "--workers", "2", "--no-cache")
    assert tables(tmp_path / "w1") == tables(tmp_path / "w2")
    forms = (tmp_path / "w1" / "forms.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    names = [line.split(",")[1] for line in forms]
    assert names == sorted(names)  # deterministic order: by source_file


def test_rerun_uses_cache_with_identical_outputs(tmp_path, batch_dir, fake_pipeline):
    cache = tmp_path / "cache"
    extract([batch_dir], tmp_path / "a", "--cache-dir", str(cache))
    assert set(statuses(tmp_path / "a").values()) == {"succeeded", "partial"}
    extract([batch_dir], tmp_path / "b", "--cache-dir", str(cache))
    assert set(statuses(tmp_path / "b").values()) == {"cached"}
    assert tables(tmp_path / "a") == tables(tmp_path / "b")
    extract([batch_dir], tmp_path / "c", "--cache-dir", str(cache), "--force")
    assert "cached" not in statuses(tmp_path / "c").values()
    assert tables(tmp_path / "a") == tables(tmp_path / "c")


def test_changed_file_is_reprocessed_and_the_rest_cached(tmp_path, batch_dir, fake_pipeline):
    cache = tmp_path / "cache"
    extract([batch_dir], tmp_path / "a", "--cache-dir", str(cache))
    (batch_dir / "doc_001.md").write_text("改过的 项目\n新指标\n", encoding="utf-8")
    extract([batch_dir], tmp_path / "b", "--cache-dir", str(cache))
    status = statuses(tmp_path / "b")
    assert status.pop("doc_001.md") == "succeeded"
    assert set(status.values()) == {"cached"}


def test_cached_outcome_takes_the_current_source_file(tmp_path, batch_dir, fake_pipeline):
    cache = tmp_path / "cache"
    extract([batch_dir], tmp_path / "a", "--cache-dir", str(cache))
    moved = tmp_path / "moved" / "deeper"
    moved.mkdir(parents=True)
    (moved / "renamed.md").write_bytes((batch_dir / "sub" / "doc_000.md").read_bytes())
    extract([tmp_path / "moved"], tmp_path / "b", "--cache-dir", str(cache))
    assert statuses(tmp_path / "b") == {"deeper/renamed.md": "cached"}
    for name in ("forms.csv", "indicators.csv", "anomalies.csv"):
        rows = (tmp_path / "b" / name).read_text(encoding="utf-8-sig").splitlines()[1:]
        assert rows and all("deeper/renamed.md" in row.split(",") for row in rows), name
    run = json.loads((tmp_path / "b" / "run.json").read_text(encoding="utf-8"))
    assert run["inputs"][0]["path"] == str((moved / "renamed.md").resolve())


def test_corrupt_cache_entry_is_ignored_and_recomputed(tmp_path, batch_dir, fake_pipeline):
    cache = tmp_path / "cache"
    extract([batch_dir], tmp_path / "a", "--cache-dir", str(cache))
    target = batch_dir / "doc_002.md"
    entry = OutcomeCache(cache).entry_path(cache_key(file_sha256(target), ExtractOptions()))
    assert entry.is_file()
    entry.write_bytes(entry.read_bytes()[:40])  # e.g. a disk that lost the end of the file
    extract([batch_dir], tmp_path / "b", "--cache-dir", str(cache))
    status = statuses(tmp_path / "b")
    assert status["doc_002.md"] == "succeeded"
    assert sum(s == "cached" for s in status.values()) == 11
    assert tables(tmp_path / "a") == tables(tmp_path / "b")
    assert OutcomeCache(cache).get(entry.stem) is not None  # and it was written again


def test_options_are_part_of_the_cache_key(tmp_path, batch_dir, fake_pipeline):
    cache = tmp_path / "cache"
    extract([batch_dir], tmp_path / "a", "--cache-dir", str(cache))
    extract([batch_dir], tmp_path / "b", "--cache-dir", str(cache), "--ocr", "tesseract")
    assert "cached" not in statuses(tmp_path / "b").values()


def test_a_crashing_file_fails_alone(tmp_path, batch_dir, monkeypatch, fake_pipeline):
    import normalizers.document

    def crash_on_one(path, source_file, options, sha256=""):
        if source_file == "doc_002.md":
            raise RuntimeError("bug in a normalizer")
        return fake_pipeline(path, source_file, options, sha256)

    monkeypatch.setattr(normalizers.document, "process_file", crash_on_one)
    extract([batch_dir], tmp_path / "a", "--no-cache", "--workers", "2")
    status = statuses(tmp_path / "a")
    assert status["doc_002.md"] == "failed"
    assert sum(s != "failed" for s in status.values()) == 11
    anomalies = (tmp_path / "a" / "anomalies.csv").read_text(encoding="utf-8-sig")
    assert "doc_002.md,,,,,unreadable_file,error" in anomalies


def test_each_file_is_hashed_once_per_run(tmp_path, monkeypatch):
    """The batch's digest (taken for the cache key) travels to process_file, which does not read the
    file again to hash it; the outcome still carries the file's real digest."""
    import normalizers.document
    import pipeline.batch

    hashed = []

    def counting_sha256(path):
        hashed.append(Path(path).name)
        return file_sha256(path)

    monkeypatch.setattr(pipeline.batch, "file_sha256", counting_sha256)
    monkeypatch.setattr(normalizers.document, "file_sha256", counting_sha256)
    batch = tmp_path / "in"
    batch.mkdir()
    (batch / "a.md").write_text("# 项目支出绩效目标表\n\n项目名称 | 测试\n", encoding="utf-8")
    (batch / "b.md").write_text("无表格\n", encoding="utf-8")
    for flags in (["--no-cache"], ["--cache-dir", str(tmp_path / "cache")]):
        hashed.clear()
        extract([batch], tmp_path / "out", "--workers", "1", *flags)
        assert sorted(hashed) == ["a.md", "b.md"]
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert {e["source_file"]: e["sha256"] for e in run["inputs"]} == {
        name: file_sha256(batch / name) for name in ("a.md", "b.md")}


def test_process_file_hashes_the_file_itself_when_given_no_digest(tmp_path):
    from normalizers.document import process_file

    path = tmp_path / "x.md"
    path.write_text("无表格\n", encoding="utf-8")
    assert process_file(path, "x.md", ExtractOptions()).sha256 == file_sha256(path)
    assert process_file(path, "x.md", ExtractOptions(), sha256="ab" * 32).sha256 == "ab" * 32


def test_discover_inputs_sorted_and_deduplicated(tmp_path, batch_dir):
    inputs = discover_inputs([batch_dir, batch_dir / "doc_001.md"])
    names = [i.source_file for i in inputs]
    assert names == sorted(names)
    assert len(names) == 12  # doc_001.md given twice is read once


LAUNCHER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("jixiao_test_fakes", sys.argv[1])
fakes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fakes)
import normalizers.document
normalizers.document.process_file = fakes.fake_process_file
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_fake_cli(args: list[str], delay: float, **popen) -> subprocess.Popen:
    # pinned fingerprint: a file edited meanwhile in the working tree must not empty the cache
    env = {**os.environ, "JIXIAO_FAKE_DELAY": str(delay), FINGERPRINT_ENV: pipeline_fingerprint()}
    conftest = str(Path(__file__).with_name("conftest.py"))
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, conftest, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def test_sigkill_midway_then_rerun_matches_an_uninterrupted_run(tmp_path):
    from conftest import make_batch

    batch = make_batch(tmp_path / "in", 60)
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    # an earlier run's tables in the output dir: the killed run must not damage them
    previous = make_batch(tmp_path / "previous", 3)
    first = run_fake_cli(["extract", str(previous), "--out", str(out), "--no-cache", "--quiet"], 0)
    assert first.wait(timeout=60) == 0
    before = tables(out)

    args = ["extract", str(batch), "--out", str(out), "--cache-dir", str(cache), "--workers", "2", "--quiet"]
    victim = run_fake_cli(args, 0.1, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(cache.glob("*/*.json"))) < 8:
        assert victim.poll() is None, victim.communicate()
        time.sleep(0.02)
    assert victim.poll() is None, "the run finished before it could be killed"
    os.killpg(victim.pid, signal.SIGKILL)  # the whole run: main process and its workers
    victim.wait(timeout=30)
    done_before_kill = len(list(cache.glob("*/*.json")))
    assert 8 <= done_before_kill < 60
    assert tables(out) == before
    for entry in cache.glob("*/*.json"):  # nothing half-written in the cache
        assert OutcomeCache(cache).get(entry.stem) is not None

    resumed = run_fake_cli(args, 0)
    assert resumed.wait(timeout=120) == 0, resumed.communicate()
    status = statuses(out)
    assert len(status) == 60
    assert sum(s == "cached" for s in status.values()) >= done_before_kill
    assert "cached" in status.values() and set(status.values()) != {"cached"}

    reference = tmp_path / "reference"
    clean = run_fake_cli(["extract", str(batch), "--out", str(reference), "--no-cache", "--quiet"], 0)
    assert clean.wait(timeout=120) == 0
    assert tables(out) == tables(reference)
    assert not list(out.glob(".*"))  # no spill or temporary files left


def test_dask_local_cluster_matches_local_workers(tmp_path, fake_pipeline):
    distributed = pytest.importorskip("distributed")
    from conftest import make_batch

    batch = make_batch(tmp_path / "in", 20)
    inputs = discover_inputs([batch])
    options = ExtractOptions()
    run_batch(inputs, tmp_path / "local", options, BatchOptions(workers=2))
    # threads in this process: the substituted process_file is what the workers run
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        result = run_batch(inputs, tmp_path / "dask", options,
                           BatchOptions(workers=2, executor="dask", scheduler=cluster.scheduler_address))
    assert result.run["options"]["executor"] == "dask"
    for name in ("forms.csv", "indicators.csv", "anomalies.csv"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_unreachable_scheduler_is_reported_clearly():
    pytest.importorskip("distributed")
    from pipeline.executors import ExecutorUnavailableError, make_executor

    with pytest.raises(ExecutorUnavailableError, match="tcp://127.0.0.1:9"):
        make_executor("dask", 1, "tcp://127.0.0.1:9", connect_timeout=1.0)


def test_real_text_pipeline_same_for_one_and_two_workers(tmp_path):
    raw = ROOT / "data" / "raw"
    extract([raw], tmp_path / "w1", "--workers", "1", "--no-cache")
    extract([raw], tmp_path / "w2", "--workers", "2", "--no-cache")
    assert tables(tmp_path / "w1") == tables(tmp_path / "w2")
    status = statuses(tmp_path / "w1")
    assert "zhijiang_2024_forms.md" in status and "failed" not in status.values()


def test_ctrl_c_stops_cleanly_and_the_rerun_resumes(tmp_path):
    from conftest import make_batch

    batch = make_batch(tmp_path / "in", 40)
    cache = tmp_path / "cache"
    args = ["extract", str(batch), "--out", str(tmp_path / "out"), "--cache-dir", str(cache), "--workers", "2"]
    # 0.5 s a file: a machine busy with other work must not finish the batch before the signal
    run = run_fake_cli(args, 0.5, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(cache.glob("*/*.json")):
        assert run.poll() is None, run.communicate()
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole process group
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert "Traceback" not in err.decode() and "interrupted" in err.decode()
    assert not (tmp_path / "out" / "forms.csv").exists()
    resumed = run_fake_cli(args + ["--quiet"], 0)
    assert resumed.wait(timeout=60) == 0
    assert "cached" in statuses(tmp_path / "out").values()


def test_bigger_files_start_first_but_outputs_keep_input_order(tmp_path, monkeypatch, fake_pipeline):
    import normalizers.document

    started = []

    def record(path, source_file, options, sha256=""):
        started.append(source_file)
        return fake_pipeline(path, source_file, options, sha256)

    monkeypatch.setattr(normalizers.document, "process_file", record)
    batch = tmp_path / "in"
    batch.mkdir()
    (batch / "a_small.md").write_text("小\n", encoding="utf-8")
    (batch / "b_big.md").write_text("大文件\n" * 20000, encoding="utf-8")
    extract([batch], tmp_path / "out", "--workers", "1", "--no-cache")
    assert started == ["b_big.md", "a_small.md"]
    assert list(statuses(tmp_path / "out")) == ["a_small.md", "b_big.md"]
