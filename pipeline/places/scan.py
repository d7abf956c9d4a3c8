"""From text to tokens and candidate place names: the fast path of place recognition.

`scan(text)` tokenises a page and finds every span written like a gazetteer name; which of
them are places, and in which role, is decided by `pipeline.places.roles`. A candidate is a
run of whole tokens whose lower-cased form is a gazetteer variant (municipality, county or
ESF region) and that is written like the variant - capitalised as the variant is (generic
words such as "län" or "region" in any case) or all in capitals - so "Habo" is not "Håbo" and
"mark" is not Mark. Overlapping candidates are resolved longest-first ("Region Stockholm" is
not Stockholm).

`scan_reference(text)` gives the same result the plain way (a loop over spaCy's tokens and
over every run of tokens); tests compare the two. The fast path owes its speed to:

* one spaCy `PhraseMatcher` (attr LOWER) built once per process instead of a look-up per run;
* a tokeniser without spaCy's special cases ("t.ex.", "bl.a."), renewed now and then, see
  `_tokenizer`;
* token texts read from the Doc once, through a cache from token hash to (text, lower-cased,
  whitespace?, indexed word?), since indexing a Doc builds a Token object per access;
* sentence ids built from the few sentence boundaries by list repetition;
* a cache from a name as written to what the gazetteer knows about it (`Name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import NamedTuple, cast

from spacy.attrs import ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from pipeline.places.gazetteer import counties, esf_region_variants, risky_names, variants
from pipeline.places.vocabulary import GENERIC_WORDS, SENTENCE_END
from pipeline.text.nlp import RenewingTokenizer, copy_tokenizer, get_nlp, guarded


@dataclass(frozen=True)
class Entry:
    """One written form of the gazetteer, tokenised."""

    kind: str  # municipality | municipality_genitive | municipality_long | county | region
    code: str  # kommunkod, lanskod or ESF region name
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class PlaceIndex:
    """The gazetteer as the scan and the rules use it, built once per process."""

    matcher: PhraseMatcher
    entries: dict[tuple[str, ...], tuple[Entry, ...]]  # lower-cased tokens -> variants
    county_stems: dict[tuple[str, ...], str]  # "stockholms" -> "01" (stem of "Stockholms län")
    region_names: frozenset[tuple[str, ...]]  # lower-cased ESF region forms
    risky: frozenset[str]  # kommunkoder whose name is also a word or a person's name


@dataclass(frozen=True, eq=False)
class Name:
    """A gazetteer name as written on a page. Compared (and hashed) by identity, which is cheap
    for the caches keyed on it: the scan makes one object per written form (while cached), and
    a second object for the same form only costs a cache miss."""

    written: tuple[str, ...]
    key: tuple[str, ...]  # lower-cased: the gazetteer key
    caps: bool  # written all-caps (no variant is written this way)
    kinds: Mapping[str, Entry]  # variant kind -> the variant written this way


class Candidate(NamedTuple):
    """A span written like a gazetteer name."""

    start: int  # first token
    end: int  # end of the name (exclusive)
    next_word: int | None  # the next non-space token, not across a blank line (kommun? län?)
    name: Name


class Scan:
    """A page's tokens (plain lists), sentence ids and candidate place names."""

    __slots__ = ("text", "doc", "words", "lower", "space", "n", "sentence", "indexed", "candidates")

    def __init__(self, text: str, doc: Doc, words: list[str], lower: list[str], space: list[bool],
                 sentence: list[int], indexed: list[int], candidates: list[Candidate]) -> None:
        self.text = text
        self.doc = doc
        self.words = words  # token texts (whitespace tokens included)
        self.lower = lower  # lower-cased token texts
        self.space = space  # whether the token is whitespace
        self.n = len(words)
        self.sentence = sentence  # sentence id per token: new after . ! ? and at a blank line
        self.indexed = indexed  # positions of the tokens whose lower-cased text is an indexed word
        self.candidates = candidates

    def positions(self, words: frozenset[str]) -> list[int]:
        """Positions of the tokens whose lower-cased text is in words (a subset of the words
        the scan indexed), in order."""
        lower = self.lower
        return [i for i in self.indexed if lower[i] in words]

    def offset(self, i: int) -> int:
        """Character offset of token i (asked for a few tokens per page: evidence, names)."""
        return cast(int, self.doc[i].idx)

    def space_after(self, i: int) -> bool:
        """Whether a space follows token i."""
        return bool(self.doc[i].whitespace_)

    def blank_line(self, i: int) -> bool:
        return self.space[i] and self.words[i].count("\n") >= 2

    def next_word(self, i: int) -> int | None:
        """Index of the next non-space token at or after i, not crossing a blank line."""
        while i < self.n:
            if not self.space[i]:
                return i
            if self.blank_line(i):
                return None
            i += 1
        return None

    def prev_word(self, i: int) -> int | None:
        """Index of the previous non-space token before i, not crossing a blank line."""
        j = i - 1
        while j >= 0:
            if not self.space[j]:
                return j
            if self.blank_line(j):
                return None
            j -= 1
        return None

    def span_text(self, start: int, end: int) -> str:
        """The page text of tokens start..end-1."""
        return self.text[self.offset(start) : self.offset(end - 1) + len(self.words[end - 1])]


