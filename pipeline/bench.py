"""``jixiao bench``: throughput of the batch on a generated batch, per input kind and worker count.

The batch is built in a temporary directory: OCR'd-text documents varied programmatically from the
text documents at hand (numbers, years and people's names changed, so every file has new bytes),
copies of text PDFs and of scanned pages from the dev corpus. Each measurement is a separate
``python -m pipeline extract`` process (fresh caches or none, so copies are really processed) whose
run.json gives the time spent inside the process (interpreter start-up excluded), per-file stage
timings (the OCR engine's share vs the pipeline's own) and peak memory. Results are printed as a
table and written to bench.json.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from extractors.limits import IMAGE_SUFFIXES
from vocab import CJK_IDEOGRAPH_CLASS

from .cache import FINGERPRINT_ENV, pipeline_fingerprint
from .executors import default_workers

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TEXT_SUFFIXES = {".md", ".txt", ".html", ".htm"}
SCAN_SUFFIXES = IMAGE_SUFFIXES  # the image inputs the scan reader takes
TEXT_PDFS = ("dev_003.pdf", "dev_011.pdf")
SCANS = ("dev_010.png", "dev_012.tif")  # 1 and 2 pages
# characters for made-up people's names (surname + one or two given-name characters)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰"
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
NUMBER = re.compile(r"(?<![\d.])(\d{2,}(?:\.\d+)?|\d\.\d+)(?![\d.])")
PERSON = re.compile(rf"((?:填表人|联系人|单位负责人(?:签字)?|负责人)\s*[:：]?\s*)([{CJK_IDEOGRAPH_CLASS}]{{2,3}})")


def text_sources() -> list[Path]:
    """The OCR'd-text documents to vary: the default batch and the dev corpus's text files."""
    found = sorted(p for p in (ROOT / "data" / "raw").rglob("*") if p.suffix.lower() in TEXT_SUFFIXES)
    corpus = SHARED / "dev-corpus"
    if corpus.is_dir():
        names = {p.name for p in found}
        found += sorted(p for p in corpus.iterdir() if p.suffix.lower() in TEXT_SUFFIXES and p.name not in names)
    return found


def vary_text(text: str, rng: random.Random) -> str:
    """Another submission of the same shape: other years, amounts, counts and people."""
    years: dict[str, str] = {}

    def new_year(match: re.Match) -> str:
        return years.setdefault(match.group(1), str(rng.randint(2019, 2027)))

    def new_number(match: re.Match) -> str:
        token = match.group(1)
        decimals = len(token.split(".")[1]) if "." in token else 0
        value = float(token) * rng.uniform(0.6, 1.4)
        after = match.string[match.end():match.end() + 1]
        if after in ("%", "％"):
            value = min(value, 100.0)
        return f"{value:.{decimals}f}"

    def new_person(match: re.Match) -> str:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        return match.group(1) + name

    text = YEAR.sub(new_year, text)
    text = NUMBER.sub(lambda m: m.group(0) if YEAR.fullmatch(m.group(1)) else new_number(m), text)
    return PERSON.sub(new_person, text)


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def build_batch(root: Path, text_docs: int, pdf_copies: int, scan_pages: int) -> dict[str, Path]:
    """Write the generated batch under ``root``: text/, pdf/, scan/ and engines/ (a few pages)."""
    dirs = {kind: root / kind for kind in ("text", "pdf", "scan", "engines")}
    for directory in dirs.values():
        directory.mkdir(parents=True, exist_ok=True)
    sources = [(p, read_text(p)) for p in text_sources()]
    rng = random.Random(20240101)
    for n in range(text_docs):
        source, text = sources[n % len(sources)]
        (dirs["text"] / f"{n:04d}_{source.stem}{source.suffix}").write_text(vary_text(text, rng), encoding="utf-8")
    corpus = SHARED / "dev-corpus"
    pdfs = [corpus / name for name in TEXT_PDFS if (corpus / name).is_file()]
    for n in range(pdf_copies if pdfs else 0):
        source = pdfs[n % len(pdfs)]
        shutil.copyfile(source, dirs["pdf"] / f"{n:03d}_{source.name}")
    scans = [corpus / name for name in SCANS if (corpus / name).is_file()]
    pages, n = 0, 0
    while scans and pages < scan_pages:
        source = scans[n % len(scans)]
        shutil.copyfile(source, dirs["scan"] / f"{n:03d}_{source.name}")
        pages += 2 if source.suffix.lower() in (".tif", ".tiff") else 1
        n += 1
    for source in scans:  # one of each for the engine comparison
        shutil.copyfile(source, dirs["engines"] / source.name)
    return dirs


def extract_run(paths: list[Path], out: Path, workers: int, cache: Path | None = None, ocr: str = "auto",
                force: bool = False) -> dict:
    """One ``jixiao extract`` in a fresh process; returns its run.json.

    Copies in the batch have identical bytes: a run that fills a cache uses --force, or the second
    copy would be a cache hit of the first.
    """
    command = [sys.executable, "-m", "pipeline", "extract", *map(str, paths), "--out", str(out),
               "--workers", str(workers), "--ocr", ocr, "--quiet"]
    command += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    command += ["--force"] if force else []
    # every run uses the cache key of the code as it was when the bench started, so that files
    # edited meanwhile in a working tree do not turn the cached re-run into a first run
    env = {**os.environ, FINGERPRINT_ENV: pipeline_fingerprint()}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"bench run failed ({' '.join(command)}): {done.stderr.strip()[-500:]}")
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def kind_of(source_file: str) -> str:
    suffix = Path(source_file).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in SCAN_SUFFIXES:
        return "scan"
    return "pdf" if suffix == ".pdf" else suffix


def run_figures(run: dict) -> dict[str, Any]:
    totals = run["totals"]
    seconds = totals["seconds"]
    return {
        "files": totals["files"], "forms": totals["forms"], "pages": totals["pages"],
        "failed": totals["failed"], "cached": totals["cached"], "seconds": round(seconds, 3),
        "docs_per_s": round(totals["files"] / seconds, 2) if seconds else None,
        "pages_per_s": round(totals["pages"] / seconds, 2) if seconds else None,
        "forms_per_s": round(totals["forms"] / seconds, 2) if seconds else None,
        "peak_rss_main_mb": totals.get("peak_rss_self_mb"),
        "peak_rss_worker_mb": totals.get("peak_rss_children_mb"),
    }


def stage_split(run: dict) -> dict[str, Any]:
    """Per input kind: summed per-file time, OCR engine time and the pipeline's own time."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in run["inputs"]:
        if entry["status"] == "cached":
            continue
        bucket = sums[kind_of(entry["source_file"])]
        total = entry["timings"].get("total", sum(entry["timings"].values()))
        ocr = entry["timings"].get("ocr", 0.0)
        bucket["files"] += 1
        bucket["pages"] += entry["pages"] or 0
        bucket["forms"] += entry["counts"]["forms"]
        bucket["seconds"] += total
        bucket["ocr_seconds"] += ocr
    out = {}
    for kind, b in sums.items():
        pages = b["pages"] or b["files"]
        out[kind] = {
            "files": int(b["files"]), "pages": int(b["pages"]), "forms": int(b["forms"]),
            "seconds": round(b["seconds"], 3),
            "s_per_page": round(b["seconds"] / pages, 3) if pages else None,
            "engine_s_per_page": round(b["ocr_seconds"] / pages, 3) if pages else None,
            "pipeline_s_per_page": round((b["seconds"] - b["ocr_seconds"]) / pages, 3) if pages else None,
            "docs_per_s": round(b["files"] / b["seconds"], 2) if b["seconds"] else None,
            "pages_per_s": round(pages / b["seconds"], 2) if b["seconds"] else None,
            "forms_per_s": round(b["forms"] / b["seconds"], 2) if b["seconds"] else None,
        }
    return out


