"""What processing one input file yields: its records, its anomalies and how it ended."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from normalizers.records import Anomaly, FormRecord, IndicatorRecord

Status = Literal["succeeded", "partial", "failed", "cached"]


class FileInput(BaseModel):
    """One file handed to process_file by the batch (the work unit sent to a worker)."""

    path: str  # absolute path to read
    source_file: str  # relative to the PATH argument it was found under
    sha256: str = ""  # the content hash the batch took for the cache key (empty: process_file takes it)


class FileOutcome(BaseModel):
    source_file: str  # relative to the PATH argument it was found under
    path: str  # absolute path as read
    sha256: str = ""
    status: Status = "succeeded"
    extractor: str = ""
    pages: int = 0
    forms: list[FormRecord] = Field(default_factory=list)
    indicators: list[IndicatorRecord] = Field(default_factory=list)
    anomalies: list[Anomaly] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)  # stage -> seconds
