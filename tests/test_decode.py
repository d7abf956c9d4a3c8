"""decode(): real-world byte shapes → clean text, or a plain reject reason."""

from __future__ import annotations

import codecs
import hashlib
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.decode import (
    MOJIBAKE_HINT,
    TRANSLATE,
    TRANSLATE_CHARS,
    DecodeError,
    decode,
    normalise_text,
)
from pipeline.ingest.decode_fast import CONTROL_RE, control_share, control_share_plain, decode_utf8, utf8_of
from pipeline.models import RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "input"


def doc(data: bytes | None, *, media_type: str = "text", charset: str | None = None, error: str | None = None) -> RawDocument:
    return RawDocument(
        source_file="sida.txt",
        data=data,
        n_bytes=len(data or b""),
        sha256=hashlib.sha256(data or b"").hexdigest(),
        media_type=media_type,
        declared_charset=charset,
        source_url="https://example.se/projekt/1",
        fetched_at="2024-05-01T10:00:00Z",
        error=error,
    )


# --------------------------------------------------------------------------- encodings

ENCODING_CASES = [
    # --- legacy Windows pages
    pytest.param("Kontaktperson: Anna Frändberg\n".encode("cp1252"), None, "Kontaktperson: Anna Frändberg\n", id="cp1252-undeclared"),
    pytest.param("Frändberg".encode("cp1252"), None, "Frändberg", id="cp1252-one-word"),
    pytest.param("Beviljat – 100 € ”citat”".encode("cp1252"), None, "Beviljat – 100 € ”citat”", id="cp1252-punctuation"),
    pytest.param("Västerås".encode("latin-1"), "ISO-8859-1", "Västerås", id="latin1-declared-by-http"),
    pytest.param("Västerås".encode("utf-8"), "iso-8859-1", "Västerås", id="declared-latin1-but-utf8"),
    pytest.param("Göteborg".encode("cp1252"), "utf-8", "Göteborg", id="declared-utf8-but-cp1252"),
    pytest.param("Umeå".encode("cp1252"), "no-such-charset", "Umeå", id="unknown-declared-charset"),
    # --- byte order marks
    pytest.param(codecs.BOM_UTF16_LE + "Frändberg\r\nÖrebro".encode("utf-16-le"), None, "Frändberg\nÖrebro", id="utf16le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + "Frändberg".encode("utf-16-be"), None, "Frändberg", id="utf16be-bom"),
    pytest.param(codecs.BOM_UTF32_LE + "Luleå".encode("utf-32-le"), None, "Luleå", id="utf32le-bom"),
    pytest.param(codecs.BOM_UTF8 + b"Rad 1\r\nRad 2\r\n", None, "Rad 1\nRad 2\n", id="utf8-bom-crlf"),
    pytest.param("Kalmar län och Öland".encode("utf-16-le"), None, "Kalmar län och Öland", id="utf16le-no-bom"),
    pytest.param("Kalmar län och Öland".encode("utf-16-be"), None, "Kalmar län och Öland", id="utf16be-no-bom"),
    pytest.param("Kalmar län och Öland".encode("utf-16-le")[:-1], None, "Kalmar län och Ölan", id="utf16le-no-bom-cut-odd"),
    # --- UTF-8 oddities
    pytest.param(b"Rad 1\rRad 2", None, "Rad 1\nRad 2", id="old-mac-cr"),
    pytest.param("Frändberg ä".encode()[:-1], None, "Frändberg", id="utf8-cut-mid-character"),
    pytest.param("Åsa Öberg på Ön i Västerbotten ".encode() + "Täby".encode("cp1252"), None, "Åsa Öberg på Ön i Västerbotten Täby", id="utf8-with-stray-cp1252-byte"),
    pytest.param("A\u0308lvsbyn".encode(), None, "Älvsbyn", id="nfd-to-nfc"),
    # --- spaces and invisible characters
    pytest.param("Beviljat: 2\u00a0761\u00a0412\u00a0kr".encode(), None, "Beviljat: 2 761 412 kr", id="nbsp-in-amount"),
    pytest.param("2\u202f761\u2009412\u2007kr".encode(), None, "2 761 412 kr", id="narrow-thin-figure-space"),
    pytest.param("Arbets\u00admarknads\u00adpolitik".encode(), None, "Arbetsmarknadspolitik", id="soft-hyphens"),
    pytest.param("Pro\u200bjekt\u200d\ufeff\u2060ägare".encode(), None, "Projektägare", id="zero-width"),
    pytest.param("Rad med mellanslag   \t\nNästa ".encode(), None, "Rad med mellanslag\nNästa", id="trailing-spaces"),
    pytest.param(b"Rad 1\n\n\n\nRad 2", None, "Rad 1\n\n\n\nRad 2", id="newlines-kept"),
    pytest.param(b"Projekttitel\x1b[0m\x07 med en lite l\xc3\xa4ngre text", None, "Projekttitel[0m med en lite längre text", id="stray-control-chars-removed"),
]


@pytest.mark.parametrize(("data", "charset", "expected"), ENCODING_CASES)
def test_encodings(data: bytes, charset: str | None, expected: str) -> None:
    page = decode(doc(data, charset=charset))
    assert page.text == expected


HTML_ENCODING_CASES = [
    pytest.param(
        '<html><head><meta charset="iso-8859-1"></head><body><p>Västmanland</p></body></html>'.encode("latin-1"),
        "Västmanland",
        id="latin1-declared-in-meta",
    ),
    pytest.param(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
        + "<body><p>Projektägare – Örebro</p></body></html>".encode("cp1252"),
        "Projektägare – Örebro",
        id="cp1252-declared-http-equiv",
    ),
    pytest.param(
        '<meta charset="utf-16"><p>Skellefteå</p>'.encode("utf-8"),
        "Skellefteå",
        id="meta-utf16-in-ascii-means-utf8",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + "<html><body><p>Sundsvall</p></body></html>".encode("utf-16-le"),
        "Sundsvall",
        id="utf16-html",
    ),
    pytest.param("<p>Beviljat:&nbsp;2&nbsp;761&nbsp;412&#160;kr</p>".encode(), "Beviljat: 2 761 412 kr", id="nbsp-entities"),
]


@pytest.mark.parametrize(("data", "expected"), HTML_ENCODING_CASES)
def test_html_encodings(data: bytes, expected: str) -> None:
    assert decode(doc(data, media_type="html")).text == expected


def test_latin1_table_fixture() -> None:
    data = (FIXTURES / "projekt_tabell_latin1.html").read_bytes()
    page = decode(doc(data, media_type="html"))
    lines = page.text.split("\n")
    assert lines[lines.index("Beviljat stöd:") + 1] == "4 120 000 kr"
    assert "Jönköpings län" in lines


def test_projectbank_fixture_amounts_have_plain_spaces() -> None:
    data = (FIXTURES / "projektbanken_dl.html").read_bytes()
    lines = decode(doc(data, media_type="html")).text.split("\n")
    assert lines[lines.index("Total projektbudget:") + 1] == "157 547 528"
    assert lines[lines.index("Beviljat ESF-stöd:") + 1] == "2 761 412 kr"


# --------------------------------------------------------------------------- mojibake

MOJIBAKE_CASES = [
    pytest.param("FrÃ¤ndberg", "Frändberg", id="utf8-read-as-cp1252"),
    pytest.param("Projektet i MalmÃ¶ och GÃ¤vle", "Projektet i Malmö och Gävle", id="several-words"),
    pytest.param("2015â€“2018", "2015–2018", id="en-dash"),
    pytest.param("Kontakt: FrÃ¤ndberg\nOrt: Ã–rebro", "Kontakt: Frändberg\nOrt: Örebro", id="multi-line"),
]


@pytest.mark.parametrize(("mojibake", "expected"), MOJIBAKE_CASES)
def test_mojibake_repaired_with_info_issue(mojibake: str, expected: str) -> None:
    page = decode(doc(mojibake.encode("utf-8")))
    assert page.text == expected
    assert [i.code for i in page.issues] == ["mojibake_repaired"]
    issue = page.issues[0]
    assert issue.severity == "info" and issue.field is None and issue.source_file == "sida.txt"
    assert issue.evidence is not None
    before, after = issue.evidence.split(" → ")
    assert before in " ".join(mojibake.split()) and after in " ".join(expected.split()) and before != after


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Ärende: Åsa Öberg, Ängelholm", id="plain-swedish"),
        pytest.param("Pris: 5 € – ”offert” … ©", id="punctuation"),
        pytest.param("Ã är en bokstav i portugisiska namn", id="lone-A-tilde"),
    ],
)
def test_clean_text_is_not_touched_by_ftfy(text: str) -> None:
    page = decode(doc(text.encode()))
    assert page.text == text
    assert page.issues == ()


