"""The content hash of an input file (its identity in form ids and the outcome cache), streamed so a
large file is not held in memory; below every stage so normalizers and pipeline share one definition."""
from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
