"""Deterministic generator of a realistic benchmark corpus of scraped ESF pages.

    python bench/generate.py OUT_DIR --text 10000 --html 2000 --seed 1

Writes `OUT_DIR/text/...` (plain-text dumps in every layout the sample dump in raw/ shows)
and `OUT_DIR/html/...` (saved HTML pages of 40-80 KB: head with CSS/JS, menus, cookie banner,
footer, long related-links lists around a `<dl>`/`<table>` fact block), so that the two
sub-corpora can be benchmarked separately. The same seed gives a byte-identical corpus: all
randomness comes from one `random.Random(seed)` and nothing iterates over a set or the clock.

Text pages (2-8 KB each) carry the traps of the sample pages: banners with dates, empty
Startdatum/Slutdatum labels, postcodes, organisation numbers, "Programperiod: 2021-2027",
the call number next to the project number, EUR amounts on Kohesio, prose municipality
lists, amounts as "2 761 412 kr", "1.861.135 kr", "32,6 MSEK", dates in ISO and in words.
A few calls, news items, regional action plans and bad files (empty, binary) are mixed in.

Municipality and county names are read at generation time from pipeline/places/data (or the
shared reference list), not hard-coded.

`OUT_DIR/.manifest.json` (hidden, so the pipeline does not read it) records the number of
pages of each intended kind: tests compare it with what the pipeline extracted.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PLACE_FILES = (ROOT / "pipeline" / "places" / "data", ROOT.parent / "shared" / "reference")

# --------------------------------------------------------------------------- vocabularies
# Words, not places: places come from the gazetteer files.
TITLE_HEADS = [
    "Vägar till vården", "Unga framåt", "Fler svetsare", "Kompetenslyft", "Digitalt lärande",
    "Steg in", "Jobbvägen", "Nya vägar till arbete", "Språk och arbete", "Grön omställning",
    "Validering för alla", "Framtidens industri", "Kompetens i omsorgen", "Inkluderande arbetsplatser",
    "Starka tillsammans", "Lärande i arbetet", "Vägen vidare", "Mötesplats arbete", "Nästa steg",
    "Hållbart arbetsliv", "Integration genom arbete", "Kvinnor i tech", "Unga in", "Ett steg närmare",
    "Omställning i handeln", "Vård i framtiden", "Kraftsamling", "Mentorskap för nyanlända",
]
TITLE_TAILS = ["", "", "", " 2.0", " – etapp 2", " – förstudie", " plus", " i samverkan"]
OWNER_FORMS = [
    "{g} kommun", "{g} kommun", "{m} stad", "Samordningsförbundet {m}", "{m} Folkhögskola",
    "Arbetsförmedlingen", "Region {c}", "Företagarna {m}", "Stiftelsen {m} Lärcentrum",
    "{m} Utvecklings AB", "Föreningen Kompetens {m}",
]
FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Johan", "Sara", "Omar", "Fatima", "Jonas", "Birgitta",
         "Per", "Elin", "Ahmed", "Linnea", "Mikael", "Ingrid", "Nils", "Sofia", "Björn", "Åsa", "Örjan"]
LAST = ["Andersson", "Johansson", "Ek", "Lönnqvist", "Haddad", "Nilsson", "Berg", "Frändberg", "Lindqvist",
        "Öberg", "Svensson", "Karlsson", "Åström", "Hussein", "Persson", "Sjöberg", "Dahl", "Wikström"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
TARGETS = ["unga som varken arbetar eller studerar", "långtidsarbetslösa", "nyanlända kvinnor",
           "personer med funktionsnedsättning", "anställda inom vård och omsorg", "utrikes födda",
           "kortutbildade anställda", "personer som står långt från arbetsmarknaden", "äldre arbetssökande"]
ACTIVITIES = ["praktik", "handledning", "kortare utbildningar", "studie- och yrkesvägledning",
              "språkstöd på arbetsplatsen", "validering", "individuell coachning", "stegförflyttningar",
              "kompetenskartläggning", "digitala kurser", "arbetsplatsförlagt lärande"]
SECTORS = ["vården", "industrin", "handeln", "byggbranschen", "besöksnäringen", "omsorgen",
           "transportsektorn", "skogsnäringen", "IT-branschen", "skolan"]
PROGRAMME_AREAS_1420 = [("1", "1.1", "Kompetensförsörjning"), ("2", "2.1", "Ökat arbetskraftsutbud"),
                        ("2", "2.2", "Ökat arbetskraftsutbud"), ("3", "3.1", "Ökad övergång till arbete"),
                        ("1", "1.2", "Kompetensförsörjning")]
PROGRAMME_AREAS_2127 = [("A", "A1A"), ("A", "A2A"), ("B", "B1A"), ("B", "B2B"), ("C", "C1A"), ("D", "D1A")]
PHASES = ["Genomförande", "Analys- och planering", "Avslutad", "Förstudie"]
NEWS_HEADS = ["nya projekt beviljade i {r}", "Pengar till kompetensutveckling i {r}",
              "Socialfonden stärker {m}", "Resultat från projekten i {r}"]
THEMES = ["Arbetsmarknad", "Utbildning", "Integration", "Kompetensförsörjning", "Folkhälsa"]

GENITIVE_NO_S = ("s", "x", "z")


def genitive(name: str) -> str:
    return name if name.endswith(GENITIVE_NO_S) else name + "s"


def ascii_fold(s: str) -> str:
    table = str.maketrans("åäöéüÅÄÖÉÜ ", "aaoeuAAOEU.")
    return "".join(c for c in s.translate(table).lower() if c.isalnum() or c in ".-")


@dataclass
class Places:
    municipalities: list[tuple[str, str]]  # (kommun, län)
    county_region: dict[str, str]          # län -> ESF region
    regions: list[str]

    @classmethod
    def load(cls) -> Places:
        for d in _PLACE_FILES:
            mpath, cpath = d / "municipalities.csv", d / "counties.csv"
            if mpath.exists() and cpath.exists():
                break
        else:  # pragma: no cover - the repo ships the files
            raise SystemExit("no municipalities.csv/counties.csv found")
        with open(mpath, encoding="utf-8", newline="") as fh:
            munis = [(r["kommun"], r["lan"]) for r in csv.DictReader(fh)]
        with open(cpath, encoding="utf-8", newline="") as fh:
            county_region = {r["lan"]: r["esf_region"] for r in csv.DictReader(fh)}
        regions = sorted(set(county_region.values()))
        return cls(munis, county_region, regions)


# --------------------------------------------------------------------------- value formats


def fmt_thousands(n: int, sep: str) -> str:
    s = f"{n:,}"
    return s.replace(",", sep)


def fmt_amount(rng: random.Random, n: int, *, allow_approx: bool = True) -> str:
    """A kronor amount in one of the formats seen on real pages."""
    styles = ["space_kr", "space_kr", "space", "dots_kr", "space_sek", "plain_kr"]
    if allow_approx and n >= 1_000_000:
        styles += ["msek", "miljoner"]
    style = rng.choice(styles)
    if style == "space_kr":
        return fmt_thousands(n, " ") + " kr"
    if style == "space":
        return fmt_thousands(n, " ")
    if style == "dots_kr":
        return fmt_thousands(n, ".") + " kr"
    if style == "space_sek":
        return fmt_thousands(n, " ") + " SEK"
    if style == "plain_kr":
        return f"{n} kr"
    if style == "msek":
        return f"{n / 1e6:.1f}".replace(".", ",") + " MSEK"
    return f"{n / 1e6:.1f}".replace(".", ",").replace(",0", "") + " miljoner kronor"


def fmt_date(rng: random.Random, d: tuple[int, int, int], *, words: float = 0.25) -> str:
    y, m, day = d
    if rng.random() < words:
        return f"{day} {MONTHS[m - 1]} {y}"
    return f"{y:04d}-{m:02d}-{day:02d}"


def rand_date(rng: random.Random, y0: int, y1: int) -> tuple[int, int, int]:
    return (rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28))


def add_years(d: tuple[int, int, int], years: int, months: int = 0) -> tuple[int, int, int]:
    y, m, day = d
    m += months
    y += years + (m - 1) // 12
    m = (m - 1) % 12 + 1
    return (y, m, day)


def org_number(rng: random.Random) -> str:
    return f"{rng.choice([2, 5, 7, 8])}{rng.randint(10000, 99999)}-{rng.randint(0, 9999):04d}"


def postcode(rng: random.Random, spaced: bool) -> str:
    n = rng.randint(10000, 98999)
    return f"{str(n)[:3]} {str(n)[3:]}" if spaced else str(n)


def phone(rng: random.Random) -> str:
    area = rng.choice(["08", "031", "040", "0532", "0155", "090", "060", "019", "063"])
    return f"{area}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}" if area == "08" \
        else f"{area}-{rng.randint(10, 999)} {rng.randint(10, 99)}"


# --------------------------------------------------------------------------- one project


@dataclass
class Project:
    dnr: str
    title: str
    owner: str
    owner_org: str
    region: str
    munis: list[str]
    contact: str
    email: str
    phone: str
    start: tuple[int, int, int]
    end: tuple[int, int, int]
    budget: int
    grant: int
    area: str
    objective: str
    area_name: str
    participants: int
    period: str  # 2007-2013 | 2014-2020 | 2021-2027
    call_dnr: str
    postcode: str
    town: str
    extra: dict[str, str] = field(default_factory=dict)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.places = Places.load()
        self.titles: set[str] = set()  # membership only (never iterated): deterministic
        self.serial = 0
        by_region: dict[str, list[str]] = {}
        for kommun, lan in self.places.municipalities:
            by_region.setdefault(self.places.county_region.get(lan, "Nationellt"), []).append(kommun)
        self.by_region = by_region
        self.region_counties: dict[str, list[str]] = {}
        for lan, reg in self.places.county_region.items():
            self.region_counties.setdefault(reg, []).append(lan)

    # -- values ------------------------------------------------------------------------
    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def unique_title(self, place: str) -> str:
        rng = self.rng
        head = rng.choice(TITLE_HEADS)
        form = rng.random()
        base = f"{head} i {place}" if form < 0.5 else (f"{head} {place}" if form < 0.7 else head)
        base += rng.choice(TITLE_TAILS)
        title, n = base, 2
        while title in self.titles:
            title, n = f"{base} {n}", n + 1
        self.titles.add(title)
        return title

    def project(self, period: str | None = None) -> Project:
        rng = self.rng
        self.serial += 1
        period = period or rng.choices(["2007-2013", "2014-2020", "2021-2027"], [1, 5, 3])[0]
        region = rng.choice([r for r in self.places.regions if r in self.by_region])
        munis = rng.sample(self.by_region[region], min(len(self.by_region[region]), rng.randint(1, 5)))
        m = munis[0]
        county = rng.choice(self.region_counties[region]).replace(" län", "")
        county = county[:-1] if county.endswith("s") and not county.endswith("ss") else county
        owner = rng.choice(OWNER_FORMS).format(g=genitive(m), m=m, c=county)
        contact = self.person()
        domain = ascii_fold(m) + "-exempel.se"
        if period == "2007-2013":
            start = rand_date(rng, 2008, 2012)
            dnr = f"{start[0]}/{self.serial % 100000:05d}"
            call = f"{start[0] - 1}/{rng.randint(1, 999):05d}"
            area, objective, area_name = rng.choice(PROGRAMME_AREAS_1420[:2])
            objective = ""  # 2007-2013 had programme areas only
        elif period == "2014-2020":
            start = rand_date(rng, 2015, 2020)
            dnr = f"{start[0]}/{self.serial % 100000:05d}"
            call = f"{start[0] - 1}/{rng.randint(1, 999):05d}"
            area, objective, area_name = rng.choice(PROGRAMME_AREAS_1420)
        else:
            start = rand_date(rng, 2022, 2025)
            area, objective = rng.choice(PROGRAMME_AREAS_2127)
            area_name = ""
            dnr = f"{start[0] % 100:02d}-{self.serial % 1000:03d}-{objective[:1]}{rng.randint(1, 99):02d}"
            call = f"{start[0] - 1}/{rng.randint(1, 999):05d}"
        end = add_years(start, rng.randint(1, 3), rng.randint(0, 11))
        budget = rng.choice([rng.randint(400_000, 3_000_000), rng.randint(3_000_000, 60_000_000)])
        grant = int(budget * rng.uniform(0.3, 0.9))
        return Project(
            dnr=dnr, title=self.unique_title(m), owner=owner, owner_org=org_number(rng), region=region,
            munis=munis, contact=contact, email=f"{ascii_fold(contact)}@{domain}", phone=phone(rng),
            start=start, end=end, budget=budget, grant=grant, area=area, objective=objective,
            area_name=area_name, participants=0 if rng.random() < 0.08 else rng.randint(10, 2000), period=period,
            call_dnr=call, postcode=postcode(rng, rng.random() < 0.3), town=m.upper(),
        )

    # -- prose ---------------------------------------------------------------------------
    def muni_list(self, munis: list[str]) -> str:
        if len(munis) == 1:
            return munis[0]
        return ", ".join(munis[:-1]) + " och " + munis[-1]

    def sentence(self, p: Project) -> str:
        rng = self.rng
        t = rng.randrange(14)
        sector, target, act = rng.choice(SECTORS), rng.choice(TARGETS), rng.choice(ACTIVITIES)
        if t == 0:
            return f"Projektet vänder sig till {target} i {self.muni_list(p.munis)}."
        if t == 1:
            return f"Insatserna genomförs i {self.muni_list(p.munis)} kommun."
        if t == 2:
            return f"Målet är att {rng.randint(20, 80)} procent av deltagarna ska börja arbeta eller studera."
        if t == 3:
            return f"Projektet arbetar med {act} och {rng.choice(ACTIVITIES)}."
        if t == 4:
            return f"{sector.capitalize()} i regionen har svårt att rekrytera, samtidigt som många {target} saknar arbete."
        if t == 5:
            y = rng.randint(2010, 2024)
            return f"Kommunerna i {p.region} antog {rng.randint(1, 28)} {rng.choice(MONTHS)} {y} en gemensam strategi för kompetensförsörjning."
        if t == 6:
            return f"Arbetsmarknaden i {p.munis[0]} är stark men personalen inom {sector} behöver ny kompetens."
        if t == 7:
            return f"I {rng.choice(p.munis)} bor {fmt_thousands(rng.randint(1000, 90000), '.')} personer som kan ha nytta av insatserna."
        if t == 8:
            return f"Deltagarna får {act} under {rng.randint(3, 18)} månader."
        if t == 9:
            return f"Projektet samverkar med Arbetsförmedlingen, {genitive(rng.choice(p.munis))} kommun och lokala arbetsgivare inom {sector}."
        if t == 10:
            return f"Erfarenheterna ska spridas till andra aktörer i {p.region} och tas om hand i ordinarie verksamhet."
        if t == 11:
            return f"En tidigare förstudie visade att {rng.randint(100, 900)} {target} i området behöver stöd."
        if t == 12:
            return f"Kontakta oss på {postcode(self.rng, True)} {rng.choice(p.munis)} för mer information."
        return f"Jämställdhet, tillgänglighet och icke-diskriminering ska genomsyra arbetet inom {sector}."

    def paragraphs(self, p: Project, target_bytes: int, headings: bool = True) -> str:
        """Description paragraphs until the page reaches target_bytes (UTF-8)."""
        rng = self.rng
        heads = ["Sammanfattning", "Bakgrund", "Syfte", "Mål", "Målgrupp", "Genomförande", "Förväntade resultat"]
        out: list[str] = []
        size, h = 0, 0
        while size < target_bytes:
            if headings and (h == 0 or rng.random() < 0.35) and h < len(heads):
                out.append(heads[h])
                size += len(heads[h]) + 2
                h += 1
            para = " ".join(self.sentence(p) for _ in range(rng.randint(2, 6)))
            out.append(para)
            size += len(para.encode()) + 2
        return "\n\n".join(out)

    def period_str(self, p: Project) -> str:
        s, e = p.start, p.end
        style = self.rng.randrange(4)
        if style == 0:
            return f"{s[0]:04d}-{s[1]:02d}-{s[2]:02d} - {e[0]:04d}-{e[1]:02d}-{e[2]:02d}"
        if style == 1:
            return f"{s[0]:04d}-{s[1]:02d}-{s[2]:02d}-{e[0]:04d}-{e[1]:02d}-{e[2]:02d}"
        if style == 2:
            return f"{s[0]:04d}-{s[1]:02d}-{s[2]:02d} till {e[0]:04d}-{e[1]:02d}-{e[2]:02d}"
        return f"{s[2]} {MONTHS[s[1] - 1]} {s[0]} – {e[2]} {MONTHS[e[1] - 1]} {e[0]}"

    def banner(self) -> list[str]:
        rng = self.rng
        y, m, d = rand_date(rng, 2015, 2024)
        kind = rng.randrange(5)
        if kind == 0:
            return [f"Planerat underhåll: e-tjänsten har driftstopp {rng.choice(WEEKDAYS)} den {d} {MONTHS[m - 1]} {y}",
                    f"Driftstopp pga uppgradering {rng.choice(WEEKDAYS)}en {d}/{m} från kl 08.00, beräknas klart {rng.choice(WEEKDAYS)} {min(d + 1, 28)}/{m}."]
        if kind == 1:
            return ["Information med anledning av covid-19", "Uppdaterad information med anledning av covid-19"]
        if kind == 2:
            return [f"Webbinarium {d} {MONTHS[m - 1]} {y}: Så redovisar du ditt projekt", "Mer information och anmälan."]
        if kind == 3:
            return ["information (1)", "Cookies", "", "Den här webbplatsen använder kakor (cookies) för att ge dig en bättre upplevelse.", "", "Lär dig mer"]
        return [f"EBS2020 har driftstopp på {rng.choice(WEEKDAYS)} den {d} {MONTHS[m - 1]} {y}",
                f"Driftstopp pga servicearbete {rng.choice(WEEKDAYS)}en {d}/{m} från kl 15.00 och framåt."]

    # -- text layouts --------------------------------------------------------------------
    def text_glued(self, p: Project, size: int) -> str:
        rng = self.rng
        lines = ["Logotyp på utskrifter", "", "Stäng", ""] + self.banner() + ["", p.title, ""]
        facts = [
            f"ProgramområdeProgramområde {p.area} {p.area_name or 'Kompetensförsörjning'}",
            f"Projektfas{rng.choice(PHASES)}",
            f"Projektägare{p.owner}, {p.owner}" if rng.random() < 0.5 else f"Projektägare{p.owner}",
            f"Kontaktperson{p.contact}",
            f"E-post{p.email}",
            f"Telefonnummer{p.phone}",
            f"Beviljat ESF-stöd{fmt_amount(rng, p.grant)}",
            f"Total projektbudget{fmt_amount(rng, p.budget)}",
            f"Projektperiod{self.period_str(p)}",
            f"Region{p.region}",
        ]
        lines += facts + ["In English", "", self.paragraphs(p, size), "", "Kommun", ""]
        lines += [f"  • {m}" for m in p.munis]
        return "\n".join(lines) + "\n"

    def text_colon(self, p: Project, size: int) -> str:
        rng = self.rng
        lines = self.banner() + ["", f"{p.dnr} - {p.title}", ""]
        empty_dates = rng.random() < 0.5
        fields = [
            ("Diarienummer", p.dnr), ("Namn", p.title),
            ("Startdatum", "" if empty_dates else fmt_date(rng, p.start, words=0)),
            ("Slutdatum", "" if empty_dates else fmt_date(rng, p.end, words=0)),
            ("Projektnummer", p.dnr),
            ("Projektägare", f"{p.owner}, {p.owner}" if rng.random() < 0.4 else p.owner),
            ("Projektägare organisationsnummer", p.owner_org),
            ("Region", p.region), ("Planerat antal deltagare", str(p.participants)),
            ("Projektperiod", self.period_str(p)),
            ("Total projektbudget", fmt_amount(rng, p.budget, allow_approx=False)),
            ("Beviljat ESF-stöd", fmt_amount(rng, p.grant, allow_approx=False)),
            ("Kontaktperson", p.contact), ("E-post", p.email),
            ("Stödmottagare postnr", p.postcode.replace(" ", "")), ("Stödmottagarens address", ""),
            ("Programområde", p.area), ("Specifikt mål", p.objective),
            ("Unionens medfinansieringsgrad", f"{rng.randint(30, 60)}%"),
            ("Interventionstyp", str(rng.randint(100, 150))),
        ]
        for label, value in fields:
            lines.append(f"{label}:")
            if value:
                lines.append(value)
        lines += ["", self.paragraphs(p, size, headings=False)]
        return "\n".join(lines) + "\n"

    def text_plain(self, p: Project, size: int) -> str:
        rng = self.rng
        lines = ["Logotyp på utskrifter", ""] + self.banner() + ["", p.title, ""]
        fields = [
            ("Programområde", f"{p.objective or p.area} {p.area_name or 'Kompetensförsörjning'}"),
            ("Region", p.region), ("Utlysning", p.call_dnr), ("Projektägare", p.owner),
            ("Projektnummer", p.dnr), ("Planerat antal deltagare", str(p.participants)),
            ("Projektperiod", self.period_str(p)),
            ("Total projektbudget", fmt_amount(rng, p.budget)),
            ("Beviljat ESF-stöd", fmt_amount(rng, p.grant)),
            ("Kontaktperson", p.contact), ("E-post", p.email),
        ]
        for label, value in fields:
            lines += [label, value]
        lines += ["", self.paragraphs(p, size)]
        return "\n".join(lines) + "\n"

    def text_esfplus(self, p: Project, size: int) -> str:
        rng = self.rng
        lines = [f"{p.dnr} - {p.title}", ""]
        fields = [
            ("Land som berörs", "Sverige"), ("Berörd fond", "ESF+"), ("Program CCI", "2021SE05SFPR"),
            ("Programperiod", "2021-2027"),
            ("Diarienummer", p.dnr), ("Projektägare organisationsnummer", p.owner_org),
            ("Projektägare", p.owner.upper()), ("Namn", p.title),
            ("Startdatum", fmt_date(rng, p.start, words=0)), ("Slutdatum", fmt_date(rng, p.end, words=0)),
            ("Beviljat ESF+-stöd", fmt_amount(rng, p.grant, allow_approx=False)),
            ("Total budget", fmt_amount(rng, p.budget, allow_approx=False)),
            ("Unionens medfinansieringsgrad", f"{rng.choice([40, 50, 60])}%"),
            ("Programområde", p.area), ("Specifikt mål", p.objective), ("Region", p.region),
            ("Stödmottagare postnr", p.postcode.replace(" ", "")), ("Stödmottagare ort", p.town),
            ("Interventionstyp", str(rng.randint(130, 160))), ("Antal deltagare", str(p.participants)),
            ("Insats av strategisk betydelse", rng.choice(["Ja", "Nej"])), ("Projektnummer", p.dnr),
        ]
        for label, value in fields:
            lines += [f"{label}:", value]
        lines += ["", self.paragraphs(p, size, headings=rng.random() < 0.5)]
        return "\n".join(lines) + "\n"

    def text_kohesio(self, p: Project, size: int) -> str:
        rng = self.rng
        s, e = p.start, p.end
        eur_total = p.budget // 11
        rate = rng.choice([40, 50, 60])
        eur_eu = eur_total * rate // 100

        def eur(n: int) -> str:
            return fmt_thousands(n, " ") + ",00 €"

        lines = [
            "Kohesio: discover EU projects in your region", "", "project info",
            f"Start date: {s[2]} {MONTHS_EN[s[1] - 1]} {s[0]}", f"End date: {e[2]} {MONTHS_EN[e[1] - 1]} {e[0]}",
            "funding", "Fund: European Social Fund Plus (ESF+)" if p.period == "2021-2027" else "Fund: European Social Fund (ESF)",
            f"Total budget: {eur(eur_total)}", f"EU contribution: {eur(eur_eu)} ({rate}%)",
            "programme", f"Programming period: {p.period if p.period != '2007-2013' else '2014-2020'}",
            "European Commission Topic", "", p.title, "",
        ]
        words = []
        size_now = 0
        while size_now < size:
            sent = rng.choice([
                f"{p.title} supports {rng.choice(['newly arrived women', 'young people', 'long-term unemployed adults', 'employees in care'])} on their way to work.",
                f"The project runs between {s[2]} {MONTHS_EN[s[1] - 1]} {s[0]} and ends on {e[2]} {MONTHS_EN[e[1] - 1]} {e[0]} and will be led by {p.owner}.",
                f"Activities take place in {', '.join(p.munis)}.",
                f"The expected result is that {rng.randint(20, 80)} percent of the participants find work or start studies.",
                "The project combines language training, mentoring and short vocational courses.",
            ])
            words.append(sent)
            size_now += len(sent) + 1
        lines += [" ".join(words), "", "Flag of Sweden  Sweden"]
        return "\n".join(lines) + "\n"

    def text_owner(self, p: Project, size: int) -> str:
        rng = self.rng
        lines = [p.title, "", f"{p.title} hjälper {rng.choice(TARGETS)} att komma närmare arbetsmarknaden.", "",
                 f"Projektet drivs av {p.owner} i samarbete med", "", "  • Arbetsförmedlingen",
                 f"  • Region {self.rng.choice(self.region_counties[p.region]).replace(' län', '')}", "",
                 "Projektet medfinansieras av Europeiska socialfonden (ESF).", "",
                 self.paragraphs(p, size, headings=False), "", "Projektfakta", ""]
        s, e = p.start, p.end
        lines += [
            f"Projektperiod: {s[0]:04d}-{s[1]:02d}-{s[2]:02d} till {e[0]:04d}-{e[1]:02d}-{e[2]:02d}",
            f"{genitive(p.munis[0])} roll i projektet: {rng.choice(['Projektägare', 'Samverkanspart', 'Delägare'])}",
            "EU-fond eller -program som beviljat projektmedel: Europeiska socialfonden, ESF",
            f"Projektets totala budget (inklusive medfinansiering): {fmt_amount(rng, p.budget)}",
            f"Projektets tema: {rng.choice(THEMES)}", "",
            f"Kontakt: Besöksadress Exempelgatan {rng.randint(1, 60)}, {postcode(rng, True)} {p.munis[0]}", "",
            f"Uppdaterad: {fmt_date(rng, rand_date(rng, 2019, 2024), words=0)}",
        ]
        return "\n".join(lines) + "\n"

    # -- other kinds ---------------------------------------------------------------------
    def text_call(self, size: int) -> str:
        rng = self.rng
        region = rng.choice([r for r in self.places.regions if r in self.by_region])
        y = rng.randint(2015, 2023)
        dnr = f"{y}/{rng.randint(1, 999):05d}"
        amount = rng.randint(5, 120) * 1_000_000
        s = (y, rng.randint(1, 10), rng.randint(1, 28))
        e = add_years(s, 0, 2)
        counties = self.region_counties[region]
        lines = ["Logotyp på utskrifter", "", f"{rng.choice(['Kompetens för omställning', 'Vägar till arbete', 'Insatser för unga'])} i {region}", "",
                 "Utlysning", dnr, "Programområde", rng.choice(["1.1 Kompetensförsörjning", "2.1 Ökat arbetskraftsutbud"]),
                 "Region", region, "Startdatum", fmt_date(rng, s, words=0), "Slutdatum", fmt_date(rng, e, words=0),
                 "Utlyst belopp", fmt_amount(rng, amount, allow_approx=False), "", "Sammanfattning", ""]
        body = [f"Svenska ESF-rådet avsätter {amount // 1_000_000} miljoner kronor till projekt i {', '.join(c.replace(' län', '') for c in counties)} län. "
                f"Medfinansieringen ska uppgå till {rng.randint(20, 50)} procent.",
                f"Svenska ESF-rådet har den {rng.randint(1, 28)} {rng.choice(MONTHS)} {y} beslutat om utlysningen. Informationsmöte hålls den {rng.randint(1, 28)} {MONTHS[s[1] - 1]}.",
                f"Utlysningen pågår mellan den {s[2]} {MONTHS[s[1] - 1]} {s[0]} och den {e[2]} {MONTHS[e[1] - 1]} {e[0]}."]
        while sum(len(b) for b in body) < size:
            body.append(f"Projekten ska rikta sig till {rng.choice(TARGETS)} och kan omfatta {rng.choice(ACTIVITIES)} och {rng.choice(ACTIVITIES)}.")
        return "\n".join(lines) + "\n\n".join(body) + "\n"

    def text_news(self, size: int) -> str:
        rng = self.rng
        region = rng.choice([r for r in self.places.regions if r in self.by_region])
        m = rng.choice(self.by_region[region])
        y = rng.randint(2010, 2024)
        head = rng.choice(NEWS_HEADS).format(r=region, m=m)
        head = (f"{rng.choice(['Sju', 'Fem', 'Tolv', 'Tre'])} {head}" if head[0].islower() else head)
        lines = [head, "", f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {y}", ""]
        body = [f"Strukturfondspartnerskapet prioriterade den {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2, 12)} projekt om totalt drygt {rng.randint(10, 90)} miljoner kronor."]
        while sum(len(b) for b in body) < size:
            body.append(rng.choice([
                f"Ett av dem får {rng.choice(['Fem', 'Tre', 'Tio'])} miljoner kronor för att utveckla validering inom {rng.choice(SECTORS)}, ett annat {rng.randint(10, 150)} mkr över fyra år.",
                f"I {m} bor {fmt_thousands(rng.randint(1000, 40000), '.')} personer som har fått hjälp av tidigare projekt.",
                f"Kontakta oss på {postcode(rng, True)} {m}.",
                f"Satsningen riktar sig till {rng.choice(TARGETS)} och pågår till {rng.randint(2018, 2028)}.",
            ]))
        return "\n".join(lines) + "\n\n".join(body) + "\n"

    def text_plan(self, size: int) -> str:
        rng = self.rng
        region = rng.choice([r for r in self.places.regions if r in self.by_region and r != "Nationellt"])
        counties = [c.replace(" län", "") for c in self.region_counties[region]]
        period = rng.choice(["2014-2020", "2021-2027"])
        lines = [f"Regional handlingsplan för socialfonden i {region} {period}", "",
                 f"Den regionala handlingsplanen beskriver hur socialfondens medel ska användas i {', '.join(counties)} län.", "",
                 f"Målgrupper: {', '.join(rng.sample(TARGETS, 3))}", "", "Prioriterade åtgärder:"]
        size_now = sum(len(x) for x in lines)
        while size_now < size:
            item = f"- {rng.choice(ACTIVITIES)} inom {rng.choice(SECTORS)}"
            lines.append(item)
            size_now += len(item)
        return "\n".join(lines) + "\n"

    def bad_file(self) -> tuple[str, bytes]:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return ".txt", b""
        if kind == 1:
            return ".docx", b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(rng.randint(200, 3000)))
        if kind == 2:
            return ".png", b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(rng.randint(200, 3000)))
        return ".txt", b"   \n\n  \t\n"

    # -- HTML ----------------------------------------------------------------------------
    def css(self, n_rules: int) -> str:
        rng = self.rng
        out = []
        for i in range(n_rules):
            out.append(f".c-{rng.choice(['nav', 'card', 'grid', 'btn', 'hero', 'list', 'tag'])}-{i}"
                       f"{{margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px;color:#{rng.getrandbits(24):06x};"
                       f"font-size:{rng.randint(10, 24)}px;display:{rng.choice(['flex', 'block', 'grid'])}}}")
        return "\n".join(out)

    def js(self, n_items: int) -> str:
        rng = self.rng
        items = [{"id": i, "href": f"/projekt/{rng.randint(1, 99999)}", "label": rng.choice(TITLE_HEADS),
                  "visible": rng.random() < 0.5} for i in range(n_items)]
        return ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
                "gtag('js',new Date());if(a<b){track(\"<p>\")}\n"
                f"window.__STATE__={json.dumps(items, ensure_ascii=False)};")

    def menu(self, n: int, cls: str) -> str:
        rng = self.rng
        items = "".join(
            f'<li class="{cls}__item"><a href="/{ascii_fold(rng.choice(TITLE_HEADS))}/{i}">{rng.choice(TITLE_HEADS)}</a></li>'
            for i in range(n))
        return f'<ul class="{cls}">{items}</ul>'

    def html_facts(self, p: Project, as_table: bool) -> str:
        rng = self.rng
        nb = "\u00a0"
        grant = fmt_amount(rng, p.grant, allow_approx=False).replace(" kr", ' <span class="unit">kr</span>')
        if rng.random() < 0.5:
            grant = grant.replace(" ", "&nbsp;", 2)
        facts = [
            ("Diarienummer" if rng.random() < 0.5 else "Projektnummer", p.dnr), ("Namn", p.title),
            ("Projektägare", f'{p.owner}, <span>{rng.choice(["Arbetsmarknadsförvaltningen", "Utbildningsförvaltningen", "Socialförvaltningen"])}</span>'),
            ("Organisationsnummer", p.owner_org), ("Region", p.region),
            ("Projektperiod", self.period_str(p).replace(" ", nb, 0)),
            ("Total projektbudget", fmt_amount(rng, p.budget, allow_approx=False)),
            ("Beviljat ESF-stöd" if p.period != "2021-2027" else "Beviljat ESF+-stöd", grant),
            ("Kontaktperson", p.contact),
            ("E-post", f'<a href="mailto:{p.email}">{p.email}</a>'),
            ("Telefon", p.phone), ("Programområde", p.area), ("Specifikt mål", p.objective),
            ("Planerat antal deltagare", str(p.participants)),
        ]
        facts = [(k, v) for k, v in facts if v]
        if as_table:
            rows = "".join(f"<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>\n" for k, v in facts)
            return f'<table class="project-facts"><tbody>\n{rows}</tbody></table>'
        rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>\n" for k, v in facts)
        return f'<dl class="project-facts">\n{rows}</dl>'

    def html_project(self, p: Project, target: int) -> str:
        rng = self.rng
        body_paras = self.paragraphs(p, rng.randint(1500, 4000)).split("\n\n")
        desc = []
        for para in body_paras:
            if len(para) < 40:
                desc.append(f"<h2>{para}</h2>")
            else:
                desc.append(f"<p>{para.replace(p.munis[0], f'<strong>{p.munis[0]}</strong>', 1)}</p>")
        if rng.random() < 0.4:
            desc.append("<p>Målgrupper:</p><ul>" + "".join(f"<li>{t}</li>" for t in rng.sample(TARGETS, 3)) + "</ul>")
        facts = self.html_facts(p, as_table=rng.random() < 0.4)
        use_main = rng.random() < 0.7
        return self._html_page(p.title, facts + "\n<h2>Beskrivning</h2>\n" + "\n".join(desc), target, use_main)

    def html_other(self, target: int) -> tuple[str, str]:
        """A call or a news item as HTML; returns (page, intended kind)."""
        rng = self.rng
        kind = "call" if rng.random() < 0.5 else "other"
        text = self.text_call(2000) if kind == "call" else self.text_news(2000)
        lines = [ln for ln in text.split("\n") if ln.strip() and ln != "Logotyp på utskrifter"]
        body = "".join(f"<p>{ln}</p>\n" for ln in lines[1:])
        return self._html_page(lines[0], body, target, use_main=True), kind

    def _html_page(self, title: str, content: str, target: int, use_main: bool) -> str:
        rng = self.rng
        related = "".join(
            f'<li><a href="/projekt/{rng.randint(1, 99999)}">{rng.choice(TITLE_HEADS)} i {rng.choice(self.places.municipalities)[0]}</a></li>'
            for _ in range(rng.randint(20, 60)))
        cookie = ('<div id="cookie-banner" class="cookie-consent" role="dialog"><p>Vi använder kakor (cookies) för att '
                  'webbplatsen ska fungera och för att förbättra den. Läs mer om kakor den '
                  f'{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2018, 2024)}.</p>'
                  '<button>Acceptera alla</button><button>Endast nödvändiga</button></div>')
        main_open, main_close = ('<main id="main">', '</main>') if use_main else ('<div id="content" class="page-content">', '</div>')
        head_tpl = ('<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title} - Projektbanken</title>\n'
                    + "".join(f'<link rel="stylesheet" href="/css/{n}.css?v={rng.randint(1, 999)}">\n' for n in ("site", "print", "vendor"))
                    + "<style>\n{css}\n</style>\n<script>\n{js}\n</script>\n</head>\n")
        body = (f"<body>\n{cookie}\n<a class=\"skip-link\" href=\"#main\">Hoppa till innehållet</a>\n"
                f'<header class="site-header"><a href="/"><img src="/logo.svg" alt="Svenska ESF-rådet"></a>\n'
                f'<nav aria-label="Huvudmeny">{self.menu(rng.randint(20, 40), "mega-menu")}</nav></header>\n'
                f'<nav class="breadcrumbs"><a href="/">Start</a> &gt; <a href="/projekt">Projekt</a> &gt; {title}</nav>\n'
                f"{main_open}\n<h1>{title}</h1>\n{content}\n"
                f'<aside class="related"><h2>Relaterade projekt</h2><ul>{related}</ul></aside>\n{main_close}\n'
                "{footer}\n<script src=\"/js/app.js\" defer></script>\n</body>\n</html>\n")
        # Fill the chrome (CSS, JS state, footer menus) until the page reaches the target size.
        fixed = len(head_tpl.encode()) + len(body.encode())
        budget = max(0, target - fixed)
        css = self.css(max(10, budget * 4 // 10 // 95))
        js = self.js(max(5, budget * 3 // 10 // 85))
        remaining = max(0, budget - len(css.encode()) - len(js.encode()))
        footer_parts = []
        while remaining > 0:
            part = self.menu(20, "footer-links")
            footer_parts.append(part)
            remaining -= len(part.encode())
        footer = f'<footer class="site-footer">{"".join(footer_parts)}<p>Svenska ESF-rådet, Box 000, 000 00 Exempelstad</p></footer>'
        return head_tpl.replace("{css}", css).replace("{js}", js) + body.replace("{footer}", footer)


# --------------------------------------------------------------------------- corpus

TEXT_LAYOUTS = [  # (directory, kind, weight)
    ("projektbanken_limmad", "project", 18), ("projektbanken_kolon", "project", 22),
    ("projektbanken_utan_kolon", "project", 18), ("esfplus", "project", 14), ("kohesio", "project", 7),
    ("agarsidor", "project", 7), ("utlysningar", "call", 4), ("nyheter", "other", 5), ("planer", "regional_plan", 3),
    ("trasigt", "bad", 2),
]


def generate(out_dir: Path, n_text: int, n_html: int, seed: int = 1) -> dict[str, object]:
    """Write the corpus; returns (and writes to OUT_DIR/.manifest.json) the counts by kind."""
    g = Generator(seed)
    rng = g.rng
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, int] = {"project": 0, "call": 0, "other": 0, "regional_plan": 0, "bad": 0}
    layouts: dict[str, int] = {}
    text_bytes = html_bytes = 0
    names = [d for d, _, _ in TEXT_LAYOUTS]
    weights = [w for _, _, w in TEXT_LAYOUTS]
    kind_of = {d: k for d, k, _ in TEXT_LAYOUTS}
    for i in range(n_text):
        layout = rng.choices(names, weights)[0]
        size = rng.randint(1800, 7200)  # description bytes; the fact block and chrome add the rest
        ext = ".txt"
        if layout == "trasigt":
            ext, data = g.bad_file()
        elif layout in ("utlysningar", "nyheter", "planer"):
            text = {"utlysningar": g.text_call, "nyheter": g.text_news, "planer": g.text_plan}[layout](size)
            data = text.encode()
        else:
            maker = {"projektbanken_limmad": (g.text_glued, "2007-2013"), "projektbanken_kolon": (g.text_colon, "2014-2020"),
                     "projektbanken_utan_kolon": (g.text_plain, "2014-2020"), "esfplus": (g.text_esfplus, "2021-2027"),
                     "kohesio": (g.text_kohesio, "2014-2020" if rng.random() < 0.5 else "2021-2027"), "agarsidor": (g.text_owner, None)}[layout]
            p = g.project(maker[1] if maker[1] or rng.random() < 0.5 else None)
            text = maker[0](p, size)
            # legacy dumps: a few old bank pages saved as Windows-1252
            data = text.encode("cp1252", errors="replace") if layout == "projektbanken_limmad" and rng.random() < 0.1 else text.encode()
        path = out_dir / "text" / layout / f"{i:06d}{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        kinds[kind_of[layout]] += 1
        layouts[layout] = layouts.get(layout, 0) + 1
        text_bytes += len(data)
    html_kinds = {"project": 0, "call": 0, "other": 0}
    for i in range(n_html):
        target = rng.randint(40_000, 80_000)
        if rng.random() < 0.92:
            page = g.html_project(g.project(), target)
            site, k = rng.choice(["projektbanken", "kommunsidor"]), "project"
        else:
            page, k = g.html_other(target)
            site = "ovrigt"
        data = page.encode()
        path = out_dir / "html" / site / f"{i:06d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        html_kinds[k] += 1
        html_bytes += len(data)
    manifest: dict[str, object] = {
        "seed": seed, "text_pages": n_text, "html_pages": n_html, "text_kinds": kinds,
        "text_layouts": dict(sorted(layouts.items())), "html_kinds": html_kinds,
        "text_bytes": text_bytes, "html_bytes": html_bytes,
    }
    (out_dir / ".manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--text", type=int, default=10_000, help="number of text pages (default 10000)")
    ap.add_argument("--html", type=int, default=2_000, help="number of HTML pages (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    m = generate(a.out_dir, a.text, a.html, a.seed)
    print(json.dumps(m, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