# --------------------------------------------------------------------------- bad input


def _random_bytes(n: int, *, seed: int, low: int = 1) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(n))


REJECT_CASES = [
    pytest.param(b"", "empty file", id="empty"),
    pytest.param(" \n\t \r\n\u00a0\u202f".encode(), "whitespace only", id="whitespace-only"),
    pytest.param("\u200b\u00ad\n".encode(), "whitespace only", id="invisible-only"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content (PNG image)", id="png"),
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary content (JPEG image)", id="jpeg"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary content (PDF document)", id="pdf"),
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00", "binary content (zip archive or Office document)", id="docx-zip"),
    pytest.param(b"\x1f\x8b\x08\x00", "binary content (gzip data)", id="gzip-not-unpacked"),
    pytest.param(b"Projekt\x00\x00\x01\x02 text", "binary content (NUL bytes)", id="nul-bytes"),
    pytest.param(bytes(range(1, 32)) * 10, "binary content (control characters)", id="control-characters"),
    pytest.param(_random_bytes(2000, seed=7), "undecodable bytes (not UTF-8 and no plausible legacy encoding)", id="random-bytes"),
    pytest.param(_random_bytes(2000, seed=8, low=0x80), "undecodable bytes (not UTF-8 and no plausible legacy encoding)", id="random-high-bytes"),
]


