"""Property tests: whatever bytes land in raw/, the input stages fail only in the documented way."""

from __future__ import annotations

import gzip
import hashlib
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.decode import DecodeError, decode, normalise_text
from pipeline.ingest.html_text import html_to_text
from pipeline.models import Page, RawDocument
from pipeline.ingest.read import iter_documents

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a bit like the real thing more often than uniform noise does.
_prefixes = st.sampled_from(
    [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"<html><meta charset=latin-1>", b"\x1f\x8b", b"WARC/1.0\r\n", b'{"html": "', b"\x89PNG\r\n\x1a\n"]
)
_bodies = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet="åäöÅÄÖé – €\u00a0\u00ad\n\r\tabc<>/=\"'", max_size=300).map(lambda t: t.encode("cp1252", "replace")),
)
any_bytes = st.builds(lambda p, b: p + b, _prefixes, _bodies)


def _doc(data: bytes, media_type: str, charset: str | None) -> RawDocument:
    return RawDocument(
        source_file="x",
        data=data,
        n_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        declared_charset=charset,
    )


@SETTINGS
@given(any_bytes, st.sampled_from(["text", "html"]), st.sampled_from([None, "utf-8", "iso-8859-1", "utf-16", "bogus", "cp1252"]))
def test_decode_returns_page_or_decode_error(data: bytes, media_type: str, charset: str | None) -> None:
    try:
        page = decode(_doc(data, media_type, charset))
    except DecodeError as exc:
        assert str(exc)  # a reason is always given
        return
    assert isinstance(page, Page)
    assert page.text.strip()
    assert "\r" not in page.text and "\u00a0" not in page.text and "\x00" not in page.text
    assert normalise_text(page.text) == page.text  # already normalised
    assert all(line == line.rstrip(" \t") for line in page.text.split("\n"))


_tags = st.sampled_from(
    ["<p>", "</p>", "<div class='cookie'>", "</div>", "<dl>", "<dt>", "<dd>", "</dl>", "<table>", "<tr>", "<td>", "<th>", "</tr>",
     "<br>", "<li>", "<ul>", "</ul>", "<script>", "</script>", "<!--", "-->", "<main>", "</main>", "<h1>", "</h1>", "<pre>", "<span>",
     "<a href='x'>", "<", ">", "&nbsp;", "&", "<svg", "<![CDATA[", "<?xml ", "<!DOCTYPE html>", "<form>", "<header>", "<article>", "role=main"]
)  # fmt: skip
html_like = st.lists(st.one_of(_tags, st.text(max_size=20)), max_size=60).map("".join)


@SETTINGS
@given(st.one_of(st.text(), html_like))
def test_html_to_text_never_raises(html: str) -> None:
    text = html_to_text(html)
    assert isinstance(text, str)
    assert not text.startswith("\n") and not text.endswith("\n")
    assert "\n\n\n" not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=string.ascii_letters + "åäö -_.", min_size=1, max_size=12),
            any_bytes,
            st.booleans(),
        ),
        max_size=6,
    ),
    st.integers(min_value=1, max_value=3000),
)
def test_iter_documents_never_raises(files: list[tuple[str, bytes, bool]], max_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, (name, data, compress) in enumerate(files):
            path = root / f"{i}-{name.strip('.') or 'x'}"
            path.write_bytes(gzip.compress(data) if compress else data)
        docs = list(iter_documents(root, max_bytes=max_bytes))
        names = [d.source_file for d in docs]
        assert len(names) == len(set(names))  # source_file is a key
        for d in docs:
            assert (d.data is None) == (d.error is not None)
            if d.data is not None:
                assert len(d.data) <= max_bytes and d.n_bytes == len(d.data)
                assert d.sha256 == hashlib.sha256(d.data).hexdigest()
            try:
                decode(d)
            except DecodeError:
                pass
