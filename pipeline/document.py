"""Process one input file: extract -> find forms -> normalize -> validate.

``process_file`` never raises for bad input: every failure ends as anomalies and a status in the
returned FileOutcome, so a batch (local processes or a Dask cluster) goes on.
"""
from __future__ import annotations

from pathlib import Path

from extractors.options import ExtractOptions

from .outcome import FileOutcome


def process_file(path: Path, source_file: str, options: ExtractOptions) -> FileOutcome:
    raise NotImplementedError("being written by the main developer")
