"""The one shared spaCy pipeline: a blank Swedish tokeniser, loaded once per process.

No trained Swedish model is installable here, so every stage that needs tokens uses
`spacy.blank("sv")` plus its own rules and matchers.

Two spaCy behaviours cost more than all the rules put together, so tokenising goes through
`RenewingTokenizer` rather than `nlp.tokenizer` directly:

* The whitespace special cases make spaCy bypass its word cache for the rest of a Doc once it
  meets a newline (spaCy issue #13950); `get_nlp` removes them (identical tokens).
* The word cache holds at most `max_cache_size` chunks (10,000 by default) and then simply
  stops caching: in a long run every word not seen in the first few hundred pages is split by
  the affix regexes again on every page, which made tokenising ~6× slower after ~500 pages.
  The tokeniser is rebuilt (a fresh, empty cache) before the cache could fill up.

Runs of punctuation or symbols made spaCy super-linear: it peels affixes off a word one at a
time and searches the whole rest of the word for a suffix each time, so 32 KB of `(((` or
`%%%` took minutes. `guarded` cuts runs longer than MAX_SYMBOL_RUN into pieces that are
tokenised apart (text and offsets unchanged; text without such runs is tokenised as before),
and `copy_tokenizer` searches for suffixes in the last SUFFIX_WINDOW characters only (no
suffix of the shared rules is longer unless it is a run of dots, which the cut bounds).

Every word the vocabulary has not seen gets a lexeme, and spaCy computes ~20 attributes for it
in Python (shape, prefix, suffix, like_num, is_stop ...): ~11 µs a word, and a 10,000-page run
meets ~30,000 new words (numbers, names) in each process. Our lexemes get only the attributes
the pipeline reads (`LEX_ATTRS`: ~2 µs a word); tests check that tokens, sentences and those
attributes' values stay those of `spacy.blank("sv")`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

CACHE_CHUNKS = 2_000_000  # chunks spaCy's cache holds at most (max_cache_size): ~120 MB if every one were new
RENEW_TOKENS = 25_000_000  # tokens between renewals of a RenewingTokenizer (~30,000 pages)
# The lexeme attributes anything here reads: LOWER (the places PhraseMatcher matches on it),
# IS_SPACE (place names' tokens) and IS_PUNCT (the sentencizer).
LEX_ATTRS = frozenset({LOWER, IS_SPACE, IS_PUNCT})


# Runs of more than this many punctuation/symbol characters are cut into pieces of at least
# half as many (normal text has none so long but separator lines and dotted leaders).
MAX_SYMBOL_RUN = 64
SUFFIX_WINDOW = 64  # >= MAX_SYMBOL_RUN: a suffix of the shared rules is at most a run of dots
_LONG_RUN = re.compile(r"(?:[^\w\s]|_){%d,}" % (MAX_SYMBOL_RUN + 1))
# Every 32nd character of a text: a run of more than 64 symbols holds two of them side by side,
# so a text whose sample has no two symbols in a row has no long run (searching the sample costs
# ~1/20 of searching the text, which is what every page pays).
_SAMPLE_STEP = (MAX_SYMBOL_RUN + 1) // 2
_SAMPLED_PAIR = re.compile(r"(?:[^\w\s]|_){2}")


def has_long_symbol_run(text: str) -> bool:
    """Whether `text` holds a run of more than MAX_SYMBOL_RUN punctuation/symbol characters
    (`_LONG_RUN`, searched only where the sample says a run may be)."""
    return _SAMPLED_PAIR.search(text[::_SAMPLE_STEP]) is not None and _LONG_RUN.search(text) is not None


def _cuts(text: str) -> list[int]:
    """Offsets at which long symbol runs are cut: every MAX_SYMBOL_RUN // 2 characters into a
    run, the last piece of a run kept at least that long."""
    step = MAX_SYMBOL_RUN // 2
    cuts: list[int] = []
    for m in _LONG_RUN.finditer(text):
        cuts.extend(range(m.start() + step, m.end() - step + 1, step))
    return cuts


def guarded(tokenizer: Tokenizer, text: str) -> Doc:
    """tokenizer(text), in time linear in the length of symbol runs: a text holding a run of
    more than MAX_SYMBOL_RUN punctuation/symbol characters is tokenised in pieces cut inside
    such runs, and the pieces' tokens make one Doc of the same text."""
    if not has_long_symbol_run(text):
        return tokenizer(text)
    words: list[str] = []
    spaces: list[bool] = []
    start = 0
    for end in [*_cuts(text), len(text)]:
        for t in tokenizer(text[start:end]):
            words.append(t.text)
            spaces.append(bool(t.whitespace_))
        start = end
    return Doc(tokenizer.vocab, words=words, spaces=spaces)


