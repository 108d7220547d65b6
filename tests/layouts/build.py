"""Write the golden layout set (issue 11) as a corpus: input files, gt/<file>.json, manifest.csv.

    .venv/bin/python -m tests.layouts.build OUT_CORPUS [--kinds pipe,html,...] [--only NAME ...]
    .venv/bin/jixiao extract OUT_CORPUS --out OUT_RUN --no-cache --workers 1
    python3 ../shared/tools/score.py OUT_CORPUS OUT_RUN --manifest OUT_CORPUS/manifest.csv --details 30

score.py compares the contract fields; tests/test_layouts.py compares every field of the gt
(including the issue-11 fields target_period, weight, score, ...) document by document.

File names are `<layout>.<kind>.<suffix>` (e.g. `colset_minimal.pipe.md`); the manifest's
`format` column is the kind, its `layout` column the layout name and `covers` the issue bullet.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import render_text
from .docs import all_docs
from .model import LayoutDoc

Writer = Callable[[LayoutDoc, Path, dict], None]  # (document, file, shared resources of the build)


def _text(fn: Callable[[LayoutDoc], str]) -> Writer:
    def write(doc: LayoutDoc, path: Path, res: dict) -> None:
        path.write_text(fn(doc), encoding="utf-8")
    return write


def _office(name: str) -> Writer:
    def write(doc: LayoutDoc, path: Path, res: dict) -> None:
        from . import render_office
        getattr(render_office, name)(doc, path)
    return write


def _pdf(scan: bool) -> Writer:
    def write(doc: LayoutDoc, path: Path, res: dict) -> None:
        from . import render_pdf
        (render_pdf.write_scan if scan else render_pdf.write_pdf)(doc, path, res["font"])
    return write


# kind -> (file suffix, writer)
KINDS: dict[str, tuple[str, Writer]] = {
    "tsv": ("md", _text(render_text.tsv)),
    "tsv_mid": ("md", _text(lambda d: render_text.tsv(d, middle=True))),
    "pipe": ("md", _text(render_text.pipe)),
    "html": ("md", _text(render_text.html_md)),
    "cells": ("txt", _text(lambda d: render_text.cell_lines(d, vertical_labels=d.vertical_labels))),
    "cells_bare": ("txt", _text(lambda d: render_text.cell_lines(d, pipes=False))),
    "spaces": ("txt", _text(render_text.space_run)),
    "pdf": ("pdf", _pdf(scan=False)),
    "xlsx": ("xlsx", _office("write_xlsx")),
    "docx": ("docx", _office("write_docx")),
    "scan": ("png", _pdf(scan=True)),
    "scan_tif": ("tif", _pdf(scan=True)),  # multi-page TIFF
    "scan_pdf": ("pdf", _pdf(scan=True)),  # image-only PDF (a scanner's output)
}
SCAN_KINDS = ("scan", "scan_tif", "scan_pdf")
TEXT_KINDS = ("tsv", "tsv_mid", "pipe", "html", "cells", "cells_bare", "spaces")


def file_name(doc: LayoutDoc, kind: str) -> str:
    return f"{doc.name}.{kind}.{KINDS[kind][0]}"


def build(out: Path, kinds: set[str] | None = None, only: set[str] | None = None) -> list[dict]:
    """Write every (document, kind) pair selected; return the manifest rows."""
    (out / "gt").mkdir(parents=True, exist_ok=True)
    docs = [d for d in all_docs() if not only or d.name in only]
    jobs = [(d, k) for d in docs for k in d.kinds if not kinds or k in kinds]
    with tempfile.TemporaryDirectory() as tmp:
        return _write(out, jobs, _resources(jobs, Path(tmp)))


def _resources(jobs: list[tuple[LayoutDoc, str]], tmp: Path) -> dict:
    """What several files of a build share: the CJK font cut down to the characters drawn."""
    drawn = [d for d, k in jobs if k in ("pdf", *SCAN_KINDS)]
    if not drawn:
        return {}
    from . import render_pdf

    chars = set().union(*(render_pdf.doc_chars(d) for d in drawn))
    return {"font": render_pdf.subset_font(chars, tmp / "cjk-subset.ttf")}


def _write(out: Path, jobs: list[tuple[LayoutDoc, str]], res: dict) -> list[dict]:
    rows = []
    for doc, kind in jobs:
        name = file_name(doc, kind)
        KINDS[kind][1](doc, out / name, res)
        gt = doc.gt(name)
        (out / "gt" / f"{name}.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append({"file": name, "format": kind, "layout": doc.name, "covers": doc.covers,
                     "n_forms": len(doc.forms), "n_indicators": sum(len(f.indicators) for f in doc.forms)})
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "format", "layout", "covers", "n_forms", "n_indicators"])
        w.writeheader()
        w.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.layouts.build", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--kinds", help="comma-separated kinds (default: every kind of every document)")
    ap.add_argument("--only", action="append", help="layout name (repeatable)")
    a = ap.parse_args(argv)
    rows = build(a.out, set(a.kinds.split(",")) if a.kinds else None, set(a.only) if a.only else None)
    print(f"{len(rows)} files written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
