"""Fit the row-confidence model of ``data/plausibility.yaml`` on damaged documents.

    python -m pipeline.damage ../shared/dev-corpus ../shared/seed --out /tmp/dmg --seed 0
    python -m pipeline.fit_plausibility /tmp/dmg [/tmp/dmg2 ...] [--write] [--max-false 0.02]
        [--documents DIR --workers N]

Scans are slow to read: ``--documents DIR`` keeps each file's extracted Document (the readers'
output, before any form is interpreted) under the hash of its bytes, the extractors' and
vocabulary's sources and the options, so refits re-run only the normalizers; ``--workers`` reads
the files not kept yet in parallel.

Each document is read without the plausibility step; its rows are aligned with the ground truth
(the alignment and exactness of ``../shared/tools/score.py``) and labelled wrong or right; a
logistic regression over the evidence of ``normalizers/plausibility.py`` (L2-regularised, Newton
steps, numpy only) gives P(wrong). The threshold is the highest confidence at which at most
``--max-false`` of the right rows that carry no other flag would be flagged. ``--write`` puts
intercept, weights and threshold into the model block of the YAML file.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
from pathlib import Path

import numpy as np
import yaml

from extractors.ir import Document
from extractors.options import ExtractOptions
from extractors.registry import extractor_for
from normalizers import DATA_DIR, plausibility
from normalizers.document import process_file, records_from_document
from normalizers.outcome import FileOutcome
from normalizers.plausibility import (
    FEATURES,
    assess_form,
    bare_rows,
    bare_rows_elsewhere,
    disputed_cells,
    implied_operators,
    open_groups,
    page_break_parts,
    unread_cells,
)
from pipeline.cache import file_sha256, source_fingerprint, write_atomic
from pipeline.evaluate import STRUCT_FIELDS, TEXT_FIELDS, align, field_eq, sim

MODEL_FILE = DATA_DIR / "plausibility.yaml"


def _record_dict(rec) -> dict:
    return {k: ("" if v is None else v) for k, v in rec.model_dump().items()}


def row_exact(g: dict, p: dict) -> bool:
    return all(field_eq(f, g.get(f), p.get(f)) for f in STRUCT_FIELDS) and \
        all(sim(g.get(f), p.get(f)) == 1.0 for f in TEXT_FIELDS)


def _document_path(documents: Path, path: Path, options: ExtractOptions) -> Path:
    key = f"{file_sha256(path)}|{source_fingerprint(('extractors', 'vocab'))}|{options.model_dump_json()}"
    return documents / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def extracted(path: Path, options: ExtractOptions, documents: Path) -> Path:
    """The file's extracted Document, read now or kept from before (its path under ``documents``)."""
    target = _document_path(documents, path, options)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, extractor_for(path)(path, options).model_dump_json().encode("utf-8"))
    return target


def outcome(path: Path, source_file: str, options: ExtractOptions, documents: Path | None) -> FileOutcome:
    """process_file, from the kept Document where there is one."""
    if documents is None:
        return process_file(path, source_file, options)
    doc = Document.model_validate_json(extracted(path, options, documents).read_text(encoding="utf-8"))
    out = FileOutcome(source_file=source_file, path=str(path.resolve()), sha256=file_sha256(path))
    out.extractor, out.pages = doc.extractor, len(doc.pages)
    records_from_document(doc, out, options)
    return out


def keep_documents(corpora: list[Path], documents: Path, workers: int) -> None:
    """Read every file of the corpora not kept yet, ``workers`` at a time."""
    from concurrent.futures import ProcessPoolExecutor

    options = ExtractOptions(row_plausibility=False)
    paths = [c / json.loads(g.read_text(encoding="utf-8"))["source_file"] for c in corpora
             for g in sorted((c / "gt").glob("*.json"))]
    todo = [p for p in paths if p.exists() and not _document_path(documents, p, options).exists()]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(extracted, todo, [options] * len(todo), [documents] * len(todo)))


