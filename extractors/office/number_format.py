"""Render a spreadsheet cell value the way the spreadsheet shows it, from its number format code.

Forms typed in Excel/WPS store numbers as binary floats and dates as serials; what the submitter saw
(and what the contract wants in ``value``) is the rendering through the cell's number format:
``160`` not ``160.0``, ``0.3`` not ``0.30000000000000004``, ``95%`` for 0.95 under ``0%``,
``2021年12月18日`` for a date under ``yyyy"年"m"月"d"日"``. No maintained Python package renders
ECMA-376 format codes (openpyxl only reads them), so this module covers the codes forms use:
General, fixed decimals, thousands grouping, percent, scientific, literal text and the usual date
and time codes, including the zh-CN built-in date formats that openpyxl does not name.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.datetime import from_excel

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

# Built-in format ids whose rendering depends on the reader's locale. openpyxl reports the en-US
# code (14 -> "mm-dd-yy", ambiguous) or nothing at all ("General" for the zh-CN ids 27-36, 50-58);
# render them as a zh-CN Excel shows them, with dates in an unambiguous order.
LOCALE_BUILTIN_FORMATS: dict[int, str] = {
    14: "yyyy-mm-dd",
    22: "yyyy-mm-dd h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]


def effective_format(number_format: str, builtin_id: int | None = None) -> str:
    """The format code to render with: locale-dependent built-ins replaced by their zh-CN form."""
    if builtin_id is not None and builtin_id in LOCALE_BUILTIN_FORMATS:
        return LOCALE_BUILTIN_FORMATS[builtin_id]
    return number_format or "General"


def format_value(value: CellValue, number_format: str = "General", builtin_id: int | None = None) -> str:
    """The text a spreadsheet shows for ``value`` under ``number_format`` (surrounding space trimmed)."""
    fmt = effective_format(number_format, builtin_id)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.timedelta):
        value = dt.datetime(1899, 12, 30) + value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return format_datetime(value, fmt).strip()
    if isinstance(value, (int, float)):
        if is_date_format(fmt) and 0 <= value < 2958466:
            return format_datetime(from_excel(value), fmt).strip()
        return format_number(value, fmt).strip()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Format code tokenizing


def split_sections(fmt: str) -> list[str]:
    """Split a format code on the ``;`` that separate its positive/negative/zero/text sections."""
    sections, cur, i, quoted = [], [], 0, False
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "\\" and i + 1 < len(fmt):
            cur.append(fmt[i: i + 2])
            i += 2
            continue
        elif not quoted and ch == "[":
            j = fmt.find("]", i)
            if j != -1:
                cur.append(fmt[i: j + 1])
                i = j + 1
                continue
        elif not quoted and ch == ";":
            sections.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    sections.append("".join(cur))
    return sections


def _literal_token(section: str, i: int) -> tuple[tuple[str, str] | None, int] | None:
    """The literal at ``section[i]`` shared by number and date codes ("text", \\x, _x padding, *x
    fill) as (token or None, next index); None when no literal starts there."""
    ch = section[i]
    if ch == '"':
        j = section.find('"', i + 1)
        j = len(section) if j == -1 else j
        return ("lit", section[i + 1: j]), j + 1
    if i + 1 < len(section):
        if ch == "\\":
            return ("lit", section[i + 1]), i + 2
        if ch == "_":
            return ("lit", " "), i + 2  # padding the width of the next character
        if ch == "*":
            return None, i + 2  # fill character: repeats to the column width, shows nothing meaningful
    return None


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: "lit" literal text, "general" the General keyword, "code" one format character."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        literal = _literal_token(section, i)
        if literal is not None:
            token, i = literal
            if token is not None:
                out.append(token)
        elif ch == "[":
            j = section.find("]", i)
            j = len(section) if j == -1 else j
            inner = section[i + 1: j]
            m = re.match(r"\$([^-\]]*)", inner)
            if m:
                out.append(("lit", m.group(1)))  # [$¥-804]: currency symbol; [$-804]: locale only
            elif re.fullmatch(r"h+|m+|s+", inner, re.IGNORECASE):
                out.append(("code", inner))  # elapsed time [h]
            i = j + 1  # colours, conditions, [DBNum] and the like carry no text
        elif section[i: i + 7].lower() == "general":
            out.append(("general", section[i: i + 7]))
            i += 7
        else:
            out.append(("code", ch))
            i += 1
    return out


def _literal_text(tokens: list[tuple[str, str]]) -> str:
    return "".join(text for _, text in tokens)


# ---------------------------------------------------------------------------------------------
# Numbers


def general(value: float) -> str:
    """Excel's General rendering: at most 15 significant digits, no trailing zeros, no float noise."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    d = Decimal(f"{value:.15g}")
    if d == d.to_integral_value():
        return str(int(d))
    if 1e-9 <= abs(value) < 1e15:
        return format(d.normalize(), "f")
    return f"{value:.5E}".replace("E+0", "E+").replace("E-0", "E-").replace(".00000E", "E")


