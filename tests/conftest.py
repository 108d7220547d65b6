"""Shared fixtures: a fast stand-in for normalizers.document.process_file, small input batches, and
the one place that knows where ``../shared`` (seed, dev corpus, scorer) lives.

Tests that need ``../shared`` ask ``need_shared(...)`` or carry ``@pytest.mark.needs_shared(...)``:
without it they skip with the reason in the summary, and under CI (``CI=true`` or
``JIXIAO_REQUIRE_SHARED=1``) they fail instead, because CI always has it.

The stand-in is, like the real one, a pure function of (file bytes, options): one form per file,
one indicator per non-empty line, a warning for each line that says "bad"; an empty or binary file
fails with unreadable_file. JIXIAO_FAKE_DELAY (seconds per file) slows it down for the kill test.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from extractors.options import ExtractOptions
from normalizers.outcome import FileOutcome
from normalizers.records import Anomaly, FormRecord, IndicatorRecord

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # beside the checkout: ../shared


def shared_required() -> bool:
    """CI always has ../shared: there a missing one is a failure, not a skip."""
    truthy = ("1", "true", "yes")
    return os.environ.get("CI", "").lower() in truthy or os.environ.get("JIXIAO_REQUIRE_SHARED", "").lower() in truthy


def need_shared(*parts: str) -> Path:
    """``../shared/<parts>``; skips the test saying so when it is missing (fails under CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is missing (../shared is not beside the checkout)"
        if shared_required():
            pytest.fail(f"{reason}; CI=true / JIXIAO_REQUIRE_SHARED=1 require it", pytrace=False)
        pytest.skip(reason)
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_shared(*parts): the test reads ../shared/<parts> (see need_shared)")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("needs_shared"):
        need_shared(*mark.args)


def fake_process_file(path: Path, source_file: str, options: ExtractOptions, sha256: str = "") -> FileOutcome:
    delay = float(os.environ.get("JIXIAO_FAKE_DELAY", "0"))
    if delay:
        time.sleep(delay)
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    base = {"source_file": source_file, "path": str(path), "sha256": digest, "extractor": "fake"}
    if not data or b"\x00" in data:
        anomaly = Anomaly(source_file=source_file, code="unreadable_file", severity="error",
                          message="empty or binary")
        return FileOutcome(**base, status="failed", anomalies=[anomaly], errors=["empty or binary"])
    form_id = f"{digest[:12]}-0"
    lines = [line for line in data.decode("utf-8").splitlines() if line.strip()]
    form = FormRecord(form_id=form_id, source_file=source_file, form_index=0, form_kind="project",
                      year=2024, project_name=lines[0], fund_total=len(data) / 7.0, extractor="fake")
    indicators, anomalies = [], []
    for seq, line in enumerate(lines, 1):
        indicators.append(IndicatorRecord(form_id=form_id, source_file=source_file, form_index=0, seq=seq,
                                          level1="产出指标", level2="数量指标", level3=line, operator="≥",
                                          value=str(len(line)), value_num=len(line) / 3.0, unit="个"))
        if "bad" in line:
            anomalies.append(Anomaly(source_file=source_file, form_id=form_id, form_index=0, seq=seq,
                                     field="value", code="non_numeric_value", raw_value=line,
                                     message="a bad line"))
    return FileOutcome(**base, status="partial" if anomalies else "succeeded", pages=1, forms=[form],
                       indicators=indicators, anomalies=anomalies, timings={"extract": 0.001})


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Replace the real per-file processing with the fast stand-in (inherited by forked workers)."""
    import normalizers.document

    monkeypatch.setattr(normalizers.document, "process_file", fake_process_file)
    return fake_process_file


def make_batch(root: Path, count: int = 12) -> Path:
    """A directory of small text inputs, some in a subdirectory, one bad line every third file."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        where = root / ("sub" if n % 4 == 0 else "") / f"doc_{n:03d}.md"
        where.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"项目 {n}", f"指标 {n} 完成率 {n * 7 % 100}%", "bad value" if n % 3 == 0 else "正常", "说明 ok"]
        where.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def batch_dir(tmp_path) -> Path:
    return make_batch(tmp_path / "in")
