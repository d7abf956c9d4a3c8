"""Personal data (issue 16 item 7): under `--contacts drop|hash` nothing personal is left in any
byte written under OUT (tables, report, state) or in the logs; `keep` changes nothing.

The patterns are tested as tables, one row per real-world shape, with sentences of our own;
the fault-suite test extracts generated pages (fact blocks, contact blocks, prose, an address
with ?email=..., values that provoke issues) and scans every file under OUT and the log lines.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.batch.run import run
from pipeline.cli import EXIT_OK, EXIT_USAGE, main
from pipeline.models import PageResult, issue
from pipeline.tables.contacts import apply_to_result, page_names
from pipeline.tables.personal import (
    METADATA_KEY, SALT_ENV, ContactPolicy, MissingSalt, find_personal, is_contact_label, person_names_in,
)

SALT = "lingonsylt-och-kanelbullar-1974"
HASH = ContactPolicy("hash", SALT.encode())
DROP = ContactPolicy("drop")


def _found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in find_personal(text)]


# --------------------------------------------------------------------------- patterns as tables


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Ring mig på 070-123 45 67 efter lunch.", "070-123 45 67"),  # mobile, grouped
        ("Mobil: +46 70 123 45 67", "+46 70 123 45 67"),  # country code
        ("Växeln 08-123 456 78 är öppen vardagar.", "08-123 456 78"),  # Stockholm
        ("Telefon 031 - 12 34 56 (dagtid)", "031 - 12 34 56"),  # spaced dash
        ("tfn 0701234567", "0701234567"),  # no separators
        ("Nås på (08) 123 45 67.", "(08) 123 45 67"),  # area code in brackets
        ("Tel. +46 (0)8-123 456 78", "+46 (0)8-123 456 78"),  # (0) after the country code
        ("Ring 0046 31 12 34 56 från utlandet.", "0046 31 12 34 56"),
        ("Kontor: 0510-123 45, fax saknas", "0510-123 45"),  # four-digit area code
        ("Svar på 073-9876543.", "073-9876543"),
    ],
)
def test_phone_numbers_are_found(text: str, phone: str) -> None:
    assert _found(text) == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Beviljat stöd: 2 761 412 kr",  # an amount
        "Total budget 12 070 123 456 kronor",  # an amount with 070 inside
        "Diarienummer 2015/00665",  # diarienummer, both shapes
        "Ärende 22-017-S04 beviljades",
        "Organisationsnummer 212000-1234",
        "Projektperiod 2019-08-01 till 2022-06-30",  # dates
        "Beslut 01-02-2020",
        "Postadress 123 45 Lerby",  # a postcode
        "Unga mellan 16-24 år och barn 0-6 år",  # ages
        "Andelen ökade med +12 % till 0,5 procent",
        "Programperioden 2014–2020 och 2021-2027",
        "Öppet 08-17 vardagar",
        "https://www.esf.se/projekt/2015-00665",
        "Stödet är 0 kr för fas 0",
    ],
)
def test_amounts_dates_and_numbers_are_not_personal(text: str) -> None:
    assert _found(text) == []
    assert DROP.mask(text) == text and HASH.mask(text) == text


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("Skriv till anna.berg@lerby.se så svarar vi.", "anna.berg@lerby.se"),
        ("E-post: Lars.Ek+esf@kommun-exempel.nu", "Lars.Ek+esf@kommun-exempel.nu"),
        ("Mejla namn (at) kommun.se", "namn (at) kommun.se"),  # obfuscated
        ("Mejla namn[at]kommun.se i dag", "namn[at]kommun.se"),
        ("adress: stina(a)bygd(punkt)se", "stina(a)bygd(punkt)se"),
        ("kontakt: per.persson [at] region [dot] se", "per.persson [at] region [dot] se"),
    ],
)
def test_email_addresses_are_found(text: str, email: str) -> None:
    assert _found(text) == [("email", email)]


@pytest.mark.parametrize(
    "text",
    ["Följ oss på @esfradet", "Läs version 2.0 av planen", "Se www.esf.se för mer", "Punkt (a) i beslutet gäller"],
)
def test_text_that_is_no_email_address(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "dropped", "hashed_prefix"),
    [
        ("Läs https://x.se/p?email=a%40b.se&namn=Anna+Berg.", "Läs https://x.se/p.", "Läs https://x.se/p?hmac:"),
        ("Se www.x.se/sida#kontakt-anna", "Se www.x.se/sida", "Se www.x.se/sida?hmac:"),
        ("Länk https://x.se/projekt/2015-00665 utan fråga", "Länk https://x.se/projekt/2015-00665 utan fråga",
         "Länk https://x.se/projekt/2015-00665 utan fråga"),
    ],
)
def test_address_query_strings_in_text(text: str, dropped: str, hashed_prefix: str) -> None:
    assert DROP.mask(text) == dropped
    assert (HASH.mask(text) or "").startswith(hashed_prefix)


@pytest.mark.parametrize(
    ("snippet", "dropped"),
    [
        # evidence is a window of the page: its edges can cut a contact's name or address in two
        ("ika Lund, projektledare i Vaxholm", "[namn], projektledare i Vaxholm"),
        ("projektledare i Vaxholm är Erika Lu", "projektledare i Vaxholm är [namn]"),
        ("mer hos Erika Lund, erika[at]vaxho", "mer hos [namn], [e-post]"),
        ("lund@vaxholm.se eller telefon", "[e-post] eller telefon"),
        # not a cut: words that merely share letters with the name stay
        ("Lundby kommun deltar", "Lundby kommun deltar"),
        ("i Vaxholm med Eriksson", "i Vaxholm med Eriksson"),
        ("Följ oss på @esfradet", "Följ oss på @esfradet"),
    ],
)
def test_names_and_addresses_cut_by_a_snippet_edge(snippet: str, dropped: str) -> None:
    assert DROP.mask(snippet, ["Erika Lund"]) == dropped
    assert "erika" not in (HASH.mask(snippet, ["Erika Lund"]) or "").casefold().replace("[namn]", "")


@pytest.mark.parametrize(
    ("url", "dropped"),
    [
        ("https://www.esf.se/projekt/2020-00815?email=a@b.se&tel=0701234567#kontakt", "https://www.esf.se/projekt/2020-00815"),
        ("https://user:secret@x.se/p", "https://x.se/p"),  # no user in an address
        ("http://x.se/kontakt/anna.berg@x.se", "http://x.se/kontakt/[e-post]"),
        ("https://x.se/", "https://x.se/"),
    ],
)
def test_url_columns_keep_scheme_host_and_path(url: str, dropped: str) -> None:
    assert DROP.url(url) == dropped
    hashed = HASH.url(url) or ""
    assert hashed.split("?")[0] == dropped.replace("[e-post]", hashed.split("/")[-1].split("?")[0])
    assert "a@b.se" not in hashed and "secret" not in hashed


@pytest.mark.parametrize(
    ("label", "contact"),
    [
        ("Kontakt", True), ("Kontaktperson för projektet", True), ("Mobil:", True), ("Telefon (växel)", True),
        ("E-postadress", True), ("Projektkoordinator", True), ("Projektledare", True), ("Contact person", True),
        ("Projektägare", False), ("Telefonplan", False), ("Mobilisering", False), ("Region", False),
        ("Kontaktyta mot näringslivet", False),
    ],
)
def test_contact_labels(label: str, contact: bool) -> None:
    assert is_contact_label(label) is contact


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Kontaktperson: Tindra Wallgren", {"Tindra Wallgren"}),
        ("Vill du veta mer, kontakta projektledaren Viggo Rask på telefon.", {"Viggo Rask"}),
        ("Projektledare är Maja Lind-Ståhl sedan i våras.", {"Maja Lind-Ståhl"}),
        ("Kontakt\nSigne Åkerblom", {"Signe Åkerblom"}),
        ("Kontakt: Region Lerby", set()),  # an organisation
        ("Kontakt: Besöksadress Exempelgatan 4, 211 22 Lerby", set()),  # an address
        ("Projektledare Lerby stad ansvarar.", set()),
        ("Projektet når unga i Lerby och Sollentuna.", set()),
    ],
)
def test_names_after_contact_words(text: str, names: set[str]) -> None:
    assert person_names_in(text) == names


# --------------------------------------------------------------------------- tokens and the salt


def test_hash_tokens_are_keyed_stable_and_notation_free() -> None:
    other = ContactPolicy("hash", b"another-salt-of-enough-length")
    assert HASH.token("phone", "070-123 45 67") == HASH.token("phone", "+46 70 123 45 67") == HASH.token("phone", "0701234567")
    assert HASH.token("email", "Anna.Berg@Lerby.se") == HASH.token("email", "anna.berg (at) lerby.se")
    assert HASH.token("name", "Anna  Berg") == HASH.token("name", "anna berg")
    assert HASH.token("name", "Anna Berg") != other.token("name", "Anna Berg")  # keyed
    assert HASH.token("name", "Anna Berg") != HASH.token("name", "Anna Bergh")
    # the token of a name in text is the token of the contact_name column
    assert HASH.mask("Anna Bergs team", ["Anna Berg"]) == HASH.token("name", "Anna Berg") + " team"
    assert SALT not in repr(HASH)


@pytest.mark.parametrize("environ", [{}, {SALT_ENV: ""}, {SALT_ENV: "   "}])
def test_hash_refuses_to_run_without_a_salt(environ: dict[str, str]) -> None:
    with pytest.raises(MissingSalt, match=SALT_ENV):
        ContactPolicy.from_env("hash", environ)


def test_hash_without_a_salt_exits_2_before_anything_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    raw = _generated_dump(tmp_path / "raw")
    monkeypatch.delenv(SALT_ENV, raising=False)
    for fmt in ("text", "json"):
        code = main(["extract", str(raw), "--out", str(tmp_path / "out"), "--contacts", "hash", "--log-format", fmt])
        assert code == EXIT_USAGE
        assert SALT_ENV in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    with pytest.raises(MissingSalt):
        run(raw, tmp_path / "out", contacts="hash")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- one page's rows


def test_apply_to_result_covers_every_row() -> None:
    page = PageResult(
        source_file="p.txt", page_sha256="0" * 64, n_bytes=1, page_kind="project", template="bank_colon",
        status="extracted", reason=None, source_url="https://x.se/p?kontakt=ulla.sten%40by.se",
        kind_evidence="Kontakt Ulla Sten, 0701234567",
        project={"source_file": "p.txt", "project_key": "2019/04711", "contact_name": "Ulla Sten",  # type: ignore[typeddict-item]
                 "contact_email": "ulla.sten@by.se", "contact_phone": None, "owner": "Lerby kommun",
                 "summary": "Ulla Sten leder projektet, ulla.sten@by.se, 070-222 33 44. Budget 2 761 412 kr.",
                 "municipalities": ["Lerby"]},
        issues=[issue("not_a_name", "contact is not a person's name: 'ulla.sten@by.se'", source_file="p.txt",
                      field="contact_name", evidence="Kontaktperson: ulla.sten@by.se"),
                issue("doubtful_place", "'LERBY' left out", source_file="p.txt", field="municipalities",
                      evidence="Att: Ulla Sten Box LERBY")],
        rows={"page_fields": [{"source_file": "p.txt", "project_key": "2019/04711", "field": "other:Mobil",
                               "label": "Mobil", "value": "073-111 22 33"},
                              {"source_file": "p.txt", "project_key": "2019/04711", "field": "total_budget_sek",
                               "label": "Total projektbudget", "value": "5 523 824"}],
              "project_objectives": [{"source_file": "p.txt", "text": "Ring Ulla Sten på 073-111 22 33"}]},
    )
    assert "Ulla Sten" in page_names(page)
    for policy in (DROP, HASH):
        out = apply_to_result(page, policy)
        text = repr(out)
        for secret in ("Ulla Sten", "ulla.sten", "070-222 33 44", "073-111 22 33", "0701234567"):
            assert secret.casefold() not in text.casefold(), (policy.mode, secret)
        assert out.project is not None and "2 761 412 kr" in str(out.project["summary"])
        assert out.rows["page_fields"][1]["value"] == "5 523 824"
        assert out.project["owner"] == "Lerby kommun" and out.project["municipalities"] == ["Lerby"]
        assert out.issues[1].message == "'LERBY' left out"
    assert page.project is not None and page.project["contact_name"] == "Ulla Sten"  # the input is untouched
    assert apply_to_result(page, ContactPolicy("keep")) is page


# --------------------------------------------------------------------------- the fault suite: every byte under OUT

# people of our own, in the shapes pages give them
P = {
    "name": "Tindra Wallgren", "email": "tindra.wallgren@lerdala-exempel.se", "phone": "070-314 15 92",
    "mobile": "+46 73 271 82 81", "coord": "Viggo Rask", "coord_mail": "viggo.rask (at) lerdala-exempel.se",
    "name2": "Signe Åkerblom", "phone2": "08-555 123 45", "email2": "signe[at]vaxholmen-exempel.se",
    "name3": "Hassan Lindqvist", "phone3": "031 - 77 88 99", "email3": "hassan.lindqvist@kustverket-exempel.se",
    "url_mail": "mats.ohlin@kustverket-exempel.se", "url_phone": "0709876543",
}


def _secrets() -> list[str]:
    """Every personal value as written, and the forms a careless writer could leave."""
    out = set(P.values()) | {SALT}
    for k, v in P.items():
        if "phone" in k or k == "mobile":
            out.add("".join(ch for ch in v if ch.isdigit() or ch == "+"))
        if "mail" in k:
            out.add(v.split("@")[0].split(" ")[0].split("[")[0])  # the local part
    out.add(P["url_mail"].replace("@", "%40"))
    return sorted(out)


def _generated_dump(raw: Path) -> Path:
    """A colon fact block with contact labels, a contact block in prose, a JSON-lines record
    whose address carries ?email=, and contact values that provoke issues."""
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "faktablock.txt").write_text(f"""2019/04711 - Vägen vidare i Lerdala

