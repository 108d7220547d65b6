"""Write held-out documents of the development family as a corpus: input files, gt/, manifest.csv.

The development corpus and the seed are a few documents of one form family (a county's
部门整体支出绩效目标表 / 项目支出绩效目标表: layout A with 指标类型 | 指标值 | 计量单位 columns, layout B
with operator, value and unit in one 指标值 cell). The acceptance checks run on other documents of
that family. This writes such documents: other counties (place names with rare characters such as
溆浦), agencies, people, years and numbers, indicator rows drawn from the family's own rows and the
golden layout set's, in every input kind, the scans rendered and read by the real OCR engine. What
comes out wrong is what OCR and the readers really get wrong, at the rate they really do, which is
the measure of err_capture and flag_rate that damage generators (many damaged rows per form) are not.

    .venv/bin/python -m tests.family.build OUT [--docs 24] [--seed 11] [--kinds tsv,tsv_mid,...]
    .venv/bin/jixiao extract OUT --out OUT.run --no-cache
    python3 ../shared/tools/score.py OUT OUT.run --manifest OUT/manifest.csv

Generated corpora are not committed; needs ../shared beside the checkout (the family's rows).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.layouts import build as layout_build
from tests.layouts.docs.common import footer, kv
from tests.layouts.model import CANONICAL, Cell, Col, Form, Ind, LayoutDoc, indicator_block

from .render_html import ScanStyle, page_html, print_pdf, write_scan

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# County-level places of the seed's province: test data standing for "a county the pipeline has not
# seen" (several with characters OCR engines rarely see: 溆, 汨, 耒, 醴, 沅, 芷).
COUNTIES = [
    "溆浦县", "沅陵县", "辰溪县", "会同县", "中方县", "洪江市", "新晃侗族自治县", "芷江侗族自治县",
    "靖州苗族侗族自治县", "通道侗族自治县", "麻阳苗族自治县", "泸溪县", "凤凰县", "花垣县", "保靖县",
    "古丈县", "永顺县", "龙山县", "桑植县", "慈利县", "汨罗市", "湘阴县", "攸县", "茶陵县", "炎陵县",
    "醴陵市", "涟源市", "冷水江市", "新化县", "隆回县", "洞口县", "绥宁县", "城步苗族自治县", "武冈市",
    "江华瑶族自治县", "宜章县", "嘉禾县", "临武县", "汝城县", "桂东县", "安仁县", "耒阳市", "衡东县",
    "祁东县", "常宁市", "桃江县", "安化县", "沅江市", "南县", "澧县", "临澧县", "石门县",
]
BUREAUS = [
    "教育局", "水利局", "自然资源局", "卫生健康局", "农业农村局", "交通运输局", "民政局", "林业局",
    "住房和城乡建设局", "人力资源和社会保障局", "文化旅游广电体育局", "应急管理局", "市场监督管理局",
    "乡村振兴局", "医疗保障局", "退役军人事务局",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰建国志红春海波宇晨林峰凯斌琳婷欣"
# Column sets of the family: layout A (operator, value, unit apart; a 备注 column) and layout B.
LAYOUT_A = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标类型", "op"),
            Col("指标值", "value"), Col("计量单位", "unit"), Col("指标解释", "explanation"),
            Col("评分标准", "rule"), Col("备注", "note")]
LAYOUT_B = [Col("一级指标", "l1"), Col("二级指标", "l2"), Col("三级指标", "l3"), Col("指标值", "value_unit"),
            Col("指标解释", "explanation"), Col("评分标准", "rule")]
# rows per 二级指标 (low, high); a group is left out when its low is 0 and the draw says so
GROUP_ROWS = {
    "经济成本指标": (1, 2), "社会成本指标": (0, 1), "生态环境成本指标": (0, 1),
    "数量指标": (2, 4), "质量指标": (1, 4), "时效指标": (1, 2),
    "经济效益指标": (0, 1), "社会效益指标": (1, 2), "生态效益指标": (0, 2), "可持续影响指标": (0, 1),
    "服务对象满意度指标": (1, 2),
}
TIME_UNITS = {"天", "月", "年", "个工作日", "日", "小时"}
YEAR = re.compile(r"(?<!\d)20[0-3]\d(?!\d)")


def family_rows() -> list[dict]:
    """The pool of indicator rows: the family's own expected rows (dev corpus and seed, rows a
    correct run must flag left out) and the golden layout set's annual rows under canonical names."""
    pool: dict[str, dict] = {}
    for gt in sorted([*SHARED.glob("dev-corpus/gt/*.json"), *SHARED.glob("seed/gt/*.json")]):
        for form in json.loads(gt.read_text(encoding="utf-8"))["forms"]:
            flagged = {seq for seq, _ in form["must_flag"]}
            for r in form["indicators"]:
                if r["seq"] not in flagged and r["level3"] and r["scoring_rule"]:
                    pool.setdefault(r["level3"], _row(r))
    from tests.layouts.docs import all_docs

    for doc in all_docs():
        for form in doc.forms:
            for r in form.indicators:
                if (r["_flags"] or r.get("target_period") != "annual" or not r.get("scoring_rule")
                        or r["level1_raw"] != r["level1"] or r["level2_raw"] != r["level2"]
                        or r["level2"] not in CANONICAL.get(r["level1"] or "", [])
                        or _conflicting(r)):
                    continue
                pool.setdefault(r["level3"], _row(r))
    return list(pool.values())


