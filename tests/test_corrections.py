"""Manual corrections: reading corrections.csv and applying it to the records of a run."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.records import FormRecord, IndicatorRecord
from pipeline.corrections import (
    Correction,
    CorrectionsFileError,
    apply_corrections,
    derived_value_num,
    load_corrections,
)


def _form(**kw) -> FormRecord:
    base = {"form_id": "f1", "source_file": "a.pdf", "form_index": 0, "form_kind": "project", "year": 2024,
            "project_name": "国土专项工作经费", "fund_total": 160.0, "page_start": 2, "page_end": 3}
    base.update(kw)
    return FormRecord(**base)


def _row(seq: int, **kw) -> IndicatorRecord:
    base = {"form_id": "f1", "source_file": "a.pdf", "form_index": 0, "seq": seq, "level1": "产出指标",
            "level2": "数量指标", "level3": f"指标{seq}", "operator": "≥", "value": "10", "value_num": 10.0,
            "unit": "个", "page": 2}
    base.update(kw)
    return IndicatorRecord(**base)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "corrections.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_load_reads_the_exported_format_with_bom_quotes_and_header_rows(tmp_path):
    path = _write(tmp_path, 'form_id,seq,field,value,original\r\n'
                            'f1,3,value,"1,200",12\r\n'
                            'f1,,agency,"某局, ""新""",\r\n'
                            'f1,0,overall_goal,"第一行\n第二行",\r\n')
    got = load_corrections(path)
    assert [(c.form_id, c.seq, c.field, c.value, c.original) for c in got] == [
        ("f1", 3, "value", "1,200", "12"),
        ("f1", 0, "agency", '某局, "新"', None),
        ("f1", 0, "overall_goal", "第一行\n第二行", None),
    ]


def test_load_accepts_gb18030_and_only_the_four_required_columns(tmp_path):
    path = _write(tmp_path, "form_id,seq,field,value\nf1,2,unit,万元\n", encoding="gb18030")
    assert load_corrections(path) == [Correction(form_id="f1", seq=2, field="unit", value="万元", line=2)]


@pytest.mark.parametrize("text, needle", [
    ("form_id,field,value\nf1,unit,x\n", "seq"),
    ("form_id,seq,field,value\nf1,two,unit,x\n", "seq"),
    ("form_id,seq,field,value\nf1,-1,unit,x\n", "seq"),
])
def test_load_rejects_a_broken_file_with_a_clear_error(tmp_path, text, needle):
    path = _write(tmp_path, text)
    with pytest.raises(CorrectionsFileError) as err:
        load_corrections(path)
    assert needle in str(err.value) and "corrections.csv" in str(err.value)


def test_load_missing_file_is_a_jixiao_error_not_a_traceback(tmp_path):
    with pytest.raises(CorrectionsFileError, match="cannot read"):
        load_corrections(tmp_path / "nope.csv")


def test_value_edit_rederives_value_num_and_logs_manual_correction():
    forms, rows = [_form()], [_row(1), _row(2)]
    new_forms, new_rows, anomalies = apply_corrections(
        forms, rows, [Correction(form_id="f1", seq=2, field="value", value="12.5", line=2)])
    assert new_rows[1].value == "12.5" and new_rows[1].value_num == 12.5
    assert new_rows[0] == rows[0] and new_forms == forms
    assert rows[1].value == "10"  # inputs untouched
    (a,) = anomalies
    assert (a.code, a.severity, a.form_id, a.seq, a.field, a.raw_value, a.fixed_value, a.page) == (
        "manual_correction", "info", "f1", 2, "value", "10", "12.5", 2)
    assert a.source_file == "a.pdf" and a.form_index == 0


def test_value_edit_on_a_qualitative_row_keeps_value_num_empty():
    rows = [_row(1, operator="定性", value="有所保障", value_num=None, unit=None)]
    _, out, _ = apply_corrections([_form()], rows, [Correction(form_id="f1", seq=1, field="value", value="100")])
    assert out[0].value == "100" and out[0].value_num is None


def test_operator_edit_to_qualitative_clears_value_num_and_back_restores_it():
    rows = [_row(1, value="达标")]
    _, out, _ = apply_corrections([_form()], rows, [Correction(form_id="f1", seq=1, field="operator", value="定性")])
    assert out[0].value_num is None
    _, out2, _ = apply_corrections([_form()], [_row(1, operator="定性", value="95", value_num=None)],
                                   [Correction(form_id="f1", seq=1, field="operator", value="≥")])
    assert out2[0].operator == "≥" and out2[0].value_num == 95.0