def _windowed(suffix_search: Callable[..., Any]) -> Callable[[str], Any]:
    """spaCy's suffix search over the last SUFFIX_WINDOW characters only (lookbehinds still
    see the characters before): the same match whenever the suffix is shorter than that."""
    if getattr(suffix_search, "windowed", False):
        return suffix_search

    def search(text: str) -> Any:
        return suffix_search(text, len(text) - SUFFIX_WINDOW) if len(text) > SUFFIX_WINDOW else suffix_search(text)

    search.windowed = True  # type: ignore[attr-defined]
    return search


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Return the blank Swedish pipeline with the sentencizer, tuned for speed."""
    nlp = spacy.blank("sv")
    vocab = cast(Any, nlp.vocab)  # (spaCy's type stub lacks lex_attr_getters)
    vocab.lex_attr_getters = {attr: get for attr, get in vocab.lex_attr_getters.items() if attr in LEX_ATTRS}
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    tokenizer.rules = {k: v for k, v in (tokenizer.rules or {}).items() if not k.isspace()}
    nlp.add_pipe("sentencizer")
    return nlp


def copy_tokenizer(tk: Tokenizer, *, special_cases: bool = True) -> Tokenizer:
    """A new tokeniser with tk's rules (optionally without its special cases) and an empty cache."""
    new = Tokenizer(
        tk.vocab,
        rules=(tk.rules or {}) if special_cases else {},
        prefix_search=tk.prefix_search,
        suffix_search=_windowed(tk.suffix_search),
        infix_finditer=tk.infix_finditer,
        token_match=tk.token_match,
        url_match=tk.url_match,
    )
    new.max_cache_size = CACHE_CHUNKS
    return new


class RenewingTokenizer:
    """A spaCy tokeniser that is replaced by a fresh copy every `budget` tokens.

    spaCy stops adding to its word cache once it holds `max_cache_size` chunks (CACHE_CHUNKS
    in our copies), which bounds its memory; a long run's vocabulary drifts, so a fresh copy
    every RENEW_TOKENS tokens lets the cache follow it. Renewing more often only throws away a
    warm cache: every 2M tokens (the first budget) cost places ~8 % more time, A/B in one process.
    """

    def __init__(self, build: Callable[[], Tokenizer], budget: int = RENEW_TOKENS) -> None:
        self._build = build
        self._budget = budget
        self._tok = build()
        self._used = 0

    @property
    def budget(self) -> int:
        """Tokens between renewals."""
        return self._budget

    def __call__(self, text: str) -> Doc:
        doc = guarded(self._tok, text)
        self._used += len(doc) + 1
        if self._used >= self._budget:
            self._tok = self._build()
            self._used = 0
        return doc


@lru_cache(maxsize=1)
def _shared_tokenizer() -> RenewingTokenizer:
    nlp = get_nlp()
    return RenewingTokenizer(lambda: copy_tokenizer(cast(Tokenizer, nlp.tokenizer)))


def tokenize(text: str) -> Doc:
    """Tokens of text with the shared Swedish rules ("t.ex." stays one token)."""
    return _shared_tokenizer()(text)


def sentence_doc(text: str) -> Doc:
    """Tokens of text with sentence starts set by spaCy's rule-based sentencizer."""
    doc = tokenize(text)
    return cast(Doc, get_nlp().get_pipe("sentencizer")(doc))
