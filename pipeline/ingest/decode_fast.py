"""Fast scans of decoded pages: character tests on the page's UTF-8 bytes.

Most pages are read as UTF-8, and a byte search (C speed, literal lead bytes) answers "does
the page hold any of these characters?" about ten times faster than a character-class regex
tried at every position. The bytes the decoder has read are kept with the text they decoded
to (`decode_utf8`), so a scan of that very text does not encode the page again; any other text
is encoded when scanned. Each scan has its plain version (a regex), which the tests compare
with (tests/test_decode.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_last: tuple[str, bytes] = ("", b"")  # the text decode_utf8 gave last, and its bytes


def decode_utf8(data: bytes) -> str:
    """`data.decode("utf-8")` (strict: raises UnicodeDecodeError), remembering `data` as the
    text's UTF-8 for the scans below (a strict decode round-trips)."""
    global _last
    text = data.decode("utf-8")
    _last = (text, data)
    return text


def utf8_of(text: str) -> bytes:
    """`text.encode("utf-8", "surrogatepass")`, without encoding when text is the last text
    decode_utf8 gave (the very object: a str never changes)."""
    last_text, last_bytes = _last
    if last_text is text:
        return last_bytes
    return text.encode("utf-8", "surrogatepass")


class CharSet:
    """Whether a text holds any of `chars`: `pattern.search(text) is not None`, tested on its
    UTF-8 bytes by one C-level delete for the ASCII characters and a byte search per lead
    byte (a lead byte never occurs inside another character's sequence)."""

    def __init__(self, chars: Iterable[str]) -> None:
        codes = sorted({ord(c) for c in chars})
        self.pattern = re.compile("[" + re.escape("".join(map(chr, codes))) + "]")
        self._single = bytes(c for c in codes if c < 0x80)
        by_lead: dict[bytes, list[bytes]] = {}
        for c in codes:
            if c >= 0x80:
                enc = chr(c).encode("utf-8")
                by_lead.setdefault(enc[:1], []).append(enc)
        self._leads = tuple(
            (lead, re.compile(b"|".join(re.escape(e) for e in encs))) for lead, encs in sorted(by_lead.items())
        )

    def found_in(self, text: str) -> bool:
        """`self.pattern.search(text) is not None` (the common answer is no)."""
        data = utf8_of(text)
        if len(data.translate(None, self._single)) != len(data):
            return True
        for lead, pat in self._leads:
            if lead in data and pat.search(data) is not None:
                return True
        return False


CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")  # the control characters control_share counts
_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_C1_UTF8_RE = re.compile(b"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8 (a literal first byte: fast)
CONTROL_SAMPLE = 100_000  # characters looked at


def control_share(text: str) -> float:
    """Share of CONTROL_RE characters (controls but tab/newline/CR/VT/FF) in the first
    CONTROL_SAMPLE characters: `control_share_plain`, counted on the UTF-8 bytes: C0
    controls are single bytes that never occur inside a multi-byte sequence (one C-level
    `translate`), C1 controls are `\\xc2` + one byte."""
    sample = text[:CONTROL_SAMPLE]
    if not sample:
        return 0.0
    data = utf8_of(text) if len(sample) == len(text) else sample.encode("utf-8", "surrogatepass")
    n = len(data) - len(data.translate(None, _C0_BYTES)) + len(_C1_UTF8_RE.findall(data))
    return n / len(sample)


def control_share_plain(text: str) -> float:
    """`control_share` the plain way: the regex on the characters."""
    sample = text[:CONTROL_SAMPLE]
    return len(CONTROL_RE.findall(sample)) / len(sample) if sample else 0.0


class FirstChars:
    """`pattern.search(text) is not None` for a pattern whose matches start with one of a few
    characters: found by str.find (C speed) instead of trying the pattern everywhere."""

    def __init__(self, pattern: re.Pattern[str], firsts: str) -> None:
        self.pattern = pattern
        self._firsts = firsts

    def found_in(self, text: str) -> bool:
        """`self.pattern.search(text) is not None`."""
        for first in self._firsts:
            i = text.find(first)
            while i != -1:
                if self.pattern.match(text, i):
                    return True
                i = text.find(first, i + 1)
        return False
