"""Dates and periods: ISO and written-out Swedish/English dates, never with an invented part.

Fast paths first: ISO dates and "1 sept 2023" style dates are read with a regex and a month
table; only candidates they cannot read go to dateparser, with all three parts required
(dateparser otherwise fills a missing day or month from today's date, and reads relative
words such as "idag" or "tomorrow" as today: its answer is kept only when the day, month and
year it gives are all written in the text).
A month-only or year-only date gives None: the caller records it as an issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

MONTHS: dict[str, int] = {
    # Swedish
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "mars": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "oct": 10,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# "1 sept 2023", "den 3 februari 2015", "1:a april 2017", "September 1, 2023" handled by dateparser
WORD_DATE = re.compile(
    r"(?<![\w])(?P<day>\d{1,2})(?::?[ae])?\.?\s+(?P<month>" + _MONTH_RE + r")\.?(?:\s+|,\s*)(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
# A range whose year is written once: "27 juni till 14 september 2023", "den 1 januari till den 28 april 2011"
WORD_RANGE_ONE_YEAR = re.compile(
    r"(?<![\w])(?P<d1>\d{1,2})\.?\s+(?P<m1>" + _MONTH_RE + r")\.?(?:\s+(?P<y1>\d{4}))?"
    r"\s*(?:-|–|—|till|to|och|until)\s*(?:den\s+)?"
    r"(?P<d2>\d{1,2})\.?\s+(?P<m2>" + _MONTH_RE + r")\.?(?:\s+|,\s*)(?P<y2>\d{4})(?!\d)",
    re.IGNORECASE,
)
_RANGE_SEP = r"\s*(?:-|–|—|\btill\b|\bto\b|\bt\.o\.m\.?|\btom\b)\s*"
# Where a period value is cut in two when no full range was found: a dash or word between spaces,
# an en/em dash, or a hyphen right after an ISO date; never the hyphens inside "2023-09-01"
# and never "to"/"till" inside a word ("oktober", "tillsammans").
_PERIOD_SPLIT = re.compile(
    r"\s+(?:-|–|—|till|to|t\.o\.m\.?|tom|until)\s+|\s*[–—]\s*|(?<=\d{4}-\d{2}-\d{2})\s*-\s*|(?<=[^\W\d])\.?\s*-\s*(?=\d)",
    re.IGNORECASE,
)
# "16–17 augusti 2023": two days of one month, year written once
DAY_RANGE = re.compile(
    r"(?<![\w\-–—/.:])(?P<d1>\d{1,2})\.?\s*(?:-|–|—)\s*(?P<d2>\d{1,2})\.?\s+(?P<m>" + _MONTH_RE
    + r")\.?(?:\s+|,\s*)(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_WORDS = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[A-Za-zåäöÅÄÖ]")
_ISO_MONTH_ONLY = re.compile(r"\D*(?<!\d)\d{4}-(0[1-9]|1[0-2])(?![\d-])\D*")
_YEAR_ONLY = re.compile(r"\D*(19|20)\d\d\D*")
_NUM_TOKEN = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
MONTH_ONLY = re.compile(r"(?<![\w\d])(?P<month>" + _MONTH_RE + r")\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    value: date


@dataclass(frozen=True)
class RangeMatch:
    start: int
    end: int
    text: str
    first: date
    last: date


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _date_parser():  # type: ignore[no-untyped-def]
    import dateparser  # heavy import: only when a fast path fails

    return dateparser


def _dateparser_full(text: str) -> date | None:
    """dateparser with day, month and year all required (no parts taken from today)."""
    if len(text) > 60 or not _FOUR_DIGITS.search(text):
        return None
    dp = _date_parser()
    try:
        dt = dp.parse(
            text,
            languages=["sv", "en"],
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                      "RETURN_AS_TIMEZONE_AWARE": False},
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if not dt:
        return None
    d = dt.date()
    return d if _parts_written(text, d) else None


def _parts_written(text: str, d: date) -> bool:
    """True when the day, month and year of `d` are all written in `text`.

    dateparser reads relative words ("idag", "imorgon", "tomorrow", "now") as today's date even
    with all parts required; a date whose parts are not on the page is invented, never kept.
    """
    numbers = [int(n) for n in _NUM_TOKEN.findall(text)]
    if d.year not in numbers:
        return False
    small = [n for n in numbers if n != d.year]
    if d.day not in small:
        return False
    words = _WORDS.findall(text.lower())
    if any(MONTHS.get(w) == d.month for w in words):
        return True
    small.remove(d.day)
    return d.month in small


def parse_date(text: str) -> date | None:
    """A single full date from a field value: "2014-01-02", "1 September 2023", "3:e mars 2021"."""
    s = " ".join(text.split()).strip(" .,")
    if not s:
        return None
    m = ISO_DATE.fullmatch(s) or ISO_DATE.match(s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = WORD_DATE.search(s)
    if m:
        return _mk(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
    if _LETTER.search(s):
        return _dateparser_full(s)
    return None


def date_problem(text: str) -> str | None:
    """Why a date value gives no date: 'invalid date', 'month-only date', 'year-only date'."""
    s = " ".join(text.split())
    m = ISO_DATE.search(s)
    if m and _mk(int(m.group(1)), int(m.group(2)), int(m.group(3))) is None:
        return f"invalid date {m.group(0)!r}"
    w = WORD_DATE.search(s)
    if w and _mk(int(w.group("year")), MONTHS[w.group("month").lower()], int(w.group("day"))) is None:
        return f"invalid date {w.group(0)!r}"
    if _ISO_MONTH_ONLY.fullmatch(s):
        return "month-only date"
    if MONTH_ONLY.search(s) and not WORD_DATE.search(s):
        return "month-only date"
    if _YEAR_ONLY.fullmatch(s):
        return "year-only date"
    return None


_ISO_PERIOD = re.compile(
    r"(?<!\d)(\d{4}-\d{2}-\d{2})" + _RANGE_SEP + r"(\d{4}-\d{2}-\d{2})(?!\d)", re.IGNORECASE
)
# Compact "20230201-20231231": two eight-digit dates (YYYYMMDD) joined by a dash
COMPACT_PERIOD = re.compile(r"(?<![\d-])((?:19|20)\d{2})(\d{2})(\d{2})\s*[-–]\s*((?:19|20)\d{2})(\d{2})(\d{2})(?![\d-])")


def parse_period(text: str) -> tuple[date | None, date | None]:
    """Start and end of a period value: "2014-01-02 till 2014-12-31", "2016-08-01-2019-03-31",
    "2023-05-01–2023-09-30", "1 sept 2023 - 31 aug 2026", compact "20230201-20231231". Unreadable halves are None."""
    s = " ".join(text.split())
    m = _ISO_PERIOD.search(s)
    if m:
        return parse_date(m.group(1)), parse_date(m.group(2))
    c = COMPACT_PERIOD.search(s) if "-" in s or "–" in s else None
    if c:
        g = [int(x) for x in c.groups()]
        return _mk(g[0], g[1], g[2]), _mk(g[3], g[4], g[5])
    ranges = find_ranges(s)
    if ranges:
        return ranges[0].first, ranges[0].last
    words = [d.value for d in find_dates(s)]
    if len(words) == 2:
        return words[0], words[1]
    parts = _PERIOD_SPLIT.split(s, maxsplit=1)
    if len(parts) == 2:
        return parse_date(parts[0]), parse_date(parts[1])
    return None, None


def find_dates(text: str) -> list[DateMatch]:
    """Full dates in prose (ISO and "1 april 2017"), in text order. Partial dates are skipped."""
    out: list[DateMatch] = []
    for m in ISO_DATE.finditer(text):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append(DateMatch(m.start(), m.end(), m.group(0), d))
    for m in WORD_DATE.finditer(text):
        d = _mk(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
        if d:
            out.append(DateMatch(m.start(), m.end(), m.group(0), d))
    out.sort(key=lambda x: x.start)
    return out


def find_ranges(text: str) -> list[RangeMatch]:
    """Date ranges in prose, including ranges whose year is written once at the end."""
    out: list[RangeMatch] = []
    for m in WORD_RANGE_ONE_YEAR.finditer(text):
        y2 = int(m.group("y2"))
        y1 = int(m.group("y1")) if m.group("y1") else y2
        d1 = _mk(y1, MONTHS[m.group("m1").lower()], int(m.group("d1")))
        d2 = _mk(y2, MONTHS[m.group("m2").lower()], int(m.group("d2")))
        if d1 and d2 and not m.group("y1") and d1 > d2:
            d1 = _mk(y2 - 1, d1.month, d1.day)  # "1 december till 31 januari 2020"
        if d1 and d2:
            out.append(RangeMatch(m.start(), m.end(), m.group(0), d1, d2))
    for m in DAY_RANGE.finditer(text):
        y, mo = int(m.group("y")), MONTHS[m.group("m").lower()]
        a, b = _mk(y, mo, int(m.group("d1"))), _mk(y, mo, int(m.group("d2")))
        if a and b and a <= b:
            out.append(RangeMatch(m.start(), m.end(), m.group(0), a, b))
    for m in _ISO_PERIOD.finditer(text):
        a, b = parse_date(m.group(1)), parse_date(m.group(2))
        if a and b:
            out.append(RangeMatch(m.start(), m.end(), m.group(0), a, b))
    out.sort(key=lambda x: x.start)
    return out
