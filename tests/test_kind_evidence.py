"""Page kind from evidence (pipeline.layout.kind_evidence via classify): one invented page per
shape of page found in the wild, and one per trap. Every sentence here is written for these
tests; none is taken from a real page.

A project page names an EU fund, names its project (its heading, or its prose under a generic
heading) and states facts about it; news items, lists of projects, information pages, job
advertisements, calls, projects without EU money and 2007-2013 projects are not project pages.
"""

from __future__ import annotations

import re

import pytest

from pipeline.layout.classify import classify
from pipeline.layout.kind_evidence import cues, funds, not_a_title, strip_id
from pipeline.layout.segment import segment
from pipeline.models import Page
from pipeline.process import process_page
from pipeline.tables.rows import page_row

P = pytest.param


def _page(*lines: str) -> str:
    return "\n\n".join(lines)


# (page, kind, template, title, words the evidence must contain)
SHAPES = [
    # owner sites describing one project in prose, the fund named
    P(_page("Gröna jobb i Dalby",
            "Projektet Gröna jobb i Dalby hjälper unga vuxna att hitta arbete inom trädgårdsnäringen.",
            "Projektet finansieras av Europeiska socialfonden och pågår från 1 mars 2024 till 28 februari 2026.",
            "Dalby kommun är projektägare."),
      "project", "owner_site", "Gröna jobb i Dalby", ["fund: ESF", "heading names project", "owner"],
      id="owner-prose-esf"),
    P(_page("Språkbron",
            "Språkbron ger nyanlända föräldrar stöd i svenska. Bildningsförbundet Norr driver projektet "
            "tillsammans med två bibliotek.",
            "Projektet medfinansieras av Europeiska socialfonden+."),
      "project", "owner_site", "Språkbron", ["fund: ESF", "funding stated"], id="owner-prose-esfplus-short"),
    P(_page("ESF-projektet LYFT",
            "Med ESF-projektet LYFT får tolv skolor i länet stöd att minska skolfrånvaron.",
            "Projektet har en budget på 12 miljoner kronor och Skolförbundet Väst är projektägare."),
      "project", "owner_site", "LYFT", ["heading names project", "money"], id="owner-prose-wrapped-heading"),
    P(_page("Frågor och svar om Vägvisaren",
            "Vägvisaren är ett projekt som ägs av Storby kommun och finansieras av ESF.",
            "Vem kan delta?", "Alla som är inskrivna på jobbtorget kan delta."),
      "project", "owner_site", "Vägvisaren", ["heading names project"], id="owner-faq-heading"),
    P(_page("Hoppa till innehåll", "EU-projekt för fler vuxna i studier",
            "I projektet ”Studiebryggan” samarbetar fyra kommuner. Projektet finansieras av Europeiska "
            "socialfonden och har beviljats 8 000 000 kronor.",
            "Projektet pågår: 2024-01-01 – 2025-12-31"),
      "project", "owner_site", "Studiebryggan", ["project named in prose"], id="owner-generic-heading-quoted-name"),
    P(_page("Vi vet nu hur hundra företag kan växa på två år utan att",
            "Kompetenslyftet Syd var ett projekt för småföretag i fyra kommuner.",
            "Projektet finansierades av ESF med 9,5 miljoner kronor. Projektägare var Företagarna Syd."),
      "project", "owner_site", "Kompetenslyftet Syd", ["project named in prose"], id="owner-slogan-name-in-prose"),
    # Kohesio's English pages (a mirror without labels the segmenter knows)
    P(_page("KOHESIO · Q1000001 · SE", "Safe steps to work",
            "The project helps long-term unemployed people in two counties to find work.",
            "EU budget", "€1.2M", "Total project cost", "€2.4M", "Period", "2022-01-01 → 2024-12-31"),
      "project", "kohesio", "Safe steps to work", ["Kohesio", "period", "money"], id="kohesio-mirror"),
    # other funds
    P(_page("Hamnen rör sig",
            "Hamnen rör sig bygger en gemensam plattform för hamnarna längs kusten.",
            "Projektet delfinansieras av Europeiska regionala utvecklingsfonden med 4 miljoner kronor.",
            "Region Kusten äger projektet."),
      "project", "owner_site", "Hamnen rör sig", ["fund: Regionalfonden"], id="other-fund-regional"),
    P(_page("Byastugan i Norrby",
            "Norrby byalag får Leaderstöd för att renovera byastugan så att den kan användas året om.",
            "Kort om projektet: Byastugan i Norrby ska bli en mötesplats för hela bygden."),
      "project", "owner_site", "Byastugan i Norrby", ["fund: Leader"], id="other-fund-leader"),
    P(_page("Familjeteket",
            "Familjeteket medfinansieras av Asyl-, migrations- och integrationsfonden.",
            "Projektets föräldragrupper träffas varje vecka på biblioteket."),
      "project", "owner_site", "Familjeteket", ["fund: AMIF"], id="other-fund-amif"),
    P(_page("Öppna sidans meny Hoppa till sidans innehåll", "Projektstöd", "Norrskenskraft",
            "Projektets mål är att fler små orter ska kunna ta emot nya invånare.",
            "Projektet delfinansieras av Europeiska regionala utvecklingsfonden."),
      "project", "owner_site", "Norrskenskraft", ["heading over a text about 'the project'"],
      id="other-fund-section-heading-first"),
    # news items and press releases about one project
    P(_page("Storby kommun", "Nytt ESF-projekt ska ge fler unga jobb", "12 mars 2024",
            "Storby kommun har beviljats 6 miljoner kronor från Europeiska socialfonden för projektet Ungkraft.",
            "Projektet startar den 1 april 2024."),
      "other", "article", None, ["news item (date line)"], id="news-dateline"),
    P(_page("Fotbollsklubben får EU-pengar för jobbsatsning",
            "Klubben har beviljats 3 miljoner kronor från ESF-rådet. Projektet heter Bollen rullar.",
            "– Vi är mycket glada, säger Karin Berg, ordförande."),
      "other", "article", None, ["heading does not name a project"], id="news-headline-and-quote"),
    P(_page("Pressmeddelande", "Jobbspåret",
            "Jobbspåret finansieras av Europeiska socialfonden och startar den 1 maj 2024."),
      "other", "article", None, ["press release"], id="press-release"),
    P(_page("Dags för nästa steg i länet",
            "Jobbhuset är ett projekt som finansieras av ESF med 5 miljoner kronor.",
            "– Det här blir viktigt för hela länet, säger Per Ek, projektledare."),
      "other", "article", None, ["press quotes"], id="news-prose-name-and-quote"),
    # lists of several projects, information pages, job advertisements, calls
    P(_page("Fyra nya ESF-projekt i länet",
            "Fyra projekt har beviljats sammanlagt 40 miljoner kronor från Europeiska socialfonden.",
            "Projekten startar i september."),
      "other", "article", None, ["several projects"], id="list-several-projects"),
    P(_page("Om Europeiska socialfonden",
            "Europeiska socialfonden är EU:s verktyg för att stärka människors ställning på arbetsmarknaden.",
            "Här kan du läsa mer om hur fonden fungerar."),
      "other", "article", None, ["no heading"], id="info-page-about-the-fund"),
    P(_page("Europeiska socialfonden+",
            "Europeiska socialfonden+ finansierar projekt i hela Sverige och har en budget på 7 miljarder kronor.",
            "Fonden medfinansieras av staten."),
      "other", "article", None, ["no heading that could name a project"], id="info-page-fund-as-heading"),
    P(_page("Kompetensförsörjning",
            "Kompetensförsörjning är ett av socialfondens områden. ESF-projekt inom kompetensförsörjning "
            "kan få stöd på upp till 10 miljoner kronor.", "Läs mer om kompetensförsörjning i programmet."),
      "other", "article", None, ["never speaks of 'the project'"], id="info-page-theme-heading"),
    P(_page("Socialfondsprogrammet 2021–2027",
            "Socialfondsprogrammet 2021–2027 har en budget på 7 miljarder kronor. Projektet du söker för "
            "ska bidra till programmets mål."),
      "other", "article", None, ["no heading"], id="info-page-programme-heading"),
    P(_page("Om ESF",
            "Om ESF: ESF har en budget på 7 miljarder kronor och finansierar projekt i hela landet."),
      "other", "article", None, ["no heading"], id="info-page-om-fund-heading"),
    P(_page("Projektekonom",
            "Vi söker en projektekonom till vårt projekt som finansieras av Europeiska socialfonden.",
            "Projektekonom är en tjänst på heltid. Sista ansökningsdag är 30 april."),
      "other", "article", None, ["job advertisement"], id="job-ad"),
    P(_page("Project coordinator",
            "We are looking for a Project coordinator for a project funded by the European Social Fund.",
            "About the role", "You will follow up the project's budget of €300,000."),
      "other", "article", None, ["job advertisement"], id="job-ad-english"),
    P(_page("Nu kan ni söka stöd för grön omställning",
            "Nu kan du söka stöd från Regionalfonden. I utlysningen fördelas 50 miljoner kronor."),
      "call", "call_prose", None, [], id="call-news-not-a-project"),  # a news item announcing one call is a call
    # projects without EU money
    P(_page("Arbetsbryggan",
            "Arbetsbryggan har beviljats § 37a-medel för perioden 1 januari 2024 – 31 december 2024.",
            "Projektägare är Storby folkhögskola."),
      "other", "article", None, ["not EU-funded"], id="no-eu-money-37a"),
    P(_page("Stegvis", "Projektperiod:", "2023-01-01 – 2024-12-31", "Huvudman:", "Storby kommun",
            "Finansiering:", "Samordningsförbundet finansierar insatsen med 500 000 kr."),
      "other", "article", None, ["not EU-funded"], id="no-eu-money-samordningsforbund"),
    # owner-site pages about 2007-2013 projects
    P(_page("Jobbsteget", "EU-fond", "Europeiska socialfonden", "Tidsperiod", "1 mars 2010 till 2012.",
            "Jobbsteget hjälpte unga i tre städer. Arbetsförmedlingen var projektägare."),
      "other", "article", None, ["2007-2013"], id="old-programme-by-period"),
    P(_page("Kompetens i verkstaden",
            "Kompetens i verkstaden var ett ESF-projekt inom programmet 2007–2013 med 30 deltagare."),
      "other", "article", None, ["2007-2013"], id="old-programme-named"),
    # regional plans keep their template decision
    P(_page("Regional handlingsplan för Västsverige",
            "Europeiska socialfonden finansierar projekt enligt dessa prioriteringar."),
      "regional_plan", "regional_plan", None, ["regional"], id="regional-plan"),
    # traps
    P(_page("Fler i arbete", "3 december - Webbinarium om arbetsmarknaden",
            "Fler i arbete finansieras av Europeiska socialfonden och pågår till 2026.",
            "Uppdaterad: 4 april 2024", "Projektägare är Storby kommun och projektet vänder sig till unga."),
      "project", "owner_site", "Fler i arbete", ["heading names project"], id="trap-banner-and-update-dates"),
    P(_page("Hur var det att vara med i projektet?",
            "Projektet finansierades av ESF med 7 miljoner kronor och gav oss nya arbetssätt."),
      "other", "article", None, ["no heading"], id="trap-question-heading-no-name"),
    P(_page("Projektet Startlinjen beviljades 2 miljoner kronor från ESF för att hjälpa unga vuxna.",
            "Startlinjen samarbetar med tre gymnasieskolor."),
      "other", "article", None, ["no heading"], id="trap-no-heading-starts-with-text"),
    # no heading: the page starts with the grant of its project, the name written twice
    P(_page("Storby Hembygdsförening har beviljats medel från Europeiska socialfonden för förstudien "
            "Vägen till jobb.",
            "Förstudien ska kartlägga hur fler nyanlända kan få arbete inom naturvården.",
            "Läs rapporten från förstudien Vägen till jobb"),
      "project", "owner_site", "Vägen till jobb", ["project named in prose", "funding stated"],
      id="no-heading-granted-name-twice"),
    P(_page("Bygdegårdarnas riksförbund har beviljats stöd ur socialfonden för projektet Öppna dörrar.",
            "Projektet Öppna dörrar pågår i två år och vänder sig till unga utan arbete."),
      "project", "owner_site", "Öppna dörrar", ["project named in prose"], id="no-heading-granted-projektet"),
    # ... but a name written once is no evidence
    P(_page("Storby Hembygdsförening har beviljats medel från Europeiska socialfonden för förstudien "
            "Vägen till jobb.",
            "Förstudien ska kartlägga hur fler nyanlända kan få arbete inom naturvården."),
      "other", "article", None, ["no heading"], id="trap-no-heading-granted-name-once"),
    # ... and a news item stays news
    P(_page("Tre föreningar i länet har fått pengar. Storby IF har beviljats medel från ESF för projektet "
            "Aktiv Fritid.",
            "Projektet Aktiv Fritid startar i höst, säger ordföranden Eva Ek.",
            "Pressmeddelande från Storby IF"),
      "other", "article", None, ["press release"], id="trap-no-heading-granted-news"),
]


