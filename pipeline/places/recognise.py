"""Find municipality and county mentions in a page's prose, each with a role.

One spaCy `PhraseMatcher` (attr LOWER, built once per process) runs over the blank Swedish
tokeniser from `pipeline.text.nlp`. Matching on LOWER lets all-caps owner strings through
("BOTKYRKA KOMMUN"); every hit is then checked against the written form, so a name must be
capitalised as a proper noun (or be all-caps) and keep its diacritics ("Habo" is not "Håbo").
Because the matcher works on whole tokens, "Uppsala" never yields Sala and "arbetsmarknaden"
never yields Mark; overlapping hits are resolved longest-first, so "Region Stockholm",
"Kalmar län" and "Jämtland Härjedalen" are counties, not the municipality inside them.

Acceptance (precision first; anything left out is returned as `Doubtful` with a reason):

* `X kommun`, `Xs kommun`, `X stad`, `Xs stad` (and `Xs och Ys kommuner`) are always accepted;
  a bare genitive ("Stockholms Unga i Jobb") is ignored.
* A plain capitalised name is accepted unless it is in `data/risky.csv` (names that are also
  words or people's names: Vara, Mark, Lund, Berg, Nora ...). A risky name needs place
  context: `kommun`/`stad` after it, the preposition `i` before it ("i Lund"), or a place in a
  list with another safe municipality or with at least three municipalities in all.
* An all-caps name without `KOMMUN`/`STAD` is treated like a risky one (headings).
* A municipality whose name is also an ESF region ("Stockholm") is doubtful in a passage that
  lists ESF regions.

Roles:

* `listed`: from the page's Kommun list, passed in by the caller (`listed_items`).
* `owner`: the owner string passed in by the caller is a municipality organisation
  ("Botkyrka kommun", "BOTKYRKA KOMMUN", "Arbetsmarknadsförvaltningen - Stockholms stad").
* `named`: prose that names where the project works. Three rules, all within one sentence:
  (1) a list introduced by a cue word: "kommunerna X, Y och Z", "medlemskommuner dvs X, ...",
  "följande kommuner: ...", "the following municipalities: ...", or a verb cue directly before
  the list ("genomförs i X och Y", "carried out in X");
  (2) `samverkan/samarbete/tillsammans med ... X kommun` - a partner named as a municipal
  organisation;
  (3) the project is the subject and acts "i X": "Projektet riktar sig till unga i X", or
  "MIA ska främja ... i Södertälje" where the page names the project "MIA Södertälje". Not when
  "i X" belongs to an organisation ("förvaltningen i Stockholms stad") or to earlier work
  ("erfarenheter från ... i X").
* `mentioned`: every other accepted reference (background, a single incidental "i Gävle").

Counties are found the same way ("Sörmland", "Gävleborgs län", "Region Skåne", and lists like
"Hallands och Västragötalands län"); a listed/named/owner municipality implies its county with
the same role.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import cast

from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.attrs import ORTH
from spacy.tokens import Doc

from pipeline.text.nlp import RenewingTokenizer, copy_tokenizer, get_nlp
from pipeline.places.gazetteer import (
    County,
    Municipality,
    counties,
    county_by_code,
    esf_region_variants,
    lookup_county,
    lookup_municipality,
    municipality_by_code,
    risky_names,
    variants,
)

ROLE_LISTED = "listed"
ROLE_NAMED = "named"
ROLE_OWNER = "owner"
ROLE_MENTIONED = "mentioned"
ROLES = (ROLE_LISTED, ROLE_NAMED, ROLE_OWNER, ROLE_MENTIONED)

CONTEXT_CHARS = 30


@dataclass(frozen=True)
class PlaceMention:
    kommunkod: str
    kommun: str
    lanskod: str
    lan: str
    esf_region: str
    nuts2: str
    role: str
    evidence: str  # the matched text with ~30 characters of context


@dataclass(frozen=True)
class CountyMention:
    lanskod: str
    lan: str
    role: str
    evidence: str


@dataclass(frozen=True)
class Doubtful:
    name: str
    reason: str
    evidence: str


@dataclass(frozen=True)
class PlaceResult:
    mentions: tuple[PlaceMention, ...]  # deduplicated per (kommunkod, role), page order
    counties: tuple[CountyMention, ...]  # deduplicated per (lanskod, role)
    unmatched_list_items: tuple[str, ...]  # Kommun-list items that are not a municipality
    doubtful: tuple[Doubtful, ...]


# --- grammar of the rules (words, not places; places live in the data files) -------------

MUNI_SUFFIX = frozenset({"kommun", "kommuns", "kommuner", "stad", "stads"})
MUNI_PLURAL = frozenset({"kommuner"})
COUNTY_SUFFIX = frozenset({"län", "läns"})
# Tokens of a variant compared case-insensitively ("region Västsverige", "Stockholms Län").
GENERIC_WORDS = frozenset({"region", "regionen", "län", "läns", "landsting", "esf", "esf+", "och"})
SEPARATORS = frozenset({",", "och", "samt", "&", "and", "/", "eller", "•", "·", "*", "-", "–", ";"})
SENTENCE_END = frozenset({".", "!", "?"})
LINE_START = frozenset({":", "•", "·", "*", "-", "–", "(", '"', "”", "“", "'", "»"})
# A list right after one of these names the project's municipalities.
LIST_CUES = frozenset(
    {
        "kommunerna",
        "medlemskommuner",
        "medlemskommunerna",
        "samverkanskommuner",
        "samverkanskommunerna",
        "ägarkommuner",
        "ägarkommunerna",
        "deltagarkommuner",
        "deltagarkommunerna",
        "projektkommuner",
        "projektkommunerna",
        "municipalities",
        "länen",
    }
)
# "kommuner" is a cue only when qualified: "följande kommuner: ...", "tre kommuner, dvs ...".
PLAIN_LIST_NOUNS = frozenset({"kommuner", "counties"})
LIST_QUALIFIERS = frozenset(
    {"följande", "deltagande", "berörda", "medverkande", "samverkande", "ingående", "participating", "following"}
)
EXPLAINERS = frozenset({":", "dvs", "dvs.", "d.v.s.", "d.v.s", "nämligen", "(", "–", "-"})
GAP_WORDS = EXPLAINERS | frozenset(
    {".", "dvs", "d.v.s", "det", "vill", "säga", "of", "the", ",", "som", "är", "are"}
    | {"deltar", "ingår", "medverkar", "berörs", "participate", "participating", "involved"}
)
WORK_VERBS = frozenset(
    {
        "genomförs",
        "genomföras",
        "bedrivs",
        "bedrivas",
        "drivs",
        "pågår",
        "sker",
        "ske",
        "verkar",
        "arbetar",
        "erbjuds",
        "out",  # carried out in
        "implemented",
        "conducted",
        "run",
        "runs",
        "operates",
        "place",  # takes place in
    }
)
ADVERBS = frozenset({"främst", "huvudsakligen", "också", "även", "framför", "allt", "mainly", "also", "primarily"})
PARTNER_WORDS = frozenset({"samverkan", "samarbete", "tillsammans", "samverkar", "samarbetar", "partnerskap"})
PROJECT_SUBJECTS = frozenset({"projektet", "projekten", "insatserna", "verksamheten"})
ORG_ENDINGS = (
    "förvaltningen",
    "förvaltning",
    "kontoret",
    "nämnden",
    "avdelningen",
    "enheten",
    "förbundet",
    "styrelsen",
    "bolaget",
)
NOT_PROJECT_WORK = frozenset(
    {
        "tidigare",
        "från",
        "erfarenhet",
        "erfarenheter",
        "liknande",
        "förebild",
        "studiebesök",
        "besök",
        "jämfört",
        "inspiration",
        "inspirerat",
        "previous",
        "earlier",
        "from",
        # where an event or an office is, not where the project works
        "kontor",
        "huvudkontor",
        "säte",
        "konferens",
        "konferensen",
        "seminarium",
        "seminariet",
        "mässa",
        "mässan",
        "conference",
        "office",
    }
)


# --- matcher ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    kind: str  # municipality | municipality_genitive | municipality_long | county | region
    code: str  # kommunkod, lanskod or region name
    tokens: tuple[str, ...]  # written form, tokenised


@dataclass(frozen=True)
class _Gazetteer:
    matcher: PhraseMatcher
    entries: dict[tuple[str, ...], tuple[_Entry, ...]]
    county_stems: dict[tuple[str, ...], str]  # "stockholms" -> "01" (stem of "Stockholms län")
    region_names: frozenset[tuple[str, ...]]  # lowercased ESF region forms
    risky: frozenset[str]


MAX_LOOKBACK = 60  # tokens a role rule looks back for its cue word; keeps long lists linear


@lru_cache(maxsize=1)
def _tokenizer() -> RenewingTokenizer:
    """The shared Swedish tokeniser's affix rules without its special cases ("t.ex.", "bl.a.").

    spaCy stops caching words for the rest of a Doc once a special case has matched, which
    made a 5 KB page take ~6 ms to tokenise instead of ~0.2 ms. No place name involves a special
    case, and patterns and pages go through this same tokeniser, so matches are unaffected;
    the only difference is that "t.ex." becomes "t.ex" + "." (see `_segments`).
    """
    tk = cast(Tokenizer, get_nlp().tokenizer)
    return RenewingTokenizer(lambda: copy_tokenizer(tk, special_cases=False))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in _tokenizer()(text) if not t.is_space)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Build the PhraseMatcher and its lookup tables once per process."""
    nlp = get_nlp()
    table: dict[tuple[str, ...], list[_Entry]] = {}
    stems: dict[tuple[str, ...], str] = {}

    def add(kind: str, code: str, text: str) -> None:
        toks = _tokens(text)
        if not toks:
            return
        key = tuple(t.lower() for t in toks)
        entry = _Entry(kind, code, toks)
        bucket = table.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    county_forms = [(c.lanskod, c.lan) for c in counties()]
    for v in variants():
        add(v.kind, v.code, v.variant)
        if v.kind == "county":
            county_forms.append((v.code, v.variant))
    for code, form in county_forms:
        add("county", code, form)
        toks = _tokens(form)
        # "Stockholms" of "Stockholms län": valid alone only in "Uppsala och Stockholms län"
        if len(toks) > 1 and toks[-1].lower() == "län" and toks[0].lower() != "region":
            stems[tuple(t.lower() for t in toks[:-1])] = code
    region_keys: set[tuple[str, ...]] = set()
    for text, region in esf_region_variants().items():
        key = tuple(t.lower() for t in _tokens(text))
        region_keys.add(key)
        add("region", region, text)

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("PLACE", [_tokenizer()(" ".join(k)) for k in table])
    return _Gazetteer(
        matcher=matcher,
        entries={k: tuple(v) for k, v in table.items()},
        county_stems=stems,
        region_names=frozenset(region_keys),
        risky=risky_names(),
    )


