"""The shared vocabulary is spelt once, in vocab/: the stages import the checkbox glyph set and the
CJK ranges instead of writing them again (a second spelling drifts: issue 13 found three CJK ranges
and seven glyph sets)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import vocab
from vocab import labels

ROOT = Path(__file__).resolve().parents[1]
# what a re-spelt glyph set or CJK range looks like in source: both glyphs side by side, or a range
# written with \u escapes ending at the last unified ideograph
RESPELT = re.compile(r"☑☐|☐☑|\\u[0-9a-f]{4}-\\u9fff")


@pytest.mark.parametrize("stage", ["extractors", "normalizers", "vocab"])
def test_no_stage_spells_the_glyph_set_or_a_cjk_range_again(stage):
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / stage).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if RESPELT.search(line)]
    assert found == []


def test_the_check_sees_a_respelt_range():
    assert RESPELT.search(r'CJK = re.compile(r"[\u4e00-\u9fff]")')
    assert RESPELT.search('if set(t) <= set("☑☐ "):')
    assert not RESPELT.search("from vocab import CJK_IDEOGRAPH_CLASS")


def test_the_shared_classes_are_the_ranges_they_replace():
    assert vocab.CJK_IDEOGRAPH_CLASS == r"\u4e00-\u9fff"
    assert vocab.CJK_SCRIPT_CLASS == r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
    script = re.compile(f"[{vocab.CJK_SCRIPT_CLASS}]")
    assert [bool(script.match(ch)) for ch in "⺀指０Ａa,"] == [True, True, True, True, False, False]


def test_only_checkboxes():
    assert vocab.is_only_checkboxes("☑ ☐")
    assert vocab.is_only_checkboxes("")  # an empty operator cell holds no label either
    assert not vocab.is_only_checkboxes("☐ 定性")
    assert not vocab.is_only_checkboxes("□")  # a look-alike box is the readers' job to canonicalise


def test_rule_and_direction_words():
    assert labels.is_rule_text("未完成扣2分")  # 扣 and a digit
    assert labels.is_rule_text("達標得滿分")  # Traditional folded
    assert not labels.is_rule_text("≥95%")
    assert labels.is_direction_word("正向 指标") and labels.is_direction_word("越小越好")
    assert not labels.is_direction_word("正向激励")