def _conflicting(r: dict) -> bool:
    """A cap (≤, <) whose rule rewards reaching the value: the layout set's generic rules; a correct
    run reports operator_conflict there, which is not what this corpus measures."""
    return r["operator"] in ("≤", "<") and not any(w in r["scoring_rule"] for w in ("超", "以内", "不高于", "控制"))


def _row(r: dict) -> dict:
    keep = ("level1", "level2", "level3", "operator", "value", "unit", "explanation", "scoring_rule", "note")
    return {k: r.get(k) for k in keep}


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def varied_value(row: dict, rng: random.Random) -> str:
    """Another target of the same kind: shares, time limits and qualitative values as they are
    (forms set them from a few customary figures), counts at two significant digits, amounts with
    their decimals."""
    value, unit = row["value"], row["unit"] or ""
    if row["operator"] == "定性" or unit in ("%", "‰") or unit in TIME_UNITS:
        return value
    try:
        x = float(value)
    except ValueError:
        return value
    x *= rng.uniform(0.5, 1.8)
    if "万元" in unit or "元" in unit or _decimals(value):
        return f"{x:.{_decimals(value)}f}"
    if x >= 100:
        digits = len(str(int(x)))
        return str(int(round(x, -(digits - 2))))
    return str(max(1, round(x)))


def _swap_number(text: str | None, old: str, new: str) -> str | None:
    if not text or old == new:
        return text
    return re.sub(rf"(?<![\d.]){re.escape(old)}(?![\d.])", new, text)


def make_ind(row: dict, year: int, rng: random.Random, glyph: bool = False, notes: bool = True) -> Ind:
    value = varied_value(row, rng)
    explanation = _swap_number(row["explanation"], row["value"], value) or f"考核{row['level3']}完成情况"
    rule = _swap_number(row["scoring_rule"], row["value"], value)
    explanation = YEAR.sub(str(year), explanation)
    return Ind(row["level1"], row["level2"], row["level3"], row["operator"], value,
               None if row["operator"] == "定性" else row["unit"], explanation=explanation, rule=rule,
               note=row["note"] if notes else None, written_op=f"☑ {row['operator']}" if glyph else None)


def draw_indicators(pool: list[dict], year: int, rng: random.Random, glyph: bool = False,
                    notes: bool = True, aux: random.Random | None = None) -> list[Ind]:
    """Rows for each 二级指标 of the taxonomy in order; with ``aux``, a cost group left without rows is
    sometimes written as a placeholder row naming it and nothing else, as the seed does (its draws
    come from ``aux``, so the documents of a seed stay as they were without it)."""
    by_group: dict[str, list[dict]] = {}
    for r in pool:
        by_group.setdefault(r["level2"], []).append(r)
    inds = []
    for l2s in CANONICAL.values():
        for l2 in l2s:
            low, high = GROUP_ROWS[l2]
            n = rng.randint(low, high) if low else (rng.random() < 0.4) * high
            rows = by_group.get(l2, [])
            drawn = rng.sample(rows, min(n, len(rows)))
            for r in drawn:
                inds.append(make_ind(r, year, rng, glyph, notes))
            if aux is not None and not drawn and l2 in PLACEHOLDER_GROUPS and aux.random() < 0.5:
                inds.append(Ind(taxonomy_parent(l2), l2, "", "", ""))
    return inds


