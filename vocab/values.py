"""Parsers for the values inside a 绩效目标表: operators, numbers with units, dates, years, amounts,
and the direction a scoring rule implies.

Vocabularies (units, operator spellings, scoring-rule wording) live in ``vocab/data/units.yaml``.
Every parser returns a value or raises :class:`vocab.errors.ParseError`; none raises anything else.
Input is read after Unicode NFKC normalisation, so full-width digits, ％, ＞ ＝ ＜ and full-width
punctuation are handled everywhere.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from vocab import CHECKED, OPERATORS, QUALITATIVE, UNCHECKED, is_cjk_ideograph  # noqa: F401 - re-exported
from vocab.chinese_script import to_simplified
from vocab.errors import ParseError
from vocab.units import clean_value_text, is_unit, units_yaml

# A number as written: optional sign, digits with optional thousands separators, optional decimals.
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_NUMBER_RE = re.compile(_NUMBER)
_LEADING_NUMBER_RE = re.compile(rf"^\s*({_NUMBER})(?![\d,])")


@dataclass(frozen=True)
class ParsedValue:
    operator: str | None
    value: str | None
    value_num: float | None
    unit: str | None


@dataclass(frozen=True)
class _Config:
    amount_units: Mapping[str, float]
    amount_blank: frozenset[str]
    amount_decoration: tuple[str, ...]
    operator_tokens: tuple[tuple[str, str], ...]  # (spelling, operator), longest spelling first
    operator_fillers: tuple[str, ...]
    direction_cues: Mapping[str, tuple[re.Pattern[str], ...]]
    digit_lookalikes: Mapping[str, str]


@lru_cache(maxsize=1)
def _config() -> _Config:
    raw = units_yaml()
    tokens = [(_nfkc(str(spelling)), op) for op, spellings in raw["operators"].items() for spelling in spellings]
    tokens.sort(key=lambda t: -len(t[0]))
    return _Config(
        amount_units={_nfkc(k): float(v) for k, v in raw["amount_units"].items()},
        amount_blank=frozenset(_nfkc(str(b)) for b in raw["amount_blank"]),
        amount_decoration=tuple(_nfkc(str(d)) for d in raw["amount_decoration"]),
        operator_tokens=tuple(dict.fromkeys(tokens)),
        operator_fillers=tuple(_nfkc(str(f)) for f in raw["operator_fillers"]),
        direction_cues={d: tuple(re.compile(_nfkc(str(c))) for c in cues)
                        for d, cues in raw["scoring_direction"].items()},
        digit_lookalikes={str(k): str(v) for k, v in raw["digit_lookalikes"].items()},
    )


def _nfkc(text: str) -> str:
    """NFKC and Simplified characters: vocabulary is matched on this form."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


def _clean(text: str) -> str:
    """NFKC + Simplified, HTML entities decoded, LaTeX math delimiters dropped, outer whitespace stripped."""
    return clean_value_text(text)


# --------------------------------------------------------------------------------------- operators

def _operator_tokens(text: str) -> list[tuple[int, int, str]]:
    """Every operator spelling in ``text`` as (start, end, operator), scanning left to right and
    preferring the longest spelling at each position (大于等于 is one ≥, not > and =)."""
    found: list[tuple[int, int, str]] = []
    tokens = _config().operator_tokens
    i = 0
    while i < len(text):
        for spelling, op in tokens:
            if text.startswith(spelling, i):
                found.append((i, i + len(spelling), op))
                i += len(spelling)
                break
        else:
            i += 1
    return found


def _single_operator(text: str) -> str | None:
    """The one operator ``text`` spells, None when it spells none or several different ones."""
    ops = list(dict.fromkeys(op for _, _, op in _operator_tokens(text)))
    return ops[0] if len(ops) == 1 else None


def _only_operators(s: str) -> bool:
    """Whether ``s`` holds nothing but operator spellings, checkbox glyphs, punctuation, spaces,
    filler words, and at most a number with its unit."""
    rest, last = [], 0
    for start, end, _ in _operator_tokens(s):
        rest.append(s[last:start])
        last = end
    rest.append(s[last:])
    leftover = "".join(rest)
    for filler in _config().operator_fillers:
        leftover = leftover.replace(filler, "")
    # A value written into the operator cell ("≥95%", "≥195000人次") leaves a number and a unit.
    words = "".join(ch for ch in leftover if unicodedata.category(ch)[0] not in "PSZCN")
    return not words or (bool(re.search(r"\d", leftover)) and is_unit(words))