# --- scanning ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    start: int  # first token of the name
    end: int  # end (exclusive) including a `kommun`/`stad`/`län` word
    kind: str  # muni | county | region
    code: str
    suffix: str | None = None
    caps: bool = False
    genitive: bool = False
    long_form: bool = False
    risky: bool = False
    status: str = "ok"  # ok | pending | drop
    reason: str = ""


class _Toks:
    """A page's tokens as plain lists, read from the Doc once.

    Every rule below looks at neighbouring tokens many times; indexing spaCy's Doc creates a
    Token object per access, which made place recognition the slowest stage of the pipeline.
    """

    __slots__ = ("doc", "text", "lower", "space", "marked", "n")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        orths = doc.to_array(ORTH).tolist()  # (offsets and trailing spaces: per token, when asked)
        self.n = len(orths)
        # (text, lower, is space) per token from one lookup per token; lower is spaCy's LOWER
        info = list(map(_orth_info().__getitem__, orths))
        self.text = list(map(_FIRST, info))
        self.lower = list(map(_SECOND, info))
        self.space = list(map(_THIRD, info))
        # the tokens a rule jumps to: sentence ends, list anchors, cues (`_MARKED_WORDS`)
        self.marked = list(compress(range(self.n), map(_FOURTH, info)))

    def idx(self, i: int) -> int:
        """Character offset of token i (asked for a few tokens per page: evidence, names)."""
        return cast(int, self.doc[i].idx)

    def ws(self, i: int) -> bool:
        """Whether a space follows token i."""
        return bool(self.doc[i].whitespace_)

    def blank_line(self, i: int) -> bool:
        return self.space[i] and self.text[i].count("\n") >= 2