@pytest.mark.parametrize(("page", "kind", "template", "title", "words"), SHAPES)
def test_kind_from_evidence(page: str, kind: str, template: str, title: str | None, words: list[str]) -> None:
    c = classify(page, segment(page))
    assert (c.page_kind, c.template) == (kind, template), c.evidence
    assert c.title == title
    for w in words:
        assert w in c.evidence, (w, c.evidence)


# title traps on template pages: the heading that names the project, never a label word, a
# managing authority, a page header or a generic heading
TITLES = [
    P(_page("Kohesio: discover EU projects in your region", "project info", "Start date: 1 March 2016",
            "End date: 28 February 2019", "funding", "Fund: European Social Fund (ESF)",
            "Total budget: 1 000 000,00 €", "EU contribution: 500 000,00 €", "programme",
            "Programming period: 2014-2021",
            "Managing authority: Rådet för Europeiska socialfonden (Svenska ESF-rådet)", "beneficiary",
            "Brobyggarna, Diary No: 2016/00001", "The project builds bridges between schools and employers."),
      "kohesio", "Brobyggarna", id="trap-kohesio-managing-authority-and-id"),
    P(_page("Kohesio: discover EU projects in your region", "project info", "Start date: 1 May 2023",
            "End date: 30 April 2025", "funding", "Fund: European Social Fund Plus (ESF+)",
            "Total budget: 800 000,00 €", "EU contribution: 320 000,00 € (40%)", "programme",
            "Programming period: 2021-2027", "intervention field", "beneficiary", "Hand in hand",
            "The project offers mentors to newly arrived employees."),
      "kohesio", "Hand in hand", id="trap-kohesio-empty-label-words"),
    P("\n".join(("Lokala idéer 2.0", "Inom Lokala idéer 2.0 fick föreningar stöd till egna initiativ.",
            "Om projektet", "Projektperiod", "20240101-20241231", "Projektägare", "Leader Sjöbygden",
            "Projektledare", "Eva Lind")),
      "bank_plain", "Lokala idéer 2.0", id="trap-generic-heading-over-facts"),
    P(_page("Om projektet", "Stegen till jobb", "Projektfakta",
            "Projektet startade den 1 februari 2019 och drivs av Storby kommun.",
            "Projektet pågår till 31 januari 2021."),
      "owner_site", "Stegen till jobb", id="trap-generic-first-line-owner-site"),
    P("\n".join(("Sid 1(12)", "Diarienummer", "2016/00999", "Namn på projektet", "Vägen vidare",
            "Startdatum", "2016-09-01", "Slutdatum", "2018-08-31", "Organisationsnamn", "Storby kommun")),
      "bank_plain", "Vägen vidare", id="trap-application-form-page-header"),
]