def parse_operator(text: str) -> str | None:
    """The operator (one of OPERATORS, or QUALITATIVE) an operator cell states, or None.

    Checkbox cells ("☑≥ ☐≤ ☐定性"): the ticked option wins; labels may follow or precede their
    boxes. With no box ticked, a single written operator is returned ("☐ 定性" -> 定性, so the
    caller can report checkbox_conflict); several unticked options give None. Contradictions
    (two different options ticked, two different operators written without boxes) also give None:
    the cell does not say which one holds. A cell holding words besides operators, boxes,
    punctuation, filler words ("定量") and a number with its unit is not an operator cell: None
    ("持续高于" is a value).
    Never raises.
    """
    s = _clean(text)
    if not s or not _only_operators(s):
        return None
    if CHECKED not in s and UNCHECKED not in s:
        return _single_operator(s)
    boxes = [m.start() for m in re.finditer(f"[{CHECKED}{UNCHECKED}]", s)]
    labels_follow = not s[: boxes[0]].strip()
    options: list[tuple[bool, str]] = []
    for k, pos in enumerate(boxes):
        if labels_follow:
            label = s[pos + 1: boxes[k + 1] if k + 1 < len(boxes) else len(s)]
        else:
            label = s[boxes[k - 1] + 1 if k else 0: pos]
        options.append((s[pos] == CHECKED, label))
    ticked = "".join(label for checked, label in options if checked)
    if any(checked for checked, _ in options) and _operator_tokens(ticked):
        return _single_operator(ticked)
    return _single_operator(s)


# --------------------------------------------------------------------------------------- numbers

def parse_number(text: str) -> float:
    """A plain number ("1,053.71", "１６０", "-2.5"); anything else raises ParseError."""
    s = _clean(text).replace(" ", "")
    if not re.fullmatch(_NUMBER, s):
        raise ParseError(f"not a number: {text!r}")
    return _to_float(s, text)


def _to_float(number: str, original: str) -> float:
    value = float(number.replace(",", ""))
    if not math.isfinite(value):
        raise ParseError(f"number out of range: {original!r}")
    return value


def split_number_unit(text: str) -> tuple[str, float, str | None]:
    """("12.5万" -> ("12.5", 12.5, "万")): the leading number as written (without thousands
    separators), its value, and the rest of the text stripped (None when empty). The rest is not
    checked; use is_unit. Raises ParseError when the text does not start with a number."""
    s = _clean(text)
    m = _LEADING_NUMBER_RE.match(s)
    if not m:
        raise ParseError(f"no leading number: {text!r}")
    written = m.group(1).replace(",", "")
    rest = s[m.end():].strip()
    return written, _to_float(written, text), rest or None


def _is_word(spelling: str) -> bool:
    return any(is_cjk_ideograph(ch) for ch in spelling)


_SPACE_IN_NUMBER_RE = re.compile(r"(?<=[\d.])\s+(?=[\d.%])")

# Trailing words that turn a value into a bound: "90%以上", "30天以内".
_TRAILING_OPERATOR_RE = re.compile(r"(?:及|或)?(以上|以下|以内|之内)$")


def parse_value_cell(text: str) -> ParsedValue:
    """One cell holding operator, value and unit together ("≥95%", "≤ 556万元", "不低于90%",
    "1,200 万元", "有所保障"). A cell without a leading number keeps its text as the value (the
    caller decides whether it is 定性); a number followed by something that is not a unit is also
    kept as text (value_num None), so nothing the form says is dropped. Never raises."""
    s = _clean(text).replace(CHECKED, "").replace(UNCHECKED, "").strip()
    s = _SPACE_IN_NUMBER_RE.sub("", s)  # OCR spaces inside a number: "2 602.21", "95 %"
    if not s:
        return ParsedValue(None, None, None, None)
    operator = None
    tokens = _operator_tokens(s)
    if tokens and tokens[0][0] == 0:
        start, end, op = tokens[0]
        rest = s[end:].strip()
        # A word (不低于, 高于) is an operator only before a number: "高于上年水平" is a 定性 value.
        if op == QUALITATIVE or not _is_word(s[start:end]) or _LEADING_NUMBER_RE.match(rest):
            operator, s = op, rest
    if operator == QUALITATIVE:
        return ParsedValue(QUALITATIVE, s or None, None, None)
    m = _LEADING_NUMBER_RE.match(s)
    if not m:
        return ParsedValue(operator, s or None, None, None)
    written = m.group(1).replace(",", "")
    rest = s[m.end():].strip()
    trailing = _TRAILING_OPERATOR_RE.search(rest)
    if trailing and operator is None:
        operator = _single_operator(trailing.group(1))
        rest = rest[: trailing.start()].strip()
    number = float(written)
    if (rest and not is_unit(rest)) or not math.isfinite(number):
        return ParsedValue(operator, s, None, None)
    return ParsedValue(operator, written, number, rest or None)


