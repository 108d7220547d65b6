"""``jixiao eval``: score a run's tables against expected records (gt/<source_file>.json).

The definitions are those of ../shared/tools/score.py, ported as they are so both agree on the same
output (a test compares them): lenient text comparison (width-folded, no whitespace), numbers
compared with a relative tolerance, indicator rows aligned per form by an order-preserving dynamic
programme over a row similarity, and a must-flag anomaly counted when the run reports that code on
the aligned row (or anywhere in the form for a form-level one).
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from .batch import InputFile

HEADER_FIELDS = ['form_kind', 'year', 'agency', 'project_name', 'competent_dept', 'fund_total',
                 'fund_fiscal', 'fund_carryover', 'fund_other', 'preparer', 'phone', 'fill_date', 'unit_head']
NUM_FIELDS = {'year', 'fund_total', 'fund_fiscal', 'fund_carryover', 'fund_other'}
STRUCT_FIELDS = ['level1', 'level2', 'operator', 'value', 'unit']
TEXT_FIELDS = ['level3', 'explanation', 'scoring_rule']
OPS = {'>=': '≥', '<=': '≤', '≧': '≥', '≦': '≤', '⩾': '≥', '⩽': '≤', '＝': '=', '＞': '>', '＜': '<'}
ALIGN_THRESHOLD = 0.45
SUMMARY_COLUMNS = ['forms', 'form_recall', 'header_acc', 'goal_sim', 'row_recall', 'row_precision', 'field_acc',
                   'text_sim', 'rows_exact', 'flag_recall', 'err_capture', 'flag_rate']
SUFFIX_FORMATS = {'.md': 'ocr_text', '.txt': 'ocr_text', '.html': 'ocr_text', '.pdf': 'pdf', '.png': 'scan',
                  '.jpg': 'scan', '.tif': 'scan', '.tiff': 'scan', '.xlsx': 'xlsx', '.docx': 'docx'}


def norm(s: Any) -> str:
    """Lenient comparison form: width-folded ASCII punctuation, no whitespace."""
    if s is None:
        return ''
    if isinstance(s, float):
        if math.isnan(s):
            return ''
        s = f'{s:f}'.rstrip('0').rstrip('.')
    s = str(s)
    s = ''.join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in s)
    s = s.replace('“', '"').replace('”', '"')
    return re.sub(r'\s+', '', s)


def num(s: Any) -> Any:
    """float, None for empty, or 'NaN:<text>' for text that is not a number."""
    if s is None:
        return None
    if isinstance(s, (int, float)):
        return None if (isinstance(s, float) and math.isnan(s)) else float(s)
    s = norm(s).replace(',', '')
    if s == '':
        return None
    try:
        return float(s)
    except ValueError:
        return 'NaN:' + s


def sim(a: Any, b: Any) -> float:
    a, b = norm(a), norm(b)
    if not a and not b:
        return 1.0
    return 1.0 - Levenshtein.distance(a, b) / max(len(a), len(b))


def read_csv(path: Path) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.DictReader(f))


def read_manifest(path: Path) -> dict[str, str]:
    return {row['file']: row['format'] for row in read_csv(path)}


def field_eq(field: str, g: Any, p: Any) -> bool:
    if field in NUM_FIELDS:
        gn, pn = num(g), num(p)
        if gn is None or pn is None:
            return gn is None and pn is None
        if isinstance(gn, str) or isinstance(pn, str):
            return False
        return abs(gn - pn) < 1e-6 * max(1.0, abs(gn))
    if field == 'operator':
        return OPS.get(norm(p), norm(p)) == OPS.get(norm(g), norm(g))
    if field == 'value':
        gn, pn = num(g), num(p)
        if isinstance(gn, float) and isinstance(pn, float):
            return abs(gn - pn) < 1e-6 * max(1.0, abs(gn))
        return norm(g) == norm(p)
    return norm(g) == norm(p)


def row_similarity(g: dict, p: dict) -> float:
    return 0.5 * sim(g.get('level3'), p.get('level3')) + 0.2 * sim(g.get('value'), p.get('value')) \
        + 0.3 * sim(g.get('explanation'), p.get('explanation'))


def align(gt_rows: list[dict], pr_rows: list[dict]) -> list[tuple[int, int]]:
    """Order-preserving alignment (DP over a row similarity) -> list of (gt index, pred index)."""
    n, m = len(gt_rows), len(pr_rows)
    S = [[row_similarity(gt_rows[i], pr_rows[j]) for j in range(m)] for i in range(n)]
    D = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(D[i + 1][j], D[i][j + 1])
            if S[i][j] >= ALIGN_THRESHOLD:
                best = max(best, S[i][j] + D[i + 1][j + 1])
            D[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if S[i][j] >= ALIGN_THRESHOLD and abs(D[i][j] - (S[i][j] + D[i + 1][j + 1])) < 1e-9:
            pairs.append((i, j))
            i += 1
            j += 1
        elif D[i][j] == D[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def fmt_of(name: str, manifest: dict[str, str] | None) -> str:
    if manifest and name in manifest:
        return manifest[name]
    ext = os.path.splitext(name)[1].lower()
    return SUFFIX_FORMATS.get(ext, ext)


def load_ground_truth(gt_dir: Path, manifest: dict[str, str] | None, only: list[str] | None) -> list[dict]:
    gts = []
    gdir = Path(gt_dir) / 'gt'
    for fn in sorted(os.listdir(gdir)):
        if fn.endswith('.json'):
            g = json.loads((gdir / fn).read_text(encoding='utf-8'))
            if only and not any(fmt_of(g['source_file'], manifest).startswith(o) for o in only):
                continue
            gts.append(g)
    return gts


def corpus_inputs(corpus: Path, manifest: dict[str, str] | None, only: list[str] | None) -> list[InputFile]:
    """The corpus files that have expected records (and are in the manifest, when one is given)."""
    inputs = []
    for g in load_ground_truth(corpus, manifest, only):
        name = g['source_file']
        if manifest is not None and name not in manifest:
            continue
        path = (Path(corpus) / name).resolve()
        if path.is_file():
            inputs.append(InputFile(name, path))
    return sorted(inputs)


def _row_key(src: Any, idx: Any) -> tuple[str, str]:
    return (os.path.basename(src or ''),
            str(int(float(idx))) if str(idx).strip() not in ('', 'None') else '')


def score(gt_dir: Path, pred_dir: Path, manifest: dict[str, str] | None = None,
          only: list[str] | None = None) -> tuple[dict, list]:
    """Per-format (and 'ALL') counters plus the list of misses, as score.py computes them."""
    gts = load_ground_truth(gt_dir, manifest, only)
    forms = read_csv(Path(pred_dir) / 'forms.csv')
    inds = read_csv(Path(pred_dir) / 'indicators.csv')
    anos = read_csv(Path(pred_dir) / 'anomalies.csv')

    pforms = {_row_key(f.get('source_file'), f.get('form_index', '')): f for f in forms}
    pinds: dict[tuple, list[dict]] = defaultdict(list)
    for r in inds:
        pinds[_row_key(r.get('source_file'), r.get('form_index', ''))].append(r)
    for rows in pinds.values():
        rows.sort(key=lambda r: float(r.get('seq') or 0))
    panos: dict[tuple, set] = defaultdict(set)
    flagged: dict[tuple, set] = defaultdict(set)  # rows a person is pointed at: warning/error or low_confidence
    for a in anos:
        seq = (a.get('seq') or '').strip()
        seq = str(int(float(seq))) if seq not in ('', 'None', 'nan') else '0'
        k = _row_key(a.get('source_file'), a.get('form_index', ''))
        panos[k].add((seq, a.get('code', '').strip()))
        if a.get('severity', '').strip() in ('warning', 'error') or a.get('code', '').strip() == 'low_confidence':
            flagged[k].add(seq)

    agg: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    details: list[tuple] = []
    for g in gts:
        src = g['source_file']
        fmt = fmt_of(src, manifest)
        for gf in g['forms']:
            k = (os.path.basename(src), str(gf['form_index']))
            pf = pforms.get(k)
            both = (agg[fmt], agg['ALL'])
            for T in both:
                T['forms'] += 1
                T['forms_found'] += pf is not None
            for fld in HEADER_FIELDS:
                if fld == 'agency' and gf.get(fld) is None:
                    continue
                ok = pf is not None and field_eq(fld, gf.get(fld), pf.get(fld))
                for T in both:
                    T['hdr_n'] += 1
                    T['hdr_ok'] += ok
                if not ok:
                    details.append((src, gf['form_index'], 0, fld, gf.get(fld), pf.get(fld) if pf else None))
            gs = sim(gf.get('overall_goal'), pf.get('overall_goal') if pf else '')
            for T in both:
                T['goal_sim'] += gs
            grows = gf['indicators']
            prows = pinds.get(k, [])
            pairs = align(grows, prows)
            for T in both:
                T['gt_rows'] += len(grows)
                T['pred_rows'] += len(prows)
                T['matched_rows'] += len(pairs)
            matched = dict(pairs)
            for gi, gr in enumerate(grows):
                pr = prows[matched[gi]] if gi in matched else None
                row_exact = pr is not None
                for fld in STRUCT_FIELDS:
                    ok = pr is not None and field_eq(fld, gr.get(fld), pr.get(fld))
                    row_exact = row_exact and ok
                    for T in both:
                        T['fld_n'] += 1
                        T['fld_ok'] += ok
                    if not ok:
                        details.append((src, gf['form_index'], gr['seq'], fld, gr.get(fld),
                                        pr.get(fld) if pr else None))
                for fld in TEXT_FIELDS:
                    s = sim(gr.get(fld), pr.get(fld)) if pr is not None else 0.0
                    row_exact = row_exact and s == 1.0
                    for T in both:
                        T['txt_n'] += 1
                        T['txt_sim'] += s
                        T['txt_exact'] += s == 1.0
                    if s < 1.0 and pr is not None:
                        details.append((src, gf['form_index'], gr['seq'], fld, gr.get(fld), pr.get(fld)))
                is_flagged = pr is not None and str(int(float(pr.get('seq') or 0))) in flagged.get(k, set())
                for T in both:
                    T['rows_exact'] += row_exact
                    if pr is not None:
                        T['rows_seen'] += 1
                        T['rows_flagged'] += is_flagged
                        if not row_exact:
                            T['rows_wrong'] += 1
                            T['wrong_flagged'] += is_flagged
            got = panos.get(k, set())
            for seq, code in gf.get('must_flag', []):
                if seq == 0:
                    pseq: str | None = '0'
                else:
                    pi = matched.get(seq - 1)
                    pseq = str(int(float(prows[pi].get('seq')))) if pi is not None else None
                ok = pseq is not None and ((pseq, code) in got or (seq == 0 and any(c == code for _, c in got)))
                for T in both:
                    T['flag_n'] += 1
                    T['flag_ok'] += ok
                if not ok:
                    details.append((src, gf['form_index'], seq, 'anomaly', code, None))
    return agg, details


def summarize(agg: dict) -> dict[str, dict[str, float]]:
    out = {}
    for fmt, T in agg.items():
        def ratio(a: str, b: str, T: dict = T) -> float:
            return (T[a] / T[b]) if T[b] else float('nan')
        out[fmt] = {
            'forms': int(T['forms']),
            'form_recall': ratio('forms_found', 'forms'),
            'header_acc': ratio('hdr_ok', 'hdr_n'),
            'goal_sim': ratio('goal_sim', 'forms'),
            'row_recall': ratio('matched_rows', 'gt_rows'),
            'row_precision': ratio('matched_rows', 'pred_rows'),
            'field_acc': ratio('fld_ok', 'fld_n'),
            'text_sim': ratio('txt_sim', 'txt_n'),
            'rows_exact': ratio('rows_exact', 'gt_rows'),
            'flag_recall': ratio('flag_ok', 'flag_n'),
            'err_capture': ratio('wrong_flagged', 'rows_wrong'),
            'flag_rate': ratio('rows_flagged', 'rows_seen'),
        }
    return out


LABELS = {'flag_recall': 'anomaly_recall'}


def format_table(summary: dict[str, dict[str, float]]) -> str:
    """Per format, then ALL: the score.py columns (flag_recall shown as anomaly_recall)."""
    lines = [f'{"format":<14}' + ''.join(f'{LABELS.get(c, c):>15}' for c in SUMMARY_COLUMNS)]
    for fmt in sorted(summary, key=lambda x: (x == 'ALL', x)):
        r = summary[fmt]
        lines.append(f'{fmt:<14}' + ''.join(f'{r[c]:>15d}' if c == 'forms' else f'{r[c]:>15.3f}'
                                            for c in SUMMARY_COLUMNS))
    return '\n'.join(lines)


def write_json(path: Path, summary: dict, details: list) -> None:
    path.write_text(json.dumps({'summary': summary, 'details': [list(map(str, d)) for d in details]},
                               ensure_ascii=False, indent=1), encoding='utf-8')