PLACEHOLDER_GROUPS = ("社会成本指标", "生态环境成本指标")


def taxonomy_parent(l2: str) -> str:
    return next(l1 for l1, l2s in CANONICAL.items() if l2 in l2s)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def goal_text(agency: str, year: int, rng: random.Random, goals: list[str]) -> str:
    """A goal of the family's wording: the year and agency, then clauses of the family's goals."""
    clauses = [c for g in goals for c in re.split(r"[；;。]", g) if 8 <= len(c) <= 60 and not YEAR.search(c)]
    picked = rng.sample(clauses, min(len(clauses), rng.randint(2, 4)))
    return f"{year}年，{agency}" + "；".join(picked) + "。"


def family_goals() -> list[str]:
    goals = []
    for gt in sorted(SHARED.glob("dev-corpus/gt/*.json")):
        for form in json.loads(gt.read_text(encoding="utf-8"))["forms"]:
            if form.get("overall_goal"):
                goals.append(form["overall_goal"])
    return goals


def make_form(pool: list[dict], goals: list[str], rng: random.Random, cols: list[Col],
              aux: random.Random | None = None) -> Form:
    county = rng.choice(COUNTIES)
    agency = county + rng.choice(BUREAUS)
    year = rng.randint(2021, 2026)
    # layout A's 指标类型 cell is a ticked checkbox before the sign in half the documents (dev_010)
    inds = draw_indicators(pool, year, rng, glyph=cols is LAYOUT_A and rng.random() < 0.5,
                           notes=any(c.kind == "note" for c in cols), aux=aux)
    goal = goal_text(agency, year, rng, goals)
    width = len(cols) + 1
    block, records = indicator_block(inds, cols)
    records = [r for r in records if r["level3"]]  # placeholder rows are no indicators
    block[0] = [Cell("绩效指标", rowspan=len(block)), *block[0]]
    fill = (year - 1, rng.randint(9, 12), rng.randint(1, 28))
    foot = (person(rng), "1" + "".join(rng.choice("3456789") for _ in range(1)) +
            "".join(rng.choice("0123456789") for _ in range(9)), f"{fill[0]}年{fill[1]}月{fill[2]}日", person(rng))
    record = {"year": year, "overall_goal": goal, "preparer": foot[0], "phone": foot[1],
              "fill_date": f"{fill[0]}-{fill[1]:02d}-{fill[2]:02d}", "unit_head": foot[3]}
    if rng.random() < 0.5:
        title = rng.choice(["部门整体支出绩效目标表", "部门(单位)整体绩效目标表"])
        grid = [kv("年度总体目标", goal, width), *block]
        record.update(form_kind="department", agency=agency)
        before = [title, f"（{year}）年度", agency]
    else:
        project = rng.choice([p for p in _project_names() if p]) if _project_names() else "专项资金项目"
        # the year's funds cover the amounts its cost rows cap
        costs = sum(float(i.value) for i in inds if i.unit == "万元" and i.op in ("≤", "<"))
        fiscal = round(max(rng.uniform(50, 3000), 1.2 * costs), 2)
        carry = round(rng.uniform(10, 300), 2) if rng.random() < 0.3 else None
        other = round(rng.uniform(10, 300), 2) if rng.random() < 0.4 else None
        total = round(fiscal + (carry or 0) + (other or 0), 2)
        money = lambda x: "" if x is None else f"{x:.2f}"
        grid = [kv("项目名称", project, width), kv("主管部门", agency, width),
                [Cell("项目资金（万元）", rowspan=4), Cell("年度资金总额："), Cell(money(total), colspan=width - 2)],
                [Cell("其中：财政拨款"), Cell(money(fiscal), colspan=width - 2)],
                [Cell("上年结转"), Cell(money(carry), colspan=width - 2)],
                [Cell("其他资金"), Cell(money(other), colspan=width - 2)],
                kv("年度总体目标", goal, width), *block]
        record.update(form_kind="project", project_name=project, competent_dept=agency, fund_total=total,
                      fund_fiscal=fiscal, fund_carryover=carry, fund_other=other)
        before = ["项目支出绩效目标表", f"（{year}）年度"]
    return Form(before=before, grid=grid, after=footer(*foot), record=record, indicators=records)


