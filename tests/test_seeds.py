"""The seed pages this project started from give exactly the values they state."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS
from pipeline.batch.run import run

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    run(SEEDS, out)
    return out


def _page(out: Path, prefix: str) -> dict:
    df = pd.read_parquet(out / "project_pages.parquet")
    rows = df[df["source_file"].str.startswith(prefix)].to_dict("records")
    assert len(rows) == 1, f"expected one project record for seed {prefix}"
    return rows[0]


@pytest.mark.parametrize(
    "seed, kind",
    [("000", "other"), ("001", "project"), ("002", "regional_plan"), ("003", "project"), ("004", "regional_plan")],
)
def test_seed_kinds(seeds_out: Path, seed: str, kind: str) -> None:
    pages = pd.read_parquet(seeds_out / "pages.parquet")
    row = pages[pages["source_file"].str.startswith(seed)].iloc[0]
    assert row["page_kind"] == kind


SEED_VALUES = [
    # seed 001: old project bank, glued labels, maintenance banner with dates
    ("001", "title", "Socialfonden som verktyg för Sörmlandsstrategins förverkligande"),
    ("001", "owner", "Regionförbundet Sörmland"),
    ("001", "contact_name", "Catharina Frändberg"),
    ("001", "contact_email", "catharina.frandberg@region.sormland.se"),
    ("001", "contact_phone", "0155-778 99"),
    ("001", "region", "Östra Mellansverige"),
    ("001", "nuts2", "SE12"),
    ("001", "programme_area", "2"),
    ("001", "programme_period", "2007-2013"),
    ("001", "phase", "Genomförande"),
    ("001", "eu_grant_sek", 2761412),
    ("001", "total_budget_sek", 2761412),
    ("001", "start_date", date(2014, 1, 2)),
    ("001", "end_date", date(2014, 12, 31)),
    ("001", "diarienummer", None),
    # seed 003: new bank, Label:/next line, empty Startdatum/Slutdatum labels, postcode
    ("003", "diarienummer", "2020/00701"),
    ("003", "project_key", "2020/00701"),
    ("003", "title", "Livslångt lärande"),
    ("003", "owner", "Samordningsförbundet RAR Sörmland"),
    ("003", "owner_unit", None),
    ("003", "contact_name", "Kenny Sjöberg"),
    ("003", "contact_email", "kenny.sjoberg@yahoo.com"),
    ("003", "region", "Östra Mellansverige"),
    ("003", "planned_participants", 140),
    ("003", "start_date", date(2021, 2, 1)),
    ("003", "end_date", date(2021, 10, 30)),
    ("003", "total_budget_sek", 399819),
    ("003", "eu_grant_sek", 399819),
    ("003", "beneficiary_postcode", "61188"),
    ("003", "programme_area", "1"),
    ("003", "specific_objective", "1.1"),
    ("003", "eu_cofinancing_rate_pct", 50.0),
    ("003", "intervention_type", "117"),
    ("003", "programme_period", "2014-2020"),
    ("003", "fund", "ESF"),
]


@pytest.mark.parametrize("seed, column, expected", SEED_VALUES)
def test_seed_values(seeds_out: Path, seed: str, column: str, expected: object) -> None:
    value = _page(seeds_out, seed)[column]
    if expected is None:
        assert value is None or pd.isna(value)
    else:
        assert value == expected


def test_evaluation_on_seeds_is_exact() -> None:
    """`make evaluate-seeds`: every labelled value of the seeds found, nothing wrong."""
    from pipeline.quality.evaluate import evaluate, figures

    figs = figures(evaluate(SEEDS, ROOT / "tests/fixtures/seeds_gold.jsonl"))
    assert figs["project_precision"] == 1.0
    assert figs["project_recall"] >= 0.95


def _table(out: Path, name: str, seed: str) -> pd.DataFrame:
    df = pd.read_parquet(out / f"{name}.parquet")
    return df[df["source_file"].str.startswith(seed)]


def test_seed_001_municipalities_and_county(seeds_out: Path) -> None:
    row = _page(seeds_out, "001")
    assert list(row["municipalities"]) == [
        "Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs", "Trosa", "Vingåker"]
    assert list(row["municipality_codes"]) == ["0484", "0482", "0461", "0483", "0480", "0481", "0486", "0488", "0428"]
    assert list(row["counties"]) == ["Södermanlands län"] and list(row["county_codes"]) == ["04"]
    pm = _table(seeds_out, "project_municipalities", "001")
    assert set(pm[pm["role"] == "listed"]["kommunkod"]) == set(row["municipality_codes"])


def test_seed_003_has_no_listed_or_named_municipality(seeds_out: Path) -> None:
    assert list(_page(seeds_out, "003")["municipalities"]) == []
    pm = _table(seeds_out, "project_municipalities", "003")
    assert not set(pm["role"]) & {"listed", "named"}


def test_seed_goals_and_target_group(seeds_out: Path) -> None:
    o1 = _table(seeds_out, "project_objectives", "001")
    assert any(t.startswith("Sörmlandsstrategins mål 1 lyder") for t in o1[o1["kind"] == "goal"]["text"])
    o3 = _table(seeds_out, "project_objectives", "003")
    goals = o3[o3["kind"] == "goal"]
    assert list(goals["code"]) == ["1", "2", "3", "4", "5"]
    assert goals.iloc[0]["text"].startswith("Lära av tidigare framgångsrika projekt")
    targets = list(o3[o3["kind"] == "target_group"]["text"])
    assert len(targets) == 1 and "anställda och politiker" in targets[0]


def test_seed_regional_plans(seeds_out: Path) -> None:
    assert _table(seeds_out, "project_pages", "002").empty and _table(seeds_out, "project_pages", "004").empty
    r2 = _table(seeds_out, "regional_priorities", "002")
    assert list(r2["region"]) == ["Västsverige"] and r2.iloc[0]["programme_period"] == "2021-2027"
    assert [s.split(":")[0] for s in r2.iloc[0]["specific_objectives"]] == ["VI", "VII"]
    r4 = _table(seeds_out, "regional_priorities", "004")
    assert set(r4["region"]) == {"Västsverige", "Östra Mellansverige", "Mellersta Norrland", "Övre Norrland",
                                 "Norra Mellansverige", "Stockholm", "Småland och öarna", "Sydsverige"}
    om = r4[r4["region"] == "Östra Mellansverige"]
    assert sorted(c for cs in om["counties"] for c in cs) == sorted(
        ["Västmanlands län", "Örebro län", "Östergötlands län", "Uppsala län", "Södermanlands län"])
