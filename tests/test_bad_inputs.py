"""Bad inputs end as a clear anomaly and a status, never a traceback (issue 2 acceptance)."""
from __future__ import annotations

from pathlib import Path

from extractors.options import ExtractOptions
from normalizers.document import process_file

SEED = Path(__file__).parent / "fixtures" / "seed" / "zhijiang_2024_forms.md"


def outcome(path: Path):
    return process_file(path, path.name, ExtractOptions())


def only_code(o, code):
    found = [a for a in o.anomalies if a.code == code]
    assert found, [a.code for a in o.anomalies]
    return found[0]


def test_empty_file_is_unreadable(tmp_path):
    p = tmp_path / "empty.md"
    p.write_bytes(b"")
    o = outcome(p)
    assert o.status == "failed" and not o.forms
    a = only_code(o, "unreadable_file")
    assert a.severity == "error" and "empty.md" in a.message


def test_binary_file_named_md_is_unreadable(tmp_path):
    p = tmp_path / "photo.md"
    p.write_bytes(bytes(range(256)) * 20)
    o = outcome(p)
    assert o.status == "failed"
    assert "photo.md" in only_code(o, "unreadable_file").message


def test_gbk_copy_of_the_seed_extracts_identically(tmp_path):
    p = tmp_path / "seed_gbk.md"
    p.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    a, b = outcome(SEED), outcome(p)
    assert b.status == "succeeded"

    def strip(rs):
        return [r.model_dump(exclude={"form_id", "source_file"}) for r in rs]

    assert strip(a.forms) == strip(b.forms)
    assert strip(a.indicators) == strip(b.indicators)
    assert [(x.seq, x.code) for x in a.anomalies] == [(x.seq, x.code) for x in b.anomalies]


def test_markdown_without_a_form(tmp_path):
    p = tmp_path / "minutes.md"
    p.write_text("# 会议纪要\n\n今天讨论了预算。\n\n| 项目 | 金额 |\n|---|---|\n| 办公 | 3 |\n", encoding="utf-8")
    o = outcome(p)
    assert o.status == "failed" and not o.forms
    assert "minutes.md" in only_code(o, "no_form_found").message


def test_form_cut_off_mid_table_is_partial_and_keeps_its_rows(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("可持续影响指标") + len("可持续影响指标\t自然资源管理\t定性\t改善\t对自然资")]
    p = tmp_path / "cut.md"
    p.write_text(cut, encoding="utf-8")
    o = outcome(p)
    assert o.status == "partial"
    assert len(o.indicators) == 15  # every row before the cut is kept
    a = only_code(o, "form_truncated")
    assert a.seq == 15 and a.severity == "error"


def test_unsupported_suffix_is_unreadable(tmp_path):
    p = tmp_path / "form.rtf"
    p.write_text("{\\rtf1 项目绩效目标表}", encoding="utf-8")
    o = outcome(p)
    assert o.status == "failed"
    assert "unsupported" in only_code(o, "unreadable_file").message
