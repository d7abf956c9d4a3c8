"""Issue 5: a dump of bad input is fully accounted for.

One dump in tmp_path holds one file of each bad kind, files with odd names, and readable
variants (encodings, BOMs, CRLF, mojibake, no-break spaces, gzip, HTML) of two sample project
pages. It is extracted once through the command line. Every file must have exactly one row in
pages.parquet; a file that was not extracted must say why; every readable variant must give
the values of the plain UTF-8 page; nothing may be invented from damaged or impossible values.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pytest

from conftest import RAW, ROOT, plain
from pipeline.cli import EXIT_OK, main

FORMATS_HTML = ROOT / "tests" / "fixtures" / "formats" / "html"
GOLDEN = ROOT / "tests" / "golden"

# Above the 3 MB single line (which must be read and processed), below the oversized file.
MAX_BYTES = 3_200_000
LONG_LINE_BYTES = 3_000_000
TOO_LARGE_BYTES = 3_300_000

NBSP = "\u00a0"

# ----------------------------------------------------------------------------- sample pages

SAMPLES: dict[str, dict[str, Any]] = {
    "gammal_limmad": {
        "text": RAW / "projektbanken" / "gammal_limmad.txt",
        "html": FORMATS_HTML / "gammal_limmad.html",
        "expected": {"owner": "Åmåls kommun", "eu_grant_sek": 1861135, "total_budget_sek": 3402270,
                     "start_date": "2011-03-01", "end_date": "2013-06-30", "contact_name": "Birgitta Lönnqvist",
                     "region": "Västsverige"},
    },
    "fler_svetsare": {
        "text": RAW / "projektbanken" / "fler_svetsare.txt",
        "html": FORMATS_HTML / "fler_svetsare.html",
        "expected": {"owner": "Bergslagens Tekniska Utbildningscentrum", "eu_grant_sek": 4116210,
                     "total_budget_sek": 5880300, "start_date": "2017-01-09", "end_date": "2019-06-28",
                     "contact_name": "Jonas Ek", "region": "Östra Mellansverige"},
    },
}
CHECKED = ["owner", "eu_grant_sek", "total_budget_sek", "start_date", "end_date", "contact_name", "region"]


def _mojibake(text: str, codec: str) -> bytes:
    """UTF-8 bytes read as a legacy code page, then saved again as UTF-8 ("FrÃ¤ndberg")."""
    return text.encode("utf-8").decode(codec).encode("utf-8")


def _nbsp_amounts(text: str) -> bytes:
    """Digit groups and the unit separated by U+00A0, as web pages write "2 761 412 kr"."""
    out = re.sub(r"(?<=\d) (?=\d{3}\b)", NBSP, text)
    out = re.sub(r"(?<=\d) (?=kr\b)", NBSP, out)
    assert NBSP in out
    return out.encode("utf-8")


# variant -> (file name, bytes from (text, html))
VARIANTS: dict[str, tuple[str, Callable[[str, str], bytes]]] = {
    "cp1252": ("cp1252.txt", lambda t, h: t.encode("cp1252")),
    "utf16_bom": ("utf16.txt", lambda t, h: t.encode("utf-16")),  # Python writes the BOM
    "utf8_bom_crlf": ("utf8_bom_crlf.txt", lambda t, h: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8")),
    "mojibake_cp1252": ("mojibake_cp1252.txt", lambda t, h: _mojibake(t, "cp1252")),
    "mojibake_latin1": ("mojibake_latin1.txt", lambda t, h: _mojibake(t, "latin-1")),
    "nbsp_amounts": ("nbsp.txt", lambda t, h: _nbsp_amounts(t)),
    "gzip": ("sida.txt.gz", lambda t, h: gzip.compress(t.encode("utf-8"), mtime=0)),
    "html": ("sida.html", lambda t, h: h.encode("utf-8")),
}
VARIANT_CASES = [(page, v) for page in SAMPLES for v in VARIANTS]


def _variant_file(page: str, variant: str) -> str:
    return f"varianter/{page}/{VARIANTS[variant][0]}"


# ----------------------------------------------------------------------------- bad files

TRUNCATED_CUT = "<dt>Beviljat ESF-stöd</dt><d"  # the file ends inside this <dd> tag


def _truncated_html() -> bytes:
    html = (FORMATS_HTML / "gammal_limmad.html").read_text(encoding="utf-8")
    cut = html.index(TRUNCATED_CUT) + len(TRUNCATED_CUT)
    return html[:cut].encode("utf-8")


LABELS_WITHOUT_VALUES = """Projekt utan uppgifter