def leading_digit_is_sign(written: str, fixed: str) -> bool:
    """Whether a value cell whose leading digit was taken for a sign (``written`` '295%', ``fixed``
    '≥95%') cannot be read with that digit as a digit: written it is no percentage (over 100 %),
    with the sign it is one."""
    w, f = parse_value_cell(written), parse_value_cell(fixed)
    return (w.value_num is not None and f.value_num is not None and f.operator is not None
            and w.unit in ("%", "％") and f.unit in ("%", "％") and w.value_num > 100 >= f.value_num)


def parse_amount(text: str | None) -> float | None:
    """A fund amount in 万元 ("160", "1,053.71", "160万元", "1600000元" -> 160.0); None when blank."""
    return read_amount(text).wan


@dataclass(frozen=True)
class Amount:
    """A fund amount read into 万元, with the unit it was written in (or assumed from the label)."""

    wan: float | None
    unit: str  # the unit the number stood in: 万元, 元, 亿元, …

    @property
    def converted(self) -> bool:
        """Whether the number was written in another unit than 万元 (and so was converted)."""
        return self.wan is not None and _config().amount_units.get(self.unit, 1) != 1


def read_amount(text: str | None, default_unit: str | None = None) -> Amount:
    """A fund amount in 万元 with the unit it was written in ("10000万元", "250万", "2,500,000元",
    "1.2亿元"). A number without a unit is in ``default_unit`` (the unit the field's label or the
    form's note gives, '资金总额(元)', '单位：元'), else in 万元. Digits split by a space
    ("968.191 8") are one number. Blank cells give Amount(None, …); anything else raises ParseError."""
    cfg = _config()
    s = _clean(text or "").replace(" ", "").replace("\u3000", "")
    fallback = _nfkc(default_unit) if default_unit and _nfkc(default_unit) in cfg.amount_units else "万元"
    if s in cfg.amount_blank:
        return Amount(None, fallback)
    for decoration in cfg.amount_decoration:
        s = s.replace(decoration, "")
    _, value, unit = split_number_unit(s)
    unit = unit or fallback
    factor = cfg.amount_units.get(unit)
    if factor is None:
        raise ParseError(f"not an amount in 万元: {text!r}")
    return Amount(round(value * factor, 6), unit)


# ------------------------------------------------------------------------------------ dates, years

_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0}
_CN_NUM = "〇零○一二三四五六七八九十"


def _cn_number(s: str) -> int:
    """Chinese numerals: digit by digit for years (二〇二三), with 十 for months/days (二十一)."""
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return int("".join(str(_CN_DIGITS[ch]) for ch in s))


_DATE_PATTERNS = (
    # 2023年12月10日, 2023.12.12, 2023-12-10, 2023/12/10, "2023-12-10 00:00:00"
    re.compile(r"(?<!\d)(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)"),
    # 20231210
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
    # 2023年12月 (no day: the first of the month)
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月()"),
)
_CN_DATE_RE = re.compile(rf"([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*(?:([{_CN_NUM}]{{1,3}})\s*[日号])?")
_EXCEL_SERIAL_RE = re.compile(r"\d{5}(?:\.0+)?")


def _repair_digits(s: str) -> str:
    """Lookalike letters read as digits where they stand inside a run of digits and date marks."""
    table = _config().digit_lookalikes
    letters = re.escape("".join(table))
    pattern = re.compile(rf"(?<=[\d年月./\-])[{letters}]|[{letters}](?=[\d年月日号./\-])")
    previous = None
    while previous != s:  # "1OO" needs two passes
        previous, s = s, pattern.sub(lambda m: table[m.group(0)], s)
    return s


