"""Personal data in text: e-mail addresses, phone numbers, web addresses' query strings and the
names of a page's contacts, found and masked in any string.

The patterns are data (`data/personal_patterns.csv`: e-mail, phone, not_phone, url); the cue
words before a contact's name are `data/contact_cues.csv` (kind `label`). `ContactPolicy` is
`--contacts keep|hash|drop` with its salt: `drop` puts a marker ("[e-post]", "[telefon]",
"[namn]") where the value was and removes query strings, `hash` puts a keyed token
(HMAC-SHA256 with the salt) so the same person gets the same token in every table and run.
Finding is precision-minded the other way round from extraction: amounts ("2 761 412 kr"),
diarienummer (2015/00665, 22-017-S04), organisation numbers, dates and postcodes must survive,
so a phone number needs its area code and 8-10 digits (9-15 with a country code).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping
from urllib.parse import urlsplit, urlunsplit

from pipeline.resources import data_file

Mode = Literal["keep", "hash", "drop"]
Kind = Literal["email", "phone", "name", "url", "text"]
POLICIES: tuple[Mode, ...] = ("keep", "hash", "drop")
SALT_ENV = "PIPELINE_CONTACT_SALT"
TOKEN_PREFIX = "hmac:"
TOKEN_HEX = 20  # 80 bits of the HMAC: no two people of a dump share a token
# what `drop` leaves in text where a value was (Swedish, as the text around it)
DROPPED: dict[str, str] = {"email": "[e-post]", "phone": "[telefon]", "name": "[namn]", "text": "[borttaget]"}
METADATA_KEY = b"contacts_policy"  # in each table's Parquet metadata: keep, hash or drop
SHORT_SALT = 16  # characters: a shorter salt draws a warning (it can be guessed)
_NAME_WORD = r"[A-ZÅÄÖÉÜØ][a-zåäöéüø]+"
_NAME = _NAME_WORD + r"(?:[ \u00a0-]" + _NAME_WORD + r"){1,3}"


class MissingSalt(ValueError):
    """`--contacts hash` without a salt: unsalted hashes of names and addresses are reversed by
    hashing a list of candidates, so the run refuses before anything is read or written."""


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    min_digits: int
    max_digits: int


@lru_cache(maxsize=1)
def patterns() -> tuple[_Pattern, ...]:
    """The rows of data/personal_patterns.csv, compiled (case-insensitive)."""
    out = []
    with open(data_file("personal_patterns.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                regex = re.compile(row["pattern"], re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"personal_patterns.csv: {row['kind']} pattern {row['pattern']!r}: {exc}") from None
            out.append(_Pattern(row["kind"], regex, int(row["min_digits"] or 0), int(row["max_digits"] or 0)))
    return tuple(out)


def _of(kind: str) -> list[_Pattern]:
    return [p for p in patterns() if p.kind == kind]


@lru_cache(maxsize=1)
def _contact_words() -> tuple[str, ...]:
    from pipeline.project.readers.contacts import contact_cues

    return tuple(sorted(contact_cues()["label"], key=len, reverse=True))


@lru_cache(maxsize=1)
def _cued_name() -> re.Pattern[str]:
    """A person's name right after a contact word: 'Kontaktperson: Anna Berg', 'kontakta
    projektledaren Anna Berg', 'Projektledare är Anna Berg' (the word may be inflected)."""
    words = "|".join(re.escape(w) for w in _contact_words())
    return re.compile(r"(?i:(?<!\w)(?:" + words + r")\w{0,4})[ \u00a0]{0,3}(?:[:–-][ \u00a0]{0,3}|\n[ \u00a0]{0,3}|(?i:är)[ \u00a0]{1,3})?"
                      r"(?P<name>" + _NAME + r")(?!\w)(?![ \u00a0]*\d)")


def is_contact_label(label: str) -> bool:
    """A fact-block label whose value is personal data: one of the contact words, or one of
    them followed by more ('Kontaktperson för projektet', 'Telefon (växel)', 'E-post:')."""
    s = " ".join(label.strip().rstrip(":").split()).casefold()
    return any(s == w or (s.startswith(w) and s[len(w)] in " (/,-–") for w in _contact_words())


def person_names_in(text: str) -> set[str]:
    """Names of people a text gives as contacts ('Kontakt: Anna Berg', 'Projektledare Anna Berg'):
    organisations ('Projektledare Region Skåne') are not names."""
    from pipeline.project.readers.contacts import person_name

    out = set()
    for m in _cued_name().finditer(text):
        words = m.group("name").split()
        for n in range(len(words), 1, -1):  # 'Anna Berg Göteborgs Stad': the longest name that is a person's
            name = person_name(" ".join(words[:n]))
            if name:
                out.add(name)
                break
    return out


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def phone_digits(s: str) -> str:
    """A phone number as national digits: '+46 (0)70-123 45 67' and '070-123 45 67' -> '0701234567'."""
    s = s.replace("(0)", "")
    d = _digits(s)
    if s.lstrip().startswith("+"):
        d = "+" + d
    elif d.startswith("00"):
        d = "+" + d[2:]
    return "0" + d[3:] if d.startswith("+46") else d


