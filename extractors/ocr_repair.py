"""Domain-aware repair of OCR text in a performance-target form (placeholder, filled in next)."""
from __future__ import annotations

from .ir import Repair, Table


def repair_table(table: Table) -> Table:
    return table


def repair_free_line(text: str) -> tuple[str, list[Repair]]:
    return text, []


def is_operator_text(text: str) -> bool:
    return text.strip() in {"≥", "≤", ">", "<", "=", "定性"}
