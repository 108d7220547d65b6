"""Output tables: per-run spill files, then forms / indicators / anomalies as CSV and Parquet.

Records are appended to JSON-lines spill files in input order while the batch runs, so memory does
not grow with the batch; at the end each spill is streamed into a CSV (UTF-8 with BOM, numbers as
numbers, empty for None, formula-leading text neutralised) and a Parquet file with typed columns, both first written to a temporary
file in the output directory and then moved over the old table with os.replace. A run that dies
before the end leaves the previous tables as they were.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
from pydantic import BaseModel

from normalizers.records import Anomaly, FormRecord, IndicatorRecord

TABLES: dict[str, type[BaseModel]] = {
    "forms": FormRecord,
    "indicators": IndicatorRecord,
    "anomalies": Anomaly,
}


def columns_of(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def arrow_type(annotation: Any) -> pa.DataType:
    """Arrow type of a record field: Optional[int] -> int64, Optional[float] -> float64, else string."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return arrow_type(inner[0]) if len(inner) == 1 else pa.string()
    if annotation is bool:
        return pa.bool_()
    if annotation is int:
        return pa.int64()
    if annotation is float:
        return pa.float64()
    return pa.string()


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    return pa.schema([(name, arrow_type(field.annotation)) for name, field in model.model_fields.items()])


# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# text that a spreadsheet reads as a plain number (-3.5, +12, -20%) is no formula and stays as it is
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, prefixed with a single quote (OWASP).

    Only the CSV tables do this: Parquet and the review page keep the exact text. A lead character
    alone is no formula and stays as it is: the operator column holds a bare ``=``.
    """
    if len(text) > 1 and text.startswith(FORMULA_LEADS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same number
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(str(value))


CSV_SPECIAL = (",", '"', "\r", "\n")


def csv_line(cells: list[str]) -> str:
    """One CSV row (RFC 4180 quoting, LF line end): a cell holding a comma, a quote, a line feed
    or a carriage return is quoted (Python's csv module leaves a lone CR unquoted, which splits the
    row for every reader)."""
    return ",".join(_csv_field(cell) for cell in cells) + "\n"


def _csv_field(cell: str) -> str:
    if any(ch in cell for ch in CSV_SPECIAL):
        return '"' + cell.replace('"', '""') + '"'
    return cell


class SpillWriter:
    """Appends each file's records, in input order, to one JSON-lines file per table."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.handles = {name: open(self.path(name), "w", encoding="utf-8")  # noqa: SIM115 - see close()
                        for name in TABLES}

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.jsonl"

    def append(self, table: str, records: Iterable[BaseModel]) -> None:
        handle = self.handles[table]
        for record in records:
            handle.write(record.model_dump_json())
            handle.write("\n")

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_spill(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _temp_in(directory: Path, name: str) -> Path:
    handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    os.close(handle)
    os.chmod(temp, 0o644)  # mkstemp makes 0600; the tables are ordinary files for their readers
    return Path(temp)


def write_table_files(spill_path: Path, model: type[BaseModel], csv_path: Path, parquet_path: Path) -> None:
    """Stream one spill file into a CSV (BOM, contract column order) and a typed Parquet file."""
    columns = columns_of(model)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as csv_handle:
        csv_handle.write(csv_line(columns))
        csv_handle.writelines(csv_line([csv_cell(row.get(column)) for column in columns]) for row in read_spill(spill_path))
    schema = arrow_schema(model)
    with pq.ParquetWriter(parquet_path, schema) as parquet_writer:
        if spill_path.stat().st_size == 0:
            parquet_writer.write_table(schema.empty_table())
            return
        # Arrow's own JSON reader: typed record batches without a Python loop per row
        options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        for batch in pa_json.open_json(spill_path, parse_options=options):
            parquet_writer.write_batch(batch.select(columns))


def write_outputs(spills: dict[str, Path], out_dir: Path) -> list[Path]:
    """Write every table from its spill to temporary files in ``out_dir``, then replace the old tables.

    All temporaries are complete before the first os.replace, so a failure while writing leaves
    every previous table untouched.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, model in TABLES.items():
            csv_temp = _temp_in(out_dir, f"{name}.csv")
            staged.append((csv_temp, out_dir / f"{name}.csv"))
            parquet_temp = _temp_in(out_dir, f"{name}.parquet")
            staged.append((parquet_temp, out_dir / f"{name}.parquet"))
            write_table_files(spills[name], model, csv_temp, parquet_temp)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, final in staged:
        os.replace(temp, final)
    return [final for _, final in staged]


def write_records(records: dict[str, Iterable[BaseModel]], out_dir: Path) -> list[Path]:
    """Write tables from records in memory (by way of spill files in a temporary directory)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".jixiao-records-") as spill_dir:
        with SpillWriter(Path(spill_dir)) as spill:
            for name, rows in records.items():
                spill.append(name, rows)
        return write_outputs({name: spill.path(name) for name in TABLES}, out_dir)