_FIRST, _SECOND, _THIRD, _FOURTH = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


class _OrthInfo(dict[int, tuple[str, str, bool, bool]]):
    """Token hash -> (text, lower-cased text, whitespace?, one of `_MARKED_WORDS`?), filled from
    spaCy's StringStore on first use (a dict lookup is a third of the cost of decoding the
    stored string again for every token of every page, and of lower-casing it again)."""

    def __missing__(self, orth: int) -> tuple[str, str, bool, bool]:
        if len(self) > 500_000:  # bounded: a long run meets ever new numbers and names
            self.clear()
        text: str = get_nlp().vocab.strings[orth]
        lower = text.lower()
        info = self[orth] = (text, lower, text.isspace(), lower in _MARKED_WORDS)
        return info


@lru_cache(maxsize=1)
def _orth_info() -> _OrthInfo:
    return _OrthInfo()


def _filter_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest non-overlapping spans, in text order (spaCy's filter_spans on index pairs)."""
    ordered = sorted(spans)
    if all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:])):
        return ordered  # nothing overlaps (the usual case)
    taken: set[int] = set()
    out = []
    for s, e in sorted(ordered, key=lambda se: (se[0] - se[1], se[0])):
        if not any(i in taken for i in range(s, e)):
            out.append((s, e))
            taken.update(range(s, e))
    return sorted(out)


def _case_form(words: Sequence[str], entry: _Entry) -> str | None:
    """"exact" if the words are written like the variant, "caps" if all-caps, else None."""
    if len(words) != len(entry.tokens):
        return None
    exact = all(w == f or (f.lower() in GENERIC_WORDS and w.lower() == f.lower()) for w, f in zip(words, entry.tokens))
    if exact:
        return "exact"
    if all(w == f.upper() for w, f in zip(words, entry.tokens)) and any(c.isalpha() for w in words for c in w):
        return "caps"
    return None


