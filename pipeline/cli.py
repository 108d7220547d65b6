"""Command line: ``jixiao extract | eval | bench | review`` (also ``python -m pipeline``).

Exit status: 0 when the command ran (files that failed are in the anomaly log), 2 for usage errors
(a bad option, a PATH that does not exist, an unusable corrections file or executor), 130 when
interrupted. Errors are printed as one line, never as a traceback (set JIXIAO_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

DEFAULT_RAW = Path("data/raw")
DEFAULT_CLEAN = Path("data/clean")
DEFAULT_CACHE = Path("data/cache")
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A mistake on the command line: reported in one line with exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the verbs that run the pipeline (extract, eval)."""
    from .executors import default_workers

    parser.add_argument("--workers", type=positive_int, default=default_workers(),
                        help="worker processes (default: all cores)")
    parser.add_argument("--ocr", choices=["auto", "rapidocr", "tesseract"], default="auto",
                        help="OCR engine for scans (default: auto)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help="cache of per-file results (default: data/cache)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--force", action="store_true", help="ignore cached results (still refresh them)")
    parser.add_argument("--executor", choices=["local", "dask"], default="local",
                        help="local worker processes (default) or a Dask cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler, e.g. tcp://HOST:8786 (implies --executor dask)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    parser.add_argument("--limits", type=Path, metavar="FILE",
                        help="YAML of input limits replacing those of extractors/data/limits.yaml")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help="one input limit, e.g. max_pages_per_file=500 (repeatable; after --limits)")


