"""Damaged scans of the golden layout set: the measuring stick of per-row plausibility on scans.

Each document of the layout set is rendered as a scan (``render_pdf.write_scan``) after damage to
the cells it draws, the way a bad original or a bad copy damages a form before OCR reads it: a
look-alike character in a name or explanation (形近字 from ``normalizers/data/ocr_confusions.yaml``),
a digit of a value changed, an operator lost. The ground truth stays the *source* truth, so every
damaged row is a wrong row that the run must flag; OCR adds its own errors on top.

    .venv/bin/python -m tests.layouts.damage_scans OUT_CORPUS [--seed 0] [--damages 3] [--only NAME ...]
    .venv/bin/python -m pipeline.fit_plausibility OUT_CORPUS --stored

writes OUT_CORPUS/<layout>.dscan.png, gt/, manifest.csv (format ``scan_damaged``) and damage.json.
Generated corpora are not committed.
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import random
import re
import sys
import tempfile
from pathlib import Path

from pipeline.damage import confusion_partners, damage_summary

from .docs import all_docs
from .model import LayoutDoc

_OPERATOR = re.compile(r"[≥≤><]")


def _confusable(rng: random.Random, text: str) -> str | None:
    partners = confusion_partners()
    spots = [i for i, ch in enumerate(text) if ch in partners]
    if not spots or len(text) < 4:
        return None
    i = rng.choice(spots)
    return text[:i] + rng.choice(partners[text[i]]) + text[i + 1:]


def _digit(rng: random.Random, text: str) -> str | None:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not digits or len(text) > 12 or re.search(r"[\u4e00-\u9fff]{3}", text):
        return None
    i = rng.choice(digits)
    return text[:i] + rng.choice([d for d in "0123456789" if d != text[i]]) + text[i + 1:]


def _operator_lost(rng: random.Random, text: str) -> str | None:
    if not _OPERATOR.search(text) or len(text) > 12:
        return None
    return _OPERATOR.sub("", text, count=1).strip()


DAMAGES = {"confusable": _confusable, "digit_changed": _digit, "operator_lost": _operator_lost}


def damage_doc(doc: LayoutDoc, rng: random.Random, per_form: int) -> tuple[LayoutDoc, list[dict]]:
    """A copy of the document with ``per_form`` damaged cells in each form's indicator rows (rows
    below the first row holding a 三级指标 name), and the log (form index, grid row, kind, what)."""
    doc = copy.deepcopy(doc)
    log = []
    for fi, form in enumerate(doc.forms):
        names = {r["level3"] for r in form.indicators if r.get("level3")}
        first = next((i for i, row in enumerate(form.grid) if any(c.text.strip() in names for c in row)), None)
        if first is None:
            continue
        spots = [(ri, ci) for ri in range(first, len(form.grid)) for ci in range(len(form.grid[ri]))
                 if form.grid[ri][ci].text.strip()]
        rng.shuffle(spots)
        kinds = list(DAMAGES)
        rng.shuffle(kinds)
        done: set[int] = set()
        for k in range(per_form):
            kind = kinds[k % len(kinds)]
            for ri, ci in spots:
                if ri in done:
                    continue
                new = DAMAGES[kind](rng, form.grid[ri][ci].text)
                if new is not None and new != form.grid[ri][ci].text:
                    log.append({"form_index": fi, "grid_row": ri, "kind": kind,
                                "what": f"{form.grid[ri][ci].text!r} -> {new!r}"})
                    form.grid[ri][ci].text = new
                    done.add(ri)
                    break
    return doc, log


def build(out: Path, seed: int, per_form: int, only: set[str] | None = None) -> list[dict]:
    from . import render_pdf

    (out / "gt").mkdir(parents=True, exist_ok=True)
    docs = [d for d in all_docs() if ("pdf" in d.kinds or "scan" in d.kinds) and (not only or d.name in only)]
    rows, full_log = [], []
    with tempfile.TemporaryDirectory() as tmp:
        chars = set().union(*(render_pdf.doc_chars(d) for d in docs))
        chars |= set("".join(ch for group in confusion_partners().values() for ch in group))
        font = render_pdf.subset_font(chars, Path(tmp) / "cjk-subset.ttf")
        for doc in docs:
            rng = random.Random(f"{seed}:{doc.name}")
            damaged, log = damage_doc(doc, rng, per_form)
            name = f"{doc.name}.dscan{seed}.png"
            render_pdf.write_scan(damaged, out / name, font)
            (out / "gt" / f"{name}.json").write_text(json.dumps(doc.gt(name), ensure_ascii=False, indent=1),
                                                      encoding="utf-8")
            rows.append({"file": name, "format": "scan_damaged", "layout": doc.name})
            full_log.extend({"file": name, **e} for e in log)
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "format", "layout"])
        w.writeheader()
        w.writerows(rows)
    (out / "damage.json").write_text(json.dumps(full_log, ensure_ascii=False, indent=1), encoding="utf-8")
    return full_log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.layouts.damage_scans", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--damages", type=int, default=3, help="damaged cells per form")
    ap.add_argument("--only", action="append")
    a = ap.parse_args(argv)
    log = build(a.out, a.seed, a.damages, set(a.only) if a.only else None)
    print(damage_summary(log, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
