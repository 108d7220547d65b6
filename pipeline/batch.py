"""The batch: find the input files, process them (cache, workers), stream results to disk, write outputs.

Files are processed in chunks on an executor (pipeline.executors) while the runner keeps a bounded
number of chunks in flight. Each finished file is stored in the cache at once (so an interrupted
run resumes where it stopped) and its records are appended to per-run spill files strictly in input
order (sorted by source_file), so the outputs and form ids are the same for any number of workers
and memory does not grow with the batch. At the end the spills become the output tables and
run.json, each replaced atomically.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from tqdm import tqdm

from extractors.options import ExtractOptions
from extractors.registry import EXTRACTOR_MODULES, SUPPORTED_SUFFIXES
from normalizers.outcome import FileInput, FileOutcome
from normalizers.records import Anomaly, FormRecord, IndicatorRecord

from .cache import OutcomeCache, cache_key, file_sha256, jixiao_version, pipeline_fingerprint
from .executors import Executor, make_executor
from .writers import TABLES, SpillWriter, read_spill, write_outputs

CHUNK_MAX_FILES = 16
CHUNK_MAX_BYTES = 200_000  # a scan (hundreds of KB) travels alone, text files in groups
INFLIGHT_PER_WORKER = 3
BACKLOG_PER_SLOT = 2  # chunks looked ahead per slot when choosing what to start first
READY_LIMIT = 2000  # outcomes held back while an earlier, slower file is still in work
SPILL_PREFIX = ".jixiao-run-"


class OutputWriteError(Exception):
    """The outputs could not be written (full disk, read-only directory): the run stops, the
    tables already in the output directory stay as they were."""


class InputPathError(Exception):
    """A PATH argument that does not exist (a usage error: exit status 2)."""


@dataclass(frozen=True, order=True)
class InputFile:
    source_file: str  # relative to the PATH argument it was found under; sort key first
    path: Path  # absolute


@dataclass
class BatchOptions:
    workers: int = 1
    executor: str = "local"  # local | dask
    scheduler: str | None = None
    cache_dir: Path | None = None  # None: no cache
    force: bool = False  # ignore cached outcomes (fresh results are still stored)
    progress: bool = False
    corrections: Path | None = None
    report: bool = False


@dataclass
class RunResult:
    out_dir: Path
    run: dict[str, Any]
    messages: list[str] = field(default_factory=list)


def is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def discover_inputs(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[InputFile]:
    """Files under each PATH (directories recursively, supported suffixes), sorted by source_file.

    Directories in ``exclude`` (the output directory: its review pages are .html) are not searched.
    """
    skip = [Path(p).resolve() for p in exclude]
    found: dict[Path, InputFile] = {}
    for given in paths:
        given = Path(given)
        if not given.exists():
            raise InputPathError(f"{given}: no such file or directory")
        if given.is_file():
            absolute = given.resolve()
            found.setdefault(absolute, InputFile(given.name, absolute))
            continue
        # rglob does not descend into symlinked directories, so a symlink loop cannot trap it
        for candidate in sorted(given.rglob("*")):
            relative = candidate.relative_to(given)
            if candidate.suffix.lower() not in SUPPORTED_SUFFIXES or is_hidden(relative):
                continue
            if candidate.is_file():
                absolute = candidate.resolve()
                if any(absolute.is_relative_to(directory) for directory in skip):
                    continue
                found.setdefault(absolute, InputFile(relative.as_posix(), absolute))
            elif candidate.is_symlink():
                # a dangling link or a link loop under an input's name: reported as unreadable
                # (the batch fails it by name), not silently left out
                link = candidate.absolute()
                found.setdefault(link, InputFile(relative.as_posix(), link))
    return sorted(found.values())


def process_chunk(tasks: list[FileInput], options: ExtractOptions) -> list[FileOutcome]:
    """Worker side: process each file (hashed once, by the batch); an unexpected bug fails that file only."""
    from normalizers import document  # looked up at call time: tests substitute process_file

    outcomes = []
    for task in tasks:
        started = time.perf_counter()
        try:
            outcome = document.process_file(Path(task.path), task.source_file, options, sha256=task.sha256)
        except Exception as exc:  # noqa: BLE001 - process_file must not raise; keep the batch going
            outcome = failed_outcome(task.path, task.source_file, f"internal error: {exc!r}",
                                     detail=traceback.format_exc(limit=5))
        outcome.timings.setdefault("total", time.perf_counter() - started)
        outcomes.append(outcome)
    return outcomes


def preload_modules(inputs: list[InputFile], row_plausibility: bool = True) -> None:
    """Import the per-file code and the extractors this batch needs, and load the plausibility
    check's word model (read-only: forked workers share it instead of each loading it for a second);
    OCR models load later, per worker."""
    from normalizers import document  # noqa: F401

    for suffix in sorted({item.path.suffix.lower() for item in inputs}):
        module = EXTRACTOR_MODULES.get(suffix)
        if module:
            with contextlib.suppress(Exception):  # the worker reports it for the files concerned
                importlib.import_module(module)
    if row_plausibility:
        from normalizers import plausibility

        with contextlib.suppress(Exception):  # a worker that cannot load it reports it per file
            plausibility.word_model()


def failed_outcome(path: str, source_file: str, message: str, detail: str = "") -> FileOutcome:
    anomaly = Anomaly(source_file=source_file, code="unreadable_file", severity="error",
                      message=f"{source_file}: {message}", raw_value="")
    errors = [message] + ([detail] if detail else [])
    return FileOutcome(source_file=source_file, path=path, status="failed", forms=[], indicators=[],
                       anomalies=[anomaly], errors=errors)


def as_cached(outcome: FileOutcome, item: InputFile) -> FileOutcome:
    """A cached outcome re-addressed to where the file stands in this run."""
    def moved(records: list) -> list:
        return [record.model_copy(update={"source_file": item.source_file}) for record in records]

    return outcome.model_copy(update={
        "source_file": item.source_file, "path": str(item.path), "status": "cached",
        "forms": moved(outcome.forms), "indicators": moved(outcome.indicators),
        "anomalies": moved(outcome.anomalies),
    })


def ordered_records(outcome: FileOutcome) -> tuple[list[FormRecord], list[IndicatorRecord], list[Anomaly]]:
    forms = sorted(outcome.forms, key=lambda f: f.form_index)
    indicators = sorted(outcome.indicators, key=lambda i: (i.form_index, i.seq))
    anomalies = sorted(outcome.anomalies, key=lambda a: (
        -1 if a.form_index is None else a.form_index, 0 if a.seq is None else a.seq))
    return forms, indicators, anomalies


def input_entry(outcome: FileOutcome, forms: list, indicators: list, anomalies: list) -> dict[str, Any]:
    return {
        "source_file": outcome.source_file,
        "path": outcome.path,
        "sha256": outcome.sha256,
        "status": outcome.status,
        "extractor": outcome.extractor,
        "pages": outcome.pages,
        "counts": {"forms": len(forms), "indicators": len(indicators), "anomalies": len(anomalies),
                   **{f"anomalies_{k}": v for k, v in sorted(Counter(a.severity for a in anomalies).items())}},
        "errors": outcome.errors,
        "timings": {stage: round(seconds, 6) for stage, seconds in outcome.timings.items()},
    }


def program_version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else None


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def engine_versions() -> dict[str, str | None]:
    return {
        "python": platform.python_version(),
        "jixiao": jixiao_version(),
        "pipeline": pipeline_fingerprint(),
        "pdfplumber": package_version("pdfplumber"),
        "pypdfium2": package_version("pypdfium2"),
        "tesseract": program_version(["tesseract", "--version"]),
        "rapidocr": package_version("rapidocr-onnxruntime") or package_version("rapidocr"),
        "onnxruntime": package_version("onnxruntime"),
        "pyarrow": package_version("pyarrow"),
    }


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child process."""
    unit = 1 if sys.platform == "darwin" else 1024  # bytes per ru_maxrss unit (KiB on Linux)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_rss_self_mb": round(own * unit / 2**20, 1),
            "peak_rss_children_mb": round(children * unit / 2**20, 1)}


