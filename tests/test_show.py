"""`python -m pipeline show FILE`: one page explained, as a user runs it (subprocess), and the
trace it is built from (the same extraction, nothing changed by recording it).

Fixtures in tests/fixtures/show/ (written for these tests): a project bank page (colon layout,
an approximate grant, a malformed e-mail), an owner's site in prose (two owners that disagree,
a grant and a start read from prose), a Kohesio-like English page (euro amounts, dates given
twice), and JSON lines holding a news item and an HTML project page.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import RAW, ROOT, plain
from pipeline.ingest.read import read_path
from pipeline.models import RawDocument
from pipeline.process import PageTrace, process_document
from pipeline.project.readers import Candidate
from pipeline.project.resolve import resolve_candidates
from pipeline.quality.explain import explain, render

SHOW = Path(__file__).parent / "fixtures" / "show"


@cache
def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline show ARGS` from the repository root (each command run once)."""
    return subprocess.run([sys.executable, "-m", "pipeline", "show", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})


def show_json(*args: str) -> dict[str, Any]:
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def field(ex: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in ex["fields"] if f["field"] == name)


def candidates(ex: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [c for c in ex["candidates"] if c["field"] == name]


# --------------------------------------------------------------------------- the text view

SECTIONS = ["READ", "TEXT the later stages read", "PAGE KIND", "FACT BLOCK", "FIELDS", "ISSUES"]


@pytest.mark.parametrize("page, expected", [
    # one row per page shape: the sections and a line a user would look for
    ("bank_colon.txt", ["kind        project page, template bank_colon", "malformed_email", "unreadable_amount",
                        "fact block line 3: Projektägare"]),
    ("owner_site.txt", ["kind        project page, template owner_site", "LOST   the candidates disagree",
                        "reader: grant_granted_from_esf", "CANDIDATES (5: 2 taken, 3 lost)"]),
    ("kohesio_like.txt", ["kind        project page, template kohesio", "amount_in_euro",
                          "LOST   no usable value: amount in euro, not converted", "as written “3 May 2023”"]),
])
def test_text_view_has_every_section(page: str, expected: list[str]) -> None:
    done = _run(str(SHOW / page))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    positions = [out.find("\n" + s) for s in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), "sections present, in reading order"
    flat = " ".join(out.split())  # (a long cell wraps within its column)
    for text in expected:
        assert " ".join(text.split()) in flat
    assert all(len(line) <= 100 for line in out.splitlines()), "fits the terminal's width"
    assert "Candidate(" not in out and "{'" not in out, "no repr() walls"


def test_text_shows_the_first_lines_and_all_with_text() -> None:
    short, full = _run(str(SHOW / "owner_site.txt")), _run(str(SHOW / "owner_site.txt"), "--text")
    assert "lines 1-15 of 18; --text shows all 18" in short.stdout
    assert " 16 │" not in short.stdout and " 18 │ Till startsidan" in full.stdout


# --------------------------------------------------------------------------- --json


def test_json_field_has_value_evidence_and_rule() -> None:
    ex = show_json(str(SHOW / "bank_colon.txt"))
    assert ex["show_version"] == 1 and ex["status"] == "extracted"
    owner = field(ex, "owner")
    assert owner["value"] == "Luleå kommun"
    assert owner["evidence"] == "Projektägare: Luleå kommun"
    assert owner["rule"] == "fact block line 3: Projektägare"
    grant = field(ex, "eu_grant_sek")  # dropped: the issue is on the field
    assert grant["value"] is None and grant["as_written"] == "cirka 3 miljoner kr"
    assert grant["issues"] == ["unreadable_amount"]
    assert field(ex, "start_date")["value"] == "2019-09-01" and field(ex, "start_date")["rule"].endswith("as period")
    assert field(ex, "municipalities")["value"] == ["Luleå", "Boden"]
    assert {r["role"] for r in ex["rows"]["project_municipalities"]} >= {"listed"}
    assert {(i["code"], i["field"]) for i in ex["issues"]} == {("malformed_email", "contact_email"),
                                                                ("unreadable_amount", "eu_grant_sek")}
    assert ex["kind"]["page_kind"] == "project" and ex["kind"]["evidence"].startswith("project fact block")
    assert [p["label"] for p in ex["fact_block"]][:2] == ["Projektägare", "Projektnummer"]


def test_json_losing_candidates_say_why() -> None:
    ex = show_json(str(SHOW / "owner_site.txt"))
    owners = candidates(ex, "owner")
    assert not any(c["chosen"] for c in owners) and field(ex, "owner")["value"] is None
    disagree = {c["value"]: c for c in owners if "disagree" in c["reason"]}
    assert set(disagree) == {"Vaggeryds kommun", "Stiftelsen Ungdomslyftet"}
    assert disagree["Vaggeryds kommun"]["rule"] == "owner_project_run_by"
    assert "conflicting_candidates" in field(ex, "owner")["issues"]
    grant = field(ex, "eu_grant_sek")
    assert grant["value"] == 1400000 and grant["rule"] == "reader: grant_granted_from_esf"
    assert [c["reason"] for c in candidates(ex, "eu_grant_sek")] == ["the only usable candidate"]
    assert ex["kind"]["template"] == "owner_site" and ex["kind"]["evidence"]


def test_json_english_page_euro_and_the_fact_block_outranking_prose() -> None:
    ex = show_json(str(SHOW / "kohesio_like.txt"))
    euro = candidates(ex, "eu_grant_sek")
    assert [(c["value"], c["chosen"], c["problem"]) for c in euro] == [(None, False, "amount in euro, not converted")]
    starts = candidates(ex, "start_date")
    assert starts and all(not c["chosen"] and "outranks" in c["reason"] for c in starts)
    assert field(ex, "start_date")["value"] == "2023-05-03"
    assert field(ex, "owner")["value"] == "Gävle kommun"
    assert "amount_in_euro" in {i["code"] for i in ex["issues"]}


# --------------------------------------------------------------------------- formats


def test_jsonl_without_a_record_lists_them_and_each_way_of_choosing_gives_the_same() -> None:
    index = show_json(str(SHOW / "crawl.jsonl"))
    assert index["reader"] == "jsonl"
    assert [(r["record"], r["source_url"]) for r in index["records"]] == [
        ("0", "https://example.org/nyheter/seminarium"), ("1", "https://example.org/projekt/2018-00233")]
    text = _run(str(SHOW / "crawl.jsonl")).stdout
    assert "2 records" in text and "#N" in text
    by_hash, by_option = show_json(str(SHOW / "crawl.jsonl") + "#1"), show_json(str(SHOW / "crawl.jsonl"), "--record", "1")
    assert by_hash == by_option
    read = by_hash["read"]
    assert (read["reader"], read["record"], read["media_type"]) == ("jsonl", "1", "html")
    assert read["markup_chars"] > read["text_chars"] > 0 and read["fetched_at"] == "2024-06-01T08:01:00Z"
    assert field(by_hash, "diarienummer")["value"] == "2018/00233"
    assert field(by_hash, "owner")["value"] == "Gislaveds kommun"


def test_a_news_record_says_why_it_was_skipped() -> None:
    ex = show_json(str(SHOW / "crawl.jsonl") + "#0")
    assert ex["status"] == "skipped" and ex["kind"]["page_kind"] == "other"
    assert ex["kind"]["evidence"] and ex["reason"].startswith("other page")
    assert ex["fields"] == [] and ex["text"]["complete"]


def test_warc_record_and_gzip_page() -> None:
    ex = show_json(str(RAW / "crawls" / "esf_2024-03.warc.gz"), "--record", "1")
    assert (ex["read"]["reader"], ex["read"]["gzip_layers"]) == ("warc", 1)
    assert ex["read"]["source_url"] and ex["read"]["fetched_at"] and ex["status"] == "extracted"


@pytest.mark.parametrize("name, data, reason", [
    # one row per broken shape: the file is rejected, show exits 0 and says why
    ("bild.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary content (PNG image)"),
    ("tom.txt", b"", "empty file"),
    ("blank.html", b"   \n\t\n", "whitespace only"),
])
def test_rejected_file_says_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "pipeline", "show", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"status      rejected: {reason}" in done.stdout
    assert "none: the page was rejected before its fields were read" in done.stdout


def test_cut_off_gzip_page_is_shown_with_its_damage(tmp_path: Path) -> None:
    path = tmp_path / "sida.txt.gz"
    path.write_bytes(gzip.compress((SHOW / "bank_colon.txt").read_bytes() * 3)[:-40])
    ex = explain(path)
    assert ex["read"]["reader"] == "gzip" and ex["status"] == "extracted"
    assert ex["read"]["damage"] and "truncated" in ex["read"]["damage"][0]
    assert "damage" in render(ex)


def test_help_names_the_record_syntax() -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", "show", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "FILE#N" in done.stdout and "--json" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["no_such_file.txt"], "no such file"),
    (["tests"], "is a folder"),
    ([str(SHOW / "crawl.jsonl") + "#9"], "no record #9"),
    ([str(SHOW / "crawl.jsonl") + "#1", "--record", "0"], "two records asked for"),
])
def test_missing_file_or_record_is_a_usage_error(args: list[str], message: str) -> None:
    done = _run(*args)
    assert done.returncode == 2 and message in done.stderr and not done.stdout


