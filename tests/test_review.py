"""The review report, built from the hand-made run output in tests/fixtures/review/."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from PIL import Image

from pipeline.review import bar_chart, histogram, read_batch, write_report

FIXTURE = Path(__file__).parent / "fixtures" / "review"
XSS = "<script>alert(1)</script>"
SCAN_ID, PDF_ID, TEXT_ID = "f0a1b2c3d4e5f607", "9e8d7c6b5a493827", "5566778899aabbcc"


@pytest.fixture()
def out_dir(tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(FIXTURE, out, ignore=shutil.ignore_patterns("*.py"))
    return out


@pytest.fixture()
def report(out_dir) -> Path:
    return write_report(out_dir)


def _doc(path: Path):
    """The page as lxml parses HTML (attribute names folded to lower case: viewBox -> viewbox)."""
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def test_report_writes_overview_a_page_per_form_and_its_assets(report, out_dir):
    assert report == out_dir / "report" / "index.html"
    doc = _doc(report)
    links = doc.xpath("//table[@data-forms-table]//a[@class='form-link']/@href")
    assert links == [f"forms/{SCAN_ID}.html", f"forms/{PDF_ID}.html", f"forms/{TEXT_ID}.html"]
    for href in links:
        assert (report.parent / href).is_file()
    for asset in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
        assert (report.parent / asset).is_file(), asset
    # nothing is fetched from the network
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html


def test_overview_counts_files_forms_indicators_and_failed_files(report):
    doc = _doc(report)
    cards = {c.xpath("string(.//div[@class='cap'])"): c.xpath("string(.//div[@class='num'])")
             for c in doc.xpath("//section[@class='cards']/div")}
    assert cards == {"files": "4", "forms": "3", "indicators": "30", "anomalies": "23", "failed files": "1"}
    failed = doc.xpath("//h2[text()='Failed files']/following-sibling::table//tbody/tr")
    assert [r.xpath("string(td[1])") for r in failed] == ["broken.pdf"]
    assert "no cross-reference table" in failed[0].xpath("string(td[4])")


def test_forms_table_carries_the_sort_and_filter_keys(report):
    rows = _doc(report).xpath("//table[@data-forms-table]/tbody/tr")
    keys = [(r.get("data-form-id"), r.get("data-errors"), r.get("data-warnings"), float(r.get("data-min-confidence")))
            for r in rows]
    assert keys == [(SCAN_ID, "0", "3", 0.71), (PDF_ID, "1", "5", 1.0), (TEXT_ID, "0", "1", 1.0)]


def test_markup_in_document_text_is_escaped_everywhere(report):
    pages = [report, *sorted((report.parent / "forms").glob("*.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert XSS not in html and "</script><b>" not in html
        doc = _doc(page)
        # the only scripts are the bundled file; no inline code carries document text
        assert [(s.get("src"), (s.text or "").strip()) for s in doc.xpath("//script")] == [
            (("../" if page.parent.name == "forms" else "") + "static/review.js", "")]
    form = _doc(report.parent / "forms" / f"{TEXT_ID}.html")
    assert form.xpath("string(//tr[@data-seq='1']//div[@data-field='level3'])") == XSS
    assert form.xpath("//tr[@data-seq='1']//div[@data-field='level3']/@data-original") == [XSS]
    assert form.xpath("string(//h1)") == f"标记测试 {XSS}"
    assert form.xpath("string(//div[@data-field='agency'])") == "</script><b>粗体</b>"
    assert not form.xpath("//b[text()='粗体']") and not form.xpath("//i[text()='amp']")


def test_each_anomaly_stands_beside_its_row_with_raw_and_fixed(report):
    doc = _doc(report.parent / "forms" / f"{SCAN_ID}.html")
    row10 = doc.xpath("//tr[@data-seq='10']")[0]
    assert row10.get("class").split()[:2] == ["indicator-row", "sev-info"]
    codes = [s.text for s in row10.xpath(".//td[@class='col-anomalies']//span[contains(@class,'pill')]")]
    assert sorted(codes) == ["column_shift", "level1_inferred"]
    assert row10.xpath("string(.//td[@class='col-anomalies']//ins)") == "效益指标"
    row16 = doc.xpath("//tr[@data-seq='16']")[0]
    assert "sev-warning" in row16.get("class")
    assert "flag-warning" in row16.xpath(".//td[contains(@class,'col-operator')]/@class")[0]
    form_level = doc.xpath("//ul[@class='anomaly-list']/li")
    assert len(form_level) == 1 and "date_invalid" in form_level[0].text_content()
    assert form_level[0].xpath("string(.//del)") == "2023.12.1O"


def _overlay(doc):
    (svg,) = doc.xpath("//svg[@class='overlay']")
    img = svg.getparent().xpath("img")[0]
    return svg, img


def test_scan_page_image_and_boxes_share_the_image_pixel_space(report, out_dir):
    doc = _doc(report.parent / "forms" / f"{SCAN_ID}.html")
    svg, img = _overlay(doc)
    assert svg.get("viewbox") == "0 0 1200.0 1300.0"
    rendered = Image.open(report.parent / "forms" / img.get("src"))
    assert rendered.size == (1200, 1300)  # no wider than page_image_width, so kept as is
    boxes = svg.xpath(".//rect[@data-seq='6']")
    indicators = pd.read_csv(out_dir / "indicators.csv", encoding="utf-8-sig")
    cells = json.loads(indicators.loc[(indicators.form_id == SCAN_ID) & (indicators.seq == 6), "cell_boxes"].iloc[0])
    assert [(float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))) for b in boxes] == [
        (c[0], c[1], c[2] - c[0], c[3] - c[1]) for c in cells]
    # row 6 was read with confidence 0.71 (< 0.80): low; its value cell 0.66
    assert all("tone-low" in b.get("class") for b in boxes)
    assert all("sev-warning" in b.get("class") for b in boxes)
    assert len(svg.xpath(".//rect")) == 16 * 8


def test_pdf_page_is_rendered_and_boxes_stay_in_points(report):
    doc = _doc(report.parent / "forms" / f"{PDF_ID}.html")
    (figure,) = doc.xpath("//figure[@class='page-figure']")
    assert figure.get("data-page") == "2"
    svg, img = _overlay(doc)
    assert svg.get("viewbox") == "0 0 864.0 792.0"  # 1200 x 1100 px at 100 dpi, in points
    rendered = Image.open(report.parent / "forms" / img.get("src"))
    assert rendered.width == 1400 and abs(rendered.height / rendered.width - 792 / 864) < 0.002
    assert rendered.getpixel((5, 5)) == (255, 255, 255)
    # the drawn table's ruling is where the first box says (page 2, not the blank page 1)
    first = svg.xpath(".//rect[@data-seq='1']")[0]
    scale = 1400 / 864
    x, y = float(first.get("x")) * scale, float(first.get("y")) * scale
    dark = [rendered.getpixel((round(x) + dx, round(y) + 6))[0] for dx in range(-3, 4)]
    assert min(dark) < 128
    assert all("sev-error" in r.get("class") for r in svg.xpath(".//rect[@data-seq='1']"))


def test_text_source_has_no_page_image(report):
    doc = _doc(report.parent / "forms" / f"{TEXT_ID}.html")
    assert not doc.xpath("//figure") and not doc.xpath("//p[@class='notice']")


def test_missing_source_file_is_explained_instead_of_failing(out_dir):
    (out_dir / "zhijiang_scan.png").unlink()
    doc = _doc(write_report(out_dir).parent / "forms" / f"{SCAN_ID}.html")
    assert not doc.xpath("//figure")
    assert "no longer at" in doc.xpath("string(//p[@class='notice'])")


def test_multi_page_tiff_renders_the_frame_of_the_form(out_dir):
    frames = [Image.new("RGB", (400, 300), color) for color in ("white", (200, 0, 0))]
    frames[0].save(out_dir / "scan.tif", save_all=True, append_images=frames[1:])
    forms = pd.read_csv(out_dir / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    forms.loc[forms.form_id == SCAN_ID, ["page_start", "page_end"]] = "2"
    forms.to_csv(out_dir / "forms.csv", index=False, encoding="utf-8-sig")
    ind = pd.read_csv(out_dir / "indicators.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    ind.loc[ind.form_id == SCAN_ID, "page"] = "2"
    ind.to_csv(out_dir / "indicators.csv", index=False, encoding="utf-8-sig")
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    run["inputs"][0]["path"] = str(out_dir / "scan.tif")  # absolute, as the batch writes it
    (out_dir / "run.json").write_text(json.dumps(run), encoding="utf-8")
    doc = _doc(write_report(out_dir).parent / "forms" / f"{SCAN_ID}.html")
    (figure,) = doc.xpath("//figure")
    assert figure.get("data-page") == "2"
    img = Image.open(out_dir / "report" / "forms" / figure.xpath(".//img/@src")[0]).convert("RGB")
    r, g, b = img.getpixel((200, 150))
    assert r > 150 and g < 60 and b < 60
    assert figure.xpath(".//svg/@viewbox") == ["0 0 1200.0 1300.0"]  # page_size of the rows wins


def test_report_reads_parquet_without_csv_and_works_without_run_json(out_dir):
    for name in ("forms", "indicators", "anomalies"):
        frame = pd.read_csv(out_dir / f"{name}.csv", encoding="utf-8-sig")
        frame.to_parquet(out_dir / f"{name}.parquet")
        (out_dir / f"{name}.csv").unlink()
    (out_dir / "run.json").unlink()
    batch = read_batch(out_dir)
    assert (len(batch.forms), len(batch.indicators), len(batch.anomalies)) == (3, 30, 23)
    assert batch.problems == []
    doc = _doc(write_report(out_dir))
    files = doc.xpath("//h2[text()='Files']/following-sibling::table//tbody/tr/td[1]/text()")
    assert sorted(files) == ["broken.pdf", "notes/markup.md", "zhijiang_project.pdf", "zhijiang_scan.png"]
    assert doc.xpath("string(//div[@class='card bad']//div[@class='num'])") == "1"  # broken.pdf, from anomalies
    # no run.json: nothing says where the sources are, so the form page says so
    form = _doc(out_dir / "report" / "forms" / f"{SCAN_ID}.html")
    assert "does not record where the source file is" in form.xpath("string(//p[@class='notice'])")


def test_unreadable_rows_are_reported_not_fatal(out_dir):
    text = (out_dir / "indicators.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("seq")] = "first"
    (out_dir / "indicators.csv").write_text("\n".join([lines[0], ",".join(bad), *lines[2:]]), encoding="utf-8-sig")
    (out_dir / "run.json").write_text("{not json", encoding="utf-8")
    batch = read_batch(out_dir)
    assert len(batch.indicators) == 29
    assert any("indicators row 1" in p for p in batch.problems)
    assert any("run.json" in p for p in batch.problems)
    doc = _doc(write_report(out_dir))
    assert "indicators row 1" in doc.xpath("string(//section[contains(@class,'notice')])")


def test_batch_where_every_file_failed_still_gets_an_overview(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "forms.csv").write_bytes(b"")  # a zero-byte table
    (out / "indicators.csv").write_text("form_id,seq\n", encoding="utf-8-sig")
    (out / "anomalies.csv").write_text(
        "source_file,code,severity,message\nscan.tif,unreadable_file,error,the TIFF is truncated\n",
        encoding="utf-8-sig")
    (out / "run.json").write_text(json.dumps({"inputs": {"scan.tif": {"status": "failed"}}}), encoding="utf-8")
    doc = _doc(write_report(out))
    assert doc.xpath("string(//div[@class='card bad']//div[@class='num'])") == "1"
    failed = doc.xpath("//h2[text()='Failed files']/following-sibling::table//tbody/tr")
    assert [r.xpath("string(td[1])") for r in failed] == ["scan.tif"]
    assert "the TIFF is truncated" in failed[0].xpath("string(td[4])")
    assert "No forms were found" in doc.xpath("string(//table[@data-forms-table])")
    assert "forms.csv could not be read" in doc.xpath("string(//section[contains(@class,'notice')])")
    assert list((out / "report" / "forms").iterdir()) == []


def test_rerun_removes_pages_of_forms_that_are_gone(out_dir):
    write_report(out_dir)
    forms = pd.read_csv(out_dir / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    forms[forms.form_id != PDF_ID].to_csv(out_dir / "forms.csv", index=False, encoding="utf-8-sig")
    report = write_report(out_dir)
    assert sorted(p.name for p in (report.parent / "forms").iterdir()) == [f"{TEXT_ID}.html", f"{SCAN_ID}.html"]
    assert len(list((report.parent / "pages").iterdir())) == 1


def test_charts_count_anomalies_by_code_indicators_by_level2_and_confidence(report):
    doc = _doc(report)
    (anomalies, level2, hist) = doc.xpath("//svg[contains(@class,'chart')]")
    totals = {g.xpath("string(text[@class='label'])"): int(g.xpath("string(text[@class='value'])"))
              for g in anomalies.xpath(".//g[@class='bar-row']")}
    assert totals["column_shift"] == 11 and totals["operator_conflict"] == 3 and sum(totals.values()) == 23
    l2 = {g.xpath("string(text[@class='label'])"): int(g.xpath("string(text[@class='value'])"))
          for g in level2.xpath(".//g[@class='bar-row']")}
    assert l2["数量指标"] == 9 and sum(l2.values()) == 30
    assert next(iter(l2)) == "经济成本指标"  # ordered by level 1: cost indicators first
    bins = hist.xpath(".//rect[contains(@class,'bin')]")
    assert len(bins) == 20
    assert "low" in bins[14].get("class")  # 0.70-0.75 holds the 0.71 row
    assert "ok" in bins[19].get("class")


def test_bar_chart_geometry_stacks_segments_and_scales_to_the_largest():
    chart = bar_chart([("a", {"error": 2, "warning": 2}), ("b", {"info": 1, "error": 0})], width=300,
                      label_width=100)
    a, b = chart["rows"]
    span = 300 - 100 - 50
    assert [s["w"] for s in a["segments"]] == [span / 2, span / 2]
    assert a["segments"][1]["x"] == 100 + span / 2 and a["end"] == 100 + span
    assert [(s["cls"], s["n"]) for s in b["segments"]] == [("info", 1)]
    assert b["y"] > a["y"] and chart["height"] > b["y"] + chart["bar"]


def test_histogram_bins_edges_and_ignores_nan():
    h = histogram([0.0, 0.049, 0.05, 0.999, 1.0, float("nan")], bins=20)
    counts = [b["n"] for b in h["bins"]]
    assert counts[0] == 2 and counts[1] == 1 and counts[19] == 2 and h["total"] == 5