# --- the gazetteer index -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _tokenizer() -> RenewingTokenizer:
    """The shared Swedish tokeniser's affix rules without its special cases ("t.ex.", "bl.a.").

    spaCy stops caching words for the rest of a Doc once a special case has matched, which
    made a 5 KB page take ~6 ms to tokenise instead of ~0.2 ms. No place name involves a special
    case, and patterns and pages go through this same tokeniser, so matches are unaffected;
    the only difference is that "t.ex." becomes "t.ex" + "." (see `_sentence_ids`).
    """
    tk = cast(Tokenizer, get_nlp().tokenizer)
    return RenewingTokenizer(lambda: copy_tokenizer(tk, special_cases=False))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in _tokenizer()(text) if not t.is_space)


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """Build the PhraseMatcher and its lookup tables once per process."""
    nlp = get_nlp()
    table: dict[tuple[str, ...], list[Entry]] = {}
    stems: dict[tuple[str, ...], str] = {}

    def add(kind: str, code: str, text: str) -> None:
        toks = _tokens(text)
        if not toks:
            return
        key = tuple(t.lower() for t in toks)
        entry = Entry(kind, code, toks)
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
    return PlaceIndex(
        matcher=matcher,
        entries={k: tuple(v) for k, v in table.items()},
        county_stems=stems,
        region_names=frozenset(region_keys),
        risky=risky_names(),
    )


def _case_form(words: Sequence[str], entry: Entry) -> str | None:
    """"exact" if the words are written like the variant, "caps" if all-caps, else None."""
    if len(words) != len(entry.tokens):
        return None
    exact = all(w == f or (f.lower() in GENERIC_WORDS and w.lower() == f.lower()) for w, f in zip(words, entry.tokens))
    if exact:
        return "exact"
    if all(w == f.upper() for w, f in zip(words, entry.tokens)) and any(c.isalpha() for w in words for c in w):
        return "caps"
    return None


def _name(written: tuple[str, ...], index: PlaceIndex) -> Name | None:
    """What the gazetteer knows about a name as written, or None when no variant is written that
    way (a lowercase word such as "mark", or wrong diacritics)."""
    key = tuple(w.lower() for w in written)
    forms = [(e, _case_form(written, e)) for e in index.entries.get(key, ())]
    forms = [(e, f) for e, f in forms if f is not None]
    if not forms:
        return None
    return Name(written, key, all(f == "caps" for _, f in forms), {e.kind: e for e, _ in forms})


@lru_cache(maxsize=65536)
def _cached_name(written: tuple[str, ...]) -> Name | None:
    """`_name`, cached: the same few hundred names come back on every page."""
    return _name(written, place_index())


# --- the fast path -----------------------------------------------------------------------


_TokenInfo = tuple[str, str, bool, bool]  # text, lower-cased text, whitespace?, an indexed word?
_FIRST, _SECOND, _THIRD, _FOURTH = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


class _OrthInfo(dict[int, _TokenInfo]):
    """Token hash -> `_TokenInfo`, filled from spaCy's StringStore on first use (a dict lookup
    is a third of the cost of decoding the stored string again for every token of every page,
    and of lower-casing it again)."""

    def __init__(self, indexed: frozenset[str]) -> None:  # (the sentence ends are always indexed)
        super().__init__()
        self.indexed = indexed | SENTENCE_END

    def __missing__(self, orth: int) -> _TokenInfo:
        if len(self) > 500_000:  # bounded: a long run meets ever new numbers and names
            self.clear()
        text: str = get_nlp().vocab.strings[orth]
        lower = text.lower()
        info = self[orth] = (text, lower, text.isspace(), lower in self.indexed)
        return info