def build_parser() -> Parser:
    parser = Parser(prog="jixiao", description="Turn 绩效目标表 (performance-target forms) into clean tables.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)
    verbs.required = True

    extract = verbs.add_parser("extract", help="extract forms from files or directories")
    extract.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="input files or directories (default: data/raw)")
    extract.add_argument("--out", type=Path, metavar="DIR", help="output directory (default: data/clean)")
    add_run_options(extract)
    extract.add_argument("--report", action="store_true", help="also write the review page into DIR")
    extract.add_argument("--corrections", type=Path, metavar="FILE",
                         help="CSV of manual corrections to apply to the records")

    evaluate = verbs.add_parser("eval", help="extract a corpus with gt/ and score it")
    evaluate.add_argument("corpus", type=Path, metavar="CORPUS_DIR")
    evaluate.add_argument("--out", type=Path, metavar="DIR", help="output directory (default: a new temp dir)")
    evaluate.add_argument("--manifest", type=Path, metavar="FILE",
                          help="file,format CSV (default: CORPUS_DIR/manifest.csv when present)")
    evaluate.add_argument("--only", action="append", metavar="FORMAT",
                          help="score only files whose format starts with this (repeatable)")
    evaluate.add_argument("--details", type=int, default=0, metavar="N", help="print the first N misses")
    evaluate.add_argument("--json", type=Path, metavar="FILE", help="write the scores as JSON")
    add_run_options(evaluate)

    bench = verbs.add_parser("bench", help="time the pipeline on a generated batch")
    bench.add_argument("--quick", action="store_true", help="a small batch, for development")
    bench.add_argument("--work-dir", type=Path, help="where to build the batch (default: a temp dir)")
    bench.add_argument("--json", type=Path, default=Path("bench.json"), help="results file (default: bench.json)")
    bench.add_argument("--workers", type=positive_int, help="N for the N=all runs (default: all cores)")
    bench.add_argument("--skip-ocr", action="store_true", help="leave out the scanned pages")

    review = verbs.add_parser("review", help="write the review page for an output directory")
    review.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("jixiao: interrupted; finished files are cached, re-run the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback on request
        if os.environ.get("JIXIAO_DEBUG"):
            traceback.print_exc()
        print(f"jixiao: error: {exc} (JIXIAO_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_FAILURE


def dispatch(args: argparse.Namespace) -> int:
    if args.verb == "extract":
        return run_extract(args)
    if args.verb == "eval":
        return run_eval(args)
    if args.verb == "bench":
        from .bench import run_bench

        return run_bench(quick=args.quick, work_dir=args.work_dir, json_path=args.json,
                         workers=args.workers, skip_ocr=args.skip_ocr)
    if args.verb == "review":
        if not args.out_dir.is_dir():
            raise UsageError(f"jixiao review: {args.out_dir}: no such directory")
        from .batch import write_review_report

        print(write_review_report(args.out_dir))
        return EXIT_OK
    raise UsageError(f"jixiao: unknown verb {args.verb}")


def batch_options(args: argparse.Namespace, report: bool = False, corrections: Path | None = None):
    from .batch import BatchOptions

    executor = "dask" if args.scheduler else args.executor
    if args.workers == 1 and executor == "local":
        # the in-process worker follows the same one-thread rule as pool workers
        from .executors import limit_worker_threads

        limit_worker_threads()
    return BatchOptions(
        workers=args.workers, executor=executor, scheduler=args.scheduler,
        cache_dir=None if args.no_cache else args.cache_dir, force=args.force,
        progress=not args.quiet and sys.stderr.isatty(), corrections=corrections, report=report,
    )


def extract_options(args: argparse.Namespace):
    from extractors.options import ExtractOptions

    return ExtractOptions(ocr=args.ocr, limits=input_limits(args.limits, args.limit))


def input_limits(limits_file: Path | None, pairs: Sequence[str]):
    """The input limits of this run: the defaults, then --limits FILE, then each --limit NAME=VALUE."""
    import yaml
    from pydantic import ValidationError

    from extractors.limits import limits_with

    overrides: dict = {}
    if limits_file is not None:
        try:
            loaded = yaml.safe_load(limits_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise UsageError(f"jixiao: --limits {limits_file}: cannot be read ({exc})") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"jixiao: --limits {limits_file}: must map limit names to numbers")
        overrides.update(loaded)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"jixiao: --limit {pair}: expected NAME=VALUE, e.g. max_pages_per_file=500")
        overrides[name.strip()] = value.strip()
    try:
        return limits_with(overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise UsageError(f"jixiao: input limits: {problems}") from None


def run_with_options(inputs, out_dir: Path, args: argparse.Namespace, **extra):
    from .batch import run_batch
    from .executors import ExecutorUnavailableError

    try:
        return run_batch(inputs, out_dir, extract_options(args), batch_options(args, **extra))
    except ExecutorUnavailableError as exc:
        raise UsageError(f"jixiao: {exc}") from None


def usable_out_dir(out_dir: Path, verb: str) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"jixiao {verb}: --out {out_dir}: exists and is not a directory")
    return out_dir


def run_extract(args: argparse.Namespace) -> int:
    from .batch import InputPathError, discover_inputs

    paths = args.paths or [DEFAULT_RAW]
    out_dir = usable_out_dir(args.out or DEFAULT_CLEAN, "extract")
    if args.corrections is not None and not args.corrections.is_file():
        raise UsageError(f"jixiao extract: --corrections {args.corrections}: no such file")
    try:
        inputs = discover_inputs(paths, exclude=[out_dir])
    except InputPathError as exc:
        raise UsageError(f"jixiao extract: {exc}") from None
    if args.corrections is not None:
        from extractors.errors import JixiaoError

        try:
            result = run_with_options(inputs, out_dir, args, report=args.report, corrections=args.corrections)
        except JixiaoError as exc:
            raise UsageError(f"jixiao extract: {exc}") from None
    else:
        result = run_with_options(inputs, out_dir, args, report=args.report)
    for message in result.messages:
        print(f"jixiao: {message}", file=sys.stderr)
    if not args.quiet:
        print(summary_line(result.run, out_dir))
    return EXIT_OK


def summary_line(run: dict, out_dir: Path) -> str:
    t = run["totals"]
    return (f"{t['files']} files ({t['succeeded']} succeeded, {t['partial']} partial, {t['failed']} failed, "
            f"{t['cached']} cached): {t['forms']} forms, {t['indicators']} indicators, "
            f"{t['anomalies']} anomalies -> {out_dir} in {t['seconds']:.2f} s")


def run_eval(args: argparse.Namespace) -> int:
    from . import evaluate

    corpus = args.corpus
    if not (corpus / "gt").is_dir():
        raise UsageError(f"jixiao eval: {corpus}: no gt/ directory with expected records")
    manifest_path = args.manifest or (corpus / "manifest.csv")
    if args.manifest is not None and not args.manifest.is_file():
        raise UsageError(f"jixiao eval: --manifest {args.manifest}: no such file")
    manifest = evaluate.read_manifest(manifest_path) if manifest_path.is_file() else None
    inputs = evaluate.corpus_inputs(corpus, manifest, args.only)
    out_dir = usable_out_dir(args.out, "eval") if args.out else Path(tempfile.mkdtemp(prefix="jixiao-eval-"))
    result = run_with_options(inputs, out_dir, args)
    if not args.quiet:
        print(summary_line(result.run, out_dir), file=sys.stderr)
    scores, details = evaluate.score(corpus, out_dir, manifest, args.only)
    summary = evaluate.summarize(scores)
    print(evaluate.format_table(summary))
    for detail in details[: args.details]:
        print("  miss", detail)
    if args.json:
        evaluate.write_json(args.json, summary, details)
    print(f"outputs: {out_dir}")
    return EXIT_OK