def test_header_field_corrections_are_typed_and_empty_clears():
    corrections = [
        Correction(form_id="f1", seq=0, field="fund_total", value="1,234.5"),
        Correction(form_id="f1", seq=0, field="year", value="2025"),
        Correction(form_id="f1", seq=0, field="agency", value="芷江侗族自治县自然资源局"),
        Correction(form_id="f1", seq=0, field="project_name", value=""),
    ]
    forms, _, anomalies = apply_corrections([_form()], [], corrections)
    f = forms[0]
    assert (f.fund_total, f.year, f.agency, f.project_name) == (1234.5, 2025, "芷江侗族自治县自然资源局", None)
    assert [a.code for a in anomalies] == ["manual_correction"] * 4
    assert anomalies[0].seq is None and anomalies[0].raw_value == "160" and anomalies[0].page == 2
    assert anomalies[3].raw_value == "国土专项工作经费" and anomalies[3].fixed_value == ""


def test_a_later_line_wins_over_an_earlier_one_for_the_same_cell():
    corrections = [Correction(form_id="f1", seq=1, field="unit", value="处"),
                   Correction(form_id="f1", seq=1, field="unit", value="个次")]
    _, rows, anomalies = apply_corrections([_form()], [_row(1)], corrections)
    assert rows[0].unit == "个次"
    assert [(a.raw_value, a.fixed_value) for a in anomalies] == [("个", "处"), ("处", "个次")]


@pytest.mark.parametrize("correction, message", [
    (Correction(form_id="nope", seq=1, field="value", value="1"), "no form has the id"),
    (Correction(form_id="f1", seq=9, field="value", value="1"), "no indicator with seq 9"),
    (Correction(form_id="f1", seq=1, field="colour", value="1"), "'colour'"),
    (Correction(form_id="f1", seq=0, field="level3", value="x"), "'level3'"),
    (Correction(form_id="f1", seq=1, field="form_id", value="f2"), "'form_id'"),
    (Correction(form_id="f1", seq=1, field="cell_boxes", value="[]"), "'cell_boxes'"),
])
def test_unmatched_correction_is_a_warning_and_changes_nothing(correction, message):
    forms, rows = [_form()], [_row(1)]
    new_forms, new_rows, anomalies = apply_corrections(forms, rows, [correction])
    assert new_forms == forms and new_rows == rows
    (a,) = anomalies
    assert a.code == "correction_unmatched" and a.severity == "warning" and message in a.message


@pytest.mark.parametrize("field, value", [("fund_total", "一百六十"), ("year", "2024.5"), ("form_kind", "其他"),
                                          ("form_kind", "")])
def test_value_the_field_cannot_hold_is_a_correction_invalid_warning(field, value):
    forms, _, anomalies = apply_corrections([_form()], [], [Correction(form_id="f1", field=field, value=value)])
    assert forms == [_form()]
    assert [(a.code, a.severity, a.field) for a in anomalies] == [("correction_invalid", "warning", field)]


def test_stale_correction_is_applied_but_flagged_when_the_extraction_changed_under_it():
    c = Correction(form_id="f1", seq=1, field="value", value="12", original="11")
    _, rows, anomalies = apply_corrections([_form()], [_row(1, value="10")], [c])
    assert rows[0].value == "12"
    assert [a.code for a in anomalies] == ["manual_correction", "correction_stale"]
    assert anomalies[1].severity == "warning" and "'11'" in anomalies[1].message


def test_correction_already_held_by_a_better_extraction_is_not_stale():
    c = Correction(form_id="f1", seq=1, field="value", value="12", original="11")
    _, _, anomalies = apply_corrections([_form()], [_row(1, value="12", value_num=12.0)], [c])
    assert [a.code for a in anomalies] == ["manual_correction"]


def test_round_trip_through_a_file(tmp_path):
    path = _write(tmp_path, "form_id,seq,field,value\nf1,1,level3,预算支出金额\nf1,,fill_date,2023-12-10\n")
    forms, rows, anomalies = apply_corrections([_form()], [_row(1)], load_corrections(path))
    assert rows[0].level3 == "预算支出金额" and forms[0].fill_date == "2023-12-10"
    assert "line 2" in anomalies[0].message and "line 3" in anomalies[1].message


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_derived_value_num_reads_every_plain_decimal(number):
    text = f"{number:.4f}"
    assert derived_value_num("≥", text) == pytest.approx(float(text))
    assert derived_value_num("定性", text) is None


@given(st.text(alphabet="有所保障达标优良%～-—约 ", min_size=1))
def test_derived_value_num_is_empty_for_words(text):
    assert derived_value_num("=", text) is None


@given(st.lists(st.tuples(st.integers(0, 500), st.sampled_from(["value", "level3", "agency", "note"]),
                          st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))),
                max_size=8))
def test_load_reads_back_any_text_a_csv_writer_wrote(tmp_path_factory, entries):
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["form_id", "seq", "field", "value"])
    for seq, field, value in entries:
        writer.writerow(["f1", seq or "", field, value])
    path = tmp_path_factory.mktemp("c") / "corrections.csv"
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    got = [(c.seq, c.field, c.value) for c in load_corrections(path)]
    assert got == [(seq, field, value) for seq, field, value in entries]
