"""The project_pages row: built in one place, from what the stages found, naming every column.

`ProjectRow` says what a row holds (its keys are the columns of schemas/project_pages.json, a
test checks that), so mypy catches a misspelt or forgotten column; `project_row` is the one
literal that fills it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from pipeline.models import Page, Template
from pipeline.project.normalise import Programme, ProjectValues


class ProjectRow(TypedDict):
    """One row of project_pages (see docs/data_dictionary.md for what each column means)."""

    source_file: str
    page_sha256: str
    template: Template
    source_url: str | None
    fetched_at: str | None
    project_key: str
    diarienummer: str | None
    title: str | None
    owner: str | None
    owner_name: str | None
    owner_unit: str | None
    owner_org_number: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    region: str | None
    nuts2: str | None
    programme_period: str | None
    fund: str | None
    programme_area: str | None
    programme_area_name: str | None
    specific_objective: str | None
    specific_objective_name: str | None
    phase: str | None
    eu_grant_sek: int | None
    total_budget_sek: int | None
    eu_cofinancing_rate_pct: float | None
    start_date: date | None
    end_date: date | None
    planned_participants: int | None
    intervention_type: str | None
    beneficiary_postcode: str | None
    call_id: str | None
    summary: str | None
    background: str | None
    objectives_text: str | None
    target_groups_text: str | None
    municipalities: list[str] | None
    municipality_codes: list[str] | None
    counties: list[str] | None
    county_codes: list[str] | None


@dataclass(frozen=True)
class ProjectPlaces:
    """The municipalities and counties taken as the project's (names and codes in step): [] when
    the page names none, None when it is cut off before its list (unknown)."""

    municipalities: list[str] | None
    municipality_codes: list[str] | None
    counties: list[str] | None
    county_codes: list[str] | None


def project_row(
    *,
    page: Page,
    template: Template,
    key: str,
    values: ProjectValues,
    programme: Programme,
    programme_area_name: str | None,
    specific_objective_name: str | None,
    sections: dict[str, str | None],
    places: ProjectPlaces,
) -> ProjectRow:
    """The project_pages row of a page (`sections` as `layout.sections.section_texts` gives them)."""
    v = values
    return ProjectRow(
        source_file=page.source_file,
        page_sha256=page.sha256,
        template=template,
        source_url=page.source_url,
        fetched_at=page.fetched_at,
        project_key=key,
        diarienummer=v.diarienummer,
        title=v.title,
        owner=v.owner,
        owner_name=v.owner_name,
        owner_unit=v.owner_unit,
        owner_org_number=v.owner_org_number,
        contact_name=v.contact_name,
        contact_email=v.contact_email,
        contact_phone=v.contact_phone,
        region=v.region,
        nuts2=v.nuts2,
        programme_period=programme.period,
        fund=programme.fund,
        programme_area=v.programme_area,
        programme_area_name=programme_area_name,
        specific_objective=v.specific_objective,
        specific_objective_name=specific_objective_name,
        phase=v.phase,
        eu_grant_sek=v.eu_grant_sek,
        total_budget_sek=v.total_budget_sek,
        eu_cofinancing_rate_pct=v.eu_cofinancing_rate_pct,
        start_date=v.start_date,
        end_date=v.end_date,
        planned_participants=v.planned_participants,
        intervention_type=v.intervention_type,
        beneficiary_postcode=v.beneficiary_postcode,
        call_id=v.call_id,
        summary=sections["summary"],
        background=sections["background"],
        objectives_text=sections["objectives_text"],
        target_groups_text=sections["target_groups_text"],
        municipalities=places.municipalities,
        municipality_codes=places.municipality_codes,
        counties=places.counties,
        county_codes=places.county_codes,
    )