# --------------------------------------------------------------------------- in process


def _docs() -> list[RawDocument]:
    files = sorted(p for p in [*RAW.rglob("*"), *SHOW.iterdir()] if p.is_file() and not p.name.startswith("."))
    return [d for f in files for d in read_path(f)]


def _comparable(r: Any) -> Any:
    r.timings.clear()
    return r


def test_recording_a_trace_changes_nothing() -> None:
    """Every sample and fixture page gives the same result with and without a trace."""
    for doc in _docs():
        assert _comparable(process_document(doc)) == _comparable(process_document(doc, PageTrace())), doc.source_file


def test_show_gives_the_values_extract_writes(sample_run: Path) -> None:
    """The fields shown are the project_pages row of the run, for every project page of raw/."""
    rows = pd.read_parquet(sample_run / "project_pages.parquet").set_index("source_file")
    pages = pd.read_parquet(sample_run / "pages.parquet").set_index("source_file")
    checked = 0
    for path in sorted(p for p in RAW.rglob("*") if p.is_file()):
        index = explain(path)
        names = [r["record"] for r in index["records"]] if "records" in index else [None]
        for rec in names:
            ex = explain(path, rec) if rec is not None else index
            name = path.relative_to(RAW).as_posix() + (f"#{rec}" if rec is not None else "")
            assert ex["status"] == pages.loc[name, "status"], name
            if name in rows.index:
                for f in ex["fields"]:
                    assert plain(rows.loc[name, f["field"]]) == f["value"], (name, f["field"])
                checked += 1
            assert render(ex)
    assert checked >= 5