Projektägare:
Region:
Projektperiod:
Total projektbudget:
Beviljat ESF-stöd:
Kontaktperson:
E-post:
Planerat antal deltagare:
"""

IMPOSSIBLE_DATE = "2021-13-45 - 2022-01-01"
IMPOSSIBLE_VALUES = f"""2020/00999 - Omöjliga datum i Exempelby

Diarienummer:
2020/00999
Projektägare:
Exempelby kommun
Region:
Västsverige
Projektperiod:
{IMPOSSIBLE_DATE}
Total projektbudget:
2 000 000 kr
Beviljat ESF-stöd:
1 000 000 kr
Kontaktperson:
Anna Exempelsson

Projektet ska pröva nya vägar till arbete för unga i Exempelby.
"""


def _long_line() -> bytes:
    unit = "Projektägare Exempelby kommun Region Västsverige Beviljat ESF-stöd 1 000 000 kr Projektperiod 2020-01-01 - 2021-12-31 "
    data = (unit * (LONG_LINE_BYTES // len(unit.encode("utf-8")) + 1)).encode("utf-8")[:LONG_LINE_BYTES]
    return data.decode("utf-8", "ignore").encode("utf-8")  # never cut inside a character


def _png() -> bytes:
    rng = random.Random(20240514)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000))


def _undecodable() -> bytes:
    rng = random.Random(5)  # high bytes only: not UTF-8, no NULs, not plausible cp1252 text
    return bytes(rng.randrange(0x80, 0x100) for _ in range(2000))


# file -> (bytes, word the reason must contain when the file is not extracted; None: any reason)
BAD_FILES: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "trasigt/tom.txt": (lambda: b"", "empty"),
    "trasigt/blanksteg.txt": (lambda: b"  \n\t\r\n   \n\n", "whitespace"),
    "trasigt/bild.png": (_png, "PNG"),
    "trasigt/oavkodbar.txt": (_undecodable, "undecodable"),
    "trasigt/avklippt.html": (_truncated_html, None),
    "trasigt/för_stor.txt": (lambda: b"Projekt\n" + b"x" * (TOO_LARGE_BYTES - 8), "too large"),
    "trasigt/en_enda_rad.txt": (_long_line, None),
    "trasigt/etiketter_utan_varden.txt": (lambda: LABELS_WITHOUT_VALUES.encode("utf-8"), None),
    "trasigt/omojligt_datum.txt": (lambda: IMPOSSIBLE_VALUES.encode("utf-8"), None),
}

# odd names: real pages of raw/ under names with spaces, "å", dashes and deep folders
ODD_NAMES: dict[str, str] = {
    "konstiga namn/projekt med mellanslag.txt": "projektbanken/2016_00412.txt",
    "konstiga namn/åäö/Ångermanland – sida (kopia).TXT": "esfplus/23-045-A02.txt",
    "konstiga namn/a/b/c/d/e/djupt nästlad fil": "agarsidor/stadens projekt Jobbvägen.txt",
}


# ----------------------------------------------------------------------------- the run


class Dump:
    def __init__(self, raw: Path, out: Path, exit_code: int, seconds: float) -> None:
        self.raw, self.out, self.exit_code, self.seconds = raw, out, exit_code, seconds
        self.pages = pd.read_parquet(out / "pages.parquet")
        self.project_pages = pd.read_parquet(out / "project_pages.parquet")
        self.issues = pd.read_parquet(out / "issues.parquet")
        self.files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())

    def page(self, source_file: str) -> dict[str, Any]:
        rows = self.pages[self.pages["source_file"] == source_file]
        assert len(rows) == 1, f"{source_file}: {len(rows)} rows in pages.parquet"
        return {k: plain(v) for k, v in rows.iloc[0].items()}

    def project(self, source_file: str) -> dict[str, Any] | None:
        rows = self.project_pages[self.project_pages["source_file"] == source_file]
        assert len(rows) <= 1
        return {k: plain(v) for k, v in rows.iloc[0].items()} if len(rows) else None


def _write(raw: Path, rel: str, data: bytes) -> None:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Dump:
    tmp = tmp_path_factory.mktemp("bad_dump")
    raw, out = tmp / "raw", tmp / "out"
    for rel, (make, _) in BAD_FILES.items():
        _write(raw, rel, make())
    for rel, src in ODD_NAMES.items():
        _write(raw, rel, (RAW / src).read_bytes())
    for page, variant in VARIANT_CASES:
        s = SAMPLES[page]
        text, html = s["text"].read_text(encoding="utf-8"), s["html"].read_text(encoding="utf-8")
        _write(raw, _variant_file(page, variant), VARIANTS[variant][1](text, html))
    t0 = time.monotonic()
    code = main(["extract", str(raw), "--out", str(out), "--max-bytes", str(MAX_BYTES), "--quiet"])
    return Dump(raw, out, code, time.monotonic() - t0)


@pytest.fixture(scope="module")
def plain_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The plain UTF-8 pages extracted on their own: what every variant must reproduce."""
    from pipeline.batch.run import run

    tmp = tmp_path_factory.mktemp("plain")
    raw = tmp / "raw"
    raw.mkdir()
    for page, s in SAMPLES.items():
        (raw / f"{page}.txt").write_bytes(s["text"].read_bytes())
    run(raw, tmp / "out")
    pp = pd.read_parquet(tmp / "out" / "project_pages.parquet")
    return {r["source_file"][:-4]: {k: plain(v) for k, v in r.items()} for r in pp.to_dict("records")}