_PROJECTS: list[str] = []


def _project_names() -> list[str]:
    if not _PROJECTS:
        for gt in sorted([*SHARED.glob("dev-corpus/gt/*.json"), *SHARED.glob("seed/gt/*.json")]):
            for form in json.loads(gt.read_text(encoding="utf-8"))["forms"]:
                if form.get("project_name"):
                    _PROJECTS.append(form["project_name"])
    return _PROJECTS


def family_docs(n: int, seed: int, placeholders: bool = False) -> list[LayoutDoc]:
    rng = random.Random(seed)
    aux = random.Random(seed + 1_000_003) if placeholders else None
    pool, goals = family_rows(), family_goals()
    docs = []
    for i in range(n):
        cols = LAYOUT_A if rng.random() < 0.6 else LAYOUT_B
        forms = [make_form(pool, goals, rng, cols, aux) for _ in range(2 if rng.random() < 0.25 else 1)]
        docs.append(LayoutDoc(f"family{seed}_{i:02d}", "held-out document of the development family", forms, KINDS))
    return docs


# the family's scans as the development corpus has them: clean 300 dpi pages (dev_010.png,
# dev_012.tif: a multi-page TIFF) and noisy 200 dpi image-only PDFs, skewed (dev_001.pdf, dev_014.pdf)
SCAN_STYLES = {
    "scan_png": ("tif", ScanStyle(font="sans", size_pt=9.5, dpi=300)),
    "scan_noisy": ("pdf", ScanStyle(font="serif", size_pt=8.5, dpi=200, angle=0.9, speckle=400, blur=True)),
}
KINDS = ["tsv", "tsv_mid", "pipe", "html", "pdf", "xlsx", "docx", *SCAN_STYLES]


def _writer(kind: str):
    if kind == "pdf":  # a text PDF printed from the same page as the scans (dev_003.pdf, dev_011.pdf)
        def write_pdf(doc: LayoutDoc, path: Path, res: dict) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                path.write_bytes(print_pdf(page_html(doc, SCAN_STYLES["scan_png"][1]), Path(tmp)))
        return "pdf", write_pdf
    if kind not in SCAN_STYLES:
        return layout_build.KINDS[kind]
    suffix, style = SCAN_STYLES[kind]

    def write(doc: LayoutDoc, path: Path, res: dict) -> None:
        angle = style.angle * (1 if sum(map(ord, doc.name)) % 2 else -1)
        write_scan(doc, path, replace(style, angle=angle), seed=len(doc.name))
    return suffix, write


def build(out: Path, n: int, seed: int, kinds: set[str] | None, placeholders: bool = False) -> list[dict]:
    (out / "gt").mkdir(parents=True, exist_ok=True)
    docs = family_docs(n, seed, placeholders)
    jobs = [(d, k) for d in docs for k in d.kinds if not kinds or k in kinds]
    saved = dict(layout_build.KINDS)
    layout_build.KINDS.update({k: _writer(k) for k in (*SCAN_STYLES, "pdf")})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return layout_build._write(out, jobs, layout_build._resources(jobs, Path(tmp)))
    finally:
        layout_build.KINDS.clear()
        layout_build.KINDS.update(saved)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.family.build", description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=24)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--kinds", help="comma-separated kinds (default: " + ",".join(KINDS) + ")")
    ap.add_argument("--placeholders", action="store_true",
                    help="write some cost groups without rows as placeholder rows (社会成本指标 and nothing else)")
    a = ap.parse_args(argv)
    rows = build(a.out, a.docs, a.seed, set(a.kinds.split(",")) if a.kinds else None, a.placeholders)
    print(f"{len(rows)} files written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