@pytest.mark.parametrize(("data", "reason"), REJECT_CASES)
def test_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as excinfo:
        decode(doc(data))
    assert str(excinfo.value) == reason


def test_reader_error_is_passed_on_as_reason() -> None:
    message = "file too large: 30000000 bytes > limit 20971520 bytes (raise --max-bytes to read it)"
    with pytest.raises(DecodeError, match="file too large"):
        decode(doc(None, error=message))


def test_html_without_visible_text_is_rejected() -> None:
    with pytest.raises(DecodeError, match="no text"):
        decode(doc(b"<html><head><script>x()</script></head><body></body></html>", media_type="html"))


def test_truncated_html_keeps_text_before_the_cut() -> None:
    data = "<html><body><h1>Titel</h1><p>Beviljat stöd: 2 761 412 kr</p><p>Beskri".encode()
    assert decode(doc(data, media_type="html")).text == "Titel\n\nBeviljat stöd: 2 761 412 kr\n\nBeskri"


def test_page_keeps_provenance() -> None:
    page = decode(doc(b"Text"))
    assert (page.source_file, page.n_bytes, page.source_url, page.fetched_at) == (
        "sida.txt",
        4,
        "https://example.se/projekt/1",
        "2024-05-01T10:00:00Z",
    )
    assert page.sha256 == hashlib.sha256(b"Text").hexdigest()


# --------------------------------------------------------------------------- size / speed

SPEED_CASES = [
    pytest.param("utf-8", "text", id="utf8-text"),
    pytest.param("cp1252", "text", id="cp1252-text"),
    pytest.param("mojibake", "text", id="mojibake-text"),
    pytest.param("utf-8", "html", id="utf8-html"),
]


@pytest.mark.parametrize(("encoding", "media_type"), SPEED_CASES)
def test_3mb_single_line_is_fast(encoding: str, media_type: str) -> None:
    line = "Beviljat ESF-stöd 2\u00a0761\u00a0412 kr till Frändberg. " * 60_000  # ~3 MB, no newline
    if media_type == "html":
        line = "<p>" + line + "</p>"
    data = line.encode("utf-8").decode("cp1252").encode("utf-8") if encoding == "mojibake" else line.encode(encoding)
    start = time.perf_counter()
    page = decode(doc(data, media_type=media_type))
    elapsed = time.perf_counter() - start
    assert "\n" not in page.text and page.text.startswith("Beviljat ESF-stöd 2 761 412 kr till Frändberg.")
    assert elapsed < 3.0, f"{elapsed:.2f} s"


