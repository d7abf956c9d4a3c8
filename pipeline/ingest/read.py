"""Find and read the input files under RAW_DIR, one `RawDocument` per page.

The data team drops whatever the crawler produced into `raw/`: plain text dumps, saved HTML,
gzip files, JSON lines, WARC archives. The reader is chosen by the bytes (magic numbers and a
sniff of the first few KB), not by the extension, because names lie. Nothing here decodes
text: that is `pipeline.ingest.decode`'s job.

Contract: `iter_documents` never raises for a bad *file*. A file that cannot be read, is too
large, or is corrupt becomes a `RawDocument` with `error` set (and `data=None`), so that it
shows up as a rejected row of the manifest instead of stopping the nightly run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from pipeline.ingest.warc_payload import PayloadTooLarge, read_payload, records
from pipeline.models import RawDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 8192  # enough to recognise WARC, JSON lines and HTML
_HTML_SNIFF_BYTES = 2048
_MAX_GZIP_LAYERS = 3  # a .gz of a .gz happens; more is a zip bomb or a mistake
_CHUNK = 1 << 16

_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<div",
    b"<meta",
    b"<title",
    b"<p>",
    b"<p ",
    b"<table",
    b"<h1",
    b"<h2",
    b"<main",
    b"<article",
    b"<section",
    b"<span",
    b"<a href",
    b"<ul",
    b"<dl",
    b"<br",
    b"<link",
    b"<script",
    b"<style",
)
# Markers so specific that they count anywhere in the sniffed head (dumps sometimes start
# with a few lines of crawler junk before the markup).
_STRONG_HTML_MARKERS = (b"<!doctype html", b"<html")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_JSONL_KEY_RE = re.compile(rb'"(?:url|html|text)"\s*:')
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def file_name(name: str) -> str:
    """A file name as it appears in `source_file`: text that always encodes as UTF-8 and never
    looks like an archive record.

    Bytes that are not UTF-8 (a cp1252 scraper's "caf\xe9.txt", which Python hands over as
    surrogate escapes) are written as %XX of the raw byte, and so are '%' and '#' themselves:
    "path#N" names record N of an archive, so a plain file called "d.jsonl#1" is "d.jsonl%231"
    and the mapping stays one to one.
    """
    if "%" not in name and "#" not in name and name.isprintable():
        try:
            name.encode("utf-8")
            return name
        except UnicodeEncodeError:
            pass
    out = []
    for ch in name:
        if ch in "%#":
            out.append(f"%{ord(ch):02X}")
        elif "\udc80" <= ch <= "\udcff":  # a raw byte that was not UTF-8
            out.append(f"%{ord(ch) - 0xDC00:02X}")
        elif "\ud800" <= ch <= "\udfff" or not ch.isprintable():
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def safe_text(value: Any) -> str | None:
    """A string field of an archive record (URL, date, charset) that always encodes: JSON may
    hold lone surrogates ("\\ud800" is valid JSON), which are kept in their escaped form."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _error_doc(source_file: str, error: str, *, n_bytes: int = 0, sha256: str = "", **extra: Any) -> RawDocument:
    """A document that could not be read: `sha256` is "" when no byte could be read."""
    return RawDocument(source_file=source_file, data=None, n_bytes=n_bytes, sha256=sha256, error=error, **extra)


