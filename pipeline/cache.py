"""Content-addressed cache of per-file outcomes, so a re-run processes only new or changed files.

The key is sha256(file bytes) + the pipeline's fingerprint (version and a hash of its own source
and data files, so a code change invalidates old entries) + the extraction options. An entry is the
FileOutcome as JSON, written to a temporary file in the same directory and moved into place with
os.replace: a run killed at any moment leaves either the whole entry or none. An entry that does
not parse (disk trouble, a foreign file) is treated as missing and recomputed.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from extractors.file_hash import file_sha256  # noqa: F401 - re-exported for batch and tests
from extractors.options import ExtractOptions
from normalizers.outcome import FileOutcome

PACKAGES = ("pipeline", "extractors", "normalizers", "vocab")
SOURCE_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".csv", ".txt", ".toml")
FINGERPRINT_ENV = "JIXIAO_PIPELINE_FINGERPRINT"  # pins the fingerprint (jixiao bench sets it)


def jixiao_version() -> str:
    try:
        return metadata.version("jixiao")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Version plus a hash of the packages' source and data files (read once per process)."""
    if os.environ.get(FINGERPRINT_ENV):
        return os.environ[FINGERPRINT_ENV]
    return source_fingerprint(PACKAGES)


@lru_cache(maxsize=4)
def source_fingerprint(packages: tuple[str, ...]) -> str:
    """Version plus a hash of these packages' source and data files (``("extractors", "vocab")``:
    what a file's extracted Document depends on)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(jixiao_version().encode())
    for package in packages:
        base = root / package
        for path in sorted(base.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return f"{jixiao_version()}+{digest.hexdigest()[:16]}"


def cache_key(sha256: str, options: ExtractOptions) -> str:
    text = f"{sha256}|{pipeline_fingerprint()}|{options.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()


class OutcomeCache:
    """Outcomes stored as ``DIR/<key[:2]>/<key>.json``."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def entry_path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> FileOutcome | None:
        try:
            text = self.entry_path(key).read_text(encoding="utf-8")
            return FileOutcome.model_validate_json(text)
        except (OSError, ValueError):  # missing, unreadable or corrupt: recompute
            return None

    def put(self, key: str, outcome: FileOutcome) -> None:
        target = self.entry_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, outcome.model_dump_json().encode("utf-8"))


def write_atomic(target: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``target`` and move it into place."""
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
