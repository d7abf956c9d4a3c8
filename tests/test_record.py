"""project/record.py: the project_pages row has exactly the schema's columns, from one literal."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import get_type_hints

from pipeline.models import Page
from pipeline.project.normalise import Programme, ProjectValues
from pipeline.project.record import ProjectPlaces, ProjectRow, project_row
from pipeline.tables.schemas import load_schema


def test_row_keys_are_the_schemas_columns() -> None:
    assert list(get_type_hints(ProjectRow)) == list(load_schema("project_pages").names)


def test_project_row_fills_every_column() -> None:
    page = Page("esf/a.txt", "abc", 10, "text", source_url="https://x", fetched_at="2024-05-02T03:00:00Z")
    values = ProjectValues(diarienummer="2015/00665", title="Plug in", eu_grant_sek=5, start_date=date(2015, 1, 1))
    sections = {"summary": "s", "background": None, "objectives_text": "o", "target_groups_text": None}
    places = ProjectPlaces(["Eskilstuna"], ["0484"], ["Södermanlands län"], ["04"])
    row = project_row(page=page, template="bank_colon", key="2015/00665", values=values,
                      programme=Programme("2014-2020", "ESF"), programme_area_name=None,
                      specific_objective_name="x", sections=sections, places=places)
    assert list(row) == list(load_schema("project_pages").names)
    assert row["source_file"] == "esf/a.txt" and row["page_sha256"] == "abc" and row["template"] == "bank_colon"
    assert row["programme_period"] == "2014-2020" and row["fund"] == "ESF"
    assert row["eu_grant_sek"] == 5 and row["start_date"] == date(2015, 1, 1)
    assert row["summary"] == "s" and row["municipality_codes"] == ["0484"] and row["county_codes"] == ["04"]
    # every normalised value lands in the column of its name
    for f in dataclasses.fields(ProjectValues):
        if f.name != "fund":  # the fund is the programme's (ESF becomes ESF+ in 2021-2027)
            assert row[f.name] == getattr(values, f.name)  # type: ignore[literal-required]