def test_long_space_runs_are_linear() -> None:
    data = b"x" + b" " * 3_000_000 + b"y" + b" \t" * 500_000 + b"\n"
    start = time.perf_counter()
    assert decode(doc(data)).text == "x" + " " * 3_000_000 + "y\n"
    assert time.perf_counter() - start < 2.0


def test_normalise_text_is_idempotent() -> None:
    text = "A\u0308 2\u00a0kr\r\nrad \u00ad\u200b\n"
    once = normalise_text(text)
    assert normalise_text(once) == once == "Ä 2 kr\nrad\n"


# --- fast scans equal the regexes they replace (property tests) ----------------------------

_SCAN_TEXT = st.text(alphabet=st.one_of(st.characters(max_codepoint=0x2200), st.sampled_from("ÂÃÅâ\u0080\u009f\x00\x7f\n")))


@settings(max_examples=300, deadline=None)
@given(_SCAN_TEXT)
def test_control_share_counts_what_the_control_regex_finds(text: str) -> None:
    sample = text[:100_000]
    expected = len(CONTROL_RE.findall(sample)) / len(sample) if sample else 0.0
    assert control_share(text) == expected == control_share_plain(text)


@settings(max_examples=300, deadline=None)
@given(_SCAN_TEXT)
def test_mojibake_hint_is_the_hint_regex(text: str) -> None:
    assert MOJIBAKE_HINT.found_in(text) == (MOJIBAKE_HINT.pattern.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x3000), st.sampled_from("\u00a0\u200b\u2028\r\n\x0c\ufeff"))))
def test_normalise_text_replaces_like_translate(text: str) -> None:
    import unicodedata

    t = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").translate(TRANSLATE)
    assert normalise_text(text) == "\n".join(line.rstrip(" \t") for line in t.split("\n"))


# every character normalise_text maps, its UTF-8 neighbours (same lead byte) and some plain text
_NEAR_TRANSLATE = st.sampled_from(sorted({chr(c + d) for c in TRANSLATE for d in (-1, 0, 1) if 0 <= c + d < 0x110000}))
_TRANSLATE_TEXT = st.text(alphabet=st.one_of(_NEAR_TRANSLATE, st.sampled_from("åäö–—“”€\t\n\r "), st.characters()))


def test_translate_chars_are_the_characters_normalise_text_maps() -> None:
    bmp = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    assert set(TRANSLATE_CHARS.pattern.findall(bmp)) == set(map(chr, TRANSLATE))


@settings(max_examples=400, deadline=None)
@given(_TRANSLATE_TEXT)
def test_has_translate_chars_is_the_translate_regex(text: str) -> None:
    expected = TRANSLATE_CHARS.pattern.search(text) is not None
    assert TRANSLATE_CHARS.found_in(text) == expected
    encoded = text.encode("utf-8", "surrogatepass")  # and on the bytes a UTF-8 decode kept
    try:
        kept = decode_utf8(encoded)
    except UnicodeDecodeError:  # (lone surrogates)
        return
    assert TRANSLATE_CHARS.found_in(kept) == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(), st.text().map(lambda t: t.encode("utf-8")),
                 st.text().map(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"))))
def test_decoding_hands_the_scans_the_texts_own_utf8(data: bytes) -> None:
    """The bytes the scans use for a decoded text are exactly the text's UTF-8, so that
    control_share and normalise_text may scan them instead of encoding the page again."""
    try:
        text = decode_utf8(data)
    except UnicodeDecodeError:
        pass
    else:
        assert utf8_of(text) == text.encode("utf-8", "surrogatepass") == data
        assert control_share(text) == control_share_plain(text)
    try:
        page = decode(doc(data))
    except DecodeError:
        return
    assert utf8_of(page.text) == page.text.encode("utf-8", "surrogatepass")
    assert control_share(page.text) == control_share_plain(page.text)