def parse_date(text: str) -> str:
    """A date as YYYY-MM-DD from the usual Chinese and numeric spellings (also 二〇二三年十二月十日
    and an Excel serial day number); ParseError when unreadable or impossible (2023-02-30)."""
    s = _repair_digits(_clean(text))
    parts: tuple[int, int, int] | None = None
    try:
        m = _CN_DATE_RE.search(s)
        if m:
            parts = (_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)) if m.group(3) else 1)
    except (KeyError, ValueError):
        parts = None
    if parts is None:
        for pattern in _DATE_PATTERNS:
            m = pattern.search(s)
            if m:
                parts = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
                break
    if parts is None and _EXCEL_SERIAL_RE.fullmatch(s) and 20000 <= float(s) <= 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(float(s)))).isoformat()
    if parts is None:
        raise ParseError(f"not a date: {text!r}")
    year, month, day = parts
    if not 1900 <= year <= 2100:
        raise ParseError(f"implausible year in date: {text!r}")
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise ParseError(f"impossible date {year}-{month}-{day}: {text!r}") from exc


_YEAR_RE = re.compile(r"(?<!\d)[(\[]?\s*((?:19|20)\d{2})\s*[)\]]?\s*年"  # ( 2024 ) 年度
                      r"|年度\s*[:]?\s*((?:19|20)\d{2})(?!\d)"  # 年度：2024
                      r"|^((?:19|20)\d{2})$")  # a cell holding only the year
_CN_YEAR_RE = re.compile(r"[〇零○一二三四五六七八九]{4}(?=\s*[)\]]?\s*年)")


def parse_year(text: str) -> int:
    """The year of a "( 2024 ) 年度" line ("2025年度", "（２０２４）年度", "二〇二四年度", "年度：2024",
    or a cell holding only "2024")."""
    s = _clean(text)
    m = _YEAR_RE.search(s)
    if m:
        return int(next(g for g in m.groups() if g))
    m = _CN_YEAR_RE.search(s)
    if m:
        year = _cn_number(m.group(0))
        if 1900 <= year <= 2100:
            return year
    raise ParseError(f"no year in {text!r}")


# ----------------------------------------------------------------------------------- scoring rules

def scoring_rule_direction(text: str) -> str | None:
    """"≥" when the rule rewards reaching or exceeding the target (达到或超过…得满分, 未达到…按比例),
    "≤" when it rewards staying under it (控制在预算内, 不超过…得满分, 每超出…扣), None when it
    implies neither or both (等级赋分 wording, 完成目标得满分)."""
    s = re.sub(r"\s+", "", _nfkc(text or ""))
    if not s:
        return None
    directions = [d for d, cues in _config().direction_cues.items() if any(c.search(s) for c in cues)]
    return directions[0] if len(directions) == 1 else None


# ------------------------------------------------------------------------------------ coded names

_LEADING_CODE_RE = re.compile(r"^[\[【(]\s*([0-9A-Za-z][0-9A-Za-z.\-]{1,24})\s*[\]】)]\s*(.*)$")
_TRAILING_CODE_RE = re.compile(r"^(.*?\S)\s*[\[【(]\s*([0-9][0-9A-Za-z.\-]{1,24})\s*[\]】)]$")
_BARE_CODE_RE = re.compile(r"^([0-9][0-9\-]{2,24})[\s:：\-－—]+(\D.*)$")


def split_coded_name(text: str | None) -> tuple[str | None, str]:
    """('015001', '武汉市教育局') from '[015001]武汉市教育局', '【015001】…', '015001 武汉市…' or
    '武汉市教育局(015001)'; (None, text) when the name carries no code."""
    s = _clean(text or "")
    m = _LEADING_CODE_RE.match(s)
    if m and m.group(2).strip():
        return m.group(1), m.group(2).strip()
    m = _TRAILING_CODE_RE.match(s)
    if m and not re.fullmatch(r"(?:19|20)\d{2}", m.group(2)):  # '某局(2024)' names a year, not a code
        return m.group(2), m.group(1).strip()
    m = _BARE_CODE_RE.match(s)
    if m:
        return m.group(1), m.group(2).strip()
    return None, (text or "").strip()
