"""Amounts of money: every way the pages write kronor, turned into whole kronor.

Two entry points:
- `parse_amount` reads the value of a labelled amount field ("Beviljat ESF-stöd: 2 761 412 kr");
  a bare number is accepted there because the label says it is money.
- `find_amounts` scans prose and only accepts numbers with a currency unit
  ("avsätter 42 miljoner kronor"), so postcodes, org numbers, years and counts never match.

Approximate amounts ("cirka", "drygt", ...), ranges ("3–5 miljoner kronor"), number words this
parser cannot read whole ("två hundra miljoner"), amounts that are not positive and foreign
currencies give no value, with a reason: a wrong number is worse than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.text.prefilter import folded_finder

# Number, optionally with space/dot thousand groups and a decimal comma.
_NUM = r"(?P<num>\d{1,3}(?:(?P<sep>[ .])\d{3})(?:(?P=sep)\d{3})*|\d+)(?:,(?P<dec>\d+|-))?"

# Units: longest first. Scale multiplies the number.
_UNIT_SCALE: dict[str, int] = {
    "miljarder kronor": 10**9,
    "miljard kronor": 10**9,
    "miljoner kronor": 10**6,
    "miljon kronor": 10**6,
    "miljoner kr": 10**6,
    "miljoner sek": 10**6,
    "tusen kronor": 10**3,
    "tusen kr": 10**3,
    "miljarder": 10**9,
    "miljard": 10**9,
    "miljoner": 10**6,
    "miljon": 10**6,
    "mdkr": 10**9,
    "msek": 10**6,
    "mkr": 10**6,
    "mnkr": 10**6,
    "mn kr": 10**6,
    "milj. kr": 10**6,
    "milj kr": 10**6,
    "tkr": 10**3,
    "ksek": 10**3,
    "kronor": 1,
    "kr": 1,
    "sek": 1,
    ":-": 1,
}
# Units that state the currency (a bare "miljoner" does not).
_CURRENCY_UNITS = {u for u in _UNIT_SCALE if u not in {"miljarder", "miljard", "miljoner", "miljon"}}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNIT_SCALE, key=len, reverse=True))

# a foreign currency: the amount is not in kronor
FOREIGN_CURRENCY = folded_finder(re.compile(r"€|\beur(?:o|os)?\b|\busd\b|\$|\bnok\b|\bdkk\b", re.IGNORECASE))
_DIGIT = re.compile(r"\d")
_PROCENT = re.compile(r"\bprocent\b", re.IGNORECASE)
_DIGIT_DASH_DIGIT = re.compile(r"\d-\d")
_YEAR = re.compile(r"(19|20)\d\d")
_APPROX = re.compile(
    r"\b(?:cirka|ca|c:a|drygt|knappt|nästan|omkring|runt|ungefär|uppemot|upp till|över|"
    r"närmare|minst|högst|max|maximalt|mer än|mindre än|approximately|about|around|over)\s*\.?\s*$",
    re.IGNORECASE,
)

_AMOUNT_IN_VALUE = re.compile(_NUM + r"\s*(?P<unit>" + _UNIT_RE + r")?(?![\wåäö])", re.IGNORECASE)
_AMOUNT_IN_PROSE = re.compile(
    r"(?<![\d.,])" + _NUM + r"\s*(?P<unit>" + _UNIT_RE + r")(?![\wåäö])", re.IGNORECASE
)

# Number words for "Fem miljoner kronor".
_ONES = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
    "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15,
    "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19,
}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
         "åttio": 80, "nittio": 90}
_WORD_NUM = r"(?P<word>(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")?(?:" + "|".join(
    sorted(_ONES, key=len, reverse=True)) + r")?|hundra)"
_WORD_AMOUNT = re.compile(
    r"(?<![\wåäö])" + _WORD_NUM + r"\s+(?P<unit>miljarder kronor|miljard kronor|miljoner kronor|miljon kronor|"
    r"tusen kronor|miljoner|miljon|miljarder|miljard)(?![\wåäö])",
    re.IGNORECASE,
)
# Every unit of _WORD_AMOUNT holds one of these (same flags): without them it cannot match.
_WORD_UNIT = re.compile(r"milj|tusen", re.IGNORECASE)

# Number words that may stand before the matched word: "Två hundra miljoner", "tjugo fem miljoner",
# "två komma fem miljoner" are compounds this parser does not read (and must not read as 100/5/5 M).
_NUMBER_WORD = r"(?:" + "|".join(sorted([*_TENS, *_ONES, "hundra", "tusen", "halv", "halva"], key=len, reverse=True)) + r")"
_WORD_BEFORE = re.compile(r"(?<![\wåäö])" + _NUMBER_WORD + r"(?:\s+(?:komma|och))?\s+$", re.IGNORECASE)
# A range of amounts ends right before the matched amount: "3–5 miljoner kronor", "tre till fem
# miljoner kronor", "5 000 000 - 6 000 000 kr", "mellan 3 och 5 miljoner kronor".
_RANGE_BEFORE = re.compile(
    r"(?:(?<![\d.,])\d[\d .,]*|(?<![\wåäö])" + _NUMBER_WORD + r")\s*(?:(?:" + _UNIT_RE + r")\s*)?"
    r"(?:[-–—]|\btill\b|\bà\b)\s*$"
    r"|\bmellan\s+\S+(?:\s+(?:" + _UNIT_RE + r"))?\s+och\s+$",
    re.IGNORECASE,
)
# A minus sign glued to the number: "-500 000 kr" (a range "3-5" is caught before this)
_NEGATIVE_BEFORE = re.compile(r"(?:^|[\s(:=])[-−]$|−$")
# ... or starts right after it: "3 miljoner kronor – 5 miljoner kronor"
_RANGE_AFTER = re.compile(r"^\s*[-–—]\s*\d")


@dataclass(frozen=True)
class AmountMatch:
    """An amount found in prose: where, how much (None when approximate or foreign) and why."""

    start: int
    end: int
    text: str
    value: int | None
    reason: str | None = None  # why value is None, e.g. "approximate amount"


def _word_value(word: str) -> int | None:
    w = word.lower()
    if not w:
        return None
    if w == "hundra":
        return 100
    for tens, tv in _TENS.items():
        if w.startswith(tens):
            rest = w[len(tens):]
            if not rest:
                return tv
            ov = _ONES.get(rest)
            return tv + ov if ov is not None and ov < 10 else None
    return _ONES.get(w)


def _to_kronor(num: str, sep: str | None, dec: str | None, unit: str | None) -> int | None:
    digits = num.replace(" ", "").replace(".", "") if sep else num
    scale = _UNIT_SCALE.get((unit or "").lower(), 1)
    if (not dec or dec == "-") and len(digits) <= 18:
        return int(digits) * scale  # whole kronor: the Decimal result, without Decimal
    try:
        value = Decimal(digits)
        if dec and dec != "-":
            value += Decimal("0." + dec)
    except InvalidOperation:
        return None
    total = value * scale
    if scale == 1 and dec and dec != "-" and len(dec) != 2:
        return None  # "1,5 kr" is not an amount we trust
    return int(total.to_integral_value())


def _doubt_before(before: str, last: re.Pattern[str], last_reason: str) -> str | None:
    """Why the text before an amount makes it unusable (approximate, a range, `last`), or None.
    None of the patterns matches an empty string, so an amount at the start is not searched."""
    if before:
        for pattern, reason in ((_APPROX, "approximate amount"), (_RANGE_BEFORE, "range of amounts"),
                                (last, last_reason)):
            if pattern.search(before):
                return reason
    return None


def parse_amount_detailed(text: str) -> tuple[int | None, str | None]:
    """Read the value of a labelled amount field. Returns (kronor, None) or (None, reason)."""
    s = " ".join(text.split())
    if not s:
        return None, "empty value"
    if FOREIGN_CURRENCY.search(s):
        return None, "amount not in kronor"
    # number words count only without digits: no word search on "2 761 412 kr"
    m = _WORD_AMOUNT.search(s) if _DIGIT.search(s) is None else None
    wv = _word_value(m.group("word")) if m else None
    if m and wv is not None:
        doubt = _doubt_before(s[: m.start()], _WORD_BEFORE, "unreadable number words")
        if doubt:
            return None, doubt
        return wv * _UNIT_SCALE[m.group("unit").lower()], None
    if "%" in s or _PROCENT.search(s):
        return None, "percentage, not an amount"
    if _DIGIT_DASH_DIGIT.search(s):
        return None, "looks like an organisation number or a range"
    found = [mm for mm in _AMOUNT_IN_VALUE.finditer(s)]
    if not found:
        return None, "no number"
    values = {_to_kronor(mm.group("num"), mm.group("sep"), mm.group("dec"), mm.group("unit")) for mm in found}
    if len(values) > 1:
        return None, "several different amounts"
    mm = found[0]
    doubt = _doubt_before(s[: mm.start()], _NEGATIVE_BEFORE, "not a positive amount")
    if doubt:
        return None, doubt
    value = values.pop()
    if value is None:
        return None, "unreadable amount"
    if value <= 0:
        return None, "not a positive amount"
    if mm.group("unit") is None and not mm.group("sep") and _YEAR.fullmatch(mm.group("num")):
        return None, "a year, not an amount"
    return value, None


def parse_amount(text: str) -> int | None:
    """Whole kronor from a labelled amount value ("2 761 412 kr", "32,6 MSEK"), else None."""
    return parse_amount_detailed(text)[0]


def _prose_reason(text: str, start: int, end: int, value: int | None) -> str | None:
    """Why an amount found in prose gives no value, or None when the value can be kept."""
    before = text[max(0, start - 40): start]
    if _APPROX.search(before[-20:]):
        return "approximate amount"
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(text[end: end + 10]):
        return "range of amounts"
    if _NEGATIVE_BEFORE.search(before):
        return "not a positive amount"
    if value is None:
        return "unreadable amount"
    if value <= 0:
        return "not a positive amount"
    return None


def find_amounts(text: str) -> list[AmountMatch]:
    """Amounts written with a currency unit in prose, in text order.

    Bare "70 miljoner" counts only with an explicit currency nearby (the label or "kronor");
    approximate amounts are returned with value None and a reason, so callers can record why.
    """
    out: list[AmountMatch] = []
    # Gates (exact, not heuristic): a figure needs a digit, a worded amount one of its unit
    # words; most sentences have neither, and the full patterns cost ~15x more to rule out.
    figures = _AMOUNT_IN_PROSE.finditer(text) if _DIGIT.search(text) is not None else ()
    words = _WORD_AMOUNT.finditer(text) if _WORD_UNIT.search(text) is not None else ()
    for m in figures:
        unit = m.group("unit").lower()
        if unit not in _CURRENCY_UNITS:
            continue
        value = _to_kronor(m.group("num"), m.group("sep"), m.group("dec"), unit)
        reason = _prose_reason(text, m.start(), m.end(), value)
        out.append(AmountMatch(m.start(), m.end(), m.group(0), None if reason else value, reason))
    for m in words:
        unit = m.group("unit").lower()
        wv = _word_value(m.group("word"))
        if wv is None or unit not in _CURRENCY_UNITS:
            continue
        value2 = wv * _UNIT_SCALE[unit]
        reason = _prose_reason(text, m.start(), m.end(), value2)
        if reason is None and _WORD_BEFORE.search(text[max(0, m.start() - 30): m.start()]):
            reason = "unreadable number words"
        out.append(AmountMatch(m.start(), m.end(), m.group(0), None if reason else value2, reason))
    out.sort(key=lambda a: a.start)
    return out