# ----------------------------------------------------------------------------- accounting


def test_run_completes_with_exit_0(dump: Dump) -> None:
    assert dump.exit_code == EXIT_OK
    assert dump.seconds < 120, f"the dump took {dump.seconds:.0f} s"


def test_every_file_has_exactly_one_pages_row(dump: Dump) -> None:
    expected = sorted(list(BAD_FILES) + list(ODD_NAMES) + [_variant_file(p, v) for p, v in VARIANT_CASES])
    assert dump.files == expected  # the dump holds what the test meant to write
    assert sorted(dump.pages["source_file"]) == expected  # one row each: no extra, none missing
    assert dump.pages["status"].isin(["extracted", "skipped", "rejected"]).all()


def test_every_page_not_extracted_says_why(dump: Dump) -> None:
    not_extracted = dump.pages[dump.pages["status"] != "extracted"]
    assert not not_extracted.empty
    for r in not_extracted.to_dict("records"):
        assert isinstance(r["reason"], str) and r["reason"].strip(), r


@pytest.mark.parametrize("source_file", list(BAD_FILES))
def test_bad_file_is_accounted_for(dump: Dump, source_file: str) -> None:
    row = dump.page(source_file)
    word = BAD_FILES[source_file][1]
    if word is not None:
        assert row["status"] == "rejected", row
        assert word.lower() in row["reason"].lower(), row["reason"]
    if row["status"] != "extracted":
        assert row["reason"], row


def test_too_large_file_names_the_limit(dump: Dump) -> None:
    row = dump.page("trasigt/för_stor.txt")
    assert str(MAX_BYTES) in row["reason"] and str(TOO_LARGE_BYTES) in row["reason"]
    assert row["n_bytes"] == TOO_LARGE_BYTES


