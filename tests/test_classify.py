"""Table-driven tests for pipeline.layout.classify: one small page per template and page kind."""

from __future__ import annotations

import pytest

from pipeline.layout.classify import classify
from pipeline.layout.segment import segment

P = pytest.param


def _page(*lines: str) -> str:
    return "\n".join(lines)


CLASSIFY = [
    # old project bank (glued labels)
    P(_page("Jobbvägen", "Diarienummer2016/00123", "ProjektägareRegionförbundet Sörmland",
            "RegionÖstra Mellansverige", "Beviljat ESF-stöd2 761 412 kr"),
      "project", "bank_glued", id="bank-glued"),
    # new bank (Label: / next line)
    P(_page("Stärkt lärande", "Projektnummer:", "22-017-S04", "Projektägare:", "Kommunförbundet Norrbotten",
            "Startdatum:", "Slutdatum:", "Beviljat ESF+-stöd:", "3 000 000 kr"),
      "project", "bank_colon", id="bank-colon"),
    # ESF+ pages (fund / NUTS labels)
    P(_page("Nya vägar", "Projektnummer:", "23-123-C01", "Projektägare:", "Region Gävleborg",
            "Berörd fond:", "ESF+", "NUTS-2 kod:", "SE31", "Beviljat ESF+-stöd:", "4 000 000 kr"),
      "project", "bank_esfplus", id="bank-esfplus"),
    # bank pages with colon-less labels
    P(_page("Unga i arbete", "Diarienummer", "2018/00456", "Projektägare", "Arbetsförmedlingen",
            "Region", "Västsverige", "Beviljat ESF-stöd", "1 000 000 kr"),
      "project", "bank_plain", id="bank-plain"),
    # Kohesio (English, EUR)
    P(_page("Kohesio: discover EU projects", "project info", "Green skills",
            "EU contribution: 500 000,00 € (40%)", "Start date: 1 September 2023", "End date: 31 August 2026"),
      "project", "kohesio", id="kohesio"),
    # owners' own sites: a fact box heading and prose about the project
    P(_page("Projektet Hela vägen", "Projektfakta", "Projektet startade den 1 mars 2019 och drivs av Malmö stad.",
            "Projektet pågår till 31 december 2021."),
      "project", "owner_site", id="owner-site"),
    P(_page("Om oss", "- Projektägare: Lunds kommun", "- Beviljat ESF-stöd: 2 000 000 kr",
            "- Projektperiod: 2019-01-01 - 2020-12-31"),
      "project", "fact_list", id="fact-list"),
    # funding decision letters
    P(_page("Beslut om EU-medel", "Projekt: Bättre hälsa Beslut om stöd", "Att: Anna Svensson Box 12",
            "EU:s andel kan uppgå till högst 45 %"),
      "project", "decision_letter", id="decision-letter"),
    # calls for proposals
    P(_page("Kompetens i norr", "Utlysning:", "2023/00100", "Utlyst belopp:", "50 000 000 kr",
            "Region:", "Övre Norrland", "Programområde:", "A"),
      "call", "call_fields", id="call-utlyst-belopp"),
    P(_page("Ny utlysning inom Socialfonden",
            "ESF-rådet utlyser 40 miljoner kronor. Ansökningstiden är 1 mars till 15 april 2024."),
      "call", "call_prose", id="press-release-call"),
    # news/press releases (traps)
    P(_page("Ny utlysning på gång", "Snart öppnar en utlysning för projekt inom kompetens. Mer information kommer."),
      "other", "article", id="trap-news-call-without-window"),
    P(_page("Kontakta oss", "Telefon: 08-123 456 78", "Vi svarar vardagar."),
      "other", "article", id="trap-info-page-one-label"),
    # regional action plans
    P(_page("Regional handlingsplan för Norra Mellansverige", "Här beskrivs de regionala prioriteringarna."),
      "regional_plan", "regional_plan", id="regional-plan"),
]


@pytest.mark.parametrize(("page", "kind", "template"), CLASSIFY)
def test_classify(page: str, kind: str, template: str) -> None:
    c = classify(page, segment(page))
    assert (c.page_kind, c.template) == (kind, template)
    assert c.reason