def _next_word(tk: _Toks, i: int) -> int | None:
    """Index of the next non-space token at or after i, not crossing a blank line."""
    while i < tk.n:
        if not tk.space[i]:
            return i
        if tk.blank_line(i):
            return None
        i += 1
    return None


def _prev_word(tk: _Toks, i: int) -> int | None:
    """Index of the previous non-space token before i, not crossing a blank line."""
    j = i - 1
    while j >= 0:
        if not tk.space[j]:
            return j
        if tk.blank_line(j):
            return None
        j -= 1
    return None


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _segments(tk: _Toks, text: str, ends: Iterable[int]) -> list[int]:
    """Sentence id per token: a new sentence after . ! ? or at a blank line.

    `ends` are the indices of the . ! ? tokens (from the page's one pass over its words,
    `_Marks`); the list is built from the few boundaries by list repetition rather than a
    Python step per token."""
    n = tk.n
    starts: list[int] = []
    toks = tk.text
    for i in ends:
        # but "t.ex" + "." is an abbreviation, not a sentence end
        if not (i > 0 and "." in toks[i - 1] and not tk.ws(i - 1)) and i + 1 < n:
            starts.append(i + 1)  # the sentence changes after the end mark
    if _BLANK_LINE.search(text):  # only then can a whitespace token hold a blank line
        for i in compress(range(n), tk.space):
            if toks[i].count("\n") >= 2:
                starts.append(i)  # a blank line starts a new sentence itself
        starts.sort()
    seg: list[int] = []
    prev, sid = 0, 0
    for b in starts:  # a boundary may repeat ("?" before a blank line): ids still count it
        seg += [sid] * (b - prev)
        prev, sid = b, sid + 1
    seg += [sid] * (n - prev)
    return seg


def _sentence_initial(tk: _Toks, i: int) -> bool:
    j = i - 1
    while j >= 0 and tk.space[j]:
        if "\n" in tk.text[j]:
            return True
        j -= 1
    return j < 0 or tk.text[j] in SENTENCE_END or tk.text[j] in LINE_START


@lru_cache(maxsize=65536)
def _written_form(written: tuple[str, ...]) -> tuple[tuple[str, ...], bool, dict[str, _Entry]] | None:
    """(lowercased key, all-caps?, entry per kind) for a matched name as written, or None when
    no variant is written that way (a lowercase word such as "mark", or wrong diacritics).
    Cached: the same few hundred names come back on every page."""
    gaz = _gazetteer()
    key = tuple(w.lower() for w in written)
    forms = [(e, _case_form(written, e)) for e in gaz.entries.get(key, ())]
    forms = [(e, f) for e, f in forms if f is not None]
    if not forms:
        return None
    return key, all(f == "caps" for _, f in forms), {e.kind: e for e, _ in forms}


# (takes the next word, kind, code, suffix, caps, genitive, long_form, risky, status, reason)
_SpanItem = tuple[bool, str, str, "str | None", bool, bool, bool, bool, str, str]


@lru_cache(maxsize=65536)
def _span_item(written: tuple[str, ...], suffix: str | None) -> _SpanItem | None:
    """What `_scan` makes of a matched name as written and the word after it: the `_Item`
    fields after start/end plus whether the item takes in that next word. None when no variant
    is written that way. Cached: the same names and suffixes come back on every page."""
    found = _written_form(written)
    if found is None:
        return None  # lowercase word ("mark", "vara") or wrong diacritics
    gaz = _gazetteer()
    key, caps, kinds = found
    if suffix in COUNTY_SUFFIX and key in gaz.county_stems:
        return (True, "county", gaz.county_stems[key], suffix, caps, False, False, False, "ok", "")
    if "county" in kinds:
        own_suffix = key[-1] if key[-1] in COUNTY_SUFFIX else None  # "Gotlands län"
        return (False, "county", kinds["county"].code, own_suffix, caps, False, False, False, "ok", "")
    muni = kinds.get("municipality_long") or kinds.get("municipality") or kinds.get("municipality_genitive")
    if muni is None:
        if "region" in kinds:
            return (False, "region", kinds["region"].code, None, False, False, False, False, "region", "")
        return None
    risky = muni.code in gaz.risky
    if muni.kind == "municipality_long":
        return (False, "muni", muni.code, None, caps, False, True, risky, "ok", "")
    if suffix in MUNI_SUFFIX:
        return (True, "muni", muni.code, suffix, caps, False, False, risky, "ok", "")
    if muni.kind == "municipality_genitive":
        # bare genitive; may be rescued by "Xs och Ys kommuner"
        return (False, "muni", muni.code, None, caps, True, False, risky, "drop", "")
    if caps:
        return (False, "muni", muni.code, None, caps, False, False, risky, "pending", "all-caps name without kommun/stad")
    if risky:
        return (False, "muni", muni.code, None, caps, False, False, risky, "pending",
                "name is also a common word or a person's name")
    return (False, "muni", muni.code, None, caps, False, False, risky, "ok", "")