def test_three_megabyte_line_is_read_not_rejected_as_too_large(dump: Dump) -> None:
    row = dump.page("trasigt/en_enda_rad.txt")
    assert row["n_bytes"] > 2_900_000
    assert "too large" not in (row["reason"] or "")
    proj = dump.project("trasigt/en_enda_rad.txt")
    if proj is not None:  # a line that long is no fact block: nothing may be taken from it as one
        assert proj["eu_grant_sek"] is None and proj["start_date"] is None


def test_truncated_html_keeps_only_what_is_before_the_cut(dump: Dump) -> None:
    """Cut inside the fact block: the values before the cut are there, none after it is invented."""
    row = dump.page("trasigt/avklippt.html")
    assert row["status"] == "extracted" and row["page_kind"] == "project", row
    proj = dump.project("trasigt/avklippt.html")
    assert proj is not None
    assert proj["title"] == "Vägar till vården i Dalsland"
    assert proj["owner"] == "Åmåls kommun" and proj["contact_name"] == "Birgitta Lönnqvist"
    for col in ("eu_grant_sek", "total_budget_sek", "start_date", "end_date", "region", "nuts2"):
        assert proj[col] is None, (col, proj[col])
    assert proj["municipalities"] == []


def test_impossible_date_is_an_issue_not_a_date(dump: Dump) -> None:
    src = "trasigt/omojligt_datum.txt"
    assert dump.page(src)["status"] == "extracted"
    proj = dump.project(src)
    assert proj is not None and proj["diarienummer"] == "2020/00999"
    assert proj["owner"] == "Exempelby kommun" and proj["eu_grant_sek"] == 1000000  # the rest is read
    assert proj["start_date"] is None  # 2021-13-45 does not exist: no month 13, no day 45
    assert proj["end_date"] in (None, "2022-01-01")  # the end as written, or nothing; never a guess
    issues = dump.issues[dump.issues["source_file"] == src]
    hits = issues[issues["evidence"].fillna("").str.contains("2021-13-45", regex=False)]
    assert not hits.empty, issues.to_dict("records")
    assert set(hits["field"]) & {"start_date", "period", "end_date"}, hits.to_dict("records")


def test_labels_without_values_give_no_values(dump: Dump) -> None:
    """Whatever the status: a reason in pages, or a project row without a single value."""
    src = "trasigt/etiketter_utan_varden.txt"
    row = dump.page(src)
    proj = dump.project(src)
    assert row["reason"] or proj is not None
    if proj is not None:
        empty = {k: v for k, v in proj.items() if k not in {"source_file", "page_sha256", "template", "source_url",
                                                             "fetched_at", "project_key", "title"}
                 and v not in (None, [], "")}
        assert not empty, empty
    else:
        assert row["status"] == "skipped" and "labels but no values" in row["reason"], row


@pytest.mark.parametrize("rel", list(ODD_NAMES))
def test_odd_file_names_are_read_under_their_own_name(dump: Dump, rel: str) -> None:
    row = dump.page(rel)
    assert row["status"] == "extracted", row
    golden = json.loads((GOLDEN / (ODD_NAMES[rel].replace("/", "__") + ".json")).read_text(encoding="utf-8"))
    proj = dump.project(rel)
    assert proj is not None and proj["source_file"] == rel
    want = {k: v for k, v in golden["project"].items() if k != "source_file"}
    got = {k: v for k, v in proj.items() if k in want}
    assert got == want


# ----------------------------------------------------------------------------- readable variants


def test_plain_pages_give_the_expected_values(plain_records: dict[str, dict[str, Any]]) -> None:
    for page, s in SAMPLES.items():
        assert {c: plain_records[page][c] for c in CHECKED} == s["expected"]


@pytest.mark.parametrize(("page", "variant"), VARIANT_CASES)
def test_readable_variant_gives_the_plain_values(dump: Dump, plain_records: dict[str, dict[str, Any]],
                                                 page: str, variant: str) -> None:
    src = _variant_file(page, variant)
    row = dump.page(src)
    assert row["status"] == "extracted", row
    proj = dump.project(src)
    assert proj is not None
    assert {c: proj[c] for c in CHECKED} == SAMPLES[page]["expected"]
    # and the rest of the record too (the HTML version differs only in its layout, see test_formats_equal)
    skip = {"source_file", "page_sha256", "template", "source_url", "fetched_at"}
    plain = plain_records[page]
    diffs = {k: (plain[k], proj[k]) for k in plain if k not in skip and plain[k] != proj[k]}
    assert not diffs