def _email_key(s: str) -> str:
    s = re.sub(r"[ \u00a0]", "", s.casefold())
    s = re.sub(r"[(\[{<](?:at|a|snabel-?a|@)[)\]}>]", "@", s)
    return re.sub(r"[(\[{<](?:dot|punkt)[)\]}>]", ".", s)


def normalised(kind: str, value: str) -> str:
    """The form a value is hashed in, so that the same person gets one token however written."""
    if kind == "email":
        return _email_key(value)
    if kind == "phone":
        return phone_digits(value)
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # email, phone, name or url (the query string and fragment of an address)
    value: str


def _phone_ok(p: _Pattern, s: str) -> bool:
    n = len(_digits(s.replace("(0)", "")))
    return p.min_digits <= n <= p.max_digits and not any(x.regex.fullmatch(s) for x in _of("not_phone"))


def find_personal(text: str, names: Iterable[str] = ()) -> list[Span]:
    """Where a text holds personal data, left to right, without overlaps (a web address's query
    wins over an e-mail address inside it; of two overlapping finds the earlier, then the
    longer, is kept)."""
    found: list[Span] = []
    for p in _of("url"):
        for m in p.regex.finditer(text):
            url = m.group(0).rstrip(".,;:!?)")
            q = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
            if q >= 0 and len(url) > q + 1:  # the value as `ContactPolicy.url` hashes it: no '?'
                found.append(Span(m.start() + q, m.start() + len(url), "url", url[q + 1:] if url[q] == "?" else url[q:]))
    for p in _of("email"):
        found.extend(Span(m.start(), m.end(), "email", m.group(0)) for m in p.regex.finditer(text))
    if any(ch.isdigit() for ch in text):
        for p in _of("phone"):
            found.extend(Span(m.start(), m.end(), "phone", m.group(0)) for m in p.regex.finditer(text)
                         if _phone_ok(p, m.group(0)))
    names_re = _names_regex(frozenset(" ".join(n.split()) for n in names if n and n.strip()))
    if names_re is not None:
        found.extend(Span(m.start(), m.end(), "name", m.group(0)) for m in names_re.finditer(text))
    found.extend(_cut_at_edges(text, names))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if not out or s.start >= out[-1].end:
            out.append(s)
    return out


_ADDRESS_PART = re.compile(r"[\w.+-]+(?:@|[(\[{<](?:at|a|snabel-?a|@)[)\]}>])[\w.-]*[.,;:]?", re.IGNORECASE)
_MIN_PART = 3  # characters of a name left at a snippet's edge that are still masked


def _cut_at_edges(text: str, names: Iterable[str]) -> list[Span]:
    """Personal data cut in two by the edge of a snippet (evidence is a window of the page):
    the end of a name at its start ('gne Berg' of 'Signe Berg'), the start of one at its end,
    and an e-mail address cut short ('signe[at]kommu'), which the whole patterns no longer see."""
    found: list[Span] = []
    folded = text.casefold()
    for name in names:
        n = " ".join(name.split()).casefold()
        for k in range(len(n) - 1, _MIN_PART - 1, -1):
            if folded.startswith(n[-k:]) and not folded[k:k + 1].isalnum():
                found.append(Span(0, k, "name", name))
                break
        for k in range(len(n) - 1, _MIN_PART - 1, -1):
            if folded.endswith(n[:k]) and not folded[-k - 1:-k].isalnum():
                found.append(Span(len(text) - k, len(text), "name", name))
                break
    words = text.split()
    if words:
        first, last = words[0], words[-1]
        if _ADDRESS_PART.fullmatch(first):
            at = text.find(first)
            found.append(Span(at, at + len(first), "email", first))
        if len(words) > 1 and _ADDRESS_PART.fullmatch(last):
            at = text.rfind(last)
            found.append(Span(at, at + len(last), "email", last))
    return found


