"""Where the review page's templates and assets are, and its settings (templates/labels.yaml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATES = Path(__file__).parents[1] / "templates"
STATIC = Path(__file__).parents[1] / "static"


@lru_cache(maxsize=1)
def report_settings() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / "labels.yaml").read_text(encoding="utf-8"))