def _scan(doc: Doc, tk: _Toks, gaz: _Gazetteer) -> list[_Item]:
    """Matcher hits -> candidate items with their suffix word and acceptance status."""
    spans = _filter_spans((s, e) for _, s, e in gaz.matcher(doc))
    items: list[_Item] = []
    text, lower, space, n_tokens = tk.text, tk.lower, tk.space, tk.n
    for start, end in spans:
        n = end if end < n_tokens and not space[end] else _next_word(tk, end)  # (usually the next token)
        made = _span_item(tuple(text[start:end]), lower[n] if n is not None else None)
        if made is None:
            continue
        with_suffix, kind, code, suffix, caps, genitive, long_form, risky, status, reason = made
        items.append(_Item(start, n + 1 if with_suffix and n is not None else end, kind, code, suffix, caps,
                           genitive, long_form, risky, status, reason))
    _resolve_ellipsis(tk, items, gaz)
    return items


def _only_separators(tk: _Toks, a: int, b: int) -> bool:
    space, lower = tk.space, tk.lower
    for i in range(a, b):  # a plain loop: the first token usually decides
        if not (space[i] or lower[i] in SEPARATORS):
            return False
    return True


def _resolve_ellipsis(tk: _Toks, items: list[_Item], gaz: _Gazetteer) -> None:
    """"Hallands och Västragötalands län", "Stenungsunds och Tjörns kommuner": the generic
    word at the end of a coordinated list applies to every item of the list."""
    for idx in range(len(items) - 1, -1, -1):
        last = items[idx]
        county = last.kind == "county" and last.suffix in COUNTY_SUFFIX
        munis = last.kind == "muni" and last.suffix in MUNI_PLURAL
        if not (county or munis):
            continue
        name_end = last.start
        for j in range(idx - 1, -1, -1):
            prev = items[j]
            if prev.suffix is not None or not any(w in SEPARATORS for w in tk.lower[prev.end : name_end]):
                break
            if not _only_separators(tk, prev.end, name_end):
                break
            key = tuple(tk.lower[prev.start : prev.end])
            if county and key in gaz.county_stems:
                prev.kind, prev.code, prev.status, prev.reason = "county", gaz.county_stems[key], "ok", ""
            elif county and prev.kind == "county":
                pass
            elif munis and prev.kind == "muni" and not prev.long_form:
                prev.status, prev.reason = "ok", ""
            else:
                break
            prev.suffix = last.suffix
            name_end = prev.start


def _chains(tk: _Toks, items: list[_Item]) -> list[list[int]]:
    """Groups of item indices separated only by commas, `och`, bullets and line breaks."""
    groups: list[list[int]] = []
    for idx, it in enumerate(items):
        if it.status == "drop":
            continue
        if groups:
            prev = items[groups[-1][-1]]
            if it.start > prev.end and _only_separators(tk, prev.end, it.start):
                groups[-1].append(idx)
                continue
        groups.append([idx])
    return groups


def _accept_pending(tk: _Toks, items: list[_Item], chains: list[list[int]]) -> None:
    """Risky and all-caps names need place context: `i X`, or a list of municipalities."""
    for chain in chains:
        munis = [items[i] for i in chain if items[i].kind == "muni"]
        if not any(m.status == "pending" for m in munis):
            continue  # (most chains: nothing to decide)
        safe = [m for m in munis if m.status == "ok" and not m.risky and not m.caps]
        for m in munis:
            if m.status != "pending":
                continue
            p = _prev_word(tk, m.start)
            if p is not None and tk.text[p] in ("i", "I"):
                m.status = "ok"
            elif safe or len(munis) >= 3:
                m.status = "ok"


def _region_passages(tk: _Toks, items: list[_Item], seg: list[int], gaz: _Gazetteer) -> None:
    """"Stockholm" in a passage listing ESF regions is the region, not the municipality."""
    per_seg: dict[int, int] = {}
    for it in items:
        if it.kind == "region":
            per_seg[seg[it.start]] = per_seg.get(seg[it.start], 0) + 1
    if not any(count >= 2 for count in per_seg.values()):
        return  # no passage lists regions (most pages)
    for it in items:
        if it.kind != "muni" or it.status != "ok" or it.suffix or it.long_form:
            continue
        key = tuple(tk.lower[it.start : it.end])
        if key in gaz.region_names and per_seg.get(seg[it.start], 0) >= 2:
            it.status, it.reason = "pending", "ESF region name in a passage listing ESF regions"


# --- roles -------------------------------------------------------------------------------