Diarienummer:
2019/04711
Namn:
Vägen vidare i Lerdala
Projektägare:
Lerdala kommun
Region:
Stockholm
Projektperiod:
2019-08-01 - 2022-06-30
Total projektbudget:
5 523 824
Beviljat ESF-stöd:
2 761 412
Kontaktperson:
{P['name']}
E-post:
{P['email']}
Telefon:
{P['phone']}
Mobil:
{P['mobile']}
Projektkoordinator:
{P['coord']}
Programområde:
2

Projektet hjälper unga i Lerdala och Sollentuna att hitta arbete. Budgeten är 2 761 412 kr från ESF och projektet pågår till 2022-06-30.

Vill du veta mer, kontakta projektledaren {P['name']} på {P['email']} eller {P['phone']}. {P['coord']} svarar på {P['coord_mail']}.
Läs mer på https://www.lerdala-exempel.se/projekt?email={P['email'].replace('@', '%40')}&namn=Tindra+Wallgren.
""", encoding="utf-8")
    (raw / "kontaktblock.txt").write_text(f"""Språkstegen

Språkstegen ger nyanlända i Vaxholm och Österåker språkträning på arbetsplatsen.

Projektfakta

Projektperiod: 2018-02-01 till 2021-01-31
Projektägare: Vaxholms stad
EU-fond eller -program som beviljat projektmedel: Europeiska socialfonden, ESF
Projektets totala budget (inklusive medfinansiering): 3 400 000 kr