def labelled_rows(corpus: Path, documents: Path | None = None) -> list[dict]:
    """One entry per matched row: features, wrong (bool), flagged (bool), file, seq."""
    out = []
    options = ExtractOptions(row_plausibility=False)
    mf = corpus / "manifest.csv"
    formats = {r["file"]: r["format"] for r in csv.DictReader(mf.open(encoding="utf-8"))} if mf.exists() else {}
    log = corpus / "damage.json"
    damage = {(e["file"], e["form_index"], e["seq"]): e["kind"] for e in json.loads(log.read_text(encoding="utf-8"))
              if "seq" in e} if log.exists() else {}  # damaged scans log grid rows, not seqs
    for gt_path in sorted((corpus / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        src = corpus / gt["source_file"]
        if not src.exists():
            continue
        res = outcome(src, gt["source_file"], options, documents)
        indices = [f.form_index for f in res.forms]
        others = dict(zip(indices, bare_rows_elsewhere([
            bare_rows([r for r in res.indicators if r.form_index == k],
                      implied_operators([a for a in res.anomalies if a.form_index == k])) for k in indices])))
        for gf in gt["forms"]:
            recs = [r for r in res.indicators if r.form_index == gf["form_index"]]
            elsewhere = others.get(gf["form_index"], (0, 0))
            seqs = {a.seq for a in res.anomalies if a.form_index == gf["form_index"] and a.seq is not None
                    and (a.severity in ("warning", "error") or a.code == "low_confidence")}
            form = next((f for f in res.forms if f.form_index == gf["form_index"]), None)
            notes = [a for a in res.anomalies if a.form_index == gf["form_index"]]
            evidence = assess_form(recs, seqs, implied_operators(notes), form, disputed_cells(notes),
                                   unread_cells(notes), elsewhere, any(a.code == "labels_centred" for a in notes),
                                   open_groups(notes), page_break_parts(notes))
            prs = [_record_dict(r) for r in recs]
            for gi, pi in align(gf["indicators"], prs):
                g = gf["indicators"][gi]
                diff = {f: (g.get(f), prs[pi].get(f)) for f in STRUCT_FIELDS + TEXT_FIELDS
                        if not (field_eq(f, g.get(f), prs[pi].get(f)) if f in STRUCT_FIELDS
                                else sim(g.get(f), prs[pi].get(f)) == 1.0)}
                out.append({"file": gt["source_file"], "seq": recs[pi].seq, "gt_seq": gi + 1, "diff": diff, "damage": damage.get((gt["source_file"], gf["form_index"], gi + 1)),
                            "format": formats.get(gt["source_file"], ""), "level3": prs[pi].get("level3") or "", "features": evidence[pi].features,
                            "reasons": evidence[pi].reasons,
                            "wrong": not row_exact(gf["indicators"][gi], prs[pi]), "flagged": recs[pi].seq in seqs})
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 50) -> np.ndarray:
    """Intercept + weights maximising the L2-penalised log-likelihood (Newton's method)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.eye(xb.shape[1]) * l2
    reg[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + reg @ w
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + reg + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_doubt_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """fit_logistic with every evidence weight at least 0: a sign of doubt never raises a row's
    confidence (a weak cue that fires mostly on right rows, correlated with stronger ones, would
    otherwise get a negative weight). Features fitted below 0 are held at 0 and the rest refitted."""
    keep = np.ones(x.shape[1], dtype=bool)
    while True:
        w = fit_logistic(x[:, keep], y)
        full = np.zeros(x.shape[1] + 1)
        full[0] = w[0]
        full[1:][keep] = w[1:]
        if (full[1:] >= 0).all():
            return full
        keep &= full[1:] >= 0


def choose_threshold(conf: np.ndarray, wrong: np.ndarray, flagged: np.ndarray, max_false: float) -> float:
    """The highest threshold flagging at most max_false of the right rows that nothing else flags."""
    right_free = conf[(~wrong) & (~flagged)]
    if len(right_free) == 0:
        return 0.5
    allowed = int(max_false * len(right_free))
    ordered = np.sort(np.round(right_free, 3))  # confidences as written: equal to 3 decimals, one level
    # rows with confidence < threshold are flagged: the (allowed)-th lowest right row is the limit
    if allowed >= len(ordered):
        return float(ordered[-1] + 1e-6)
    # just under that confidence level (confidences are written to 3 decimals, so half a step
    # below never moves a row across it); halfway to the next lower level would leave unflagged
    # every wrong row in a wide gap that no right row occupies
    return float(ordered[allowed] - 0.0005)


def write_model(intercept: float, weights: dict[str, float], threshold: float) -> None:
    text = MODEL_FILE.read_text(encoding="utf-8")
    w = ", ".join(f"{k}: {v:.3f}" for k, v in weights.items())
    block = (f"model:\n  intercept: {intercept:.3f}\n  weights: {{{w}}}\n  threshold: {threshold:.4f}\n")
    MODEL_FILE.write_text(re.sub(r"(?ms)^model:\n.*\Z", block, text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.fit_plausibility")
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--max-false", type=float, default=0.02)
    ap.add_argument("--stored", action="store_true", help="evaluate the stored model instead of fitting one")
    ap.add_argument("--show-missed", type=int, default=0, help="print this many wrong rows left unflagged")
    ap.add_argument("--documents", type=Path, help="keep the extracted Documents here (scans: refit without OCR)")
    ap.add_argument("--workers", type=int, default=1, help="read files not kept yet in parallel")
    a = ap.parse_args(argv)
    if a.documents is not None:
        keep_documents(a.corpora, a.documents, a.workers)
    rows = [r for c in a.corpora for r in labelled_rows(c, a.documents)]
    pinned = yaml.safe_load(MODEL_FILE.read_text(encoding="utf-8")).get("pinned", {})
    fitted = [f for f in FEATURES if f not in pinned]
    x = np.array([[r["features"][f] for f in fitted] for r in rows], dtype=float)
    y = np.array([r["wrong"] for r in rows], dtype=float)
    flagged = np.array([r["flagged"] for r in rows], dtype=bool)
    wrong = y.astype(bool)
    if a.stored:
        model = plausibility.rules()
        w = np.array([model.intercept] + [model.weights.get(f, 0.0) for f in fitted])
        conf = np.round(np.array([plausibility.row_confidence(r["features"]) for r in rows]), 3)
        thr = model.threshold
    else:
        w = fit_doubt_weights(x, y)
        conf = 1 / (1 + np.exp(np.hstack([np.ones((len(x), 1)), x]) @ w))
        thr = choose_threshold(conf, wrong, flagged, a.max_false)
    pointed = flagged | (conf < thr)
    print(f"{len(rows)} rows, {int(wrong.sum())} wrong; before: err_capture {flagged[wrong].mean():.3f} "
          f"flag_rate {flagged.mean():.3f}; after: err_capture {pointed[wrong].mean():.3f} "
          f"flag_rate {pointed.mean():.3f} (threshold {thr:.3f})")
    print(f"intercept {w[0]:.3f} " + " ".join(f"{f}={v:.3f}" for f, v in zip(fitted, w[1:])))
    for i, f in enumerate(fitted):
        on = x[:, i] > 0
        print(f"  {f:22s} fires on {int(on[wrong].sum()):4d} wrong rows, {int(on[~wrong].sum()):4d} right rows "
              f"({int((on & ~wrong & ~flagged).sum())} right rows nothing else flags)")
    by_kind: dict[str, list[int]] = {}
    for r, p in zip(rows, pointed):
        if r["wrong"]:
            tally = by_kind.setdefault(r.get("damage") or "other (rows beside a damage)", [0, 0])
            tally[0] += 1
            tally[1] += bool(p)
    for kind, (n, caught) in sorted(by_kind.items()):
        print(f"  damage {kind:30s} wrong rows {n:4d} flagged {caught:4d} ({caught / n:.2f})")
    for fmt in sorted({r["format"] for r in rows}):
        sel = [(r, p) for r, p in zip(rows, pointed) if r["format"] == fmt]
        w_ = [p for r, p in sel if r["wrong"]]
        w_nd = [p for r, p in sel if r["wrong"] and r.get("damage") != "digit_changed"]
        print(f"  format {fmt:14s} rows {len(sel):4d} wrong {len(w_) / len(sel):.3f} err_capture "
              f"{sum(w_) / max(1, len(w_)):.3f} (without changed digits {sum(w_nd) / max(1, len(w_nd)):.3f}) "
              f"flag_rate {sum(p for _, p in sel) / len(sel):.3f}")
    missed = [r for r, p in zip(rows, pointed) if r["wrong"] and not p]
    for r in missed[: a.show_missed]:
        pass
    false = [r for r, p in zip(rows, pointed) if not r["wrong"] and p and not r["flagged"]]
    for r in false[: a.show_missed]:
        print("  false", r["file"], r["gt_seq"], r["level3"][:20], r["reasons"][:3])
    for r in missed[: a.show_missed]:
        print("  missed", r["damage"], r["file"], r["gt_seq"], r["level3"][:20], {k: v for k, v in r["features"].items() if v},
              {k: (str(g)[:30], str(p)[:30]) for k, (g, p) in r["diff"].items()})
    if a.write:
        weights = dict(zip(fitted, map(float, w[1:])))
        for k, v in pinned.items():
            if v == "supporting":
                # evidence the generated damage cannot produce (text documents have one OCR
                # engine's reading or none): half the way to the threshold, so that it flags a
                # row together with other evidence, not alone
                weights[k] = (math.log(1.0 / thr - 1.0) - float(w[0])) / 2
            elif v == "alone":
                # scan evidence of lost text (a cell's ink holds more characters than its text): the
                # way to the threshold and a quarter again, so that it flags a row by itself
                weights[k] = (math.log(1.0 / thr - 1.0) - float(w[0])) * 1.25
            elif v == "cell_threshold":
                # one cell just under ExtractOptions.low_confidence alone brings the row to the threshold
                doubt = plausibility.rules().ocr_doubt_from - ExtractOptions().low_confidence
                weights[k] = (math.log(1.0 / thr - 1.0) - float(w[0])) / doubt
            else:
                weights[k] = float(v)
        write_model(float(w[0]), {f: weights[f] for f in FEATURES}, thr)
        print(f"model written to {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