def test_variants_are_really_different_bytes(dump: Dump) -> None:
    """Each variant is its own page (none was skipped as a duplicate of another)."""
    rows = dump.pages[dump.pages["source_file"].str.startswith("varianter/")]
    assert rows["page_sha256"].is_unique
    assert (rows["status"] == "extracted").all(), rows[["source_file", "status", "reason"]].to_dict("records")


# ----------------------------------------------------------------------------- declared legacy charsets



def _euro_page() -> str:
    """The <dl> page with an en dash in the period and a budget in euro (both cp1252-only bytes)."""
    h = (FORMATS_HTML / "gammal_limmad.html").read_text(encoding="utf-8")
    period = '<time datetime="2011-03-01">2011-03-01</time> till <time datetime="2013-06-30">2013-06-30</time>'
    budget = "<dt>Total projektbudget</dt><dd>3&nbsp;402&nbsp;270 kr</dd>"
    assert period in h and budget in h
    return h.replace(period, "2011-03-01 – 2013-06-30").replace(budget, "<dt>Total projektbudget</dt><dd>310 000 €</dd>")


def _warc_with_header(body: bytes, content_type: str) -> bytes:
    """One response record whose HTTP header declares the charset (the body has no <meta>)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    hh = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(
        "https://projektbanken.esf.se/projekt/x", "response", payload=io.BytesIO(body), http_headers=hh,
        warc_headers_dict={"WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000009>",
                           "WARC-Date": "2024-05-14T08:00:00Z"}))
    return out.getvalue()


LEGACY_CASES = [
    pytest.param("meta", "windows-1252", id="meta-windows-1252"),
    pytest.param("meta", "iso-8859-1", id="meta-iso-8859-1"),
    pytest.param("header", "windows-1252", id="http-header-windows-1252"),
    pytest.param("header", "ISO-8859-1", id="http-header-iso-8859-1"),
]


@pytest.mark.parametrize(("where", "charset"), LEGACY_CASES)
def test_page_in_a_declared_legacy_charset_reads_like_utf8(tmp_path: Path, where: str, charset: str) -> None:
    """Old sites declare ISO-8859-1 and write windows-1252 (€ 0x80, – 0x96): read them as browsers do."""
    from pipeline.batch.run import run

    html = _euro_page()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "utf8.html").write_bytes(html.encode("utf-8"))
    if where == "meta":
        (raw / "legacy.html").write_bytes(html.replace('charset="utf-8"', f'charset="{charset}"').encode("cp1252"))
        legacy = "legacy.html"
    else:
        body = html.replace('<meta charset="utf-8">', "").encode("cp1252")
        (raw / "legacy.warc.gz").write_bytes(_warc_with_header(body, f"text/html; charset={charset}"))
        legacy = "legacy.warc.gz#0"
    run(raw, tmp_path / "out")
    pp = {r["source_file"]: r for r in pd.read_parquet(tmp_path / "out" / "project_pages.parquet").to_dict("records")}
    issues = pd.read_parquet(tmp_path / "out" / "issues.parquet")
    cols = ["owner", "eu_grant_sek", "total_budget_sek", "start_date", "end_date", "contact_name"]
    want = {c: plain(pp["utf8.html"][c]) for c in cols}
    assert want["eu_grant_sek"] == 1861135 and want["total_budget_sek"] is None  # euro: dropped, with an issue
    assert {c: plain(pp[legacy][c]) for c in cols} == want
    legacy_issues = issues[issues["source_file"] == legacy]
    euro = legacy_issues[legacy_issues["field"] == "total_budget_sek"]
    assert not euro.empty and euro["evidence"].str.contains("€").all(), legacy_issues.to_dict("records")
