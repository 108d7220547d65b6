"""The benchmark's generated batch and its figures (the timed runs themselves belong to make bench)."""
from __future__ import annotations

import random
import re
from pathlib import Path

from pipeline import bench

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "zhijiang_2024_forms.md"


def test_vary_text_changes_numbers_years_and_people_but_not_the_shape():
    text = "( 2024 ) 年度\n项目资金\t120.50\t≥95%\n填表人：张三\t联系电话\n完成率\t98%\n2024年目标\n"
    varied = bench.vary_text(text, random.Random(7))
    assert varied != text
    years = re.findall(r"20\d\d", varied)
    assert len(years) == 2 and len(set(years)) == 1  # the same year everywhere in one document
    assert any(bench.vary_text(text, random.Random(n)).count("2024") == 0 for n in range(5))
    assert "张三" not in varied and re.search(r"填表人：[\u4e00-\u9fff]{2,3}\t", varied)
    assert re.search(r"\t\d+\.\d{2}\t", varied)  # the amount keeps its two decimals
    percent = float(re.search(r"≥(\d+)%", varied).group(1))
    assert percent <= 100
    assert varied.count("\t") == text.count("\t") and varied.count("\n") == text.count("\n")


def test_varied_copies_of_the_seed_differ_from_each_other():
    text = SEED.read_text(encoding="utf-8")
    rng = random.Random(1)
    copies = {bench.vary_text(text, rng) for _ in range(20)}
    assert len(copies) == 20


def test_build_batch_writes_the_requested_sizes(tmp_path):
    dirs = bench.build_batch(tmp_path, text_docs=12, pdf_copies=3, scan_pages=5)
    texts = sorted(dirs["text"].iterdir())
    assert len(texts) == 12 and len({p.read_bytes() for p in texts}) == 12
    if bench.SHARED.is_dir():
        assert len(list(dirs["pdf"].iterdir())) == 3
        scans = list(dirs["scan"].iterdir())
        pages = sum(2 if p.suffix == ".tif" else 1 for p in scans)
        assert pages >= 5


def test_stage_split_separates_engine_time_per_kind():
    run = {"inputs": [
        {"source_file": "a.md", "status": "succeeded", "pages": 1, "counts": {"forms": 2},
         "timings": {"extract": 0.01, "total": 0.02}},
        {"source_file": "b.png", "status": "succeeded", "pages": 1, "counts": {"forms": 1},
         "timings": {"ocr": 3.0, "total": 4.0}},
        {"source_file": "c.tif", "status": "succeeded", "pages": 2, "counts": {"forms": 1},
         "timings": {"ocr": 5.0, "total": 6.0}},
        {"source_file": "d.tif", "status": "cached", "pages": 2, "counts": {"forms": 1},
         "timings": {"ocr": 5.0, "total": 6.0}},
    ]}
    split = bench.stage_split(run)
    assert split["text"]["forms_per_s"] == 100.0
    assert split["scan"]["pages"] == 3 and split["scan"]["s_per_page"] == round(10 / 3, 3)
    assert split["scan"]["engine_s_per_page"] == round(8 / 3, 3)
    assert split["scan"]["pipeline_s_per_page"] == round(2 / 3, 3)
