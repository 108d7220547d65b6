"""Pieces most forms share: label/value header rows, footers, title lines."""
from __future__ import annotations

from ..model import Cell, Row


def kv(label: str, value: str, width: int) -> Row:
    """A header row: label cell, value cell spanning the rest of the table."""
    return [Cell(label), Cell(value, colspan=width - 1)]


def kv_pairs(pairs: list[tuple[str, str]], width: int) -> Row:
    """A header row of several label/value pairs side by side (实施单位 beside 主管部门); the last
    value takes the columns left over."""
    row: Row = []
    per = width // len(pairs)
    for i, (label, value) in enumerate(pairs):
        span = per if i < len(pairs) - 1 else width - per * (len(pairs) - 1)
        row += [Cell(label), Cell(value, colspan=span - 1)]
    return row


def footer(preparer: str, phone: str, date_text: str, head: str | None = None) -> list[str]:
    lines = [f"填表人：{preparer}", f"联系电话：{phone}", f"填报日期：{date_text}"]
    if head:
        lines.append(f"单位负责人签字：{head}")
    return lines