def _pick_section(sections: list[str], value: float) -> tuple[str, float, bool]:
    """The section for this value, the value to render in it, and whether to prefix a minus sign."""
    numeric = sections[:3]
    if value < 0 and len(numeric) >= 2:
        return numeric[1], -value, False
    if value == 0 and len(numeric) >= 3:
        return numeric[2], value, False
    return numeric[0], abs(value), value < 0


def format_number(value: float, fmt: str) -> str:
    """Render a number under a (non-date) format code."""
    section, magnitude, negative = _pick_section(split_sections(fmt), value)
    if section.strip().lower() in ("general", "", "@"):
        return general(value)
    tokens = _tokens(section)
    codes = "".join(text for kind, text in tokens if kind == "code")
    if "/" in codes and "?" in codes:
        return general(value)  # fractions: rare on forms, show the plain number
    if any(kind == "general" for kind, _ in tokens):
        # e.g. General"元": the General rendering with the literal text around it
        body = "".join(general(magnitude) if kind == "general" else text for kind, text in tokens)
        return ("-" if negative else "") + body
    placeholders = [i for i, (kind, text) in enumerate(tokens) if kind == "code" and text in "0#?"]
    if not placeholders:
        return _literal_text(tokens)  # e.g. "-" shown for zero in accounting formats
    first, last = placeholders[0], placeholders[-1]
    number_tokens = [text for kind, text in tokens[first: last + 1] if kind == "code"]
    # Trailing thousands separators directly after the last digit placeholder scale by 1000 each.
    scale_commas = 0
    j = last + 1
    while j < len(tokens) and tokens[j] == ("code", ","):
        scale_commas += 1
        j += 1
    prefix = _render_literals(tokens[:first])
    suffix = _render_literals(tokens[j:])
    percent = sum(text.count("%") for kind, text in tokens if kind == "code")
    rendered = _render_digits("".join(number_tokens), magnitude * (100 ** percent) / (1000 ** scale_commas))
    return ("-" if negative and rendered.strip("0.,") else "") + prefix + rendered + suffix


def _render_literals(tokens: list[tuple[str, str]]) -> str:
    """Literal text of tokens around the digits; a percent sign shows as itself."""
    return "".join(text for kind, text in tokens if kind == "lit" or text not in "0#?,.Ee")


def _render_digits(pattern: str, value: float) -> str:
    """Render ``value`` (non-negative) through a digit pattern like ``#,##0.00`` or ``0.00E+00``."""
    exp_match = re.search(r"[Ee][+-]", pattern)
    if exp_match:
        mantissa_pat, exp_pat = pattern[: exp_match.start()], pattern[exp_match.end():]
        decimals = sum(mantissa_pat.partition(".")[2].count(c) for c in "0#?")
        mant, exp = f"{value:.{decimals}E}".split("E")
        sign = "-" if int(exp) < 0 else "+"
        return f"{mant}E{sign}{abs(int(exp)):0{max(exp_pat.count('0'), 1)}d}"
    int_pat, _, frac_pat = pattern.partition(".")
    max_decimals = sum(frac_pat.count(c) for c in "0#?")
    min_decimals = frac_pat.count("0")
    rounded = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    int_digits, _, frac_digits = format(rounded, "f").partition(".")
    frac_digits = frac_digits.rstrip("0").ljust(min_decimals, "0")
    int_digits = int_digits.lstrip("0").rjust(int_pat.count("0"), "0")
    if "," in int_pat and int_digits:
        int_digits = f"{int(int_digits):,}".rjust(len(int_digits), "0")
    return f"{int_digits}.{frac_digits}" if frac_digits else int_digits


