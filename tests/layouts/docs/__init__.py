"""The golden layout documents, one module per issue-11 bullet; `all_docs()` lists them all."""
from __future__ import annotations

from ..model import LayoutDoc


def all_docs() -> list[LayoutDoc]:
    from . import columns, damage, frameworks, headers, incomplete, multi, near_miss, periods

    docs: list[LayoutDoc] = []
    for module in (columns, periods, headers, multi, frameworks, damage, near_miss, incomplete):
        docs += module.docs()
    names = [d.name for d in docs]
    assert len(names) == len(set(names)), "layout document names must be unique"
    return docs