def _window_before(tk: _Toks, i: int, seg: list[int], n: int = 8) -> list[int]:
    """Up to n non-space token indices before i, in order, within i's sentence."""
    out: list[int] = []
    j = i - 1
    while j >= 0 and len(out) < n and seg[j] == seg[i]:
        if not tk.space[j]:
            out.append(j)
        j -= 1
    return out[::-1]


_LIST_WINDOW = 8  # words before a list that rule 1 looks at
_LIST_ANCHORS = WORK_VERBS | LIST_CUES | PLAIN_LIST_NOUNS  # rule 1 is true only with one of them in the window


def _list_cue(tk: _Toks, first: int, seg: list[int]) -> bool:
    """Rule 1: "kommunerna X, Y", "medlemskommuner dvs X", "genomförs i X och Y"."""
    w = _window_before(tk, first, seg, _LIST_WINDOW)
    words = [tk.lower[j] for j in w]
    # verb cue: WORK_VERB [adverbs] i/in [hela] X
    k = len(words) - 1
    if k >= 0 and words[k] in ("hela", "the", "whole"):
        k -= 1
    if k >= 0 and words[k] in ("i", "in"):
        k -= 1
        while k >= 0 and words[k] in ADVERBS:
            k -= 1
        if k >= 0 and words[k] in WORK_VERBS:
            return True
    # list cue: CUE [gap words] X
    k = len(words) - 1
    gap: list[str] = []
    while k >= 0 and words[k] in GAP_WORDS and len(gap) < 4:
        gap.append(words[k])
        k -= 1
    if k < 0:
        return False
    if words[k] in LIST_CUES:
        return True
    if words[k] in PLAIN_LIST_NOUNS:
        before = words[k - 1] if k >= 1 else ""
        explained = any(g in EXPLAINERS for g in gap)
        counted = before.isdigit() or before in _NUMBER_WORDS
        return before in LIST_QUALIFIERS or (explained and (counted or before in ("alla", "samtliga", "all")))
    return False


_NUMBER_WORDS = frozenset({"två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"})


def _partner_cue(tk: _Toks, it: _Item, seg: list[int]) -> bool:
    """Rule 2: "i samverkan med Arboga kommun, ..." - a municipal organisation as partner."""
    if not (it.suffix in MUNI_SUFFIX or it.long_form):
        return False
    j = it.start - 1
    stop = max(0, it.start - MAX_LOOKBACK)
    while j > stop and seg[j] == seg[it.start]:
        if tk.lower[j] in ("med", "with") and tk.lower[j - 1] in PARTNER_WORDS:
            return True
        j -= 1
    return False


def _project_heads(tk: _Toks, items: list[_Item]) -> set[tuple[str, str]]:
    """(ACRONYM, kommunkod) for project names like "MIA Södertälje" (a local sub-project)."""
    heads: set[tuple[str, str]] = set()
    for it in items:
        if it.kind != "muni" or it.status != "ok":
            continue
        p = it.start - 1
        if p >= 0 and not tk.space[p]:
            t = tk.text[p]
            if len(t) >= 2 and t.isalpha() and t.isupper() and t.lower() not in GENERIC_WORDS:
                heads.add((t, it.code))
    return heads


_SUBJECT_CUES = NOT_PROJECT_WORK | PROJECT_SUBJECTS | {"project"}
_MARKED_WORDS = SENTENCE_END | _SUBJECT_CUES | _LIST_ANCHORS  # the tokens `_analyse_text` indexes


def _subject_cue_positions(tk: _Toks, marked: list[int], heads: set[tuple[str, str]]) -> list[int]:
    """Indices of the tokens that can decide rule 3 (see `_project_cue`), in order: the
    static cue words among the page's `marked` tokens, plus every use of a project head word."""
    cues = [i for i in marked if tk.lower[i] in _SUBJECT_CUES]
    if heads:
        words = {t.lower() for t, _ in heads} - _SUBJECT_CUES
        cues = sorted(cues + list(compress(range(tk.n), map(words.__contains__, tk.lower))))
    return cues


def _project_cue(tk: _Toks, it: _Item, seg: list[int], heads: set[tuple[str, str]], cues: list[int]) -> bool:
    """Rule 3: the project is the subject and works "i X" (subject within MAX_LOOKBACK tokens).

    `cues` lists the only tokens the look-back can stop at, so it jumps from one to the next
    instead of visiting every token of a long sentence."""
    p = _prev_word(tk, it.start)
    if p is not None and tk.lower[p] in ("hela",):
        p = _prev_word(tk, p)
    if p is None or tk.lower[p] not in ("i", "in"):
        return False
    before = _prev_word(tk, p)
    if before is not None and tk.lower[before].endswith(ORG_ENDINGS):
        return False
    stop = max(-1, p - MAX_LOOKBACK)
    sentence = seg[it.start]
    k = bisect_right(cues, p - 1) - 1
    while k >= 0:
        j = cues[k]
        if j <= stop or seg[j] != sentence:
            return False
        word = tk.lower[j]
        if word in NOT_PROJECT_WORK:
            return False
        if word in PROJECT_SUBJECTS or (tk.text[j], it.code) in heads:
            return True
        if word == "project" and j > 0 and tk.lower[j - 1] in ("the", "this"):
            return True
        k -= 1
    return False


