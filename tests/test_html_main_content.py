"""The HTML reader keeps a page's own content and drops the site around it, by evidence.

One row per shape: each fixture in tests/fixtures/html_wild_own/ is a small page written for
these tests (a municipality's CMS page about one ESF project) with one kind of chrome or one
kind of fact block; the row says what must be read and what must not. Inline rows pin the
single rules (link density, cue words, empty headings, the page title). The property tests
check that the reader never raises and only returns words that stand in the page.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.html_content import CUES, has_cue
from pipeline.ingest.html_text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "html_wild_own"
PROSE = "Projektet Vägen vidare hjälper unga vuxna i Norrbacka kommun"

# (fixture, must appear in the text, must not appear in the text)
SHAPES = [
    # chrome
    pytest.param("mega_menu.html", [PROSE], ["Bygglov och tillstånd", "Starta eget företag", "Äldreboenden i Norrbacka"],
                 id="mega-menu"),
    pytest.param("breadcrumbs.html", [PROSE], ["Våra projekt"], id="breadcrumbs"),
    pytest.param("cookie_banner.html", [PROSE], ["Vi använder kakor", "Läs mer om kakor"], id="cookie-banner"),
    pytest.param("news_teasers_with_dates.html", [PROSE, "Resultaten sprids till andra kommuner"],
                 ["Aktuellt", "Ny simhall", "2023-05-02", "Vägarbete på Storgatan"], id="sidebar-news-teasers-with-dates"),
    pytest.param("related_links.html", [PROSE], ["Läs också", "Kompetenslyftet i Sjöby", "Bergsala"], id="related-links-list"),
    pytest.param("share_widget.html", [PROSE], ["Dela sidan", "Facebook"], id="share-widget"),
    pytest.param("footer_address_phone.html", [PROSE], ["Stadshustorget 1", "0123-45 67 00", "212000-0000"],
                 id="footer-address-phone"),
    pytest.param("heading_without_content.html", [PROSE], ["Relaterade nyheter", "En annan nyhet", "Kontakta oss"],
                 id="heading-without-content"),
    # fact blocks of the page's own project: kept, one "Label:" line and its value
    pytest.param("fact_dl.html", [PROSE, "Projektägare:\nNorrbacka kommun", "Beviljat ESF-stöd:\n2 400 000 kr",
                                  "Projektperiod:\n2023-01-01 – 2024-12-31"], [], id="fact-dl-in-sidebar"),
    pytest.param("fact_table.html", [PROSE, "Projektägare:\nNorrbacka kommun", "Total budget:\n4 100 000 kr",
                                     "Diarienummer:\n2023/00123"], [], id="fact-two-column-table"),
    pytest.param("fact_label_value_divs.html", [PROSE, "Projektägare:\nNorrbacka kommun", "Startdatum:\n2023-01-01",
                                                "Slutdatum:\n2024-12-31"], [], id="fact-label-value-divs"),
    pytest.param("contact_box.html", [PROSE, "Kontakt", "Kontaktperson: Eva Exempelsson",
                                      "E-post: eva@norrbacka.example", "Telefon: 0123-45 00 00"], [], id="contact-box"),
]


@pytest.mark.parametrize(("fixture", "present", "absent"), SHAPES)
def test_shapes(fixture: str, present: list[str], absent: list[str]) -> None:
    text = html_to_text((FIXTURES / fixture).read_text(encoding="utf-8"))
    assert text.startswith("Vägen vidare\n\n")  # the page title first
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text


LONG = ("Projektet ger långtidsarbetslösa stöd att hitta arbete genom praktik, handledning och kurser "
        "som anpassas efter varje deltagares behov och förutsättningar under hela projekttiden.")

RULES = [
    # link density: a block more than half links is a list of other pages...
    pytest.param(f"<div><p>{LONG}</p></div><div><a href=/a>Nyhet ett</a> <a href=/b>Nyhet två</a> och</div>",
                 [LONG], ["Nyhet ett"], id="link-dense-block-dropped"),
    # ...but e-mail and phone links are contact details, not navigation
    pytest.param(f"<p>{LONG}</p><div><a href='mailto:a@b.se'>a@b.se</a> <a href='tel:0101'>010-1</a></div>",
                 ["a@b.se 010-1"], [], id="mailto-tel-count-as-text"),
    # a strong cue drops a small block, never the block holding most of the page
    pytest.param(f"<div class='post share-bar'><p>{LONG}</p></div><div class='share'>Dela</div>",
                 [LONG], ["Dela"], id="cue-on-content-wrapper-ignored"),
    # a weak cue needs a short or link-heavy block
    pytest.param(f"<p>{LONG}</p><div class='byline-x date'>3 maj 2023</div>", [LONG], ["3 maj 2023"], id="weak-cue-short-block"),
    # a fact block stays whatever its class says (not an "always" cue)
    pytest.param(f"<p>{LONG}</p><div class='sidebar'><dl><dt>Projektägare</dt><dd>Sjöby kommun</dd></dl></div>",
                 ["Projektägare:\nSjöby kommun"], [], id="fact-block-in-sidebar-kept"),
    pytest.param(f"<p>{LONG}</p><div class='widget'><p>Startdatum: 2023-01-01</p><p>Slutdatum: 2024-06-30</p></div>",
                 ["Startdatum: 2023-01-01", "Slutdatum: 2024-06-30"], [], id="label-lines-in-widget-kept"),
    # a tag list's one label does not protect a block of links
    pytest.param(f"<p>{LONG}</p><div class='x'>Etiketter: <a href=/t/1>arbete</a>, <a href=/t/2>unga vuxna</a>, "
                 "<a href=/t/3>praktik</a>, <a href=/t/4>utbildning</a></div>", [LONG], ["Etiketter"], id="tag-list-dropped"),
    # headings: empty ones go, the page title stays even alone
    pytest.param("<h1>Titel</h1><h2>Tom rubrik</h2><h2>Mål</h2><p>Text om målen.</p><h3>Sist</h3>",
                 ["Titel\n\nMål\n\nText om målen."], ["Tom rubrik", "Sist"], id="headings-without-content"),
    pytest.param("<h1>Bara titel</h1>", ["Bara titel"], [], id="lone-title-kept"),
    pytest.param("<figure><img src=a.jpg><figcaption>Foto: Anna A</figcaption></figure><p>Text</p>", ["Text"], ["Foto"],
                 id="caption-dropped"),
]


@pytest.mark.parametrize(("html", "present", "absent"), RULES)
def test_rules(html: str, present: list[str], absent: list[str]) -> None:
    text = html_to_text(html)
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text


def test_cue_words_come_from_the_data_file() -> None:
    assert set(CUES) == {"always", "strong", "weak"}
    assert has_cue("post-share-buttons", "strong")  # token
    assert not has_cue("field-label-hidden", "strong")  # "hidden" only as a whole class name
    assert has_cue("x hidden", "strong")
    assert has_cue("CookieConsent", "always")  # substring, any case


# --------------------------------------------------------------------------- properties

_WORDS = ["Projektägare", "Umeå", "kommun", "2 761 412", "kr", "Startdatum:", "2019-01-01", "läs", "mer", "&amp;", "Ö"]
_TAGS = ["div", "p", "ul", "li", "a", "span", "section", "aside", "table", "tr", "td", "dl", "dt", "dd", "h1", "h2",
         "h3", "main", "article", "header", "figure", "figcaption", "strong", "br"]
_ATTRS = ["", " class='share'", " class='sidebar'", " class='content'", " id='related'", " href='/x'",
          " href='mailto:a@b.se'", " class='hidden'", " class='meta date'"]


@st.composite
def _pages(draw: st.DrawFn) -> str:
    parts: list[str] = []
    open_tags: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            tag = draw(st.sampled_from(_TAGS))
            parts.append(f"<{tag}{draw(st.sampled_from(_ATTRS))}>")
            open_tags.append(tag)
        elif choice == 1 and open_tags:
            parts.append(f"</{open_tags.pop()}>")
        elif choice == 2:
            parts.append(" ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8))))
        else:
            parts.append(draw(st.text(max_size=20)))
    return "".join(parts)


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", s))


@settings(max_examples=300, deadline=None)
@given(_pages())
def test_never_raises_and_every_word_stands_in_the_page(page: str) -> None:
    text = html_to_text(page)
    assert isinstance(text, str)
    # every word read stands in the page's text (tags taken away, entities decoded); inline
    # tags join the text on both sides, so a word may span one
    visible = html_lib.unescape(re.sub(r"<[/!?A-Za-z][^>]*>", "", page.replace("\x00", "")))  # (NUL is dropped by design)
    for word in _words(text):
        assert word in visible


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(s: str) -> None:
    assert isinstance(html_to_text(s), str)


# --------------------------------------------------------------------------- `python -m pipeline text`


def test_text_command_prints_what_the_stages_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from pipeline.cli import main
    from pipeline.ingest.decode import decode
    from pipeline.ingest.read import iter_documents

    page = tmp_path / "sida.html"
    page.write_bytes((FIXTURES / "fact_table.html").read_bytes())
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    assert main(["text", "--json", str(page), str(empty), str(tmp_path / "saknas.html")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == [str(page), str(empty), str(tmp_path / "saknas.html")]
    expected = {d.source_file: decode(d).text for d in iter_documents(tmp_path) if d.source_file == "sida.html"}
    assert rows[0]["text"] == expected["sida.html"] and "reason" not in rows[0]
    assert rows[1]["text"] == "" and rows[1]["reason"] == "empty file"
    assert rows[2]["text"] == "" and "No such file" in rows[2]["reason"]
    assert main(["text", str(page)]) == 0
    assert "Projektägare:\nNorrbacka kommun" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<div>Projektägare<header>Meny</header>Storby kommun</div>", "Projektägare\nStorby kommun"),
        ('<div>Budget<span class="cookie-notice">ok</span>500 000 kr</div>', "Budget 500 000 kr"),
    ],
)
def test_dropped_chrome_never_glues_the_words_around_it(page: str, expected: str) -> None:
    assert html_to_text(page) == expected
