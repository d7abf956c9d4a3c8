"""Bytes → clean Unicode text (`Page`), or a plain reason why the bytes are not a page.

The extractors downstream match labels and amounts with regular expressions, so the text
must be predictable: NFC, "\\n" line ends, plain spaces (a "2 761 412 kr" written with
no-break spaces must parse like one written with spaces), no invisible characters.

Encoding order: BOM → declared charset (HTTP header / JSON record, else `<meta charset>`)
→ strict UTF-8 → guessing. Guessing prefers Windows-1252 when it gives plausible Latin text,
because legacy Swedish pages are nearly always cp1252 and charset-normalizer, on short
Swedish text, happily picks code pages such as cp775 or hp_roman8.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.ingest.decode_fast import CharSet, FirstChars, control_share, decode_utf8
from pipeline.models import Issue, Page, RawDocument, issue


class DecodeError(Exception):
    """The bytes are not a usable text page; str(exc) is the reject reason.

    Reasons are short and plain, e.g. 'empty file', 'binary content (NUL bytes)',
    'binary content (PNG image)', 'undecodable bytes', 'whitespace only'.
    """


# Signatures of files that are certainly not text pages (checked before any decoding).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive or Office document"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x7fELF", "executable"),
    (b"MZ\x90\x00", "executable"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x1a\x45\xdf\xa3", "video"),
    (b"ID3", "audio"),
    (b"OggS", "audio/video"),
    (b"fLaC", "audio"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BOM_FIRST = frozenset(bom[:1] for bom, _ in _BOMS)
_MAGIC_FIRST = frozenset(magic[:1] for magic, _ in _MAGIC)

# Charsets that browsers (WHATWG) read as windows-1252: pages declaring them mostly are.
# codecs.lookup() names of the charsets browsers decode as windows-1252 (WHATWG encoding standard)
_CP1252_ALIASES = {"latin_1", "iso8859_1", "iso8859-1", "ascii", "cp1252", "iso8859_15", "iso8859-15"}

_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)

# Text normalisation, as one str.translate table (linear time, also on a 3 MB line).
_SPACES = "\u00a0\u202f\u2009\u2007\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u205f\u3000\u1680"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u034f"
_LINE_BREAKS = "\u2028\u2029\u0085\x0b\x0c"
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)])
TRANSLATE: dict[int, str | None] = {
    **{ord(c): " " for c in _SPACES},
    **{ord(c): None for c in _INVISIBLE},
    **{ord(c): "\n" for c in _LINE_BREAKS},
    **{ord(c): None for c in _CONTROLS},
}
TRANSLATE_CHARS = CharSet(map(chr, TRANSLATE))  # any character to map (TRANSLATE_CHARS.pattern)
_MAX_CONTROL_SHARE = 0.05

# Cheap pre-check for UTF-8 read as cp1252/latin-1 ("FrÃ¤ndberg", "â€“"); ftfy's own
# badness check then decides. Keeps ftfy off the vast majority of pages.
MOJIBAKE_HINT = FirstChars(
    re.compile("[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"),
    "\u00c2\u00c3\u00c5\u00e2",
)


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Any]:
    """ftfy and our config for it, imported on the first page that looks like mojibake (most
    runs never meet one; the import is ~40 ms of every run's serial start otherwise)."""
    import ftfy
    import ftfy.badness

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return ftfy, config


# Characters that legacy Western pages legitimately contain beyond ASCII.
_PLAUSIBLE_NON_ASCII = set("åäöÅÄÖéÉèÈêëüÜáÁàíóúñçøØæÆßôîâûïÿ–—‘’“”„…€•·§°±²³½¼¾×÷«»¤£¥©®™¶¿¡¬¦¨´¸¹º\u00a0\u00ad")


@dataclass
class DecodeTrace:
    """How the bytes became text, filled in by `decode` only when asked (`python -m pipeline show`)."""

    encoding: str = ""  # the encoding used and what chose it: "utf-8", "cp1252 (declared)", ...
    markup_chars: int | None = None  # characters of HTML before the reader kept the page's text


def decode(doc: RawDocument, trace: DecodeTrace | None = None) -> Page:
    """Decode a RawDocument into a Page; raise DecodeError with a plain reason if it is not text."""
    if doc.error is not None or doc.data is None:
        raise DecodeError(doc.error or "no data (the reader could not read the file)")
    data = doc.data
    if not data:
        raise DecodeError("empty file")
    issues: list[Issue] = []

    text, how = _bytes_to_str(data, doc, issues)
    if trace is not None:
        trace.encoding = how
    if control_share(text) > _MAX_CONTROL_SHARE:
        raise DecodeError("binary content (control characters)")

    repaired = _repair_mojibake(text, doc, issues)
    if doc.media_type == "html":
        from pipeline.ingest.html_text import html_to_text

        if trace is not None:
            trace.markup_chars = len(repaired)
        text = html_to_text(repaired)
    else:
        text = repaired
    text = normalise_text(text)
    if not text.strip():
        if doc.media_type == "html":
            raise DecodeError("no text (HTML without visible text)")
        raise DecodeError("whitespace only")
    return Page(
        source_file=doc.source_file,
        sha256=doc.sha256,
        n_bytes=doc.n_bytes,
        text=text,
        source_url=doc.source_url,
        fetched_at=doc.fetched_at,
        issues=tuple(issues),
    )


def normalise_text(text: str) -> str:
    """NFC, LF line ends, plain spaces, no invisible characters, no trailing spaces.

    Line structure is kept: the extractors rely on "Label:" / "value" lines.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # one str.replace per character present: str.translate with a dict looks every character
    # of the page up in the dict (0.3 ms on a 20 KB page with one &nbsp;)
    if TRANSLATE_CHARS.found_in(text):
        for char in set(TRANSLATE_CHARS.pattern.findall(text)):
            text = text.replace(char, TRANSLATE[ord(char)] or "")
    # split/rstrip rather than a regex: `[ \t]+$` backtracks quadratically on long space runs;
    # only when some line ends in a space or tab at all
    if " \n" in text or ("\t" in text and "\t\n" in text) or text.endswith((" ", "\t")):
        return "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return text


# --------------------------------------------------------------------------- bytes → str


def _bytes_to_str(data: bytes, doc: RawDocument, issues: list[Issue]) -> tuple[str, str]:
    """The text of the bytes, and the encoding used with what chose it (UTF-8 is decoded by
    `decode_utf8`, which keeps the bytes for the scans of the text)."""
    first = data[:1]  # most pages start with a byte no BOM or file signature starts with
    for bom, encoding in _BOMS if first in _BOM_FIRST else ():
        if data.startswith(bom):
            body = data[len(bom) :]
            how = f"{encoding} (byte order mark)"
            try:
                return body.decode(encoding), how
            except UnicodeDecodeError:
                text = body.decode(encoding, errors="replace")
                if text.count("\ufffd") > max(3, len(text) // 100):
                    raise DecodeError(f"undecodable bytes (invalid {encoding.upper()} after its byte order mark)") from None
                _info(issues, doc, "invalid_bytes_replaced", f"some bytes were not valid {encoding.upper()} and were replaced by U+FFFD")
                return text, how

    for magic, kind in _MAGIC if first in _MAGIC_FIRST else ():
        if data.startswith(magic):
            raise DecodeError(f"binary content ({kind})")
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise DecodeError("binary content (WebP image)")

    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise DecodeError("binary content (NUL bytes)")
        return utf16, "utf-16 (no byte order mark; recognised by its NUL bytes)"

    declared = _declared_encoding(doc, data)
    if declared is not None:
        declared_text = _decode_declared(data, declared, doc, issues)
        if declared_text is not None:
            return declared_text

    try:
        return decode_utf8(data), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    # A dump cut mid-character: drop the incomplete sequence at the very end.
    # (Only when the rest shows UTF-8 letters: "Ume\xe5" is cp1252 "Umeå", not a cut.)
    if first_error.start >= len(data) - 3 and first_error.reason == "unexpected end of data":
        head = data[: first_error.start]
        if not head.isascii():
            return decode_utf8(head), "utf-8 (cut mid-character: the incomplete last character dropped)"
    mostly_utf8 = _decode_mostly_utf8(data)
    if mostly_utf8 is not None:
        _info(issues, doc, "mixed_encoding", "page is UTF-8 with some Windows-1252 bytes; those were read as Windows-1252")
        return mostly_utf8, "utf-8 with some windows-1252 bytes"
    return _guess(data)


def _info(issues: list[Issue], doc: RawDocument, code: str, message: str, evidence: str | None = None) -> None:
    issues.append(issue(code, message, source_file=doc.source_file, evidence=evidence))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte (for Latin text)."""
    if len(data) % 2:
        data = data[:-1]  # a dump cut after half a code unit
    sample = data[:8192]
    pairs = len(sample) // 2
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    if zeros_odd >= pairs * 0.3 and zeros_even <= pairs * 0.02:
        encoding = "utf-16-le"
    elif zeros_even >= pairs * 0.3 and zeros_odd <= pairs * 0.02:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _canonical(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _declared_encoding(doc: RawDocument, data: bytes) -> str | None:
    if doc.declared_charset:
        enc = _canonical(doc.declared_charset)
        if enc is not None:
            return enc
    m = _META_CHARSET_RE.search(data[:4096])
    if m is None:
        return None
    enc = _canonical(m.group(1).decode("ascii", "replace"))
    # A page that can state <meta charset="utf-16"> in ASCII is not UTF-16 (WHATWG rule).
    if enc is not None and enc.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
        return "utf-8"
    return enc


def _decode_declared(data: bytes, enc: str, doc: RawDocument, issues: list[Issue]) -> tuple[str, str] | None:
    """Decode with the declared charset (the text and what was used); None when the declaration
    is plainly wrong."""
    said = f"declared {enc}" + (" by the HTTP header or record" if doc.declared_charset else " by <meta charset>")
    if enc in _CP1252_ALIASES:
        if not data.isascii():
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                # Valid multi-byte UTF-8 is practically never intended Latin-1 text.
                _info(issues, doc, "declared_charset_ignored", f"page declares {enc} but is valid UTF-8; read as UTF-8")
                return text, f"utf-8 ({said}, ignored)"
        try:
            return data.decode("cp1252"), f"windows-1252 ({said})"
        except UnicodeDecodeError:
            return data.decode("latin-1"), f"latin-1 ({said})"
    try:
        return (decode_utf8(data) if enc == "utf-8" else data.decode(enc)), enc + f" ({said})"
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_mostly_utf8(data: bytes) -> str | None:
    """Text that is UTF-8 apart from a few stray Windows-1252 bytes, else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if good <= bad * 2:
        return None
    return data.decode("utf-8", errors="cp1252_fallback")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    return bytes(chunk).decode("cp1252", errors="replace"), exc.end


codecs.register_error("cp1252_fallback", _cp1252_fallback)


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that Western European pages actually use."""
    non_ascii = [ch for ch in text[:200_000] if ord(ch) > 127]
    if not non_ascii:
        return 1.0
    return sum(ch in _PLAUSIBLE_NON_ASCII for ch in non_ascii) / len(non_ascii)


def _guess(data: bytes) -> tuple[str, str]:
    """Neither declared nor UTF-8: cp1252 when plausible, else charset-normalizer."""
    cp1252: str | None
    try:
        cp1252 = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    if cp1252 is not None and _plausibility(cp1252) >= 0.8:
        return cp1252, "windows-1252 (guessed: not UTF-8, plausible Latin text)"

    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        guessed = str(best)
        if cp1252 is None or _plausibility(guessed) > _plausibility(cp1252):
            return guessed, f"{best.encoding} (guessed by charset-normalizer)"
    if cp1252 is not None and _plausibility(cp1252) >= 0.5:
        return cp1252, "windows-1252 (guessed: the most plausible reading)"
    raise DecodeError("undecodable bytes (not UTF-8 and no plausible legacy encoding)")


# --------------------------------------------------------------------------- mojibake


def _repair_mojibake(text: str, doc: RawDocument, issues: list[Issue]) -> str:
    """Undo UTF-8-read-as-cp1252 damage ("FrÃ¤ndberg" → "Frändberg"), only where visible."""
    if not MOJIBAKE_HINT.found_in(text):
        return text
    ftfy, config = _ftfy()
    if not ftfy.badness.is_bad(text):
        return text
    fixed = ftfy.fix_text(text, config)
    if fixed == text:
        return text
    _info(issues, doc, "mojibake_repaired", "text was UTF-8 decoded as a legacy code page; repaired with ftfy", _diff_sample(text, fixed))
    return fixed


def _diff_sample(before: str, after: str, width: int = 20) -> str:
    """A short "before → after" excerpt around the first change."""
    i = 0
    limit = min(len(before), len(after))
    while i < limit and before[i] == after[i]:
        i += 1
    start = max(0, i - width // 2)
    # move start back to a word start so the sample reads naturally
    while start > 0 and not before[start - 1].isspace() and i - start < width:
        start -= 1

    def cut(s: str) -> str:
        return " ".join(s[start : start + width + 10].split())

    return f"{cut(before)} → {cut(after)}"
