"""The shared tokenisers: same tokens as spaCy's own Swedish tokeniser, a word cache that is
renewed before spaCy would stop caching (max_cache_size), and no drift across renewals."""

from __future__ import annotations

import spacy
from spacy.tokenizer import Tokenizer

from pipeline.text.nlp import (
    CACHE_CHUNKS,
    LEX_ATTRS,
    RENEW_TOKENS,
    RenewingTokenizer,
    copy_tokenizer,
    get_nlp,
    sentence_doc,
    tokenize,
)

TEXTS = [
    "Projektet drivs av Botkyrka kommun, t.ex. i samverkan med Huddinge.\nMålet är att 40 % ska få jobb.",
    "Beviljat ESF-stöd: 2 761 412 kr\n\nProjektperiod: 2016-08-01-2019-03-31",
    "Kontakta oss på 851 86 Sundsvall, bl.a. via info@example.se eller www.esf.se/projekt.",
    "  Indragen rad\tmed tabb\r\noch Windows-radslut; (parentes) \"citat\" – tankstreck.",
    'Han sa: "Klart." Sedan (efter mötet!) gick vi. Slut?! ... Nästa: [a.] b) c.) "d".',
]


def _words(doc: object) -> list[tuple[str, bool]]:
    return [(t.text, bool(t.whitespace_)) for t in doc]  # type: ignore[attr-defined]


def test_shared_tokens_equal_spacys_swedish_tokeniser() -> None:
    reference = spacy.blank("sv")
    for text in TEXTS:
        assert _words(tokenize(text)) == _words(reference(text))


def test_sentences_come_from_spacys_sentencizer() -> None:
    reference = spacy.blank("sv")
    reference.add_pipe("sentencizer")
    for text in TEXTS:
        assert [s.text for s in sentence_doc(text).sents] == [s.text for s in reference(text).sents]


def test_copies_get_a_large_bounded_cache_and_are_renewed_less_often() -> None:
    tk = copy_tokenizer(get_nlp().tokenizer)  # type: ignore[arg-type]
    assert tk.max_cache_size == CACHE_CHUNKS > 10_000  # spaCy's default would stop caching early
    assert RenewingTokenizer(lambda: tk).budget == RENEW_TOKENS > CACHE_CHUNKS


def test_renewal_keeps_tokens_identical() -> None:
    built: list[Tokenizer] = []

    def build() -> Tokenizer:
        built.append(copy_tokenizer(get_nlp().tokenizer))  # type: ignore[arg-type]
        return built[-1]

    renewing = RenewingTokenizer(build, budget=50)
    reference = spacy.blank("sv")
    for _ in range(5):
        for text in TEXTS:
            assert _words(renewing(text)) == _words(reference(text))
    assert len(built) > 3  # renewed every ~50 tokens, and still the same tokens


def test_new_words_get_spacys_values_for_the_attributes_the_pipeline_reads() -> None:
    """Lexemes get only LEX_ATTRS (creating one is ~5x cheaper), with spaCy's own values."""
    reference = spacy.blank("sv")
    words = ["Botkyrka", "KOMMUN", "Östersunds", "ÅRE", "2 761", "30.976", "...", ")", "”", "«", "–", "-",
             "\n\n", "  ", "\t", "t.ex.", "Jämtland-Härjedalen", "42", "www.esf.se", "info@example.se", "§", "%"]
    words += [f"nyttord{i}" for i in range(3)]  # not in any vocabulary yet
    for w in words:
        ours, ref = get_nlp().vocab[w], reference.vocab[w]
        assert (ours.lower_, ours.is_space, ours.is_punct) == (ref.lower_, ref.is_space, ref.is_punct), w
    assert set(get_nlp().vocab.lex_attr_getters) == LEX_ATTRS