def remove_stale_spills(out_dir: Path) -> None:
    """Spill directories left by runs that were killed (their process is gone)."""
    for stale in out_dir.glob(SPILL_PREFIX + "*"):
        try:
            pid = int(stale.name[len(SPILL_PREFIX):].split("-")[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Totals:
    def __init__(self) -> None:
        self.status: Counter = Counter()
        self.forms = self.indicators = self.anomalies = self.pages = 0
        self.severity: Counter = Counter()
        self.timings: dict[str, float] = defaultdict(float)

    def add(self, entry: dict[str, Any]) -> None:
        self.status[entry["status"]] += 1
        self.forms += entry["counts"]["forms"]
        self.indicators += entry["counts"]["indicators"]
        self.anomalies += entry["counts"]["anomalies"]
        self.pages += entry["pages"] or 0
        for key, value in entry["counts"].items():
            if key.startswith("anomalies_"):
                self.severity[key[len("anomalies_"):]] += value
        if entry["status"] != "cached":
            for stage, seconds in entry["timings"].items():
                self.timings[stage] += seconds

    def as_dict(self, files: int) -> dict[str, Any]:
        return {
            "files": files,
            **{status: self.status.get(status, 0) for status in ("succeeded", "partial", "failed", "cached")},
            "forms": self.forms, "indicators": self.indicators, "anomalies": self.anomalies,
            "anomalies_by_severity": dict(sorted(self.severity.items())), "pages": self.pages,
            "timings": {stage: round(seconds, 6) for stage, seconds in sorted(self.timings.items())},
        }


class _Runner:
    """Keeps chunks in flight, caches arrivals, hands outcomes to the writer in input order."""

    def __init__(self, inputs: list[InputFile], options: ExtractOptions, batch: BatchOptions,
                 spill: SpillWriter, entries_path: Path, progress: tqdm):
        self.inputs = inputs
        self.options = options
        self.batch = batch
        self.spill = spill
        self.entries = open(entries_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.progress = progress
        self.cache = OutcomeCache(batch.cache_dir) if batch.cache_dir else None
        self.cache_failures: list[str] = []
        self.keys: dict[int, tuple[str, str]] = {}  # index -> (sha256, cache key)
        self.ready: dict[int, FileOutcome] = {}
        self.next_write = 0
        self.pending: dict[Any, list[int]] = {}
        self.backlog: list[tuple[int, list[int]]] = []  # (bytes, chunk) not yet submitted
        self.totals = _Totals()
        self.executor: Executor | None = None
        self.size_for(batch.workers)

    def size_for(self, workers: int) -> None:
        """Work in flight and chunk size for ``workers`` parallel slots."""
        self.slots = 1 if workers <= 1 else workers * INFLIGHT_PER_WORKER
        # small batches still spread over every worker: about four chunks per worker at least
        self.chunk_files = 1 if workers <= 1 else max(1, min(CHUNK_MAX_FILES, len(self.inputs) // (workers * 4)))

    # -- executor -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.batch.executor == "local" and self.batch.workers > 1:
            preload_modules(self.inputs, self.options.row_plausibility)  # forked workers inherit them
        self.executor = make_executor(self.batch.executor, self.batch.workers, self.batch.scheduler)
        self.size_for(self.executor.capacity)  # a cluster may have more threads than --workers

    def close(self, cancel: bool) -> None:
        if self.executor is not None:
            self.executor.close(cancel=cancel)
        self.entries.close()

    def submit(self, indices: list[int]) -> None:
        tasks = [FileInput(path=str(self.inputs[i].path), source_file=self.inputs[i].source_file,
                           sha256=self.keys[i][0]) for i in indices]
        assert self.executor is not None
        try:
            future = self.executor.submit(process_chunk, tasks, self.options)
        except BrokenProcessPool:  # a worker died (e.g. killed by the OOM killer): start a new pool
            self.executor.close(cancel=True)
            self.start()
            future = self.executor.submit(process_chunk, tasks, self.options)
        self.pending[future] = indices
        self.throttle()

    def throttle(self) -> None:
        """Bound the work in flight and the outcomes waiting for their turn to be written."""
        while self.pending and (len(self.pending) >= self.slots or len(self.ready) > READY_LIMIT):
            self.drain()

    def drain(self) -> None:
        assert self.executor is not None
        for future in self.executor.wait_some(list(self.pending)):
            indices = self.pending.pop(future)
            try:
                outcomes = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker fails its chunk, not the batch
                outcomes = [failed_outcome(str(self.inputs[i].path), self.inputs[i].source_file,
                                           f"worker failed: {exc!r}") for i in indices]
            for index, outcome in zip(indices, outcomes):
                self.arrived(index, outcome, fresh=True)
        self.flush()

    # -- results --------------------------------------------------------------------------------
    def arrived(self, index: int, outcome: FileOutcome, fresh: bool) -> None:
        sha, key = self.keys.pop(index, ("", ""))
        if sha:
            outcome.sha256 = sha
        if fresh and self.cache is not None and key and outcome.status != "failed":
            try:
                self.cache.put(key, outcome)
            except OSError as exc:
                if not self.cache_failures:
                    self.cache_failures.append(f"cache not written ({exc}); the run goes on without it")
        self.ready[index] = outcome
        self.progress.update(1)

    def flush(self) -> None:
        while self.next_write in self.ready:
            outcome = self.ready.pop(self.next_write)
            forms, indicators, anomalies = ordered_records(outcome)
            self.spill.append("forms", forms)
            self.spill.append("indicators", indicators)
            self.spill.append("anomalies", anomalies)
            entry = input_entry(outcome, forms, indicators, anomalies)
            self.totals.add(entry)
            self.entries.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.next_write += 1

    def queue(self, chunk: list[int], size: int) -> None:
        """Collect a few chunks, then submit the biggest first: a long scan started last would leave
        the other workers idle at the end (outputs keep input order whatever the order of work)."""
        self.backlog.append((size, chunk))
        if len(self.backlog) >= self.slots * BACKLOG_PER_SLOT:
            self.submit_backlog()

    def submit_backlog(self) -> None:
        for _, chunk in sorted(self.backlog, key=lambda item: -item[0]):
            self.submit(chunk)
        self.backlog.clear()

    def run(self) -> None:
        chunk: list[int] = []
        chunk_bytes = 0
        for index, item in enumerate(self.inputs):
            try:
                size = item.path.stat().st_size
                sha = file_sha256(item.path)
            except OSError as exc:
                self.arrived(index, failed_outcome(str(item.path), item.source_file,
                                                   f"cannot read the file: {exc.strerror or exc}"), fresh=False)
                self.flush()
                continue
            key = cache_key(sha, self.options) if self.cache is not None else ""
            self.keys[index] = (sha, key)
            cached = self.cache.get(key) if (self.cache is not None and not self.batch.force) else None
            if cached is not None:
                self.arrived(index, as_cached(cached, item), fresh=False)
                self.flush()
                self.throttle()
                continue
            chunk.append(index)
            chunk_bytes += size
            if len(chunk) >= self.chunk_files or chunk_bytes >= CHUNK_MAX_BYTES:
                self.queue(chunk, chunk_bytes)
                chunk, chunk_bytes = [], 0
        if chunk:
            self.queue(chunk, chunk_bytes)
        self.submit_backlog()
        while self.pending:
            self.drain()
        self.flush()


def _apply_corrections(spill_dir: Path, corrections_path: Path,
                       inputs_order: dict[str, int]) -> tuple[dict[str, Path], int]:
    """Apply a person's corrections to the whole batch; returns the corrected spills and the
    number of anomalies the corrections added."""
    from . import corrections as corrections_module

    corrections = corrections_module.load_corrections(corrections_path)
    forms = [FormRecord.model_validate(row) for row in read_spill(spill_dir / "forms.jsonl")]
    indicators = [IndicatorRecord.model_validate(row) for row in read_spill(spill_dir / "indicators.jsonl")]
    forms, indicators, new_anomalies = corrections_module.apply_corrections(forms, indicators, corrections)
    anomalies = [Anomaly.model_validate(row) for row in read_spill(spill_dir / "anomalies.jsonl")]
    anomalies.extend(new_anomalies)
    anomalies.sort(key=lambda a: inputs_order.get(a.source_file, len(inputs_order)))  # stable: file order
    with SpillWriter(spill_dir / "corrected") as corrected:
        corrected.append("forms", forms)
        corrected.append("indicators", indicators)
        corrected.append("anomalies", anomalies)
    return {name: corrected.path(name) for name in TABLES}, len(new_anomalies)


def _write_run_json(path: Path, head: dict[str, Any], entries_path: Path) -> None:
    """run.json with the input entries streamed from their spill (written atomically)."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".run.json.", suffix=".tmp")
    os.chmod(temp, 0o644)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            text = json.dumps({**head, "inputs": []}, ensure_ascii=False, indent=1)
            before, after = text.rsplit('"inputs": []', 1)
            out.write(before + '"inputs": [')
            first = True
            with open(entries_path, encoding="utf-8") as entries:
                for line in entries:
                    if line.strip():
                        out.write(("\n  " if first else ",\n  ") + line.strip())
                        first = False
            out.write(("\n ]" if not first else "]") + after + "\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run_batch(inputs: list[InputFile], out_dir: Path, options: ExtractOptions, batch: BatchOptions) -> RunResult:
    """Process ``inputs`` into the tables and run.json of ``out_dir``."""
    out_dir = Path(out_dir)
    try:
        return _run_batch(inputs, out_dir, options, batch)
    except OSError as exc:  # a full disk, a read-only or vanished --out: one clear sentence
        raise OutputWriteError(
            f"cannot write the outputs in {out_dir}: {exc.strerror or exc}"
            f"{f' ({exc.filename})' if exc.filename else ''}; tables already there are unchanged") from exc


def _run_batch(inputs: list[InputFile], out_dir: Path, options: ExtractOptions, batch: BatchOptions) -> RunResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_spills(out_dir)
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    spill_dir = Path(tempfile.mkdtemp(dir=out_dir, prefix=f"{SPILL_PREFIX}{os.getpid()}-"))
    messages: list[str] = []
    try:
        progress = tqdm(total=len(inputs), unit="file", file=sys.stderr, disable=not batch.progress,
                        dynamic_ncols=True)
        with SpillWriter(spill_dir) as spill, progress:
            runner = _Runner(inputs, options, batch, spill, spill_dir / "inputs.jsonl", progress)
            runner.start()
            try:
                runner.run()
            except BaseException:
                runner.close(cancel=True)
                raise
            runner.close(cancel=False)
        messages.extend(runner.cache_failures)
        processing_seconds = time.perf_counter() - started
        memory = peak_rss_mb()  # before any helper program runs: a forked child reports our size

        corrected = None
        if batch.corrections is not None:
            order = {item.source_file: n for n, item in enumerate(inputs)}
            spills, corrected = _apply_corrections(spill_dir, batch.corrections, order)
        else:
            spills = {name: spill.path(name) for name in TABLES}
        # one run at a time publishes into out_dir, so its tables and run.json are one run's set
        with out_dir_lock(out_dir):
            outputs = write_outputs(spills, out_dir)
            totals = runner.totals.as_dict(len(inputs))
            if corrected is not None:
                totals["correction_anomalies"] = corrected
            head = {
                "jixiao": jixiao_version(),
                "started": started_at.isoformat(timespec="seconds"),
                "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "options": {
                    **options.model_dump(),
                    "workers": batch.workers, "executor": batch.executor, "scheduler": batch.scheduler,
                    "cache_dir": str(batch.cache_dir) if batch.cache_dir else None, "force": batch.force,
                    "corrections": str(batch.corrections) if batch.corrections else None,
                },
                "versions": engine_versions(),
                "totals": {**totals, "seconds": round(time.perf_counter() - started, 6),
                           "processing_seconds": round(processing_seconds, 6), **memory},
                "outputs": sorted(p.name for p in outputs) + ["run.json"],
            }
            _write_run_json(out_dir / "run.json", head, spill_dir / "inputs.jsonl")
            if batch.report:
                messages.append(write_review_report(out_dir))
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)
    return RunResult(out_dir=out_dir, run=head, messages=messages)


@contextlib.contextmanager
def out_dir_lock(out_dir: Path):
    """Exclusive lock on out_dir while a run replaces its outputs (another run waits its turn).

    Each table is already replaced atomically; the lock keeps two runs from interleaving their
    replacements, so forms, indicators, anomalies and run.json always come from the same run.
    The lock is taken on the directory itself, so it leaves no file behind.
    """
    import fcntl

    handle = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def write_review_report(out_dir: Path) -> str:
    try:
        from .review import write_report
    except ImportError as exc:
        return f"review page not written: {exc}"
    written = write_report(Path(out_dir))
    return f"review page: {written}" if written else "review page written"

