"""The Literal types of models.py name the values the stages really write."""

from __future__ import annotations

from typing import get_args

from pipeline.models import Role, Template
from pipeline.places.recognise import ROLES


def test_role_is_the_places_roles() -> None:
    assert set(get_args(Role)) == set(ROLES)


def test_project_templates_are_in_the_schema_description() -> None:
    from pipeline.tables.schemas import load_schema

    desc = next(c.description for c in load_schema("project_pages").columns if c.name == "template")
    for t in ("bank_glued", "bank_colon", "bank_esfplus", "bank_plain", "kohesio", "owner_site", "fact_list",
              "decision_letter"):
        assert t in get_args(Template) and t in desc
