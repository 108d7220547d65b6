"""The review report driven in headless Chromium (Debian's /usr/bin/chromium, never a downloaded one).

The end-to-end test runs the real pipeline on the seed: extract with --report, open the overview,
open a form, correct cells, export corrections.csv, extract again with --corrections and find the
corrected values in the tables. The markup test checks that document text never runs as script.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).parent / "fixtures" / "review"
SEED = SHARED / "seed" / "zhijiang_2024_forms.md"
TEXT_PDF = SHARED / "dev-corpus" / "dev_003.pdf"
SCAN_PNG = SHARED / "dev-corpus" / "dev_010.png"
XSS = "<script>alert(1)</script>"
SCAN_ID, PDF_ID, TEXT_ID = "f0a1b2c3d4e5f607", "9e8d7c6b5a493827", "5566778899aabbcc"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(make setup installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[dev]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh page (own localStorage) that records dialogs, script errors and network requests."""
    context = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    pg = context.new_page()
    pg.dialogs, pg.errors, pg.requests = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


@pytest.fixture()
def fixture_report(tmp_path) -> Path:
    from pipeline.review import write_report

    out = tmp_path / "out"
    shutil.copytree(FIXTURE, out, ignore=shutil.ignore_patterns("*.py"))
    return write_report(out)