def _evidence(text: str, tk: _Toks, start: int, end: int) -> str:
    """The matched tokens with ~30 characters on each side."""
    if start >= end or end > tk.n:
        return ""
    a, b = tk.idx(start), tk.idx(end - 1) + len(tk.text[end - 1])
    return " ".join(text[max(0, a - CONTEXT_CHARS) : b + CONTEXT_CHARS].split())  # whitespace runs -> one space


def _mention(m: Municipality, role: str, evidence: str) -> PlaceMention:
    return PlaceMention(m.kommunkod, m.kommun, m.lanskod, m.lan, m.esf_region, m.nuts2, role, evidence)


def _county_mention(c: County, role: str, evidence: str) -> CountyMention:
    return CountyMention(c.lanskod, c.lan, role, evidence)


def _analyse_text(text: str) -> tuple[list[PlaceMention], list[CountyMention], list[Doubtful]]:
    gaz = _gazetteer()
    doc = _tokenizer()(text)
    tk = _Toks(doc)
    items = _scan(doc, tk, gaz)
    marked = tk.marked
    seg = _segments(tk, text, [i for i in marked if tk.lower[i] in SENTENCE_END])
    chains = _chains(tk, items)
    _accept_pending(tk, items, chains)
    _region_passages(tk, items, seg, gaz)
    heads = _project_heads(tk, items)
    cues = _subject_cue_positions(tk, marked, heads)
    chain_of = {idx: n for n, chain in enumerate(chains) for idx in chain}
    # Rule 1 needs a cue word among the 8 words before a list: where none is near, skip it.
    anchors = [i for i in marked if tk.lower[i] in _LIST_ANCHORS]

    def _may_list_cue(first: int) -> bool:
        k = bisect_right(anchors, first - 1) - 1
        if k < 0:
            return False
        p = anchors[k]
        # the anchor's sentence, and at most _LIST_WINDOW words (non-space tokens) from it
        return seg[p] == seg[first] and (first - p) - sum(tk.space[p:first]) <= _LIST_WINDOW

    chain_named: dict[int, bool] = {}
    project_cues: dict[int, bool] = {}

    def project_cue(idx: int) -> bool:
        """Rule 3 for item idx, once (a one-item list asks it for the list and for the item)."""
        if idx not in project_cues:
            project_cues[idx] = _project_cue(tk, items[idx], seg, heads, cues)
        return project_cues[idx]

    def in_named_chain(idx: int) -> bool:
        """A list is named as a whole: by a cue before it ("i kommunerna ..."), or when its first
        item is named as where the project works ("studerar i Vallentuna, Österåker och ...").
        Evaluated lazily: most items are repeats that never need it."""
        n = chain_of.get(idx)
        if n is None:
            return False
        if n not in chain_named:
            first = items[chains[n][0]]
            chain_named[n] = _may_list_cue(first.start) and _list_cue(tk, first.start, seg) or (
                first.kind == "muni" and first.status != "pending" and project_cue(chains[n][0])
            )
        return chain_named[n]

    mentions: list[PlaceMention] = []
    counties: list[CountyMention] = []
    doubtful: list[Doubtful] = []
    # Only the first mention per (kind, code, role) survives deduplication (`_find_places`),
    # so later repeats ("i Gävle" ten times, a region menu) skip the role rules and evidence.
    roles_seen: dict[tuple[str, str], set[str]] = {}  # (kind, code) -> roles already given
    for idx, it in enumerate(items):
        if it.kind == "region" or it.status == "drop":
            continue
        if it.status == "pending":
            name = text[tk.idx(it.start) : tk.idx(it.end - 1) + len(tk.text[it.end - 1])]
            reason = it.reason
            if it.risky and _sentence_initial(tk, it.start):
                reason += " (sentence-initial)"
            doubtful.append(Doubtful(name, reason, _evidence(text, tk, it.start, it.end)))
            continue
        key = (it.kind, it.code)
        roles = roles_seen.get(key)
        if roles is not None and len(roles) == 2:  # named and mentioned both given
            continue
        named = in_named_chain(idx) or project_cue(idx)
        if it.kind == "muni":
            named = named or _partner_cue(tk, it, seg)
        role = ROLE_NAMED if named else ROLE_MENTIONED
        if roles is None:
            roles = roles_seen[key] = set()
        elif role in roles:
            continue
        roles.add(role)
        if it.kind == "muni":
            m = municipality_by_code(it.code)
            if m is not None:
                mentions.append(_mention(m, role, _evidence(text, tk, it.start, it.end)))
        else:
            c = county_by_code(it.code)
            if c is not None:
                counties.append(_county_mention(c, role, _evidence(text, tk, it.start, it.end)))
    return mentions, counties, doubtful


