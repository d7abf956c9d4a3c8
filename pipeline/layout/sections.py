"""Split a project page's prose into headed sections (Sammanfattning, Bakgrund, Mål, ...).

Only known headings split the text: a short line that is one of the headings below (with an
optional colon), or such a heading followed by a colon and text on the same line
("Målgrupp: Alla sysselsatta ..."). Any other short line stays inside its section, so a
sub-heading like "Nulägesanalys" under Bakgrund does not start a new section.
Text before the first heading (the unheaded description of newer pages) has kind
"description".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

KINDS = (
    "summary", "background", "purpose", "objectives", "target_groups", "accessibility",
    "transnational", "description", "other",
)


@dataclass(frozen=True)
class Section:
    heading: str | None
    kind: str
    text: str


# heading (casefolded, without trailing colon) -> kind; matched as the whole line, or as a
# prefix for the open-ended ones in _PREFIX_HEADINGS.
_HEADINGS: dict[str, str] = {
    "sammanfattning": "summary",
    "kort sammanfattning": "summary",
    "projektsammanfattning": "summary",
    "bakgrund": "background",
    "bakgrund och behov": "background",
    "behovsanalys": "background",
    "syfte": "purpose",
    "projektets syfte": "purpose",
    "syftet": "purpose",
    "mål": "objectives",
    "målsättning": "objectives",
    "målsättningar": "objectives",
    "mål och syfte": "objectives",
    "syfte och mål": "objectives",
    "projektmål": "objectives",
    "projektets mål": "objectives",
    "övergripande mål": "objectives",
    "förväntade resultat": "objectives",
    "förväntat resultat": "objectives",
    "målgrupp": "target_groups",
    "målgrupper": "target_groups",
    "projektets målgrupp": "target_groups",
    "projektets målgrupper": "target_groups",
    "målgrupp och deltagare": "target_groups",
    "tillgänglighet": "accessibility",
    "tillgänglighet för personer med funktionsnedsättning": "accessibility",
    "transnationellt samarbete": "transnational",
    "transnationalitet": "transnational",
    "transnationellt": "transnational",
    "beskrivning": "description",
    "projektbeskrivning": "description",
    "om projektet": "description",
    "kommun": "other",
    "kommuner": "other",
    "in english": "other",
    "summary in english": "other",
    "jämställdhet": "other",
    "likabehandling": "other",
    "icke-diskriminering": "other",
    "horisontella principer": "other",
    "kontakt": "other",
    "kontaktpersoner": "other",
}
# Headings that may carry more words on the same short line ("Jämställdhet och likabehandling").
_PREFIX_HEADINGS: tuple[tuple[str, str], ...] = (
    ("jämställdhet", "other"),
    ("likabehandling", "other"),
    ("tillgänglighet", "accessibility"),
    ("transnationellt", "transnational"),
    ("in english", "other"),
)
# Inline "Heading: text" forms (only these: "Syfte: ..." in prose is rare enough to trust).
_INLINE = re.compile(
    r"^(?P<h>Målgrupp(?:er)?|Projektets målgrupp(?:er)?|Syfte|Mål|Målsättning|Projektmål|"
    r"Sammanfattning|Bakgrund)\s*:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_MAX_HEADING = 80
# The first word of every heading above (the inline ones too): a line whose first word,
# casefolded and cut at a colon, is not one of these is no heading, which saves normalising and
# matching every line. Casefolding keeps the letters _INLINE matches ignoring case, but for
# "ı" and "İ" (tests/test_sections_headings.py).
_FIRST_WORDS = frozenset(h.split()[0] for h in [*_HEADINGS, *(p for p, _ in _PREFIX_HEADINGS)])


def _may_be_heading(line: str) -> bool:
    """False if line can be neither a heading nor an inline heading (see _FIRST_WORDS)."""
    words = line.split(None, 1)
    return bool(words) and (words[0].casefold().split(":", 1)[0] in _FIRST_WORDS
                            or "ı" in words[0] or "İ" in words[0])


def _heading_kind(line: str) -> str | None:
    return _lookup_heading(line) if _may_be_heading(line) else None


def _lookup_heading(line: str) -> str | None:
    s = " ".join(line.split()).rstrip(":").strip()
    if not s or len(s) > _MAX_HEADING:
        return None
    key = s.casefold()
    if key in _HEADINGS:
        return _HEADINGS[key]
    if len(s) <= 60 and not s.endswith((".", "!", "?")) and not re.search(r"\d", s):
        for prefix, kind in _PREFIX_HEADINGS:
            if key.startswith(prefix + " ") or key == prefix:
                return kind
    return None


def _clean(lines: Iterable[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    if "\n\n\n" in text:  # the regex scan is slow on long texts
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def split_sections(body: str) -> list[Section]:
    """Sections in page order; empty sections are dropped."""
    if not body:
        return []
    out: list[Section] = []
    heading: str | None = None
    kind = "description"
    buf: list[str] = []

    def flush() -> None:
        text = _clean(buf)
        if text:
            out.append(Section(heading=heading, kind=kind, text=text))
        buf.clear()

    for line in body.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").split("\n"):
        if not _may_be_heading(line):
            buf.append(line)
            continue
        k = _lookup_heading(line)
        if k is not None:
            flush()
            heading, kind = " ".join(line.split()).rstrip(":").strip(), k
            continue
        m = _INLINE.match(line.strip())
        if m:
            flush()
            prev_heading, prev_kind = heading, kind
            hk = _heading_kind(m.group("h")) or "other"
            heading, kind = m.group("h"), hk
            buf.append(m.group("rest"))
            flush()
            # text after an inline heading belongs to the section it interrupted
            heading, kind = prev_heading, prev_kind
            continue
        buf.append(line)
    flush()
    return out


def _join(sections: Iterable[Section], kinds: tuple[str, ...]) -> str | None:
    texts = [s.text for s in sections if s.kind in kinds]
    return "\n\n".join(texts) if texts else None


def section_texts(sections: list[Section]) -> dict[str, str | None]:
    """summary (the Sammanfattning, else the unheaded description), background,
    objectives_text (Syfte/Mål sections) and target_groups_text (Målgrupp sections)."""
    return {
        "summary": _join(sections, ("summary",)) or _join(sections, ("description",)),
        "background": _join(sections, ("background",)),
        "objectives_text": _join(sections, ("purpose", "objectives")),
        "target_groups_text": _join(sections, ("target_groups",)),
    }
