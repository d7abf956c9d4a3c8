"""iter_documents(): the shapes dumps really arrive in (folders, gzip, JSON lines, WARC, damage)."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.ingest.decode import decode
from pipeline.models import RawDocument
from pipeline.ingest.read import DEFAULT_MAX_BYTES, iter_documents

PAGE_HTML = "<!DOCTYPE html><html><body><h1>Växjö projekt</h1><p>Beviljat 2 761 412 kr</p></body></html>"
PAGE_TEXT = "Diarienummer:\n2016/00123\nProjektägare:\nExempelby kommun\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read_all(root: Path, **kw: int) -> list[RawDocument]:
    return list(iter_documents(root, **kw))


def by_name(docs: list[RawDocument]) -> dict[str, RawDocument]:
    return {d.source_file: d for d in docs}


# --------------------------------------------------------------------------- single files

SINGLE_FILE_CASES = [
    # name, bytes on disk, expected media_type, expected data
    pytest.param("sida.txt", PAGE_TEXT.encode(), "text", PAGE_TEXT.encode(), id="text-dump"),
    pytest.param("sida.html", PAGE_HTML.encode(), "html", PAGE_HTML.encode(), id="html"),
    pytest.param("sida.txt", PAGE_HTML.encode(), "html", PAGE_HTML.encode(), id="html-named-txt"),
    pytest.param("sida", b"\n\n  <html><p>x</p></html>", "html", b"\n\n  <html><p>x</p></html>", id="html-no-extension-leading-ws"),
    pytest.param("sida.htm", b"<div class='x'>Text</div>", "html", b"<div class='x'>Text</div>", id="html-fragment-div"),
    pytest.param("bom.html", codecs.BOM_UTF8 + b"<!doctype html><p>x</p>", "html", codecs.BOM_UTF8 + b"<!doctype html><p>x</p>", id="html-utf8-bom"),
    pytest.param("u16.html", codecs.BOM_UTF16_LE + "<html><p>å</p></html>".encode("utf-16-le"), "html", codecs.BOM_UTF16_LE + "<html><p>å</p></html>".encode("utf-16-le"), id="html-utf16"),
    pytest.param("sida.html", b"Text that mentions <div> later", "text", b"Text that mentions <div> later", id="html-extension-but-text"),
    pytest.param("tom.txt", b"", "text", b"", id="empty-file-read-decode-rejects"),
    pytest.param("sida.txt.gz", gzip.compress(PAGE_TEXT.encode()), "text", PAGE_TEXT.encode(), id="gzip-of-text"),
    pytest.param("sida.html.gz", gzip.compress(PAGE_HTML.encode()), "html", PAGE_HTML.encode(), id="gzip-of-html"),
    pytest.param("sida.bin", gzip.compress(PAGE_HTML.encode()), "html", PAGE_HTML.encode(), id="gzip-by-magic-not-name"),
    pytest.param("sida.gz.gz", gzip.compress(gzip.compress(PAGE_TEXT.encode())), "text", PAGE_TEXT.encode(), id="gzip-of-gzip"),
    pytest.param("multi.gz", gzip.compress(b"Del 1 ") + gzip.compress(b"del 2"), "text", b"Del 1 del 2", id="multi-member-gzip"),
]


@pytest.mark.parametrize(("name", "data", "media_type", "expected"), SINGLE_FILE_CASES)
def test_single_file(tmp_path: Path, name: str, data: bytes, media_type: str, expected: bytes) -> None:
    write(tmp_path, name, data)
    [doc] = read_all(tmp_path)
    assert doc.error is None
    assert (doc.source_file, doc.media_type, doc.data) == (name, media_type, expected)
    assert doc.n_bytes == len(expected) and doc.sha256 == sha(expected)


# --------------------------------------------------------------------------- folders and names


def test_walk_order_names_and_hidden(tmp_path: Path) -> None:
    for rel in [
        "b.txt",
        "a/z.txt",
        "a b/sida med mellanslag.txt",
        "å/Östersund.txt",
        "2024/05/01/djup.txt",
        ".hidden.txt",
        ".git/config",
        "a/.DS_Store",
    ]:
        write(tmp_path, rel, b"text")
    names = [d.source_file for d in read_all(tmp_path)]
    assert names == ["2024/05/01/djup.txt", "a b/sida med mellanslag.txt", "a/z.txt", "b.txt", "å/Östersund.txt"]
    assert names == sorted(names)


def test_source_file_is_relative_posix(tmp_path: Path) -> None:
    write(tmp_path, "x/y/z.txt", b"text")
    [doc] = read_all(tmp_path)
    assert doc.source_file == "x/y/z.txt" and not os.path.isabs(doc.source_file)


def test_missing_raw_dir_raises_plainly(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="raw directory"):
        list(iter_documents(tmp_path / "finns-inte"))


def test_default_limit() -> None:
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


# --------------------------------------------------------------------------- unreadable files


def test_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "trasig.txt").symlink_to(tmp_path / "saknas.txt")
    [doc] = read_all(tmp_path)
    assert doc.data is None and doc.error is not None
    assert "trasig.txt" in doc.error and "No such file or directory" in doc.error


def test_symlink_out_of_raw_dir_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/secret.txt", b"hemlig")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "link.txt").symlink_to(outside)
    (raw / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    docs = by_name(read_all(raw))
    assert set(docs) == {"link.txt", "linkdir"}
    assert all(d.data is None and "outside the raw directory" in (d.error or "") for d in docs.values())


def test_symlink_inside_raw_dir_followed(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"text")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert [d.data for d in read_all(tmp_path)] == [b"text", b"text"]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    [doc] = read_all(tmp_path)
    assert doc.error == "cannot read pipe: not a regular file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path, "låst.txt", b"text")
    path.chmod(0)
    try:
        [doc] = read_all(tmp_path)
    finally:
        path.chmod(0o644)
    assert doc.error == "cannot read låst.txt: Permission denied"


# --------------------------------------------------------------------------- size limit


def test_file_above_limit(tmp_path: Path) -> None:
    write(tmp_path, "stor.txt", b"x" * 5000)
    [doc] = read_all(tmp_path, max_bytes=1000)
    assert doc.data is None and doc.n_bytes == 5000
    assert doc.error == "file too large: 5000 bytes > limit 1000 bytes (raise --max-bytes to read it)"


def test_file_at_limit_is_read(tmp_path: Path) -> None:
    write(tmp_path, "lagom.txt", b"x" * 1000)
    [doc] = read_all(tmp_path, max_bytes=1000)
    assert doc.error is None and doc.n_bytes == 1000


def test_huge_sparse_file_is_not_read(tmp_path: Path) -> None:
    with open(tmp_path / "enorm.txt", "wb") as f:
        f.truncate(8 * 1024**3)  # 8 GB, sparse: reading it would take minutes
    start = time.perf_counter()
    [doc] = read_all(tmp_path)
    assert time.perf_counter() - start < 1.0
    assert doc.error is not None and doc.error.startswith("file too large: 8589934592 bytes > limit 20971520 bytes")


def test_gzip_bomb_stops_at_limit(tmp_path: Path) -> None:
    write(tmp_path, "bomb.gz", gzip.compress(b"a" * 50_000_000))
    start = time.perf_counter()
    [doc] = read_all(tmp_path, max_bytes=1_000_000)
    assert time.perf_counter() - start < 2.0
    assert doc.data is None
    assert doc.error == "file too large: more than 1000000 decompressed bytes > limit 1000000 bytes (raise --max-bytes to read it)"


# --------------------------------------------------------------------------- damaged gzip


def test_truncated_gzip_keeps_bytes_before_the_cut(tmp_path: Path) -> None:
    body = ("<!doctype html><p>" + "Växjö kommun " * 20_000 + "</p>").encode()
    data = gzip.compress(body)
    write(tmp_path, "avbruten.html.gz", data[: len(data) // 2])
    docs = read_all(tmp_path)
    assert [d.source_file for d in docs] == ["avbruten.html.gz", "avbruten.html.gz#error"]
    page, err = docs
    assert page.data and body.startswith(page.data) and page.media_type == "html"
    assert err.data is None and err.error is not None
    assert err.error.startswith("avbruten.html.gz: gzip data truncated at compressed offset")


def test_gzip_with_trailing_garbage(tmp_path: Path) -> None:
    write(tmp_path, "skräp.gz", gzip.compress(b"hej") + b"not gzip")
    docs = read_all(tmp_path)
    assert docs[0].data == b"hej"
    assert docs[1].error is not None and "gzip data corrupt" in docs[1].error


def test_gzip_corrupt_from_the_start(tmp_path: Path) -> None:
    write(tmp_path, "trasig.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 100)
    [doc] = read_all(tmp_path)
    assert doc.data is None and doc.error is not None and doc.error.startswith("trasig.gz: gzip data corrupt")


# --------------------------------------------------------------------------- JSON lines


def _jsonl(*lines: object) -> bytes:
    return b"".join((ln if isinstance(ln, bytes) else json.dumps(ln, ensure_ascii=False).encode()) + b"\n" for ln in lines)


JSONL = b"\xef\xbb\xbf" + _jsonl(
    {"url": "https://ex.se/p/1", "html": "<p>Växjö</p>", "fetched_at": "2024-05-01T12:00:00+02:00"},
    {"url": "https://ex.se/p/2", "text": "Projektägare:\nÖrebro", "fetched_at": "2024-05-02"},
    b"{not json",
    b"",
    [1, 2],
    {"url": "https://ex.se/p/5"},
    {"url": "https://ex.se/p/6", "text": "Sista"},
)


@pytest.mark.parametrize("name,data", [("crawl.jsonl", JSONL), ("crawl.jsonl.gz", gzip.compress(JSONL)), ("crawl.dat", JSONL)])
def test_jsonl(tmp_path: Path, name: str, data: bytes) -> None:
    write(tmp_path, name, data)
    docs = by_name(read_all(tmp_path))
    assert sorted(docs) == sorted(f"{name}#{i}" for i in (0, 1, 2, 4, 5, 6))  # blank line 3 skipped, still counted
    first = docs[f"{name}#0"]
    assert (first.data, first.media_type, first.source_url, first.fetched_at, first.declared_charset) == (
        "<p>Växjö</p>".encode(),
        "html",
        "https://ex.se/p/1",
        "2024-05-01T10:00:00Z",
        "utf-8",
    )
    assert first.sha256 == sha(first.data or b"")
    second = docs[f"{name}#1"]
    assert (second.media_type, second.data, second.fetched_at) == ("text", "Projektägare:\nÖrebro".encode(), "2024-05-02T00:00:00Z")
    assert (docs[f"{name}#2"].error or "").startswith(f"{name} line 3: invalid JSON")
    assert docs[f"{name}#4"].error == f"{name} line 5: expected a JSON object, got list"
    assert docs[f"{name}#5"].error == f"{name} line 6: record has no 'html' or 'text' string"
    assert docs[f"{name}#6"].data == b"Sista"


def test_jsonl_line_above_limit(tmp_path: Path) -> None:
    write(tmp_path, "c.jsonl", _jsonl({"text": "x" * 5000}, {"text": "liten"}))
    docs = read_all(tmp_path, max_bytes=1000)
    assert [d.source_file for d in docs] == ["c.jsonl#0", "c.jsonl#1"]
    assert (docs[0].error or "").startswith("file too large: line 1 has more than 1000 bytes > limit 1000 bytes")
    assert docs[1].data == b"liten"


def test_jsonl_gz_truncated(tmp_path: Path) -> None:
    data = gzip.compress(_jsonl(*({"text": f"sida {i} " * 50} for i in range(200))))
    write(tmp_path, "c.jsonl.gz", data[: len(data) * 2 // 3])
    docs = read_all(tmp_path)
    good, last = docs[:-1], docs[-1]
    assert good and all(d.error is None for d in good)
    assert last.source_file == f"c.jsonl.gz#{len(good)}"
    assert (last.error or "").startswith("c.jsonl.gz: gzip data truncated")


# --------------------------------------------------------------------------- WARC


def make_warc(gz: bool) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc", {"software": "test-crawler"}))
    pages = [
        ("https://ex.se/p/1", "<html><body><p>Växjö</p></body></html>".encode("latin-1"), "text/html; charset=ISO-8859-1"),
        ("https://ex.se/p/2.txt", "Örebro län".encode(), "text/plain; charset=utf-8"),
        ("https://ex.se/p/3", b"<!doctype html><p>utan typ</p>", "application/octet-stream"),
    ]
    for url, body, ctype in pages:
        req = w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(f"GET {url} HTTP/1.1", [], is_http_request=True))
        w.write_record(req)
        hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh, warc_headers_dict={"WARC-Date": "2023-04-01T12:00:00Z"}))
    res = w.create_warc_record("urn:test:resurs", "resource", payload=io.BytesIO(b"<div>resurs</div>"), warc_content_type="text/html", warc_headers_dict={"WARC-Date": "2023-04-02T08:30:00Z"})
    w.write_record(res)
    return buf.getvalue()


@pytest.mark.parametrize("name,gz", [("crawl.warc", False), ("crawl.warc.gz", True), ("crawl.bin", False)])
def test_warc(tmp_path: Path, name: str, gz: bool) -> None:
    write(tmp_path, name, make_warc(gz))
    docs = read_all(tmp_path)
    assert [d.source_file for d in docs] == [f"{name}#{i}" for i in range(4)]
    assert all(d.error is None for d in docs)
    one, two, three, res = docs
    assert (one.source_url, one.fetched_at, one.declared_charset, one.media_type) == ("https://ex.se/p/1", "2023-04-01T12:00:00Z", "ISO-8859-1", "html")
    assert one.data == "<html><body><p>Växjö</p></body></html>".encode("latin-1") and one.sha256 == sha(one.data)
    assert (two.media_type, two.declared_charset, two.data) == ("text", "utf-8", "Örebro län".encode())
    assert three.media_type == "html"  # by content, the header says octet-stream
    assert (res.source_url, res.fetched_at, res.media_type, res.data) == ("urn:test:resurs", "2023-04-02T08:30:00Z", "html", b"<div>resurs</div>")
    assert decode(one).text == "Växjö"


def test_whole_file_gzip_warc(tmp_path: Path) -> None:
    """Some tools gzip the whole WARC as one member instead of one member per record."""
    write(tmp_path, "hel.warc.gz", gzip.compress(make_warc(False)))
    assert [d.error for d in read_all(tmp_path)] == [None] * 4


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("keep", [0.35, 0.6, 0.97])
def test_truncated_warc_yields_records_then_one_error(tmp_path: Path, gz: bool, keep: float) -> None:
    data = make_warc(gz)
    name = "cut.warc.gz" if gz else "cut.warc"
    write(tmp_path, name, data[: int(len(data) * keep)])
    docs = read_all(tmp_path)
    *good, last = docs
    assert all(d.error is None and d.data for d in good)
    assert last.data is None and last.error is not None
    assert last.source_file == f"{name}#{len(good)}"
    assert last.error.startswith(f"{name}: archive")
    assert len(good) < 4


def test_corrupt_warc_in_the_middle(tmp_path: Path) -> None:
    data = make_warc(False)
    second_request = data.index(b"WARC/1.0", data.index(b"WARC-Type: response"))
    write(tmp_path, "trasig.warc", data[:second_request] + b"SKRAP SKRAP\r\n\r\n" + data[second_request:])
    docs = read_all(tmp_path)
    assert docs[0].source_url == "https://ex.se/p/1" and docs[0].error is None
    assert docs[-1].error is not None and "trasig.warc: archive corrupt at offset" in docs[-1].error


def test_warc_record_above_limit(tmp_path: Path) -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i, size in enumerate([10, 5000, 20]):
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://ex.se/{i}", "response", payload=io.BytesIO(b"y" * size), http_headers=hh))
    write(tmp_path, "a.warc.gz", buf.getvalue())
    docs = read_all(tmp_path, max_bytes=1000)
    assert [d.n_bytes for d in docs] == [10, 1001, 20]
    assert docs[1].data is None and (docs[1].error or "").startswith("file too large: record 1 has more than 1000 bytes")
    assert docs[1].source_url == "https://ex.se/1"


# --------------------------------------------------------------------------- whole folder → decode


def test_mixed_folder_reads_and_decodes(tmp_path: Path) -> None:
    write(tmp_path, "2015/projekt 1.txt", "Projektägare:\r\nFrändberg AB\r\n".encode("cp1252"))
    write(tmp_path, "2015/projekt 2.html.gz", gzip.compress(PAGE_HTML.encode()))
    write(tmp_path, "arkiv/crawl.warc.gz", make_warc(True))
    write(tmp_path, "arkiv/crawl.jsonl", JSONL)
    write(tmp_path, "bilder/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    texts, rejects = {}, {}
    for doc in read_all(tmp_path):
        try:
            texts[doc.source_file] = decode(doc).text
        except Exception as exc:  # DecodeError only; anything else fails the assertion below
            rejects[doc.source_file] = f"{type(exc).__name__}: {exc}"
    assert texts["2015/projekt 1.txt"] == "Projektägare:\nFrändberg AB\n"
    assert texts["2015/projekt 2.html.gz"] == "Växjö projekt\n\nBeviljat 2 761 412 kr"
    assert texts["arkiv/crawl.warc.gz#0"] == "Växjö"
    assert rejects["bilder/logo.png"] == "DecodeError: binary content (PNG image)"
    assert all(r.startswith("DecodeError: ") for r in rejects.values())


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_cut_anywhere(tmp_path: Path, gz: bool) -> None:
    """Cut at every position: a prefix of the records, then at most one error document."""
    data = make_warc(gz)
    write(tmp_path, "full.warc", data)
    full = [d.data for d in read_all(tmp_path)]
    (tmp_path / "full.warc").unlink()
    for cut in range(0, len(data), 23):
        write(tmp_path, "cut.warc", data[:cut])
        docs = read_all(tmp_path)
        if not docs:  # cut exactly after a non-page record: a valid archive without pages
            continue
        if not docs[0].source_file.startswith("cut.warc#"):
            assert cut < 64  # too short to be recognised as WARC: read as a plain/gzip page
            continue
        errors = [d for d in docs if d.error is not None]
        assert len(errors) <= 1 and (not errors or errors[0] is docs[-1]), (cut, errors)
        good = [d.data for d in docs if d.error is None]
        for i, got in enumerate(good):
            if i < len(good) - 1 or not errors:
                assert got == full[i], cut
            else:  # the last record before the error may be cut short
                assert got is not None and full[i] is not None and full[i].startswith(got), cut


@pytest.mark.parametrize("size", [0, 1, 8191, 8192, 65535, 65536, 65537, 200_000])
def test_pages_around_the_sniffed_head_are_read_whole(tmp_path: Path, size: int) -> None:
    """A page shorter than the sniffed head is taken from it instead of being read again;
    either way the document holds exactly the file's bytes."""
    data = (b"Projekt\xc3\xa4gare Eskilstuna kommun\n" * (size // 30 + 1))[:size]
    (tmp_path / "p.txt").write_bytes(data)
    [doc] = list(iter_documents(tmp_path))
    if size == 0:
        assert doc.n_bytes == 0
    else:
        assert (doc.data, doc.n_bytes, doc.sha256) == (data, size, hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("limit", [10, 8192, 65536])
def test_limit_applies_to_pages_read_from_the_head(tmp_path: Path, limit: int) -> None:
    (tmp_path / "p.txt").write_bytes(b"x" * (limit + 1))
    [doc] = list(iter_documents(tmp_path, max_bytes=limit))
    assert doc.data is None and doc.error is not None and "too large" in doc.error
