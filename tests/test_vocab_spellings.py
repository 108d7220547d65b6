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
# (or one starting at a CJK block, with code point numbers: "0x2E80 <= o <= 0x9FFF")
RESPELT = re.compile(r"☑☐|☐☑|\\u[0-9a-f]{4}-\\u9fff|(?i:0x(?:2e80|3000|3400|4e00|f900|ff00))\s*<=\s*\w+\s*<=")


@pytest.mark.parametrize("stage", ["extractors", "normalizers", "pipeline", "vocab"])
def test_no_stage_spells_the_glyph_set_or_a_cjk_range_again(stage):
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / stage).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if RESPELT.search(line)]
    assert found == []


def test_the_check_sees_a_respelt_range():
    assert RESPELT.search(r'CJK = re.compile(r"[\u4e00-\u9fff]")')
    assert RESPELT.search('if set(t) <= set("☑☐ "):')
    assert not RESPELT.search("from vocab import CJK_IDEOGRAPH_CLASS")
    assert RESPELT.search("    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF")
    assert not RESPELT.search("    private_use = 0xF000 <= code <= 0xF0FF")


def test_pdf_spacing_and_radical_ranges_keep_what_pdf_glyphs_read_before_the_move():
    from extractors.pdf.glyphs import is_cjk, radical_to_ideograph

    # CJK script, CJK punctuation (U+3000..U+303F, also U+303F, which is not wide), full-width forms
    assert [is_cjk(ch) for ch in "⺀指，。\u303fＡ"] == [True] * 6
    assert [is_cjk(ch) for ch in "a,-é"] == [False] * 4
    # a Kangxi radical and a compatibility ideograph read as the common ideograph; others unchanged
    assert [radical_to_ideograph(ch) for ch in ("\u2f00", "\uf900", "指", "ab")] == ["一", "豈", "指", "ab"]


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