def spin(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i * i
    return total


def cpu_capacity(workers: int, iterations: int = 5_000_000) -> float:
    """The speed-up this machine grants right now to ``workers`` processes of pure CPU work.

    On a shared machine other processes take cores; the batch cannot scale beyond this figure,
    which the report prints beside its own speed-up.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(spin, [1000] * workers))  # workers started
        started = time.perf_counter()
        pool.submit(spin, iterations).result()
        one = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(spin, [iterations] * workers))
        many = time.perf_counter() - started
    return round(workers * one / many, 2)


def run_bench(quick: bool = False, work_dir: Path | None = None, json_path: Path = Path("bench.json"),
              workers: int | None = None, skip_ocr: bool = False) -> int:
    n_all = workers or default_workers()
    sizes = {"text_docs": 60, "pdf_copies": 2, "scan_pages": 3} if quick else \
        {"text_docs": 300, "pdf_copies": 10, "scan_pages": 20}
    if skip_ocr:
        sizes["scan_pages"] = 0
    own_dir = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="jixiao-bench-")) if own_dir else Path(work_dir)
    results: dict[str, Any] = {"workers_all": n_all, "quick": quick, "sizes": sizes}
    try:
        dirs = build_batch(root / "batch", **sizes)
        outs = root / "out"

        def measure(name: str, paths: list[Path], n: int, **kw: Any) -> dict:
            print(f"bench: {name} (workers={n}) ...", file=sys.stderr, flush=True)
            run = extract_run(paths, outs / name, n, **kw)
            figures = run_figures(run)
            figures["by_kind"] = stage_split(run)
            results[name] = figures
            return figures

        measure("text_n1", [dirs["text"]], 1)
        measure("text_nall", [dirs["text"]], n_all)
        if any(dirs["pdf"].iterdir()):
            measure("pdf_n1", [dirs["pdf"]], 1)
            measure("pdf_nall", [dirs["pdf"]], n_all)
        has_scans = any(dirs["scan"].iterdir())
        if has_scans:
            for engine in ("rapidocr", "tesseract"):
                measure(f"engine_{engine}", [dirs["engines"]], 1, ocr=engine)
            measure("scan_nall", [dirs["scan"]], n_all)
        mixed = [dirs["text"], dirs["pdf"]] + ([dirs["scan"]] if has_scans else [])
        two_n = max(2, n_all)
        results[f"cpu_capacity_n{two_n}_before"] = cpu_capacity(two_n)
        one = measure("mixed_n1", mixed, 1, cache=root / "cache_n1", force=True)
        two = measure(f"mixed_n{two_n}", mixed, two_n, cache=root / "cache_n2", force=True)
        again = measure("mixed_rerun_cached", mixed, two_n, cache=root / "cache_n2")
        results[f"speedup_n{two_n}_vs_n1"] = round(one["seconds"] / two["seconds"], 3)
        results[f"cpu_capacity_n{two_n}_after"] = cpu_capacity(two_n)
        results["rerun_vs_first"] = round(again["seconds"] / two["seconds"], 4)
        results["text_forms_per_s_one_core"] = results["text_n1"]["forms_per_s"]
        Path(json_path).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(format_report(results, two_n))
        print(f"bench.json: {Path(json_path).resolve()}")
    finally:
        if own_dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def format_report(results: dict, two_n: int) -> str:
    rows = [("run", "files", "pages", "forms", "seconds", "docs/s", "pages/s", "forms/s", "RSS main/child MB")]
    for name, r in results.items():
        if isinstance(r, dict) and "seconds" in r and "files" in r:
            rows.append((name, r["files"], r["pages"], r["forms"], r["seconds"], r["docs_per_s"], r["pages_per_s"],
                         r["forms_per_s"], f"{r['peak_rss_main_mb']}/{r['peak_rss_worker_mb']}"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths)))
             for row in rows]
    for engine in ("rapidocr", "tesseract"):
        split = results.get(f"engine_{engine}", {}).get("by_kind", {}).get("scan")
        if split:
            lines.append(f"OCR {engine}: {split['s_per_page']} s/page = engine {split['engine_s_per_page']}"
                         f" + pipeline {split['pipeline_s_per_page']}")
    lines.append(f"text path, one core: {results['text_forms_per_s_one_core']} forms/s")
    lines.append(f"mixed batch: N={two_n} vs N=1 speed-up {results[f'speedup_n{two_n}_vs_n1']}x"
                 f" (the machine granted {results[f'cpu_capacity_n{two_n}_before']}x /"
                 f" {results[f'cpu_capacity_n{two_n}_after']}x to {two_n} pure-CPU processes"
                 " before / after)")
    lines.append(f"re-run of the unchanged batch (cache): {results['rerun_vs_first'] * 100:.1f}% of the first run")
    return "\n".join(lines)
