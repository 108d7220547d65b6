"""Damage generator: the measuring stick for per-row plausibility flags (issue 12).

Takes the text-format documents of a corpus (OCR'd .md/.txt/.html with ``gt/<file>.json``) and
writes damaged variants the way OCR and table reconstruction damage forms: a look-alike character
in a name (形近字 from ``normalizers/data/ocr_confusions.yaml``), an operator lost or read as the digit 2, a digit changed,
two rows joined into one, a row dropped, a merged 二级指标 label moved from the first row of its
span to a later one. The ground truth stays the *source* truth (it is copied unchanged), so every
damaged row is a wrong row that a run must flag.

    python -m pipeline.damage CORPUS_DIR [CORPUS_DIR ...] --out DIR [--variants 4] [--seed 0]

writes DIR/<variant files>, DIR/gt/<file>.json, DIR/manifest.csv (format of the source file) and
DIR/damage.json (what was done to which row). Generated corpora are not committed.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from normalizers.plausibility import confusion_partners
from vocab import CJK_IDEOGRAPH_CLASS

TEXT_SUFFIXES = (".md", ".txt", ".html", ".htm")
DAMAGE_KINDS = ("confusable", "operator_lost", "digit_changed", "row_joined", "row_dropped", "label_moved",
                "operator_as_digit")
_OPERATOR_TEXT = re.compile(r"\$\\(?:geq|leq|ge|le|gt|lt)\$|\$[<>=]\$|[≥≤＞＜＝><=]|\\(?:geq|leq)")
_TD = re.compile(r"(<t[dh][^>]*>)(.*?)(</t[dh]>)", re.DOTALL)


@dataclass
class Row:
    """One table row of a text document: its span in the text and its cells."""

    start: int
    end: int
    kind: str  # tsv | pipe | html
    cells: list[str]
    opens: list[str] | None = None  # html: the <td ...> tags

    def render(self) -> str:
        if self.kind == "tsv":
            return "\t".join(self.cells)
        if self.kind == "pipe":
            return "| " + " | ".join(c.strip() for c in self.cells) + " |"
        return "<tr>" + "".join(f"{o}{c}</td>" for o, c in zip(self.opens or [], self.cells)) + "</tr>"


def table_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    for m in re.finditer(r"<tr[^>]*>(.*?)</tr>", text, re.DOTALL):
        tds = _TD.findall(m.group(1))
        rows.append(Row(m.start(), m.end(), "html", [t[1] for t in tds], [t[0] for t in tds]))
    if rows:
        return rows
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        s = line.strip()
        if s.startswith("|") and s.endswith("|") and not re.fullmatch(r"\|[\s:|-]*\|", s):
            rows.append(Row(start, end, "pipe", s[1:-1].split("|")))
        elif "\t" in line:
            rows.append(Row(start, end, "tsv", line.split("\t")))
    return rows


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", s or ""))


def locate_indicators(rows: list[Row], indicators: list[dict]) -> dict[int, int]:
    """gt indicator index -> row index, matched in order by level-3 name and explanation."""
    found: dict[int, int] = {}
    r = 0
    for gi, ind in enumerate(indicators):
        name, expl = _norm(ind.get("level3")), _norm(ind.get("explanation"))
        for ri in range(r, len(rows)):
            cells = [_norm(c) for c in rows[ri].cells]
            if (name and name in cells) or (not name and expl and expl in cells):
                found[gi] = ri
                r = ri + 1
                break
    return found


def _cell_index(row: Row, text: str | None) -> int | None:
    t = _norm(text)
    if not t:
        return None
    return next((i for i, c in enumerate(row.cells) if _norm(c) == t), None)


def _confusable(rng: random.Random, row: Row, ind: dict) -> str | None:
    partners = confusion_partners()
    targets = [f for f in ("level3", "explanation") if ind.get(f)]
    rng.shuffle(targets)
    for f in targets:
        ci = _cell_index(row, ind[f])
        if ci is None:
            continue
        text = row.cells[ci]
        spots = [i for i, ch in enumerate(text) if ch in partners]
        if not spots:
            continue
        i = rng.choice(spots)
        new = rng.choice(partners[text[i]])
        row.cells[ci] = text[:i] + new + text[i + 1:]
        return f"{f}: {text[i]}->{new}"
    return None


def _operator_lost(rng: random.Random, row: Row, ind: dict) -> str | None:
    if ind.get("operator") in (None, "定性"):
        return None
    for ci, c in enumerate(row.cells):
        if _OPERATOR_TEXT.search(c) and len(_norm(c)) <= 16 and not re.search(f"[{CJK_IDEOGRAPH_CLASS}]{{3}}", c):
            row.cells[ci] = _OPERATOR_TEXT.sub("", c, count=1)
            return f"operator {c.strip()!r} lost"
    return None


def _operator_as_digit(rng: random.Random, row: Row, ind: dict) -> str | None:
    """A '≥' read as the digit '2' (a scan's commonest sign misread): '≥ 8500份' -> '28500份'."""
    if ind.get("operator") not in ("≥",):
        return None
    for ci, c in enumerate(row.cells):
        m = _OPERATOR_TEXT.search(c)
        if m and len(_norm(c)) <= 16 and not re.search(f"[{CJK_IDEOGRAPH_CLASS}]{{3}}", c):
            rest = c[m.end():].lstrip()
            row.cells[ci] = c[:m.start()] + "2" + rest
            return f"operator {c.strip()!r} read as '2'"
    return None


def _digit_changed(rng: random.Random, row: Row, ind: dict) -> str | None:
    value = _norm(ind.get("value"))
    if not re.search(r"\d", value):
        return None
    for ci, c in enumerate(row.cells):
        if value and value in _norm(c) and len(_norm(c)) <= len(value) + 10:
            digits = [i for i, ch in enumerate(c) if ch.isdigit()]
            i = rng.choice(digits)
            new = rng.choice([d for d in "0123456789" if d != c[i]])
            row.cells[ci] = c[:i] + new + c[i + 1:]
            return f"value digit {c[i]}->{new}"
    return None


def _joined(a: Row, b: Row) -> Row | None:
    if a.kind != b.kind or len(a.cells) != len(b.cells):
        return None
    from vocab.taxonomy import classify_taxonomy_name
    cells = []
    for x, y in zip(a.cells, b.cells):
        # a merged label cell continues; every other cell of both rows is read into one
        label = _norm(x) == _norm(y) and classify_taxonomy_name(re.sub(r"<[^>]+>", "", x).strip()) is not None
        if label or not _norm(y):
            cells.append(x)
        elif not _norm(x):
            cells.append(y)
        else:
            cells.append(x.rstrip() + y.strip())
    return Row(a.start, b.end, a.kind, cells, a.opens)


def _has_label(row: Row, ind: dict) -> bool:
    """The row writes a 一级/二级指标 name (it starts a group)."""
    from vocab.taxonomy import classify_taxonomy_name
    return any(classify_taxonomy_name(re.sub(r"<[^>]+>", "", c).strip()) is not None for c in row.cells if c.strip())


def damage_document(text: str, gt: dict, rng: random.Random, n_damages: int) -> tuple[str, list[dict]]:
    """The damaged text and a log of the damages (gt form index, gt seq, kind, what)."""
    rows = table_rows(text)
    plan: list[tuple[int, int, int]] = []  # (form index, gt indicator index, row index)
    per_form: list[tuple[int, list[dict], dict[int, int]]] = []
    taken: set[int] = set()
    for f in gt["forms"]:
        inds = f["indicators"]
        loc = locate_indicators(rows, inds)
        per_form.append((f["form_index"], inds, loc))
        plan.extend((f["form_index"], gi, ri) for gi, ri in loc.items())
    rng.shuffle(plan)
    log: list[dict] = []
    removed: set[int] = set()
    absorbed: set[int] = set()  # rows joined into the row before them
    replaced: dict[int, Row] = {}
    kinds = [DAMAGE_KINDS[i % len(DAMAGE_KINDS)] for i in range(rng.randrange(len(DAMAGE_KINDS)),
                                                               rng.randrange(len(DAMAGE_KINDS)) + 10 * n_damages)]
    for kind in kinds:  # each kind in turn, on the first row (in random order) it applies to
        if len(log) >= n_damages:
            break
        rng.shuffle(plan)
        for form_index, gi, ri in plan:
            if ri in taken:
                continue
            what = _apply(kind, rng, rows, per_form, form_index, gi, ri, taken, removed, absorbed, replaced)
            if what:
                taken.add(ri)
                log.append({"form_index": form_index, "seq": gi + 1, "kind": kind, "what": what})
                break
    out, pos = [], 0
    for ri, row in enumerate(rows):
        if ri in absorbed:
            continue
        if ri in removed or ri in replaced or row.cells != table_rows_cells_cache(text, row):
            out.append(text[pos:row.start])
            if ri in removed:
                pos = row.end + (1 if row.kind != "html" else 0)
                continue
            out.append((replaced.get(ri) or row).render())
            pos = (replaced[ri].end if ri in replaced else row.end)
    out.append(text[pos:])
    return "".join(out), log


def _apply(kind: str, rng: random.Random, rows: list[Row], per_form, form_index: int, gi: int, ri: int,
           taken: set[int], removed: set[int], absorbed: set[int], replaced: dict[int, Row]) -> str | None:
    """Apply one damage of this kind to one row; what was done, or None where it does not apply."""
    inds = next(i for fi, i, _ in per_form if fi == form_index)
    loc = next(lc for fi, _, lc in per_form if fi == form_index)
    ind = inds[gi]
    row = rows[ri]
    if kind == "confusable":
        return _confusable(rng, row, ind)
    if kind == "operator_lost":
        return _operator_lost(rng, row, ind)
    if kind == "digit_changed":
        return _digit_changed(rng, row, ind)
    if kind == "operator_as_digit":
        return _operator_as_digit(rng, row, ind)
    if kind == "row_joined":
        nxt = loc.get(gi + 1)
        if nxt == ri + 1 and nxt not in taken and not _has_label(rows[nxt], inds[gi + 1]):
            j = _joined(row, rows[nxt])
            if j is not None:
                replaced[ri] = j
                absorbed.add(nxt)
                taken.add(nxt)
                return f"joined with the next row ({inds[gi + 1].get('level3')})"
        return None
    if kind == "row_dropped":
        if not _has_label(row, ind) and row.kind != "html":
            removed.add(ri)
            return "row dropped"
        return None
    if kind == "label_moved":
        return _move_label(rng, rows, inds, loc, gi, taken)
    raise ValueError(kind)


def table_rows_cells_cache(text: str, row: Row) -> list[str]:
    """The cells the row had in the undamaged text (to render only rows that changed)."""
    seg = text[row.start:row.end]
    if row.kind == "html":
        return [t[1] for t in _TD.findall(seg)]
    if row.kind == "pipe":
        return seg.strip()[1:-1].split("|")
    return seg.split("\t")


def _move_label(rng: random.Random, rows: list[Row], inds: list[dict], loc: dict[int, int], gi: int,
                taken: set[int]) -> str | None:
    """Move a merged 二级指标 label written on the first row of its span to a later row of it."""
    ind = inds[gi]
    ri = loc.get(gi)
    row = rows[ri]
    if row.kind == "html":
        return None
    from vocab.taxonomy import classify_taxonomy_name
    ci = None
    for i, c in enumerate(row.cells):
        m = classify_taxonomy_name(c.strip()) if c.strip() else None
        if m is not None and m.level == 2 and m.canonical == ind.get("level2"):
            ci = i
    if ci is None:
        return None
    span = [gi]
    while gi + len(span) < len(inds) and inds[gi + len(span)].get("level2") == ind.get("level2"):
        span.append(gi + len(span))
    if len(span) < 2 or gi == 0:
        return None  # the rows above would inherit nothing
    k = rng.randrange(1, len(span))
    targets = [loc.get(s) for s in span]
    if any(t is None or t in taken for t in targets):
        return None
    dest = rows[targets[k]]
    if len(dest.cells) != len(row.cells) or _norm(dest.cells[ci]):
        return None
    dest.cells[ci], row.cells[ci] = row.cells[ci], ""
    taken.update(targets)
    return f"二级指标 label '{_norm(row.cells[ci] or dest.cells[ci])}' moved from row {gi + 1} to row {span[k] + 1}"


def generate(corpora: list[Path], out: Path, variants: int, seed: int, damages_per_form: int = 3) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(exist_ok=True)
    manifest_rows: list[tuple[str, str]] = []
    full_log: list[dict] = []
    for corpus in corpora:
        formats: dict[str, str] = {}
        mf = corpus / "manifest.csv"
        if mf.exists():
            with mf.open(encoding="utf-8") as f:
                formats = {r["file"]: r["format"] for r in csv.DictReader(f)}
        for gt_path in sorted((corpus / "gt").glob("*.json")):
            gt = json.loads(gt_path.read_text(encoding="utf-8"))
            src = corpus / gt["source_file"]
            if src.suffix.lower() not in TEXT_SUFFIXES or not src.exists():
                continue
            text = src.read_text(encoding="utf-8-sig")
            fmt = formats.get(gt["source_file"], "seed" if not formats else "ocr_text")
            for v in range(variants):
                rng = random.Random(f"{seed}:{gt['source_file']}:{v}")
                n = damages_per_form * len(gt["forms"])
                damaged, log = damage_document(text, gt, rng, n)
                name = f"{src.stem}_d{seed}_{v}{src.suffix}"
                (out / name).write_text(damaged, encoding="utf-8")
                (out / "gt" / f"{name}.json").write_text(
                    json.dumps({**gt, "source_file": name}, ensure_ascii=False, indent=1), encoding="utf-8")
                manifest_rows.append((name, fmt))
                full_log.extend({"file": name, **entry} for entry in log)
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "format"])
        w.writerows(manifest_rows)
    (out / "damage.json").write_text(json.dumps(full_log, ensure_ascii=False, indent=1), encoding="utf-8")
    return full_log


def damage_summary(log: list[dict], out: Path) -> str:
    """One line: how many damages of each kind a generator wrote."""
    kinds: dict[str, int] = {}
    for e in log:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    return f"{len(log)} damages written to {out}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.damage", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--variants", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--damages", type=int, default=3, help="damages per form")
    a = ap.parse_args(argv)
    log = generate(a.corpora, a.out, a.variants, a.seed, a.damages)
    print(damage_summary(log, a.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