@lru_cache(maxsize=256)
def _names_regex(names: frozenset[str]) -> re.Pattern[str] | None:
    """The names, any case, any spacing, with a genitive s ('Anna Bergs')."""
    if not names:
        return None
    alts = []
    for n in sorted(names, key=len, reverse=True):
        words = [re.escape(w) for w in n.split()]
        alts.append(r"[\s\u00a0]+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")s?(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class ContactPolicy:
    """`--contacts keep|hash|drop` and, for hash, the key (the salt, never shown or stored)."""

    mode: Mode = "keep"
    key: bytes = field(default=b"", repr=False)

    @classmethod
    def from_env(cls, mode: str, environ: Mapping[str, str] | None = None) -> ContactPolicy:
        """The policy of a run; MissingSalt for hash without $PIPELINE_CONTACT_SALT."""
        if mode not in POLICIES:
            raise ValueError(f"--contacts must be one of {', '.join(POLICIES)}, not {mode!r}")
        if mode != "hash":
            return cls(mode)  # type: ignore[arg-type]
        salt = (os.environ if environ is None else environ).get(SALT_ENV, "")
        if not salt.strip():
            raise MissingSalt(f"--contacts hash needs a secret salt in ${SALT_ENV} (it is "
                              f"{'empty' if SALT_ENV in (os.environ if environ is None else environ) else 'not set'}): "
                              "without one the hashes of names and addresses are reversed from a list of candidates")
        return cls("hash", salt.encode("utf-8"))

    @property
    def short_salt(self) -> bool:
        return self.mode == "hash" and len(self.key) < SHORT_SALT

    def settings(self) -> dict[str, object]:
        """What the stored results depend on: the mode and, for hash, an identifier of the salt
        (a slow one-way derivation: the salt cannot be read back from the state)."""
        out: dict[str, object] = {"contacts": self.mode}
        if self.mode == "hash":
            out["contact_salt"] = hashlib.pbkdf2_hmac("sha256", self.key, b"pipeline contact salt id", 100_000).hex()[:16]
        return out

    def table_metadata(self) -> dict[bytes, bytes]:
        """What every table written under this policy records in its Parquet metadata (the
        policy's name, never the salt), so a table read on its own says what it may hold."""
        return {METADATA_KEY: self.mode.encode()}

    def token(self, kind: str, value: str) -> str:
        """The stable keyed token of a value (HMAC-SHA256 of kind + NUL + normalised value)."""
        msg = (kind if kind in ("email", "phone") else "name" if kind == "name" else "text") + "\x00" + normalised(kind, value)
        return TOKEN_PREFIX + hmac.new(self.key, msg.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:TOKEN_HEX]

    def replacement(self, kind: str, value: str) -> str:
        """What a found value becomes in text."""
        if kind == "url":  # a query string (and fragment): gone, or one token in its place
            return "" if self.mode == "drop" else "?" + self.token("text", value)
        return DROPPED.get(kind, DROPPED["text"]) if self.mode == "drop" else self.token(kind, value)

    def whole(self, kind: str, value: str | None) -> str | None:
        """A value that is personal as a whole (a contact column): None, or its token."""
        if self.mode == "keep" or value is None or value == "":
            return value
        return None if self.mode == "drop" else self.token(kind, value)

    def mask(self, text: str | None, names: Iterable[str] = ()) -> str | None:
        """The text with every e-mail address, phone number, address query and name masked."""
        if self.mode == "keep" or not text:
            return text
        names = tuple(names)
        spans = find_personal(text, names)
        if not spans:
            return text
        canon = {" ".join(n.split()).casefold(): n for n in names}
        parts, at = [], 0
        for s in spans:
            value = s.value
            if s.kind == "name":  # the token of the name as the page gives it, genitive or not
                key = " ".join(value.split()).casefold()
                value = canon.get(key) or canon.get(key[:-1], value)
            parts.append(text[at:s.start])
            parts.append(self.replacement(s.kind, value))
            at = s.end
        parts.append(text[at:])
        return "".join(parts)

    def url(self, url: str | None) -> str | None:
        """A page's address without what identifies a person: no query string, fragment or user
        (dropped, or one token), e-mail addresses and phone numbers in the path masked."""
        if self.mode == "keep" or not url:
            return url
        try:
            parts = urlsplit(url)
        except ValueError:  # not an address at all: treat as text
            return self.mask(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        rest = parts.query + ("#" + parts.fragment if parts.fragment else "")
        query = "" if not rest or self.mode == "drop" else self.token("text", rest)
        path = self.mask(parts.path) or ""
        return urlunsplit((parts.scheme, host, path, query, ""))


def masked_log(log: Callable[[str, dict[str, Any]], None], policy: ContactPolicy) -> Callable[[str, dict[str, Any]], None]:
    """A logger whose lines have the policy applied to every string they carry (a warning may
    quote a page); under keep, the logger itself."""
    if policy.mode == "keep":
        return log

    def masked(value: Any) -> Any:
        if isinstance(value, str):
            return policy.mask(value)
        if isinstance(value, dict):
            return {k: masked(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [masked(v) for v in value]
        return value

    return lambda event, data: log(event, masked(data))


@contextmanager
def masked_warnings(policy: ContactPolicy) -> Iterator[None]:
    """Python warnings shown during a run have the policy applied to their message too."""
    if policy.mode == "keep":
        yield
        return
    shown = warnings.showwarning

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        shown(policy.mask(str(message)) or "", category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown
