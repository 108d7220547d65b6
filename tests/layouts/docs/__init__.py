"""The golden layout documents, one module per issue-11 bullet; `all_docs()` lists them all."""
from __future__ import annotations

from dataclasses import replace

from ..model import LayoutDoc


def all_docs() -> list[LayoutDoc]:
    from . import columns, damage, frameworks, headers, incomplete, multi, near_miss, periods

    docs: list[LayoutDoc] = []
    for module in (columns, periods, headers, multi, frameworks, damage, near_miss, incomplete):
        docs += module.docs()
    docs = [_with_scan(d) for d in docs]
    names = [d.name for d in docs]
    assert len(names) == len(set(names)), "layout document names must be unique"
    return docs


# the kinds whose damage is that of converted text (a page saved as text), not of paper: no scan
_TEXT_ONLY = {"cells", "cells_bare", "spaces"}


def _with_scan(doc: LayoutDoc) -> LayoutDoc:
    """Every layout printed on paper is scanned too (the issue: every layout in every input kind
    where it occurs): a document without a scan kind of its own gets an image-only PDF."""
    if any(k.startswith("scan") for k in doc.kinds) or set(doc.kinds) <= _TEXT_ONLY | {"pdf"} \
            and _TEXT_ONLY & set(doc.kinds):
        return doc
    return replace(doc, kinds=[*doc.kinds, "scan_pdf"])