# ---------------------------------------------------------------------------------------------
# Dates and times

_AMPM = ("AM/PM", "A/P", "上午/下午")
_DATE_LETTERS = "ymdhseab"


def _date_tokens(section: str) -> list[tuple[str, str]]:
    """Tokens of a date code: ("lit", text), ("ampm", marker) or (field letter, run like "yyyy").

    Field letters: y year, m month, n minute, d day, a Chinese weekday (aaa/aaaa), h hour,
    s second, e/b year; "m" becomes "n" (minutes) right after an hour or right before a second.
    """
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        upper_rest = section[i:].upper()
        marker = next((m for m in _AMPM if upper_rest.startswith(m.upper())), None)
        if marker:
            out.append(("ampm", marker))
            i += len(marker)
        elif (literal := _literal_token(section, i)) is not None:
            token, i = literal
            if token is not None:
                out.append(token)
        elif ch == "[":
            j = section.find("]", i)
            j = len(section) if j == -1 else j
            inner = section[i + 1: j].lower()
            if re.fullmatch(r"h+|m+|s+", inner):
                out.append((inner[0] if inner[0] != "m" else "n", inner))
            elif inner.startswith("$"):
                out.append(("lit", inner[1:].split("-")[0]))
            i = j + 1
        elif ch.lower() in _DATE_LETTERS:
            j = i
            while j < len(section) and section[j].lower() == ch.lower():
                j += 1
            out.append((ch.lower(), section[i:j].lower()))
            i = j
        else:
            out.append(("lit", ch))
            i += 1
    fields = [k for k, (kind, _) in enumerate(out) if kind not in ("lit", "ampm")]
    for pos, k in enumerate(fields):
        if out[k][0] != "m":
            continue
        prev_kind = out[fields[pos - 1]][0] if pos > 0 else ""
        next_kind = out[fields[pos + 1]][0] if pos + 1 < len(fields) else ""
        if prev_kind == "h" or next_kind == "s":
            out[k] = ("n", out[k][1])
    return out


def format_datetime(value: dt.datetime | dt.date | dt.time, fmt: str) -> str:
    """Render a date/time under a date format code (a non-date code falls back to ISO 8601)."""
    section = split_sections(fmt)[0]
    if not is_date_format(section):
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
        return value.isoformat()
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 30), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    tokens = _date_tokens(section)
    twelve_hour = any(kind == "ampm" for kind, _ in tokens)
    out = []
    for kind, text in tokens:
        if kind == "lit":
            out.append(text)
        elif kind == "ampm":
            am = value.hour < 12
            out.append({"AM/PM": ("AM", "PM"), "A/P": ("A", "P")}.get(text, ("上午", "下午"))[0 if am else 1])
        else:
            out.append(_date_field(kind, text, value, twelve_hour))
    return "".join(out)


def _date_field(kind: str, code: str, value: dt.datetime, twelve_hour: bool) -> str:
    n = len(code)
    if kind in ("y", "e", "b"):
        return str(value.year) if n > 2 or kind != "y" else f"{value.year % 100:02d}"
    if kind == "m":
        if n <= 2:
            return f"{value.month:0{n}d}"
        name = _MONTHS_EN[value.month - 1]
        return name[:3] if n == 3 else name[0] if n == 5 else name
    if kind == "d":
        if n <= 2:
            return f"{value.day:0{n}d}"
        name = _WEEKDAYS_EN[value.weekday()]
        return name[:3] if n == 3 else name
    if kind == "a":
        name = _WEEKDAYS_ZH[value.weekday()]
        return name if n >= 4 else name[-1]
    if kind == "h":
        hour = (value.hour % 12 or 12) if twelve_hour else value.hour
        return f"{hour:0{min(n, 2)}d}"
    if kind == "n":
        return f"{value.minute:0{min(n, 2)}d}"
    if kind == "s":
        return f"{value.second:0{min(n, 2)}d}"
    return code
