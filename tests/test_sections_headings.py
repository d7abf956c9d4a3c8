"""split_sections looks only at lines whose first word starts a known heading: the same
sections as normalising, looking up and matching every line."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.layout import sections as sc


def _plain_heading_kind(line: str) -> str | None:
    """sections._heading_kind without the first-word test."""
    s = " ".join(line.split()).rstrip(":").strip()
    if not s or len(s) > sc._MAX_HEADING:
        return None
    key = s.casefold()
    if key in sc._HEADINGS:
        return sc._HEADINGS[key]
    if len(s) <= 60 and not s.endswith((".", "!", "?")) and not re.search(r"\d", s):
        for prefix, kind in sc._PREFIX_HEADINGS:
            if key.startswith(prefix + " ") or key == prefix:
                return kind
    return None


_HEADS = sorted(sc._HEADINGS) + [p for p, _ in sc._PREFIX_HEADINGS]
_PART = st.one_of(
    st.sampled_from(_HEADS).map(str.upper), st.sampled_from(_HEADS).map(str.title), st.sampled_from(_HEADS),
    st.sampled_from([":", "::", " :", "och", "med", "1", ".", "ß", "SS", "İ", "ſ", "\u00a0", "\t"]),
    st.text(max_size=6),
)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", " ", "  ", "\t", "\u2003"]), _PART), max_size=5).map(
    lambda parts: "".join(g + p for g, p in parts)))
@example("Mål:")
@example("  Mål : : ")
@example("Jämställdhet: och mer")
@example("IN ENGLISH please")
def test_heading_kind_equals_looking_up_every_line(line: str) -> None:
    assert sc._heading_kind(line) == _plain_heading_kind(line)


def _plain_split_sections(body: str) -> list[sc.Section]:
    """sections.split_sections as it was before the first-word test."""
    if not body:
        return []
    out: list[sc.Section] = []
    heading: str | None = None
    kind = "description"
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(line.rstrip() for line in buf)
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
        if text:
            out.append(sc.Section(heading=heading, kind=kind, text=text))
        buf.clear()

    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.replace("\xa0", " ")
        k = _plain_heading_kind(line)
        if k is not None:
            flush()
            heading, kind = " ".join(line.split()).rstrip(":").strip(), k
            continue
        m = sc._INLINE.match(line.strip())
        if m:
            flush()
            prev_heading, prev_kind = heading, kind
            heading, kind = m.group("h"), _plain_heading_kind(m.group("h")) or "other"
            buf.append(m.group("rest"))
            flush()
            heading, kind = prev_heading, prev_kind
            continue
        buf.append(line)
    flush()
    return out


_INLINE_LINE = st.tuples(
    st.sampled_from(["Målgrupp", "MÅLGRUPPER", "Projektets målgrupp", "ſyfte", "Mål", "MÅLSÄTTNING",
                     "Målsättnıng", "Projektmål", "Sammanfattnİng", "bakgrund", "Bakgrunden"]),
    st.sampled_from([":", " :", ":\t", "::"]), st.text(max_size=8)).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_INLINE_LINE, st.sampled_from(_HEADS), _PART, st.text(max_size=12)), max_size=12).map(
    lambda lines: "\n".join(lines)))
@example("Mål\nText.\n\n\n\nMer.\r\nMålgrupp: Alla unga\rSlut\xa0här")
def test_split_sections_equals_looking_at_every_line(body: str) -> None:
    assert sc.split_sections(body) == _plain_split_sections(body)


def test_first_words_cover_the_inline_headings_and_casefolding_keeps_their_letters() -> None:
    heads = re.search(r"\(\?P<h>(.*?)\)\\s\*:", sc._INLINE.pattern)
    assert heads is not None
    for head in heads.group(1).replace("(?:er)?", "").split("|"):
        assert head.split()[0].casefold() in sc._FIRST_WORDS
    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    for letter in set("".join(sc._FIRST_WORDS)) - {" ", "-"}:
        for m in re.finditer(re.escape(letter), everything, re.IGNORECASE):
            assert m.group().casefold() == letter or m.group() in "ıİ", (letter, m.group())


def test_blank_line_runs_shrink_to_one_blank_line() -> None:
    assert sc._clean(["a", "", "", "", "b", "", "c"]) == "a\n\nb\n\nc"
    assert sc._clean(["a", "", "", "b"]) == "a\n\nb"
    assert sc._clean(["a", "", "b"]) == "a\n\nb"
