"""Write the damaged renderings of the seed as a corpus: ``python -m tests.textdamage.build OUT``.

OUT gets one ``seed_<variant>.md`` per damage variant (and ``seed_<variant>.docx``, one paragraph
per line, for the variants a converted document shows), ``gt/<file>.json`` with the records each
must extract to, and ``manifest.csv`` (format ``textdamage_<variant>``) for score.py.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from tests.textdamage.damage import DOCX_VARIANTS, VARIANTS, as_docx, expected

SEED_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
SEED = SEED_DIR / "zhijiang_2024_forms.md"
SEED_GT = SEED_DIR / "zhijiang_2024_forms.md.json"


def build(out: Path) -> list[Path]:
    text = SEED.read_text(encoding="utf-8")
    gt = json.loads(SEED_GT.read_text(encoding="utf-8"))
    (out / "gt").mkdir(parents=True, exist_ok=True)
    written = []
    rows = []
    for name, damage in VARIANTS.items():
        file = f"seed_{name}.md"
        (out / file).write_text(damage(text), encoding="utf-8")
        (out / "gt" / f"{file}.json").write_text(
            json.dumps(expected(gt, name, file), ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append({"file": file, "format": f"textdamage_{name}", "n_forms": len(gt["forms"])})
        written.append(out / file)
    for name in DOCX_VARIANTS:
        file = f"seed_{name}.docx"
        as_docx(VARIANTS[name](text), out / file)
        (out / "gt" / f"{file}.json").write_text(
            json.dumps(expected(gt, name, file), ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append({"file": file, "format": f"textdamage_docx_{name}", "n_forms": len(gt["forms"])})
        written.append(out / file)
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "format", "n_forms"])
        w.writeheader()
        w.writerows(rows)
    return written


if __name__ == "__main__":
    build(Path(sys.argv[1]))
