"""The stages' imports point only down: vocab <- extractors <- normalizers <- pipeline.

Walks every module's AST (top-level and function-level imports alike, so a lazy import cannot
hide an upward dependency) and checks each imported jixiao package against the layer order.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("vocab", "extractors", "normalizers", "pipeline")  # a layer may import only those before it


def imported_packages(source: Path) -> set[tuple[str, int]]:
    """(top-level jixiao package, line) of every absolute import in the file."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update((name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in LAYERS)
    return found


def upward_imports(layer: str) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    return [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for package, line in sorted(imported_packages(path))
        if package not in allowed
    ]


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_point_only_down(layer):
    assert upward_imports(layer) == []


def test_the_check_sees_lazy_imports(tmp_path):
    """A function-level import of a higher layer is found (the check would otherwise pass vacuously)."""
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from normalizers.values import is_unit\n    return is_unit\n")
    assert imported_packages(module) == {("normalizers", 2)}