Kontaktperson
{P['name2']} - Projektledare, Vaxholms stad
{P['phone2']}
{P['email2']}
""", encoding="utf-8")
    record = {"url": f"https://www.esf-exempel.se/projekt/2020-00815?email={P['url_mail']}&tel={P['url_phone']}#kontakt",
              "fetched_at": "2024-05-02T10:00:00Z",
              "html": f"""<html><body><h1>2020/00815 - Kustjobb</h1>
<p>Diarienummer:</p><p>2020/00815</p><p>Namn:</p><p>Kustjobb</p><p>Projektägare:</p><p>Kustverket i Väst</p>
<p>Region:</p><p>Västsverige</p><p>Projektperiod:</p><p>2020-01-01 - 2022-12-31</p>
<p>Beviljat ESF-stöd:</p><p>1 200 000</p><p>Kontaktperson:</p><p>{P['email3']}</p>
<p>E-post:</p><p>{P['name3'].lower().replace(' ', '.')} (at) kustverket</p><p>Telefon:</p><p>{P['phone3']}</p>
<p>Projektet ger arbetslösa i Göteborg och Kungälv jobb i kustnära näringar. Frågor besvaras av {P['name3']},
telefon {P['phone3']}, eller <a href="mailto:{P['email3']}">{P['email3']}</a>.</p></body></html>"""}
    (raw / "skrap.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return raw


def _arrow_texts(data: bytes) -> Iterator[str]:
    for opener in (pa.ipc.open_file, pa.ipc.open_stream):
        try:
            yield repr(opener(pa.py_buffer(data)).read_all().to_pylist())
            return
        except Exception:  # noqa: BLE001 - not Arrow IPC
            continue


def _decoded(path: Path) -> Iterator[str]:
    """A file's bytes as text, and decoded whatever it holds in compressed or binary form:
    Parquet (values and metadata), SQLite (every table's values, Arrow blobs read), Arrow IPC."""
    data = path.read_bytes()
    yield data.decode("utf-8", "replace")
    if data[:4] == b"PAR1":
        table = pq.read_table(path)
        yield repr(table.to_pylist())
        yield repr(table.schema.metadata)
    elif data.startswith(b"SQLite format 3\x00"):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for row in con.execute(f'SELECT * FROM "{name}"'):
                    for v in row:
                        if isinstance(v, bytes):
                            yield v.decode("utf-8", "replace")
                            yield from _arrow_texts(v)
                        else:
                            yield str(v)
        finally:
            con.close()
    else:
        yield from _arrow_texts(data)


def _leaks(out: Path, logs: str) -> list[tuple[str, str]]:
    texts = [("logs", logs)]
    for f in sorted(p for p in out.rglob("*") if p.is_file() and not p.is_symlink()):
        texts.extend((str(f.relative_to(out)), t) for t in _decoded(f))
    found = []
    for secret in _secrets():
        found.extend((where, secret) for where, t in texts if secret.casefold() in t.casefold())
    return found


@pytest.mark.parametrize(("policy", "log_format", "workers"), [("drop", "json", "1"), ("hash", "json", "2"),
                                                               ("drop", "text", "2"), ("hash", "text", "1")])
def test_nothing_personal_in_any_byte_under_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], policy: str, log_format: str,
                                                workers: str) -> None:
    raw = _generated_dump(tmp_path / "raw")
    monkeypatch.setenv(SALT_ENV, SALT)
    out = tmp_path / "out"
    args = ["extract", str(raw), "--out", str(out), "--workers", workers, "--log-format", log_format, "--report"]
    assert main(args + ["--contacts", policy]) == EXIT_OK
    assert main(args + ["--contacts", policy]) == EXIT_OK  # an incremental run: tables from the state
    captured = capsys.readouterr()
    assert _leaks(out, captured.err + captured.out) == []
    for f in out.glob("*.parquet"):
        if f.name != "runs.parquet":
            assert pq.read_schema(f).metadata[METADATA_KEY] == policy.encode(), f.name
    pp = pd.read_parquet(out / "project_pages.parquet")
    assert len(pp) == 3 and pp["eu_grant_sek"].dropna().tolist() == [2761412, 1200000]  # amounts survive
    assert pp["start_date"].notna().all() and set(pp["diarienummer"].dropna()) == {"2019/04711", "2020/00815"}
    assert any("2 761 412 kr" in s for s in pp["summary"].dropna())
    assert set(pp["source_url"].dropna().str.split("?").str[0]) == {"https://www.esf-exempel.se/projekt/2020-00815"}
    if policy == "hash":  # the same person gets the same token in every column
        assert pp["contact_name"].notna().sum() >= 2 and pp["contact_name"].dropna().str.startswith("hmac:").all()
        token = HASH.token("name", P["name"])
        assert token in set(pp["contact_name"]) and token in pp["summary"].str.cat()
        pf = pd.read_parquet(out / "page_fields.parquet")
        assert token in set(pf["value"])
    else:
        assert pp[["contact_name", "contact_email", "contact_phone"]].isna().all().all()


