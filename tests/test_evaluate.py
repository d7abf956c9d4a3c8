"""Scoring by page kind (quality/evaluate.py): what the ratchet's look-alike floor counts."""

from __future__ import annotations

from pipeline.quality.evaluate import Score, by_kind, figures


def test_by_kind_counts_records_and_kinds_given() -> None:
    gold = [{"file": "a", "kind": "other"}, {"file": "b", "kind": "other"},
            {"file": "c", "kind": "esf_project_2014_2020"}, {"file": "d", "kind": "call"}]
    pages = {"a": {"page_kind": "project"}, "b": {"page_kind": "other"}, "c": {"page_kind": "project"},
             "d": {"page_kind": None}}
    projects = {"a": {}, "c": {}}
    got = by_kind(gold, pages, projects, calls={})
    assert got["other"] == {"pages": 2, "project_record": 1, "call_record": 0, "kind=project": 1, "kind=other": 1}
    assert got["call"]["kind=unread"] == 1 and got["call"]["call_record"] == 0
    assert got["esf_project_2014_2020"]["project_record"] == 1


def test_a_look_alike_with_a_record_lowers_its_figure() -> None:
    result = {"project": {"title": Score(tp=1)}, "call": {},
              "by_kind": {"other": {"pages": 4, "project_record": 1, "call_record": 0}}}
    assert figures(result)["other_without_record"] == 0.75
    result["by_kind"]["other"]["project_record"] = 0
    assert figures(result)["other_without_record"] == 1.0
