"""The stages' imports point only down: vocab <- extractors <- normalizers <- pipeline.

Walks every module's AST (top-level and function-level imports alike, so a lazy import cannot
hide an upward dependency) and checks each imported jixiao package against the layer order. There
is no exception list: knowledge two layers need (taxonomy names, value parsing, cell words) lives
in vocab/, the lowest layer.
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


def upward_imports(layer: str, root: Path = ROOT) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        for package, line in sorted(imported_packages(path)):
            if package not in allowed:
                found.append(f"{path.relative_to(root)}:{line} imports {package}")
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_point_only_down(layer):
    assert upward_imports(layer) == []


def test_the_check_sees_lazy_imports(tmp_path):
    """A function-level import of a higher layer is found (the check would otherwise pass vacuously)."""
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from normalizers.columns import is_rule_text\n    return is_rule_text\n")
    assert imported_packages(module) == {("normalizers", 2)}


def test_an_upward_import_anywhere_in_a_layer_fails_the_check(tmp_path):
    """No exception list: a lazy upward import in a sub-package is reported with its file and line."""
    (tmp_path / "extractors" / "text").mkdir(parents=True)
    (tmp_path / "extractors" / "text" / "reader.py").write_text(
        "from vocab import labels\n\n\ndef kind(t):\n    from normalizers import columns\n    return columns\n")
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "words.py").write_text("import pipeline.batch\n")
    assert upward_imports("extractors", tmp_path) == ["extractors/text/reader.py:5 imports normalizers"]
    assert upward_imports("vocab", tmp_path) == ["vocab/words.py:1 imports pipeline"]
    assert upward_imports("pipeline", tmp_path) == []