def _too_large(n_bytes_text: str, max_bytes: int) -> str:
    return f"file too large: {n_bytes_text} bytes > limit {max_bytes} bytes (raise --max-bytes to read it)"


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes look like markup, whatever the extension says.

    NUL bytes are dropped first so that UTF-16/UTF-32 encoded HTML is recognised too.
    """
    sample = head[: _HTML_SNIFF_BYTES * 4]
    if b"<" not in sample:
        return False  # both tests below need a "<" (most text pages: one quick scan)
    sample = sample.replace(b"\x00", b"")[:_HTML_SNIFF_BYTES].lower()
    for bom in _BOMS:
        if sample.startswith(bom):
            sample = sample[len(bom) :]
            break
    stripped = sample.lstrip()
    if stripped.startswith(b"<") and any(m in stripped for m in _HTML_MARKERS):
        return True
    return any(m in sample[:1024] for m in _STRONG_HTML_MARKERS)


def _looks_like_jsonl(head: bytes, name: str) -> bool:
    if name.lower().endswith(_JSONL_SUFFIXES):
        return True
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"{"):
        return False
    first_line = stripped.split(b"\n", 1)[0]
    return _JSONL_KEY_RE.search(first_line) is not None


def iso_utc(value: Any) -> str | None:
    """Normalise a timestamp to ISO 8601 UTC ("2024-05-01T10:00:00Z").

    A value that does not parse is kept as written (as a string): losing the crawl date
    would be worse than an odd format, and later stages may know better.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", content_type, re.IGNORECASE)
    return m.group(1) if m else None


# --------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class _Entry:
    rel: str
    path: str  # (a str, not a Path: pathlib costs more per file than reading a small page)
    error: str | None = None


def _walk(raw_dir: Path, skip: Path | None = None) -> list[_Entry]:
    """All visible files under raw_dir, sorted by relative POSIX path.

    Hidden names are skipped, and so is the folder `skip` (the run's own output folder, when it
    lies inside raw_dir: its tables are not pages). Symlinks are followed only when they point
    inside raw_dir (a link out of it becomes an error entry; a linked directory inside raw_dir
    is skipped because its files are read under their real path anyway).
    """
    root_real = os.path.realpath(raw_dir)
    skip_real = os.path.realpath(skip) if skip is not None else None
    entries: list[_Entry] = []
    stack: list[tuple[str, str]] = [(str(raw_dir), "")]
    while stack:
        directory, rel_dir = stack.pop()
        try:
            with os.scandir(directory) as it:
                children = list(it)
        except OSError as exc:
            entries.append(_Entry(rel_dir or ".", directory, f"cannot list directory {rel_dir or '.'}: {exc.strerror or exc}"))
            continue
        for child in children:
            if child.name.startswith("."):
                continue
            shown = file_name(child.name)
            rel = f"{rel_dir}/{shown}" if rel_dir else shown
            path = child.path
            try:
                is_link = child.is_symlink()
                is_dir = child.is_dir(follow_symlinks=False)
            except OSError as exc:
                entries.append(_Entry(rel, path, f"cannot read {rel}: {exc.strerror or exc}"))
                continue
            if is_link:
                target = os.path.realpath(path)
                if not (target == root_real or target.startswith(root_real + os.sep)):
                    entries.append(_Entry(rel, path, f"cannot read {rel}: symlink points outside the raw directory (not followed)"))
                    continue
                if os.path.isdir(target):
                    continue
                entries.append(_Entry(rel, path))
            elif is_dir:
                if skip_real is None or os.path.realpath(path) != skip_real:
                    stack.append((path, rel))
            else:
                entries.append(_Entry(rel, path))
    entries.sort(key=lambda e: e.rel)
    return entries


# Given a file's name and its os.stat() before it is opened: the documents it gave when it had
# these same size and times (the caller knows them), or None to read it.
Unchanged = Callable[[str, os.stat_result], "list[RawDocument] | None"]


