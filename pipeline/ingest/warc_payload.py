"""The payload of a WARC record, decoded with a bound on every step.

warcio's own decoding (`record.content_stream()`) reads a whole HTTP chunk at once, whatever
size its header claims (up to 2 GB), and inflates a gzip or deflate body in one call, so a
few kilobytes of archive can take gigabytes. Here the same decoding (same fallbacks: a body
that is not really chunked or not really compressed is read as it is) runs over a body
reader that hands out at most a set number of bytes, and every inflation stops at the page
limit: a record whose page would exceed `max_bytes` is reported as too large, never built.

Header lines are read by `records` with a cap: warcio's `readline` grows the line by
concatenation, one 16 KB block at a time (quadratic: 8 MB took seconds, 64 MB minutes), and
has no bound at all. Here a line is read in linear time and one longer than HEADER_LINE_MAX
stops the archive as corrupt.
"""

from __future__ import annotations

import sys
from typing import Any

from warcio.bufferedreaders import BufferedReader, ChunkedDataReader, DecompressingBufferedReader

# A WARC or HTTP header line (and a chunk-size line) longer than this is damage: servers refuse
# header lines of 8-64 KB; 1 MiB leaves room for any real Set-Cookie or CSP header.
HEADER_LINE_MAX = 1 << 20


class HeaderLineTooLong(ValueError):
    """A header line of an archive is longer than HEADER_LINE_MAX bytes."""


class PayloadTooLarge(Exception):
    """The record's page has more than the allowed bytes (raw or decoded); `head` holds the
    bytes read before the limit, when there are any."""

    def __init__(self, message: str, head: bytes = b"") -> None:
        super().__init__(message)
        self.head = head


class _Capped:
    """A body reader that hands out at most `cap` bytes in all, and notes when more was there."""

    def __init__(self, stream: Any, cap: int) -> None:
        self.stream, self.left, self.over = stream, cap, False

    def _allow(self, n: int | None) -> int:
        if self.left <= 0:
            if self.stream.read(1):
                self.over = True
            return 0
        return self.left if n is None or n < 0 else min(n, self.left)

    def read(self, n: int | None = -1) -> bytes:
        allowed = self._allow(n)
        data = self.stream.read(allowed) if allowed else b""
        self.left -= len(data)
        return data

    def readline(self, limit: int | None = -1) -> bytes:
        allowed = self._allow(limit)
        data = self.stream.readline(allowed) if allowed else b""
        self.left -= len(data)
        return data


class _BoundedInflate:
    """warcio's `_decompress`, with each call's output bounded by `out_limit + 1` bytes."""

    out_limit: int
    decompressor: Any
    decomp_type: str | None
    num_block_read: int

    def _decompress(self, data: bytes) -> bytes:
        d = self.decompressor
        if not d or not data or not hasattr(d, "unconsumed_tail"):
            return super()._decompress(data)  # type: ignore[misc,no-any-return]
        try:
            out: bytes = d.decompress(data, self.out_limit + 1)
        except Exception as exc:  # as warcio: at the start, assume the body is not compressed
            if self.num_block_read == 0:
                if self.decomp_type == "deflate":
                    self._init_decomp("deflate_alt")  # type: ignore[attr-defined]
                    return self._decompress(data)
                self.decompressor = None
                return data
            sys.stderr.write(f"{exc}\n")
            return b""
        if d.unconsumed_tail:
            raise PayloadTooLarge(f"decompresses to more than {self.out_limit} bytes")
        return out


class _Chunked(_BoundedInflate, ChunkedDataReader):  # type: ignore[misc]
    pass


class _Encoded(_BoundedInflate, BufferedReader):  # type: ignore[misc]
    pass


class _LineCapped(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's archive reader with a `readline` that collects the pieces of a line and joins
    them once (linear), and refuses a line of more than HEADER_LINE_MAX bytes when the caller
    set no smaller limit. Every line warcio reads this way is a header, blank or chunk-size line
    (payloads are read with `read`)."""

    def readline(self, length: int | None = None) -> bytes:
        if length == 0:
            return b""
        capped = length is None or length < 0 or length > HEADER_LINE_MAX
        limit = HEADER_LINE_MAX + 1 if capped else int(length)  # type: ignore[arg-type]
        parts: list[bytes] = []
        n = 0
        while n < limit:
            self._fillbuff()
            if self.empty():
                break
            part: bytes = self.buff.readline(limit - n)
            parts.append(part)
            n += len(part)
            if part.endswith(b"\n"):
                break
        if capped and n > HEADER_LINE_MAX:
            raise HeaderLineTooLong(f"a header line longer than {HEADER_LINE_MAX} bytes")
        return b"".join(parts)


def records(stream: Any) -> Any:
    """warcio's iterator over the records of an (already decompressed) archive stream, its
    header lines read by `_LineCapped`."""
    from warcio.archiveiterator import ArchiveIterator  # slow import: only when needed

    it = ArchiveIterator(stream)
    it.reader = _LineCapped(it.fh, block_size=it.reader.block_size)
    return it


def read_payload(record: Any, max_bytes: int) -> bytes:
    """The decoded page of a record: at most `max_bytes` bytes, else PayloadTooLarge."""
    http = record.http_headers
    # the body as stored may be a little longer than the page (chunk headers) or much shorter
    raw = _Capped(record.raw_stream, max_bytes + max_bytes // 8 + 65536)
    stream: Any = raw
    if http:
        encoding = (http.get_header("content-encoding") or "").lower() or None
        if encoding not in BufferedReader.get_supported_decompressors():
            encoding = None
        if http.get_header("transfer-encoding") == "chunked":
            stream = _Chunked(raw, decomp_type=encoding)
        elif encoding:
            stream = _Encoded(raw, decomp_type=encoding)
        if stream is not raw:
            stream.out_limit = max_bytes
    data: bytes = stream.read(max_bytes + 1)
    if len(data) > max_bytes or raw.over:
        raise PayloadTooLarge(f"has more than {max_bytes}", data)
    return data
