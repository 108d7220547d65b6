"""Normalizers: from the extractors' IR to clean records (columns, taxonomy, values, validation)."""
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"  # columns.yaml, taxonomy.yaml, validation.yaml