@pytest.mark.parametrize("given, outcome", [
    # one row per resolver decision: (field, value, rule, problem) of the candidates, and their outcomes
    ([("total_budget_sek", "2 000 000 kr", "a", None), ("total_budget_sek", "2 000 000 kronor", "b", None)],
     [(True, "all 2 usable candidates agree"), (False, "agrees with the kept candidate")]),
    ([("total_budget_sek", "2 000 000 kr", "a", None), ("total_budget_sek", "3 000 000 kr", "b", None)],
     [(False, "disagree"), (False, "disagree")]),
    ([("eu_grant_sek", None, "a", "approximate amount")], [(False, "no usable value: approximate amount")]),
    ([("owner", "Europeiska socialfonden", "a", None)], [(False, "managing authority")]),
    ([("start_date", "någon gång", "a", None)], [(False, "unreadable")]),
    ([("phase", "Genomförande", "a", None)], [(True, "the only usable candidate")]),
    ([("contact_phone", "070-123 45 67", "a", None)], [(False, "no contact name")]),
])
def test_every_candidate_gets_one_outcome_and_the_choice_is_unchanged(
        given: list[tuple[str, str | None, str, str | None]], outcome: list[tuple[bool, str]]) -> None:
    cands = [Candidate(f, v, f"evidence {i}", r, p) for i, (f, v, r, p) in enumerate(given)]
    plain_values: dict[str, str] = {}
    traced_values: dict[str, str] = {}
    outcomes: list[Any] = []
    issues = resolve_candidates(plain_values, {}, cands)
    assert resolve_candidates(traced_values, {}, cands, outcomes) == issues
    assert plain_values == traced_values
    assert [o.candidate for o in outcomes] == cands
    for o, (chosen, reason) in zip(outcomes, outcome):
        assert o.chosen is chosen and reason in o.reason


def test_fact_block_outranks_candidates_with_a_reason() -> None:
    values = {"total_budget_sek": "5 000 000 kr"}
    outcomes: list[Any] = []
    resolve_candidates(values, {"total_budget_sek": "Budget: 5 000 000 kr"},
                       [Candidate("total_budget_sek", "4 000 000 kr", "budget på 4 000 000 kr", "r")], outcomes)
    assert values == {"total_budget_sek": "5 000 000 kr"}
    assert [(o.chosen, o.reason) for o in outcomes] == [(False, "the fact block gives '5 000 000 kr', which outranks every reader")]


def test_gzip_page_is_explained_like_the_plain_file(tmp_path: Path) -> None:
    gz = tmp_path / "kohesio_like.txt.gz"
    gz.write_bytes(gzip.compress((SHOW / "kohesio_like.txt").read_bytes()))
    a, b = explain(SHOW / "kohesio_like.txt"), explain(gz)
    assert (b["read"]["reader"], b["read"]["gzip_layers"]) == ("gzip", 1)
    assert {k: v for k, v in a.items() if k != "read"} == {k: v for k, v in b.items() if k != "read"}