def jixiao(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def edit(page, selector: str, text: str) -> None:
    cell = page.locator(selector)
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def export(page, dest: Path) -> Path:
    with page.expect_download() as info:
        page.click("[data-export-corrections]")
    download = info.value
    assert download.suggested_filename == "corrections.csv"
    download.save_as(dest)
    return dest


def only_local(requests: list[str]) -> bool:
    return all(u.startswith(("file://", "blob:", "data:")) for u in requests)


def test_markup_in_cells_shows_as_text_and_runs_nothing(page, fixture_report):
    page.goto(fixture_report.as_uri())
    link = page.locator(f"tr[data-form-id='{TEXT_ID}'] a.form-link")
    assert link.inner_text() == f"标记测试 {XSS}"
    link.click()
    page.wait_for_selector("[data-indicator-table]")
    assert page.locator("tr[data-seq='1'] [data-field='level3']").inner_text() == XSS
    assert page.locator("[data-field='agency']").inner_text() == "</script><b>粗体</b>"
    assert page.locator("h1").inner_text() == f"标记测试 {XSS}"
    assert page.locator("main b, main i, main img").count() == 0
    # a person types markup into a cell: it stays text after a reload and in the export
    edit(page, "tr[data-seq='2'] [data-field='note']", '<img src=x onerror="alert(2)">')
    page.reload()
    page.wait_for_selector("[data-indicator-table]")
    assert page.locator("tr[data-seq='2'] [data-field='note']").inner_text() == '<img src=x onerror="alert(2)">'
    assert page.locator("main img").count() == 0
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert only_local(page.requests)


def test_exported_csv_round_trips_commas_quotes_and_line_breaks(page, fixture_report, tmp_path):
    from pipeline.corrections import load_corrections

    page.goto((fixture_report.parent / "forms" / f"{PDF_ID}.html").as_uri())
    cell = page.locator("tr[data-seq='3'] [data-field='explanation']")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('含逗号,和"引号"')
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("第二行")
    page.keyboard.press("Enter")
    edit(page, ".header-fields [data-field='fund_total']", "1,600.5")
    (c_header, c_row) = load_corrections(export(page, tmp_path / "c.csv"))
    assert (c_header.form_id, c_header.seq, c_header.field, c_header.value) == (PDF_ID, 0, "fund_total", "1,600.5")
    assert (c_row.form_id, c_row.seq, c_row.field, c_row.value) == (PDF_ID, 3, "explanation", '含逗号,和"引号"\n第二行')
    page.reload()
    assert page.locator("tr[data-seq='3'] [data-field='explanation']").inner_text() == '含逗号,和"引号"\n第二行'
    assert page.errors == []


def test_overview_filters_and_sorts_forms(page, fixture_report):
    page.goto(fixture_report.as_uri())
    visible = lambda: [r.get_attribute("data-form-id")
                       for r in page.locator("[data-forms-table] tbody tr:visible").all()]
    assert visible() == [SCAN_ID, PDF_ID, TEXT_ID]
    page.check("[data-filter-errors]")
    assert visible() == [PDF_ID]
    page.uncheck("[data-filter-errors]")
    page.select_option("[data-filter-confidence]", "0.8")
    assert visible() == [SCAN_ID]
    page.select_option("[data-filter-confidence]", "")
    page.fill("[data-filter-text]", "markup")
    assert visible() == [TEXT_ID]
    page.fill("[data-filter-text]", "")
    page.click("th:has-text('warnings')")
    assert visible() == [TEXT_ID, SCAN_ID, PDF_ID]
    page.click("th:has-text('warnings')")
    assert visible() == [PDF_ID, SCAN_ID, TEXT_ID]
    assert page.errors == [] and only_local(page.requests)


def test_clicking_a_row_highlights_its_cells_on_the_page_image(page, fixture_report):
    page.goto((fixture_report.parent / "forms" / f"{SCAN_ID}.html").as_uri())
    page.wait_for_function("document.querySelector('.page-stack img').complete")
    assert page.locator(".page-stack img").evaluate("img => img.naturalWidth") == 1200
    page.click("tr[data-seq='6'] td.col-seq")
    active = page.locator(".box.active")
    assert active.count() == 8
    assert {b.get_attribute("data-seq") for b in active.all()} == {"6"}
    assert page.locator("tr.indicator-row.active").get_attribute("data-seq") == "6"
    # the drawn box lies over the drawn cell: compare on-screen geometry with the image scale
    img = page.locator(".page-stack img").bounding_box()
    box = active.first.bounding_box()
    scale = img["width"] / 1200
    # (a box's on-screen extent includes its stroke, so compare centres and allow the stroke in the width)
    assert abs(box["x"] + box["width"] / 2 - (img["x"] + (40 + 150) / 2 * scale)) < 1
    assert abs(box["y"] + box["height"] / 2 - (img["y"] + (150 + 66 * 6 + 33) * scale)) < 1
    assert 0 <= box["width"] - 110 * scale < 4
    # and a click on a box selects its row
    page.locator(".box[data-seq='3']").first.click(force=True)
    assert page.locator("tr.indicator-row.active").get_attribute("data-seq") == "3"
    assert page.errors == []


@pytest.mark.needs_shared("seed", SEED.name)
def test_edit_export_and_rerun_with_corrections_end_to_end(page, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    seed = work / SEED.name
    shutil.copyfile(SEED, seed)
    first, second = tmp_path / "run1", tmp_path / "run2"
    jixiao("extract", str(seed), "--out", str(first), "--report", cwd=work)
    forms = rows(first / "forms.csv")
    dept = next(f for f in forms if f["form_kind"] == "department")
    before = {r["seq"]: r for r in rows(first / "indicators.csv") if r["form_id"] == dept["form_id"]}
    assert before["2"]["value"] == "2"

    page.goto((first / "report" / "index.html").as_uri())
    assert page.locator("section.cards .card").first.locator(".num").inner_text() == "1"
    page.click(f"tr[data-form-id='{dept['form_id']}'] a.form-link")
    page.wait_for_selector("[data-indicator-table]")
    assert page.locator("body").get_attribute("data-form-id") == dept["form_id"]
    edit(page, "tr[data-seq='2'] [data-field='value']", "3")
    edit(page, "tr[data-seq='4'] [data-field='level3']", "发放不动产权证书和证明")
    edit(page, ".header-fields [data-field='unit_head']", "李艳军（已核）")
    assert page.locator(".editable.edited").count() == 3
    assert page.locator("[data-edit-count]").inner_text() == "3 corrections"
    exported = export(page, tmp_path / "corrections.csv")
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
    assert [(r["form_id"], r["seq"], r["field"], r["value"], r["original"]) for r in rows(exported)] == [
        (dept["form_id"], "0", "unit_head", "李艳军（已核）", "李艳军"),
        (dept["form_id"], "2", "value", "3", "2"),
        (dept["form_id"], "4", "level3", "发放不动产权证书和证明", before["4"]["level3"]),
    ]

    jixiao("extract", str(seed), "--out", str(second), "--corrections", str(exported), "--report", cwd=work)
    after = {r["seq"]: r for r in rows(second / "indicators.csv") if r["form_id"] == dept["form_id"]}
    assert (after["2"]["value"], float(after["2"]["value_num"])) == ("3", 3.0)
    assert after["4"]["level3"] == "发放不动产权证书和证明"
    assert after["3"] == before["3"]
    assert next(f for f in rows(second / "forms.csv") if f["form_id"] == dept["form_id"])["unit_head"] == "李艳军（已核）"
    logged = [(a["seq"], a["field"], a["raw_value"], a["fixed_value"], a["severity"])
              for a in rows(second / "anomalies.csv") if a["code"] == "manual_correction"]
    assert sorted(logged) == sorted([("", "unit_head", "李艳军", "李艳军（已核）", "info"), ("2", "value", "2", "3", "info"),
                                     ("4", "level3", before["4"]["level3"], "发放不动产权证书和证明", "info")])

    # in a browser that never saw the edits, the new report shows them applied and exports them again
    fresh = page.context.browser.new_context(accept_downloads=True)
    try:
        p2 = fresh.new_page()
        p2.goto((second / "report" / "index.html").as_uri())
        p2.click(f"tr[data-form-id='{dept['form_id']}'] a.form-link")
        # review.js marks corrected cells once it has run: wait for it, not for the load event alone
        # (read at once, the class was missing on one clean CI run)
        value = p2.wait_for_selector("tr[data-seq='2'] [data-field='value'].corrected", timeout=10000)
        assert value.inner_text() == "3"
        anomalies = p2.locator("tr[data-seq='2'] td.col-anomalies").inner_text()
        assert "manual_correction" in anomalies
        edit(p2, "tr[data-seq='3'] [data-field='unit']", "个（处）")
        again = export(p2, tmp_path / "corrections2.csv")
        assert {(r["seq"], r["field"], r["value"]) for r in rows(again)} == {
            ("0", "unit_head", "李艳军（已核）"), ("2", "value", "3"), ("4", "level3", "发放不动产权证书和证明"),
            ("3", "unit", "个（处）")}
    finally:
        fresh.close()
    assert page.dialogs == [] and page.errors == [] and only_local(page.requests)


def check_overlay_of_real_run(page, source: Path, tmp_path: Path) -> dict:
    """Extract one real file with --report, open its form, click row 1: its boxes lie on the page image."""
    local = tmp_path / "in" / source.name
    local.parent.mkdir()
    shutil.copyfile(source, local)
    out = tmp_path / "out"
    jixiao("extract", str(local), "--out", str(out), "--report", "--workers", "1", cwd=tmp_path)
    (form,) = rows(out / "forms.csv")
    page.goto((out / "report" / "forms" / f"{form['form_id']}.html").as_uri())
    page.wait_for_function("Array.from(document.querySelectorAll('.page-stack img')).every(i => i.complete)")
    figures = page.locator("figure.page-figure")
    assert figures.count() == int(form["page_end"]) - int(form["page_start"]) + 1
    assert page.locator(".page-stack img").first.evaluate("img => img.naturalWidth") > 0
    page.click("tr[data-seq='1'] td.col-seq")
    active = page.locator(".box.active")
    assert active.count() >= 3
    img = page.locator(".page-stack img").first.bounding_box()
    for b in (a.bounding_box() for a in active.all()):
        assert img["x"] - 2 <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 2
        assert img["y"] - 2 <= b["y"] and b["y"] + b["height"] <= img["y"] + img["height"] + 2
    assert page.errors == [] and only_local(page.requests)
    return {"form": form, "viewbox": page.locator("svg.overlay").first.get_attribute("viewBox"),
            "first": rows(out / "indicators.csv")[0]}


@pytest.mark.needs_shared("dev-corpus", TEXT_PDF.name)
def test_text_pdf_page_image_with_boxes_from_the_real_pipeline(page, tmp_path):
    got = check_overlay_of_real_run(page, TEXT_PDF, tmp_path)
    # PDF boxes are in points: the overlay spans the page size the rows give
    width, height = (float(v) for v in got["first"]["page_size"].split(","))
    assert got["viewbox"] == f"0 0 {width} {height}"


@pytest.mark.slow
@pytest.mark.needs_shared("dev-corpus", SCAN_PNG.name)
def test_scanned_page_image_with_boxes_from_the_real_pipeline(page, tmp_path):
    from PIL import Image

    got = check_overlay_of_real_run(page, SCAN_PNG, tmp_path)
    assert got["form"]["extractor"].startswith("scan:")
    # scan boxes are in the image's own pixels: the overlay spans the whole source image
    with Image.open(SCAN_PNG) as im:
        assert got["viewbox"] == f"0 0 {float(im.width)} {float(im.height)}"


def test_markup_from_an_xlsx_cell_shows_as_text_and_runs_nothing(page, tmp_path):
    """Issue 14: text that survives into the data as markup, from a real workbook through the real
    pipeline, is shown as text on the review page and runs nothing."""
    from hostile_inputs import xlsx_with_rows

    img, breakout = "<img src=x onerror=alert(1)>", '"><script>alert(2)</script>'
    lines = SEED.read_text(encoding="utf-8").split("\n")[:40]  # the seed's first form
    sheet = [line.replace("预算支出金额", img).replace("芷江侗族自治县自然资源局", breakout).split("\t")
             for line in lines]
    (tmp_path / "in").mkdir()
    xlsx_with_rows(tmp_path / "in" / "markup.xlsx", rows=sheet)
    out = tmp_path / "out"
    jixiao("extract", str(tmp_path / "in"), "--out", str(out), "--no-cache", "--quiet", "--workers", "1",
           "--report", cwd=Path(__file__).resolve().parents[1])
    [form] = rows(out / "forms.csv")
    assert form["agency"] == breakout
    assert img in [r["level3"] for r in rows(out / "indicators.csv")]
    page.goto((out / "report" / "index.html").as_uri())
    page.locator(f"tr[data-form-id='{form['form_id']}'] a.form-link").click()
    page.wait_for_selector("[data-indicator-table]")
    assert page.locator("[data-field='level3']", has_text="<img").first.inner_text() == img
    assert page.locator("[data-field='agency']").inner_text() == breakout
    assert page.locator("main img, main script").count() == 0
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert only_local(page.requests)