@pytest.mark.parametrize(("page", "template", "title"), TITLES)
def test_title_traps(page: str, template: str, title: str) -> None:
    result = process_page(Page("t.txt", "0" * 64, len(page), page))
    assert result.template == template
    assert result.project is not None and result.project["title"] == title


@pytest.mark.parametrize("line", ["Om projektet", "Vad gör projektet?", "Sid 3(17)", "beneficiary",
                                  "intervention field", "Svenska ESF-rådet", "Tillväxtverket",
                                  "Managing authority: Jordbruksverket", "EU-projekt för unga i arbete"])
def test_never_a_title(line: str) -> None:
    assert not_a_title(line)


@pytest.mark.parametrize("line", ["Ung kraft", "Affärslyftet 2.0", "Hand in hand", "Nya Vägar i Vellinge +"])
def test_names_can_be_titles(line: str) -> None:
    assert not not_a_title(line)


def test_strip_id() -> None:
    assert strip_id("Brobyggarna, Diary No: 2016/00001") == "Brobyggarna"
    assert strip_id("Brobyggarna") == "Brobyggarna"


def test_kind_evidence_reaches_the_pages_table() -> None:
    page = SHAPES[0].values[0]
    result = process_page(Page("p.txt", "0" * 64, len(page), page))
    assert result.page_kind == "project" and result.project is not None
    row = page_row(result)
    assert row["kind_evidence"] and "fund: ESF" in row["kind_evidence"]
    news = next(p.values[0] for p in SHAPES if p.id == "news-dateline")
    skipped = process_page(Page("n.txt", "0" * 64, len(news), news))
    assert skipped.status == "skipped" and "news item" in (page_row(skipped)["kind_evidence"] or "")


def test_template_pages_say_which_facts_their_labels_gave() -> None:
    page = "\n".join(["Unga i arbete", "Diarienummer", "2018/00456", "Projektägare", "Arbetsförmedlingen",
                      "Region", "Västsverige", "Beviljat ESF-stöd", "1 000 000 kr"])
    c = classify(page, segment(page))
    assert c.template == "bank_plain" and "facts: owner, money" in c.evidence


def test_cue_finders_agree_with_plain_regex() -> None:
    """The literal shortcuts never change an answer (every cue on every page above)."""
    texts = [p.values[0] for p in SHAPES + TITLES]
    for name, f in cues().items():
        plain = re.compile(f.pattern.pattern, re.MULTILINE)
        for t in texts:
            got, want = f.search(t), plain.search(t)
            assert (got and got.span()) == (want and want.span()), name
    assert [n for n, _ in funds()][:2] == ["ESF", "Regionalfonden"]