@lru_cache(maxsize=4096)
def _owner_places(owner: str) -> tuple[tuple[PlaceMention, ...], tuple[CountyMention, ...]]:
    """Municipal organisations (`X kommun`, `Xs stad`, `Region Gotland`) and counties in the owner.
    Cached: the same owners run many projects."""
    gaz = _gazetteer()
    doc = _tokenizer()(owner)
    items = _scan(doc, _Toks(doc), gaz)
    ev = re.sub(r"\s+", " ", owner).strip()[:120]
    munis: list[PlaceMention] = []
    counties: list[CountyMention] = []
    for it in items:
        if it.kind == "muni" and it.status == "ok" and (it.suffix in MUNI_SUFFIX or it.long_form):
            m = municipality_by_code(it.code)
            if m is not None:
                munis.append(_mention(m, ROLE_OWNER, ev))
        elif it.kind == "county" and it.status == "ok":
            c = county_by_code(it.code)
            if c is not None:
                counties.append(_county_mention(c, ROLE_OWNER, ev))
    return tuple(munis), tuple(counties)


def _clean_item(item: str) -> str:
    return re.sub(r"\s+", " ", item).strip(" \t•*·-–,.;:")


def _dedupe_mentions(ms: Iterable[PlaceMention]) -> tuple[PlaceMention, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for m in ms:
        if (m.kommunkod, m.role) not in seen:
            seen.add((m.kommunkod, m.role))
            out.append(m)
    return tuple(out)


def _dedupe_counties(cs: Iterable[CountyMention]) -> tuple[CountyMention, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in cs:
        if (c.lanskod, c.role) not in seen:
            seen.add((c.lanskod, c.role))
            out.append(c)
    return tuple(out)


def _find_places(text: str, listed_items: Sequence[str], owner: str | None) -> PlaceResult:
    owner_munis: tuple[PlaceMention, ...] = ()
    owner_counties: tuple[CountyMention, ...] = ()
    if isinstance(owner, str) and owner.strip():
        owner_munis, owner_counties = _owner_places(owner)
    text_munis, text_counties, doubtful = _analyse_text(text if isinstance(text, str) else "")

    listed: list[PlaceMention] = []
    listed_counties: list[CountyMention] = []
    unmatched: list[str] = []
    for raw in listed_items or ():
        if not isinstance(raw, str):
            continue
        item = _clean_item(raw)
        if not item:
            continue
        m = lookup_municipality(item)
        if m is not None:
            listed.append(_mention(m, ROLE_LISTED, f"Kommun: {item}"))
            continue
        unmatched.append(item)
        c = lookup_county(item)
        if c is not None:
            listed_counties.append(_county_mention(c, ROLE_LISTED, f"Kommun: {item}"))

    mentions = [*owner_munis, *text_munis, *listed]
    implied: list[CountyMention] = []
    for pm in mentions:
        if pm.role in (ROLE_LISTED, ROLE_NAMED, ROLE_OWNER):
            county = county_by_code(pm.lanskod)
            if county is not None:
                implied.append(_county_mention(county, pm.role, f"via {pm.kommun}: {pm.evidence}"))
    all_counties = [*owner_counties, *text_counties, *listed_counties, *implied]
    return PlaceResult(
        mentions=_dedupe_mentions(mentions),
        counties=_dedupe_counties(all_counties),
        unmatched_list_items=tuple(unmatched),
        doubtful=tuple(doubtful),
    )


def find_places(text: str, *, listed_items: Sequence[str] = (), owner: str | None = None) -> PlaceResult:
    """Municipality and county mentions of one page, with roles; never raises.

    `text` is the page prose (the fact block removed by the caller), `listed_items` the items of
    the page's Kommun list and `owner` the owning organisation as written. An unexpected failure
    is reported as a single `Doubtful` (reason "internal error") so one odd page cannot stop a
    nightly run.
    """
    try:
        return _find_places(text, listed_items, owner)
    except Exception as exc:  # pragma: no cover - defensive; the property test runs _find_places
        return PlaceResult((), (), (), (Doubtful("", f"internal error: {type(exc).__name__}: {exc}", ""),))


def project_municipalities(result: PlaceResult) -> list[PlaceMention]:
    """The project's municipalities: the Kommun list if the page has one, else the prose-named
    ones. Owner and incidental mentions never count on their own (an owner works for others;
    a place in background text is not where the project runs)."""
    for role in (ROLE_LISTED, ROLE_NAMED):
        picked: list[PlaceMention] = []
        seen: set[str] = set()
        for m in result.mentions:
            if m.role == role and m.kommunkod not in seen:
                seen.add(m.kommunkod)
                picked.append(m)
        if picked:
            return picked
    return []
