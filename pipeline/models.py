"""Plain data objects passed between the stages.

Stages exchange these small frozen records so that each stage stays a pure function
(values in, values out) and can be tested without files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawDocument:
    """One page as read from disk (or from one record of an archive), not yet decoded.

    `error` is set (and `data` is None) when the reader could not get the bytes at all;
    the page then becomes a `rejected` row of the manifest with `error` as its reason.
    """

    source_file: str  # path relative to RAW_DIR; "archive-path#record-number" inside archives
    data: bytes | None
    n_bytes: int
    sha256: str
    media_type: str = "text"  # "text" or "html": what the bytes hold once decoded
    declared_charset: str | None = None  # from an HTTP header / JSON record, if known
    source_url: str | None = None
    fetched_at: str | None = None  # ISO 8601 timestamp, if the dump says when it was fetched
    error: str | None = None


@dataclass(frozen=True)
class Issue:
    """A value dropped as ambiguous, or a failed check: one row of issues.parquet."""

    source_file: str
    project_key: str | None
    field: str | None
    severity: str  # "info" | "warning" | "error"
    code: str  # short machine-readable code, e.g. "ambiguous_amount"
    message: str
    evidence: str | None = None


@dataclass(frozen=True)
class Page:
    """A decoded page: Unicode text (NFC, normalised spaces) plus where it came from."""

    source_file: str
    sha256: str
    n_bytes: int
    text: str
    source_url: str | None = None
    fetched_at: str | None = None
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class LabelValue:
    """One label/value pair found in a page's fact block."""

    field: str  # canonical field name from data/labels.csv
    label: str  # the label as written
    value: str  # the value as written ("" for an empty label)
    line: int  # 0-based line number of the label


@dataclass
class PageResult:
    """Everything one page contributes to the output tables."""

    source_file: str
    page_sha256: str
    n_bytes: int
    page_kind: str | None
    template: str | None
    status: str  # "extracted" | "skipped" | "rejected"
    reason: str | None
    source_url: str | None = None
    fetched_at: str | None = None
    kind_evidence: str | None = None  # what decided page_kind, readable (classify.Classification.evidence)
    project: dict[str, Any] | None = None
    issues: list[Issue] = field(default_factory=list)
    # extra per-table rows contributed by later stages, keyed by table name
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
