"""html_to_text: real-world page shapes → the line layout the extractors read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.ingest.html_text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "input"


def big_project_page(target_bytes: int = 60_000, *, main_bytes: int = 10_000, with_main: bool = True) -> str:
    """A made-up project page of about target_bytes, shaped like real CMS pages.

    About main_bytes of it is the project itself (title, facts, description); the rest is
    what surrounds it on real sites: scripts, styles, mega menus, footers, a cookie banner.
    """
    head = (
        "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Projekt</title>"
        + "".join(f"<link rel='preload' href='/assets/f{i}.woff2'>" for i in range(20))
        + "<style>" + ".c{color:#123456;margin:0 auto}" * 150 + "</style>"
        + "<script>" + "var x=[1,2,3];function f(a){return a<2?a:f(a-1)+f(a-2)}" * 150 + "</script>"
        + "</head><body>"
    )
    cookie = "<div class='cookie-consent'><p>Vi använder kakor.</p><button>OK</button></div>"
    facts = "".join(
        f"<dt>{label}</dt><dd>{value}</dd>"
        for label, value in [
            ("Diarienummer", "2019/00042"),
            ("Projektägare", "Exempelstads kommun"),
            ("Projektperiod", "2019-01-01 - 2021-12-31"),
            ("Beviljat ESF-stöd", "2&nbsp;761&nbsp;412 <span>kr</span>"),
        ]
    )
    para = (
        "<p>Projektet arbetar med <a href='/x'>kompetensutveckling</a> för <strong>anställda</strong> "
        "i kommunens verksamheter och <em>stärker</em> samverkan mellan arbetsplatser.</p>"
    )
    main_open, main_close = ("<main>", "</main>") if with_main else ("<div class='content'>", "</div>")
    main = main_open + f"<h1>Exempelprojektet</h1><dl>{facts}</dl>"
    while len(main.encode()) < main_bytes:
        main += para
    main += main_close
    menu_item = "<li class='nav-item'><a class='nav-link' href='/omraden/omrade-{i}'>Meny {i}</a></li>"
    footer_item = "<a href='/f{i}'>Länk {i}</a> "
    tail = "</body></html>"
    n = 0
    while True:
        nav = "<header><nav><ul>" + "".join(menu_item.format(i=i) for i in range(n)) + "</ul></nav></header>"
        footer = "<footer>" + "".join(footer_item.format(i=i) for i in range(n // 2)) + "</footer>"
        html = head + cookie + nav + main + footer + tail
        if len(html.encode()) >= target_bytes:
            return html
        n += 10


def _lines(text: str) -> list[str]:
    return text.split("\n")


# --------------------------------------------------------------------------- layouts

LAYOUT_CASES = [
    # --- ESF project bank, <dl> of facts
    pytest.param(
        "<h1>Titel</h1><dl><dt>Diarienummer</dt><dd>2016/00123</dd><dt>Projektperiod</dt><dd>2015-03-01 - 2018-12-31</dd></dl>",
        "Titel\n\nDiarienummer:\n2016/00123\nProjektperiod:\n2015-03-01 - 2018-12-31",
        id="projectbank-dl",
    ),
    pytest.param(
        "<dl><dt>Total projektbudget:</dt><dd>157&nbsp;547&nbsp;528</dd></dl>",
        "Total projektbudget:\n157\u00a0547\u00a0528",
        id="dl-label-already-has-colon-nbsp-kept-for-decode",
    ),
    pytest.param(
        "<dl><dt>Övrigt</dt><dd></dd><dt>Region</dt><dd>Övre Norrland</dd></dl>",
        "Övrigt:\nRegion:\nÖvre Norrland",
        id="dl-empty-value",
    ),
    # --- older sites: <table> with label/value rows
    pytest.param(
        "<table><tr><th>Projektnummer</th><td>2014/00987</td></tr><tr><td><b>Län</b></td><td>Jönköpings län</td></tr></table>",
        "Projektnummer:\n2014/00987\nLän:\nJönköpings län",
        id="table-th-td-and-td-td-rows",
    ),
    pytest.param(
        "<table><tr><td>År</td><td>Budget</td><td>Utfall</td></tr></table>",
        "År\nBudget\nUtfall",
        id="table-three-cells-one-line-each",
    ),
    # --- inline elements never break lines
    pytest.param("<p>Beviljat: 2 761 412 <span>kr</span></p>", "Beviljat: 2 761 412 kr", id="span-inline"),
    pytest.param(
        "<p>Kontakta <a href='mailto:a@b.se'>Anna</a> eller <strong>Bo</strong> <em>nu</em>.</p>",
        "Kontakta Anna eller Bo nu.",
        id="a-strong-em-inline",
    ),
    pytest.param("<p>rad ett<br>rad två<br/>rad tre</p>", "rad ett\nrad två\nrad tre", id="br"),
    pytest.param("<p>Första stycket.</p><p>Andra\n   stycket.</p>", "Första stycket.\n\nAndra stycket.", id="paragraphs"),
    pytest.param("<ul><li>Ett</li><li>Två</li></ul>", "  • Ett\n  • Två", id="list"),
    pytest.param(
        "<ul><li>Ett<ul><li>Ett a</li></ul></li><li><p>Två</p></li></ul>",
        "  • Ett\n    • Ett a\n  • Två",
        id="nested-list-and-p-in-li",
    ),
    pytest.param("<div>Rubrik</div><h2>Mål</h2><div>Text</div>", "Rubrik\n\nMål\n\nText", id="heading-blank-lines"),
    pytest.param("<pre>Rad 1\n  Rad 2</pre>", "Rad 1\n  Rad 2", id="pre-keeps-lines"),
    pytest.param("<p>A &amp; B &lt;3 &#228;r &auml;</p>", "A & B <3 är ä", id="entities"),
    # --- chrome is dropped
    pytest.param(
        "<div id='cookie-banner'><p>Vi använder kakor</p></div><p>Innehåll</p>", "Innehåll", id="cookie-banner-id"
    ),
    pytest.param(
        "<div class='consent-dialog'>Godkänn</div><div aria-label='GDPR-information'>x</div><p>Innehåll</p>",
        "Innehåll",
        id="consent-class-gdpr-aria",
    ),
    pytest.param(
        "<nav><a>Start</a></nav><header><a>Logga</a></header><p>Innehåll</p><footer>Adress</footer>",
        "Innehåll",
        id="nav-header-footer",
    ),
    pytest.param(
        "<form><label>Sök</label><input name=q><button>Sök</button></form><p>Innehåll</p>", "Innehåll", id="form"
    ),
    pytest.param(
        "<script>var a = '<p>nej</p>';</script><style>p{}</style><noscript>Aktivera JS</noscript>"
        "<template><p>mall</p></template><svg><text>ikon</text></svg><p>Innehåll</p>",
        "Innehåll",
        id="script-style-noscript-template-svg",
    ),
    pytest.param("<!-- <p>kommentar</p> --><p>Innehåll</p>", "Innehåll", id="comment"),
    pytest.param("<p hidden>Dold</p><p style='display: none'>Dold</p><p>Innehåll</p>", "Innehåll", id="hidden"),
    # --- <main>/<article> preferred; the title h1 before <main> is kept
    pytest.param(
        "<div class='sidebar'>Relaterat</div><main><p>Huvudtext</p></main><div>Annat</div>",
        "Huvudtext",
        id="main-preferred",
    ),
    pytest.param(
        "<h1>Projektets titel</h1><div>Sidopanel</div><main><p>Huvudtext</p></main>",
        "Projektets titel\n\nHuvudtext",
        id="h1-before-main-kept",
    ),
    pytest.param("<div>Meny</div><article><header><h1>Nyhet</h1></header><p>Text</p></article>", "Nyhet\n\nText", id="article-with-header"),
    pytest.param("<div>Meny</div><div role='main'><p>Text</p></div>", "Text", id="role-main"),
    pytest.param("<main></main><p>Text utanför</p>", "Text utanför", id="empty-main-falls-back"),
    pytest.param("<script>w('<main>')</script><div>Meny</div><p>Text</p>", "Meny\n\nText", id="main-inside-script-ignored"),
    pytest.param(
        "<header><a>Logga</a><nav>Meny</nav></header><header class='page'><h1>Titel</h1></header><p>Text</p>",
        "Titel\n\nText",
        id="header-with-h1-kept",
    ),
    # lists of other projects are navigation: their names and places are not this project's
    pytest.param(
        "<main><h1>T</h1><p>Projektet drivs i Umeå.</p><aside class='related'><h2>Relaterade projekt</h2>"
        "<ul><li><a href='/p/1'>Jobb i Lund</a></li></ul></aside><p>Slut.</p></main>",
        "T\n\nProjektet drivs i Umeå.\n\nSlut.",
        id="related-projects-aside-dropped",
    ),
    pytest.param("<main><h1>T</h1><aside aria-label='Liknande projekt'><ul><li>A i Lund</li></ul></aside></main>", "T",
                 id="similar-projects-aside-dropped"),
    pytest.param("<main><h1>T</h1><ASIDE id=related-list><ul><li>A i Lund</li></ul></ASIDE><p>Efter</p></main>",
                 "T\n\nEfter", id="related-aside-unquoted-uppercase"),
    pytest.param(
        "<main><h1>T</h1><aside class='facts'><dl><dt>Projektägare</dt><dd>Umeå kommun</dd></dl></aside><p>Text.</p></main>",
        "T\n\nProjektägare:\nUmeå kommun\n\nText.",
        id="fact-box-aside-kept",
    ),
    pytest.param(
        "<main><h1>T</h1><aside><aside class='related'><p>A i Lund</p></aside><p>Kvar</p></aside></main>",
        "T\n\nKvar",
        id="related-aside-nested-in-other-aside",
    ),
]


@pytest.mark.parametrize(("html", "expected"), LAYOUT_CASES)
def test_layout(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


# --------------------------------------------------------------------------- bad input

BAD_INPUT_CASES = [
    pytest.param("<html><body><p>Beviljat stöd 2 761 412 kr</p><div cla", ["Beviljat stöd 2 761 412 kr"], id="truncated-mid-tag"),
    pytest.param("<p>Projektägare: Exempelby kommun</p><p>Beskrivning av proj", ["Projektägare: Exempelby kommun", "Beskrivning av proj"], id="truncated-mid-text"),
    pytest.param("<dl><dt>Region</dt><dd>Småland och öarna</dd><dt>Kontaktp", ["Region:", "Småland och öarna"], id="truncated-in-dl"),
    pytest.param("<p>Före</p><script>var x = 1; // cut", ["Före"], id="truncated-in-script"),
    pytest.param("<p>Före</p><!-- kommentar utan slut <p>nej</p>", ["Före"], id="unclosed-comment"),
    pytest.param("<main><p>Text i main utan slut", ["Text i main utan slut"], id="unclosed-main"),
    pytest.param("<<<>>><p>Text</p></div></div></span>", ["Text"], id="junk-tags"),
    pytest.param("Bara text utan taggar", ["Bara text utan taggar"], id="no-tags"),
    pytest.param("<p>NUL\x00tecken</p>", ["NULtecken"], id="nul-char"),
    pytest.param("<p>\ud800 ensam surrogat</p>", ["\ufffd ensam surrogat"], id="lone-surrogate"),
    pytest.param("<?xml version='1.0'?><html><body><p>XHTML</p></body></html>", ["XHTML"], id="xhtml-prolog"),
    pytest.param("<div>" * 3000 + "djup" + "</div>" * 3000, ["djup"], id="deep-nesting"),
]


@pytest.mark.parametrize(("html", "expected_lines"), BAD_INPUT_CASES)
def test_bad_input(html: str, expected_lines: list[str]) -> None:
    lines = _lines(html_to_text(html))
    for expected in expected_lines:
        assert expected in lines


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<script>only()</script>", "<!DOCTYPE html>"])
def test_no_visible_text(html: str) -> None:
    assert html_to_text(html) == ""


# --------------------------------------------------------------------------- fixtures


def test_projectbank_fixture_full_layout() -> None:
    text = html_to_text((FIXTURES / "projektbanken_dl.html").read_text(encoding="utf-8"))
    lines = _lines(text)
    assert lines[0] == "Nya vägar till arbete"
    for label, value in [
        ("Diarienummer:", "2016/00123"),
        ("Projektperiod:", "2015-03-01 - 2018-12-31"),
        ("Total projektbudget:", "157\u00a0547\u00a0528"),
        ("Beviljat ESF-stöd:", "2\u00a0761\u00a0412 kr"),
        ("E-post:", "karin.exempelsson@exempelby.se"),
        ("Specifikt mål:", "2.1"),
    ]:
        assert lines[lines.index(label) + 1] == value
    assert "  • Unga mellan 16 och 24 år" in lines
    for chrome in ["kakor", "Acceptera", "Sök projekt", "Hoppa", "Start", "Box 000", "window.dataLayer", "font-family"]:
        assert chrome not in text, chrome


def test_old_table_fixture_layout() -> None:
    html = (FIXTURES / "projekt_tabell_latin1.html").read_bytes().decode("latin-1")
    lines = _lines(html_to_text(html))
    assert lines[lines.index("Projektnummer:") + 1] == "2014/00987"
    assert lines[lines.index("Beviljat stöd:") + 1] == "4\u00a0120\u00a0000 kr"
    assert "Övrigt:" in lines
    assert "Hem | Projekt" not in lines  # the menu table has class="menu"


# --------------------------------------------------------------------------- speed


@pytest.mark.parametrize(
    ("main_bytes", "with_main", "limit_s"),
    [
        pytest.param(10_000, True, 0.03, id="typical-10kb-content-in-main"),
        pytest.param(10_000, False, 0.04, id="typical-no-main-element"),
        pytest.param(50_000, True, 0.08, id="worst-50kb-of-content"),
    ],
)
def test_60kb_page_is_fast(main_bytes: int, with_main: bool, limit_s: float) -> None:
    """Target ~10 ms for a typical page; limits have slack for a slow CI machine."""
    html = big_project_page(60_000, main_bytes=main_bytes, with_main=with_main)
    assert 59_000 < len(html.encode()) < 65_000
    html_to_text(html)  # warm-up (imports, regex compilation)
    runs = 10
    start = time.perf_counter()
    for _ in range(runs):
        text = html_to_text(html)
    per_page = (time.perf_counter() - start) / runs
    assert "Beviljat ESF-stöd:" in text and "Meny 3" not in text and "Länk 5" not in text
    assert per_page < limit_s, f"{per_page * 1000:.1f} ms per 60 KB page"


def test_3mb_single_line_is_linear() -> None:
    html = "<p>" + "ord " * 750_000 + "</p>" + "<script>x" * 2000  # unclosed scripts too
    start = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - start < 3.0
    assert text.startswith("ord ord")
