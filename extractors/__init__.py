"""Extractors: each input format -> one IR (``extractors.ir``), one sub-package per kind of input
(text, pdf, scan, office); ``extractors.registry`` picks the reader. Extractors import only
``vocab`` and each other, never normalizers or pipeline."""
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"  # the readers' settings and vocabularies (YAML)
