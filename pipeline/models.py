"""Plain data objects passed between the stages.

Stages exchange these small frozen records so that each stage stays a pure function
(values in, values out) and can be tested without files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from pipeline.resources import data_file

if TYPE_CHECKING:  # record.py builds on these records
    from pipeline.project.record import ProjectRow

# The values the tables may hold in these columns: mypy rejects a misspelt one.
Status = Literal["extracted", "skipped", "rejected"]
PageKind = Literal["project", "call", "regional_plan", "other"]
Template = Literal[
    "bank_glued", "bank_colon", "bank_esfplus", "bank_plain", "kohesio", "owner_site", "fact_list",
    "decision_letter", "empty_fact_block", "call_fields", "call_prose", "regional_plan", "article",
    "info_page", "call_list",
]
Severity = Literal["info", "warning", "error"]
Role = Literal["listed", "named", "owner", "partner", "mentioned"]  # how a page names a municipality (places/)


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
    severity: Severity
    code: str  # one of data/issue_codes.csv, e.g. "unreadable_amount"
    message: str
    evidence: str | None = None

    def located(self, source_file: str, project_key: str | None) -> Issue:
        """The issue with the page and project filled in (a new Issue: the stages' may be shared)."""
        return Issue(source_file, project_key, self.field, self.severity, self.code, self.message, self.evidence)


@dataclass(frozen=True)
class IssueCode:
    """One row of data/issue_codes.csv: what an issue code means and how bad it is."""

    code: str
    severity: Severity
    meaning: str


@cache
def issue_codes() -> dict[str, IssueCode]:
    """Every issue code the pipeline emits, by code (data/issue_codes.csv: the one list)."""
    out: dict[str, IssueCode] = {}
    with data_file("issue_codes.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            sev = r["severity"]
            if sev not in get_args(Severity):
                raise ValueError(f"issue_codes.csv: {r['code']}: severity {sev!r} is not one of {get_args(Severity)}")
            out[r["code"]] = IssueCode(r["code"], sev, r["meaning"])  # type: ignore[arg-type]
    return out


def issue(code: str, message: str, *, source_file: str = "", field: str | None = None,
          evidence: str | None = None, project_key: str | None = None) -> Issue:
    """The one way stages make an Issue: the severity comes from data/issue_codes.csv.

    Stages that do not know the page leave source_file "" (process.py fills it in); an unknown
    code raises KeyError, so a new code cannot be emitted without a row in the table.
    """
    return Issue(source_file, project_key, field, issue_codes()[code].severity, code, message, evidence)


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
    page_kind: PageKind | None
    template: Template | None
    status: Status
    reason: str | None
    source_url: str | None = None
    fetched_at: str | None = None
    kind_evidence: str | None = None  # what decided page_kind, readable (classify.Classification.evidence)
    project: ProjectRow | None = None  # the project_pages row (project/record.py)
    issues: list[Issue] = field(default_factory=list)
    # extra per-table rows contributed by later stages, keyed by table name
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