def iter_documents(raw_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, skip: Path | None = None,
                   unchanged: Unchanged | None = None) -> Iterator[RawDocument]:
    """Yield one RawDocument per page found under raw_dir, in sorted relative-path order.

    `max_bytes` bounds each page (a plain file, a decompressed gzip, one JSON line, one
    archive record), not a whole WARC or JSON-lines file, which may hold thousands of pages
    and is streamed record by record. `unchanged` lets the caller answer for a file from its
    stat alone (a nightly run over files it has seen): then the file is not opened. Raises only
    when raw_dir itself is not a directory.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise NotADirectoryError(f"raw directory not found or not a directory: {raw_dir}")
    for entry in _walk(raw_dir, skip):
        if entry.error is not None:
            yield _error_doc(entry.rel, entry.error)
            continue
        yielded = 0
        try:
            for doc in _read_file(entry.path, entry.rel, max_bytes, unchanged):
                yielded += 1
                yield doc
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
            name = entry.rel if yielded == 0 else f"{entry.rel}#error"
            yield _error_doc(name, f"cannot read {entry.rel}: {type(exc).__name__}: {exc}")


def read_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument]:
    """The documents of one file, as `iter_documents` yields them for a file of RAW_DIR, named
    relative to the file's folder (`python -m pipeline text FILE`). Never raises."""
    rel = file_name(path.name)
    if path.is_dir():
        yield _error_doc(rel, f"cannot read {rel}: is a directory")
        return
    yielded = 0
    try:
        for doc in _read_file(str(path), rel, max_bytes):
            yielded += 1
            yield doc
    except Exception as exc:  # noqa: BLE001 - as in iter_documents
        yield _error_doc(rel if yielded == 0 else f"{rel}#error", f"cannot read {rel}: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- one file


class _Gunzip(io.RawIOBase):
    """Streaming gzip reader (multi-member) that hands out every byte it can inflate.

    `gzip.GzipFile.read(n)` raises on a truncated stream and drops the bytes it had already
    inflated for that call, and so does a BufferedReader around anything that raises; crawler
    dumps are often cut off and we want those bytes. So damage ends the stream like a normal
    EOF and is recorded in `error` for the caller to report. Output per read is bounded, so a
    gzip bomb cannot blow up memory.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._d = zlib.decompressobj(wbits=31)
        self._pending = b""  # compressed input not yet fed to the decompressor
        self._started = False  # fed any input to the current member
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        if size == 0 or self.error is not None:
            return 0  # (max_length=0 would mean "unbounded" to zlib)
        try:
            return self._readinto(buffer, size)
        except zlib.error as exc:
            self.error = f"gzip data corrupt at compressed offset {_tell(self._raw)} ({exc})"
            return 0

    def _readinto(self, buffer: Any, size: int) -> int:
        while True:
            if self._d.unconsumed_tail:
                out = self._d.decompress(self._d.unconsumed_tail, size)
            else:
                if not self._pending:
                    self._pending = self._raw.read(_CHUNK)
                if not self._pending:
                    if self._started and not self._d.eof:
                        self.error = f"gzip data truncated at compressed offset {_tell(self._raw)} (the file ends mid-stream)"
                    return 0
                data, self._pending = self._pending, b""
                self._started = True
                out = self._d.decompress(data, size)
            if self._d.eof:
                rest = self._d.unused_data + self._d.unconsumed_tail
                self._d = zlib.decompressobj(wbits=31)
                self._started = False
                # trailing NUL padding after the last member is common and harmless
                self._pending = rest if rest.strip(b"\x00") else b""
            if out:
                buffer[: len(out)] = out
                return len(out)


class _Source:
    """A file opened for reading with its gzip layers unwrapped, plus what was sniffed."""

    def __init__(self, f: IO[bytes]) -> None:
        self.raw = f
        raw_head = f.read(_SNIFF_BYTES * 8)
        # fewer bytes than asked for: the end of the file (most pages), no need to read again
        self.whole = raw_head if len(raw_head) < _SNIFF_BYTES * 8 else None
        head, layers = raw_head, 0
        # Sniff through the layers with throw-away decompressors: works on tiny or cut files.
        while head.startswith(_GZIP_MAGIC) and layers < _MAX_GZIP_LAYERS:
            head = zlib.decompressobj(wbits=31).decompress(head, _SNIFF_BYTES * 8)
            layers += 1
        f.seek(0)
        self.head = head[:_SNIFF_BYTES]
        self.layers = layers
        self._gunzips: list[_Gunzip] = []
        stream: IO[bytes] = f
        for _ in range(layers):
            g = _Gunzip(stream)
            self._gunzips.append(g)
            stream = io.BufferedReader(g, buffer_size=_CHUNK)  # type: ignore[assignment]
        self.stream = stream

    def error(self) -> str | None:
        """The damage that ended the stream early, if any (checked after EOF)."""
        for g in self._gunzips:
            if g.error is not None:
                return g.error
        return None


def _read_file(path: str, rel: str, max_bytes: int, unchanged: Unchanged | None = None) -> Iterator[RawDocument]:
    try:
        st = os.stat(path)
    except OSError as exc:
        hint = " (broken symlink)" if os.path.islink(path) else ""
        yield _error_doc(rel, f"cannot read {rel}: {exc.strerror or exc}{hint}")
        return
    if not stat.S_ISREG(st.st_mode):
        # Reading a FIFO or a device would block or never end.
        yield _error_doc(rel, f"cannot read {rel}: not a regular file")
        return
    if unchanged is not None:
        known = unchanged(rel, st)
        if known is not None:
            yield from known
            return
    try:
        f = open(path, "rb")
    except OSError as exc:
        yield _error_doc(rel, f"cannot read {rel}: {exc.strerror or exc}", n_bytes=st.st_size)
        return
    with f:
        try:
            src = _Source(f)
        except (OSError, zlib.error) as exc:
            yield _error_doc(rel, f"{rel}: gzip data corrupt at the start ({exc})", n_bytes=st.st_size)
            return
        reader = _reader(src, rel)
        if reader == "warc":
            yield from _read_warc(src, rel, max_bytes)
        elif reader == "jsonl":
            yield from _read_jsonl(src, rel, max_bytes)
        elif reader == "plain":
            yield _read_plain(src, rel, st.st_size, max_bytes)
        else:
            yield from _read_gzipped(src, rel, max_bytes)


def _reader(src: _Source, rel: str) -> str:
    """Which reader a file gets, by its bytes: warc, jsonl, plain or gzip (one gzipped page)."""
    if src.head.lstrip(b"\r\n").startswith(b"WARC/"):
        return "warc"
    if _looks_like_jsonl(src.head, rel):
        return "jsonl"
    return "plain" if src.layers == 0 else "gzip"


@dataclass(frozen=True)
class FileFormat:
    """How `read_path` reads a file: the reader its bytes chose and the gzip layers around it."""

    reader: str  # warc | jsonl | plain | gzip; "" when the file cannot be opened
    gzip_layers: int


def file_format(path: Path) -> FileFormat:
    """The reader `read_path` uses for `path` (the same sniff), for `python -m pipeline show`."""
    try:
        with open(path, "rb") as f:
            src = _Source(f)
            return FileFormat(_reader(src, file_name(path.name)), src.layers)
    except (OSError, zlib.error):
        return FileFormat("", 0)


def _read_plain(src: _Source, rel: str, size: int, max_bytes: int) -> RawDocument:
    """A single uncompressed page.

    A file above max_bytes is not read: its sha256 is that of the first bytes read for
    sniffing (at most 8 KB), not of the whole file.
    """
    if size > max_bytes:
        return _error_doc(rel, _too_large(str(size), max_bytes), n_bytes=size, sha256=_sha256(src.head[: max_bytes + 1]))
    data = src.whole if src.whole is not None else src.stream.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew since stat()
        return _error_doc(rel, _too_large(f"more than {max_bytes}", max_bytes), n_bytes=len(data), sha256=_sha256(data))
    return _page_doc(rel, data)


def _page_doc(rel: str, data: bytes, *, media_type: str | None = None, **extra: Any) -> RawDocument:
    """A readable page; media_type is sniffed from the content unless the caller knows it."""
    if media_type is None:
        media_type = "html" if looks_like_html(data[: _HTML_SNIFF_BYTES * 4]) else "text"
    return RawDocument(source_file=rel, data=data, n_bytes=len(data), sha256=_sha256(data), media_type=media_type, **extra)


def _read_gzipped(src: _Source, rel: str, max_bytes: int) -> Iterator[RawDocument]:
    """A single gzip-compressed page, decompressed in chunks up to max_bytes + 1 bytes.

    Reading stops at the limit (a gzip bomb costs at most max_bytes of memory). A truncated
    or corrupt stream yields the bytes recovered before the damage as the page, then an
    error document "path#error" saying where the damage is.
    """
    buf = bytearray()
    while len(buf) <= max_bytes:
        chunk = src.stream.read(min(_CHUNK, max_bytes + 1 - len(buf)))
        if not chunk:
            break
        buf += chunk
    if len(buf) > max_bytes:
        yield _error_doc(rel, _too_large(f"more than {max_bytes} decompressed", max_bytes), n_bytes=len(buf), sha256=_sha256(bytes(buf)))
        return
    damage = src.error()
    if damage is None:
        yield _page_doc(rel, bytes(buf))
    elif buf:
        yield _page_doc(rel, bytes(buf))
        yield _error_doc(f"{rel}#error", f"{rel}: {damage}; the {len(buf)} bytes before were kept as {rel}")
    else:
        yield _error_doc(rel, f"{rel}: {damage}")


# --------------------------------------------------------------------------- JSON lines


def _read_jsonl(src: _Source, rel: str, max_bytes: int) -> Iterator[RawDocument]:
    """One page per JSON line: {"url": ..., "html" or "text": ..., "fetched_at": ...}.

    Blank lines are skipped but still counted, so "#N" is always the 0-based line number.
    A buffered file and a gzip stream both read lines without unbounded read-ahead.
    """
    reader = src.stream
    lineno = -1
    while True:
        lineno += 1
        name = f"{rel}#{lineno}"
        line = reader.readline(max_bytes + 1)
        if not line.endswith(b"\n"):
            damage = src.error()
            if damage is not None:  # a cut-off last line is the damage, not a bad record
                yield _error_doc(name, f"{rel}: {damage}, in line {lineno + 1}; the {lineno} lines before were read")
                return
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            yield _error_doc(name, _too_large(f"line {lineno + 1} has more than {max_bytes}", max_bytes), n_bytes=len(line))
            while True:  # skip the rest of the oversized line without keeping it
                rest = reader.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            continue
        if lineno == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # json.loads refuses a UTF-8 BOM
        if not line.strip():
            continue
        yield _jsonl_record(line, rel, name, lineno)


def _jsonl_record(line: bytes, rel: str, name: str, lineno: int) -> RawDocument:
    where = f"{rel} line {lineno + 1}"
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return _error_doc(name, f"{where}: invalid JSON ({exc})", n_bytes=len(line), sha256=_sha256(line))
    if not isinstance(obj, dict):
        return _error_doc(name, f"{where}: expected a JSON object, got {type(obj).__name__}", n_bytes=len(line), sha256=_sha256(line))
    body, media_type = None, "text"
    if isinstance(obj.get("html"), str):
        body, media_type = obj["html"], "html"
    elif isinstance(obj.get("text"), str):
        body = obj["text"]
    if body is None:
        return _error_doc(name, f"{where}: record has no 'html' or 'text' string", n_bytes=len(line), sha256=_sha256(line))
    data = body.encode("utf-8", "surrogatepass")
    url = obj.get("url")
    return RawDocument(
        source_file=name,
        data=data,
        n_bytes=len(data),
        sha256=_sha256(data),
        media_type=media_type,
        declared_charset="utf-8",  # JSON strings are Unicode; we re-encoded them as UTF-8
        source_url=safe_text(url),
        fetched_at=iso_utc(safe_text(obj.get("fetched_at"))),
    )


# --------------------------------------------------------------------------- WARC


def _read_warc(src: _Source, rel: str, max_bytes: int) -> Iterator[RawDocument]:
    """One page per `response` or `resource` record, named "path#N" (N counts yielded records).

    The stream is already decompressed, so both per-record and whole-file gzip work; offsets
    in error messages are therefore uncompressed offsets. A damaged archive yields the
    records before the damage, then one error document "path#N" saying where it broke.
    warcio itself ends quietly on a cut-off archive, hence the checks of Content-Length
    and of bytes missing from each record.
    """
    n = 0
    it = records(src.stream)

    def broken(detail: str) -> RawDocument:
        damage = src.error()
        extra = f"; {damage}" if damage else ""
        return _error_doc(f"{rel}#{n}", f"{rel}: archive {detail}, after {n} page records{extra}")

    while True:
        try:
            record = next(it)
        except StopIteration:
            leftover = _leftover(it)
            if leftover > 4:  # more than trailing CRLFs: warcio gave up on a cut-off record header
                yield broken(f"truncated: incomplete record header at offset {_safe_offset(it)} ({leftover} bytes)")
            elif src.error() is not None:
                yield broken("ends early")
            return
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on bad input
            yield broken(f"corrupt at offset {_safe_offset(it)} ({type(exc).__name__}: {_short(exc)})")
            return
        offset = _safe_offset(it)  # start of this record (get_record_offset() would consume it)
        length = record.rec_headers.get_header("Content-Length")
        if not (length and length.strip().isdigit()):
            yield broken(f"record at offset {offset} has no valid Content-Length (archive truncated or corrupt)")
            return
        if record.rec_type not in ("response", "resource"):
            while record.raw_stream.read(_CHUNK):  # drain to see whether the record is whole
                pass
            if getattr(record.raw_stream, "limit", 0) > 0:
                yield broken(f"truncated in a {record.rec_type} record at offset {offset}")
                return
            continue
        name = f"{rel}#{n}"
        try:
            doc, truncated = _warc_record(record, name, n, max_bytes)
        except Exception as exc:  # noqa: BLE001
            yield broken(f"record {n} at offset {offset} unreadable ({type(exc).__name__}: {_short(exc)})")
            return
        if truncated and not doc.data:
            yield broken(f"truncated in record {n} at offset {offset} (no payload bytes left)")
            return
        yield doc
        n += 1
        if truncated:
            yield broken(f"truncated in record {n - 1} at offset {offset} (the {doc.n_bytes} bytes read were kept as {name})")
            return


def _warc_record(record: Any, name: str, n: int, max_bytes: int) -> tuple[RawDocument, bool]:
    """The page of one record, and whether the record was cut short by the end of the file."""
    headers = record.rec_headers
    url = safe_text(headers.get_header("WARC-Target-URI"))
    fetched_at = iso_utc(safe_text(headers.get_header("WARC-Date")))
    if record.http_headers is not None and record.rec_type == "response":
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = headers.get_header("Content-Type")
    common: dict[str, Any] = {"source_url": url, "fetched_at": fetched_at}
    try:
        data = read_payload(record, max_bytes)
    except PayloadTooLarge as exc:
        head = exc.head
        doc = _error_doc(name, _too_large(f"record {n} {exc}", max_bytes), n_bytes=len(head),
                         sha256=_sha256(head) if head else "", **common)
        return doc, False
    truncated = getattr(record.raw_stream, "limit", 0) > 0  # bytes promised by Content-Length but missing
    is_html = bool(content_type and "html" in content_type.lower()) or looks_like_html(data[: _HTML_SNIFF_BYTES * 4])
    doc = _page_doc(
        name,
        data,
        media_type="html" if is_html else "text",
        declared_charset=charset_from_content_type(safe_text(content_type)),
        **common,
    )
    return doc, truncated


def _tell(f: IO[bytes]) -> str:
    try:
        return str(f.tell())
    except (OSError, ValueError):
        return "?"


def _leftover(it: Any) -> int:
    """Bytes warcio consumed after the last record it could parse (0 when unknown)."""
    try:
        return int(it.fh.tell()) - int(it.offset)
    except Exception:  # noqa: BLE001
        return 0


def _safe_offset(it: Any) -> str:
    try:
        return str(it.offset)
    except Exception:  # noqa: BLE001
        return "?"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200]
