"""How OCR confidence and unread ink enter a row's plausibility: the evidence each field gives
(normalizers/document.py, normalizers/plausibility.py) and the fit that weighs it
(pipeline/fit_plausibility.py)."""
from __future__ import annotations

import numpy as np

from extractors.ir import Cell, Document, Page, Table, TextLine
from extractors.options import ExtractOptions
from normalizers import plausibility
from normalizers.document import records_from_document
from normalizers.outcome import FileOutcome
from normalizers.records import Anomaly

HEADER = ["一级指标", "二级指标", "三级指标", "指标类型", "指标值", "计量单位", "指标解释", "评分标准"]


def _scan(rows: list[list[tuple[str, float]]]) -> FileOutcome:
    grid = [[(t, 1.0) for t in HEADER], *rows]
    cells = [Cell(text=t, row=r, col=c, confidence=conf) for r, row in enumerate(grid) for c, (t, conf) in enumerate(row)]
    page = Page(number=1, unit="px", blocks=[
        TextLine(text="项目支出绩效目标表"), TextLine(text="（2025）年度"),
        Table(cells=cells, n_rows=len(grid), n_cols=len(HEADER)), TextLine(text="填表人：姚海")])
    out = FileOutcome(source_file="s.png", path="/s.png")
    records_from_document(Document(source_path="/s.png", extractor="scan:rapidocr", pages=[page]), out, ExtractOptions())
    return out


def _row(rule_conf: float = 1.0, expl_conf: float = 1.0) -> list[tuple[str, float]]:
    return [("产出指标", 1.0), ("数量指标", 1.0), ("培训人次", 1.0), ("≥", 1.0), ("2200", 1.0), ("人次", 1.0),
            ("参加培训的教师人次", expl_conf), ("达到指标得满分，未达到2200按实际完成数/2200*指标分值计算", rule_conf)]


def test_a_scoring_rule_read_with_low_confidence_is_no_doubt_on_the_row():
    # template rules full of signs and numbers score low and read right (13 of 13 on the family scans)
    out = _scan([_row(rule_conf=0.45), _row(expl_conf=0.45)])
    conf = [r.confidence for r in out.indicators]
    assert conf[0] > plausibility.rules().threshold > conf[1]
    notes = [(a.seq, a.code, a.severity) for a in out.anomalies if a.code in ("ocr_low_confidence", "low_confidence")]
    # the low explanation is a note and, weighed by the model, the row's flag; the rule is neither
    assert notes == [(2, "ocr_low_confidence", "info"), (2, "low_confidence", "warning")]


def test_ink_unread_in_a_merged_label_cell_is_no_row_evidence():
    def note(field: str) -> Anomaly:
        return Anomaly(source_file="s", seq=3, field=field, code="ink_unread", severity="info", message="")

    assert plausibility.unread_cells([note("level1"), note("level2")]) == {}
    assert plausibility.unread_cells([note("level3")]) == {3: "level3"}


def test_ink_unread_in_a_name_its_explanation_frames_whole_is_no_row_evidence():
    """Family seed 181, scan_noisy: speckle beside 学生体质健康达标率 made the ink measure count ten
    characters where OCR read nine; the row's own explanation writes the name in the form's frame
    (考核…完成情况), so the name lost nothing. A name that did lose one breaks the frame."""
    from normalizers.records import IndicatorRecord

    def rec(seq: int, name: str, expl: str) -> IndicatorRecord:
        return IndicatorRecord(source_file="s", form_id="f", form_index=0, seq=seq, level3=name, explanation=expl)

    rows = [rec(1, "学生体质健康达标率", "考核学生体质健康达标率完成情况"),
            rec(2, "救助资金发放及时率", "考核救助资金发放及时率完成情况"),
            rec(3, "维修加固山塘", "考核维修加固山塘完成情况"),
            rec(4, "生体质健康达标率", "考核学生体质健康达标率完成情况")]
    assert plausibility.name_framed_whole(1, rows)
    assert not plausibility.name_framed_whole(4, rows)  # 考核学 … 完成情况: a frame no other row has
    # one other row in the frame is not enough
    assert not plausibility.name_framed_whole(1, rows[:2])
    (framed, lost) = plausibility.assess_form([rows[0], *rows[1:3], rows[3]], set(), unread={1: "level3", 4: "level3"})[::3]
    assert framed.features["ink_unread"] == 0.0 and lost.features["ink_unread"] == 1.0


def test_the_fit_holds_a_weight_of_doubt_at_zero_rather_than_below():
    from pipeline.fit_plausibility import fit_doubt_weights

    rng = np.random.default_rng(0)
    strong = rng.random(400) < 0.3
    weak = rng.random(400) < 0.5
    wrong = strong & (rng.random(400) < 0.9) | (~strong & ~weak & (rng.random(400) < 0.2))
    # the weak cue fires less on wrong rows than on right ones: alone it would get a negative weight
    w = fit_doubt_weights(np.column_stack([strong, weak]).astype(float), wrong.astype(float))
    assert w[1] > 1.0 and w[2] == 0.0


def test_a_sign_raised_to_the_vocabulary_confidence_is_no_doubt_beside_a_long_name():
    """Family scans (seed 51): a sign or unit cell that reads exactly as the vocabulary is raised to
    0.90 (ocr_repair.yaml vocabulary_confidence); counted as a tenth of doubt, it tipped right rows
    whose only other evidence was a long name over the threshold."""
    def row(name: str, sign_conf: float, expl_conf: float = 1.0) -> list[tuple[str, float]]:
        return [("产出指标", 1.0), ("数量指标", 1.0), (name, 1.0), ("≥", sign_conf), ("2200", 1.0), ("人次", 1.0),
                ("参加培训的教师人次", expl_conf), ("达到指标得满分", 1.0)]

    # (not 砂石土矿整治: written in one cell only, the word model doubts 土矿 as a misread 工矿, a real
    # term jieba lacks; the forms that use it write it in their explanation too, which clears it)
    long_name = "绿色矿山建设、矿山地质环境整治、历史遗留废弃矿山的修复"
    out = _scan([row("培训人次", 0.9), row("培训场次", 0.9), row("受训教师", 0.9), row(long_name, 0.9),
                 row("培训天数", 0.9, expl_conf=0.79)])
    conf = {r.level3: r.confidence for r in out.indicators}
    thr = plausibility.rules().threshold
    assert conf["培训人次"] == conf["受训教师"] > conf[long_name] > thr
    assert conf["培训天数"] < thr  # a cell under 0.80 alone still flags the row
    flagged = {a.seq for a in out.anomalies if a.code == "low_confidence"}
    assert flagged == {5}