def test_keep_leaves_everything_and_the_scan_finds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The scan means something: under keep (the default) it finds every value as written,
    and the tables record the policy keep."""
    raw = _generated_dump(tmp_path / "raw")
    out = tmp_path / "out"
    assert main(["extract", str(raw), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    found = {secret for _, secret in _leaks(out, capsys.readouterr().err)}
    assert found >= set(P.values())  # (the digits-only and %-encoded forms are extra guards)
    assert all(pq.read_schema(f).metadata[METADATA_KEY] == b"keep" for f in out.glob("*.parquet")
               if f.name != "runs.parquet")


def test_a_new_policy_or_salt_extracts_every_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _generated_dump(tmp_path / "raw")
    out = tmp_path / "out"
    run(raw, out)  # keep: the state holds the contacts
    summary = run(raw, out, contacts="drop")
    assert summary.pages_new + summary.pages_changed == 3
    assert any("contacts: keep -> drop" in n and "extracted again" in n for n in summary.notes)
    assert _leaks(out, "") == []  # the state of the keep run is gone with it
    monkeypatch.setenv(SALT_ENV, SALT)
    assert any("contacts: drop -> hash" in n for n in run(raw, out, contacts="hash").notes)
    assert not run(raw, out, contacts="hash").notes  # the same salt: nothing to redo
    first = pd.read_parquet(out / "project_pages.parquet")["contact_name"].dropna().tolist()
    monkeypatch.setenv(SALT_ENV, SALT + "-ny")
    again = run(raw, out, contacts="hash")
    assert again.pages_new + again.pages_changed == 3
    assert any("a new salt" in n for n in again.notes) and not any(SALT in n for n in again.notes)
    second = pd.read_parquet(out / "project_pages.parquet")["contact_name"].dropna().tolist()
    assert len(first) == len(second) and not set(first) & set(second)  # re-hashed with the new salt
    assert not any(SALT.casefold() in t.casefold() for f in out.rglob("*") if f.is_file() for t in _decoded(f))


def test_log_lines_and_warnings_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from pipeline.tables.personal import masked_log, masked_warnings

    lines: list[tuple[str, dict[str, object]]] = []
    log = masked_log(lambda event, data: lines.append((event, data)), DROP)
    log("warning", {"message": "page quotes ulla.sten@by.se", "nested": {"phone": ["ring 070-222 33 44"]}, "n": 3})
    assert lines == [("warning", {"message": "page quotes [e-post]", "nested": {"phone": ["ring [telefon]"]}, "n": 3})]
    shown: list[str] = []
    monkeypatch.setattr(warnings, "showwarning", lambda message, *args, **kwargs: shown.append(str(message)))
    with masked_warnings(HASH):
        warnings.showwarning("a page with 070-222 33 44", UserWarning, "x.py", 1)
    assert shown == ["a page with " + HASH.token("phone", "0702223344")]
    keep = ContactPolicy()
    assert masked_log(log, keep) is log


@pytest.mark.parametrize(
    "text",
    ["a" * 100_000, "a." * 50_000, "www." * 25_000, "http://" * 15_000, "0" * 100_000, "07 " * 35_000, "@" * 100_000,
     "a@" * 50_000, "a@" + "b." * 50_000, "a(" * 50_000, ("kontakt" + " " * 100) * 1_000, "+0" * 50_000, "Anna " * 20_000],
)
def test_masking_stays_linear_on_runs_of_one_shape(text: str) -> None:
    """A run of letters once took 76 s for 20,000 characters (an address pattern retried from
    every letter); the masking runs outside the per-page time limit, so it must stay linear."""
    import time

    t0 = time.perf_counter()
    DROP.mask(text, ["Anna Berg"])
    person_names_in(text)
    assert time.perf_counter() - t0 < 5.0