@lru_cache(maxsize=4)
def _orth_info(indexed: frozenset[str]) -> _OrthInfo:
    return _OrthInfo(indexed)


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


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _sentence_ids(text: str, words: list[str], space: list[bool], ends: Iterable[int], doc: Doc) -> list[int]:
    """Sentence id per token, from the indices of the . ! ? tokens; built from the few
    boundaries by list repetition rather than a Python step per token."""
    n = len(words)
    starts: list[int] = []
    for i in ends:
        # but "t.ex" + "." is an abbreviation, not a sentence end
        if not (i > 0 and "." in words[i - 1] and not doc[i - 1].whitespace_) and i + 1 < n:
            starts.append(i + 1)  # the sentence changes after the end mark
    if _BLANK_LINE.search(text):  # only then can a whitespace token hold a blank line
        for i in compress(range(n), space):
            if words[i].count("\n") >= 2:
                starts.append(i)  # a blank line starts a new sentence itself
        starts.sort()
    seg: list[int] = []
    prev, sid = 0, 0
    for b in starts:  # a boundary may repeat ("?" before a blank line): ids still count it
        seg += [sid] * (b - prev)
        prev, sid = b, sid + 1
    seg += [sid] * (n - prev)
    return seg


def scan(text: str, indexed: frozenset[str] = frozenset()) -> Scan:
    """Tokens, sentence ids and candidate names of a text; `indexed` are the words (lower-cased)
    whose positions the caller will ask for (`Scan.positions`)."""
    index = place_index()
    doc = _tokenizer()(text)
    orths = doc.to_array(ORTH).tolist()
    info = list(map(_orth_info(indexed).__getitem__, orths))
    words = list(map(_FIRST, info))
    lower = list(map(_SECOND, info))
    space = list(map(_THIRD, info))
    marked = list(compress(range(len(orths)), map(_FOURTH, info)))
    sentence = _sentence_ids(text, words, space, [i for i in marked if lower[i] in SENTENCE_END], doc)
    out = Scan(text, doc, words, lower, space, sentence, marked, [])
    n_tokens = out.n
    candidates = out.candidates
    make = tuple.__new__  # (a Candidate without NamedTuple's Python-level __new__)
    for start, end in _filter_spans((s, e) for _, s, e in index.matcher(doc)):
        name = _cached_name(tuple(words[start:end]))
        if name is not None:
            nxt = end if end < n_tokens and not space[end] else out.next_word(end)  # (usually the next token)
            candidates.append(make(Candidate, (start, end, nxt, name)))
    return out


# --- the reference -----------------------------------------------------------------------


def scan_reference(text: str, indexed: frozenset[str] = frozenset()) -> Scan:
    """`scan` the plain way, for tests: spaCy's tokeniser without special cases, a loop over
    its tokens, and a gazetteer look-up of every run of tokens, longest first."""
    index = place_index()
    doc = guarded(copy_tokenizer(cast(Tokenizer, get_nlp().tokenizer), special_cases=False), text)
    words = [t.text for t in doc]
    lower = [w.lower() for w in words]
    space = [w.isspace() for w in words]
    n = len(words)
    sentence: list[int] = []
    sid = 0
    for i in range(n):
        if space[i] and words[i].count("\n") >= 2:
            sid += 1  # a blank line starts a sentence
        sentence.append(sid)
        ended = words[i] in SENTENCE_END and not (i > 0 and "." in words[i - 1] and not doc[i - 1].whitespace_)
        if ended and i + 1 < n:
            sid += 1
    marked = [i for i in range(n) if lower[i] in indexed | SENTENCE_END]
    out = Scan(text, doc, words, lower, space, sentence, marked, [])
    longest = max(len(k) for k in index.entries)
    taken = [False] * n
    found: list[tuple[int, int]] = []
    for length in range(longest, 0, -1):
        for start in range(n - length + 1):
            end = start + length
            if any(taken[start:end]) or tuple(lower[start:end]) not in index.entries:
                continue
            found.append((start, end))
            for i in range(start, end):
                taken[i] = True
    for start, end in sorted(found):
        name = _name(tuple(words[start:end]), index)
        if name is not None:
            nxt = next((i for i in range(end, n) if not space[i]), None)
            if nxt is not None and any(out.blank_line(i) for i in range(end, nxt)):
                nxt = None
            out.candidates.append(Candidate(start, end, nxt, name))
    return out
