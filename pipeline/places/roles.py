"""Which candidate names are places, and in which role: the rules of place recognition.

They work on a `pipeline.places.scan.Scan` (the page's tokens as plain lists, sentence ids and
the candidate names) and read the cue words from `pipeline.places.vocabulary`.

Acceptance (precision first; anything left out is reported as doubtful with a reason):

* `X kommun`, `Xs kommun`, `X stad`, `Xs stad` (and `Xs och Ys kommuner`) are always accepted;
  a bare genitive ("Stockholms Unga i Jobb") is ignored.
* A plain capitalised name is accepted unless it is in `data/risky.csv` (names that are also
  words or people's names: Vara, Mark, Lund, Berg, Nora ...). A risky name needs place
  context: `kommun`/`stad` after it, the preposition `i` before it ("i Lund"), or a place in a
  list with another safe municipality or with at least three municipalities in all.
* An all-caps name without `KOMMUN`/`STAD` is treated like a risky one (headings).
* A municipality whose name is also an ESF region ("Stockholm") is doubtful in a passage that
  lists ESF regions.
* The generic word at the end of a coordinated list applies to every item ("Hallands och
  Västragötalands län", "Stenungsunds och Tjörns kommuner").

Roles of the accepted names in the text (`listed` and `owner` come from the caller's data):

* `named`: prose that names where the project works. Three rules, all within one sentence:
  (1) a list introduced by a cue word: "kommunerna X, Y och Z", "medlemskommuner dvs X, ...",
  "följande kommuner: ...", "the following municipalities: ...", or a verb cue directly before
  the list ("genomförs i X och Y", "carried out in X");
  a cue word may be qualified by a place before its explainer ("nio kommuner i Värmland: X, Y");
  (3) the project is the subject and acts "i X": "Projektet riktar sig till unga i X", or
  "MIA ska främja ... i Södertälje" where the page names the project "MIA Södertälje", or the
  project's name (the page title, given by the caller) followed on its line by "finns i X, Y".
  Not when "i X" belongs to an organisation ("förvaltningen i Stockholms stad") or to earlier
  work ("erfarenheter från ... i X").
  A list is named as a whole: by its cue, or when its first item is named by rule 3.
  (2) `samverkan/samarbete/tillsammans med A kommun, B kommun och C stad`: a list of at least
  two municipal partners is the area of a (regional) project.
* `partner`: rule 2 with a single municipal organisation ("driver projektet tillsammans med
  X stad och två föreningar"): a co-operating party, not where the project works (the
  labelling convention: municipalities named only as partners are not the project's).
* `mentioned`: every other accepted reference (background, a single incidental "i Gävle").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from pipeline.places.scan import Name, Scan, place_index
from pipeline.places.vocabulary import (
    ADVERBS,
    ALL_OF,
    AUXILIARIES,
    CONTEXT_PREPOSITIONS,
    COUNTY_SUFFIX,
    ENGLISH_COUNTY_SUFFIX,
    ENGLISH_DETERMINERS,
    ENGLISH_PROJECT,
    EXPLAINERS,
    GAP_WORDS,
    GENERIC_WORDS,
    LINE_START,
    LIST_CUES,
    LIST_QUALIFIERS,
    MUNI_PLURAL,
    MUNI_SUFFIX,
    NOT_PROJECT_WORK,
    NUMBER_WORDS,
    ORG_ENDINGS,
    PARTNER_PREPOSITIONS,
    PARTNER_WORDS,
    PLACE_PREPOSITIONS,
    PLAIN_LIST_NOUNS,
    PROJECT_SUBJECTS,
    SENTENCE_END,
    SEPARATORS,
    WHOLE,
    WHOLE_SV,
    WORK_SUBJECTS,
    WORK_VERBS,
)

ROLE_LISTED = "listed"
ROLE_NAMED = "named"
ROLE_OWNER = "owner"
ROLE_PARTNER = "partner"
ROLE_MENTIONED = "mentioned"
ROLES = (ROLE_LISTED, ROLE_NAMED, ROLE_OWNER, ROLE_PARTNER, ROLE_MENTIONED)

MIN_PARTNER_LIST = 2  # municipal partners in one list that name the project's area (rule 2)
MAX_LOOKBACK = 60  # tokens a role rule looks back for its cue word; keeps long lists linear
LIST_WINDOW = 8  # words before a list that rule 1 looks at

# The words the rules jump to: rule 1 is only possible with one of LIST_ANCHORS among the
# words before a list, rule 3 only stops at one of SUBJECT_CUES.
LIST_ANCHORS = WORK_VERBS | LIST_CUES | PLAIN_LIST_NOUNS
SUBJECT_CUES = NOT_PROJECT_WORK | PROJECT_SUBJECTS | WORK_SUBJECTS | ENGLISH_PROJECT
INDEXED_WORDS = LIST_ANCHORS | SUBJECT_CUES  # give these to `scan` so `positions` can find them


class Found(NamedTuple):
    """An accepted place in the text with its role (the first of each kind, code and role)."""

    kind: str  # muni | county
    code: str  # kommunkod or lanskod
    role: str
    start: int  # tokens of the name (with its kommun/stad/län word)
    end: int


class Doubt(NamedTuple):
    """A name left out, with the reason."""

    start: int
    end: int
    reason: str


class Roles(NamedTuple):
    found: list[Found]
    doubtful: list[Doubt]


class Verdict(NamedTuple):
    """What a name as written, followed by a given word, is on its own."""

    takes_next: bool  # the next word belongs to it (kommun, stad, län)
    kind: str  # muni | county | region
    code: str
    suffix: str | None  # its kommun/stad/län word, lower-cased
    caps: bool
    genitive: bool  # a bare genitive ("Stockholms")
    long_form: bool  # a name that is the organisation ("Region Gotland")
    risky: bool
    status: str  # ok | pending (needs place context) | drop | region
    reason: str  # why pending


@dataclass(slots=True)
class Place:
    """A candidate while the rules decide on it."""

    start: int
    end: int  # (exclusive) including a kommun/stad/län word
    kind: str
    code: str
    suffix: str | None
    caps: bool
    genitive: bool
    long_form: bool
    risky: bool
    status: str  # ok | pending | drop | region
    reason: str


# --- acceptance --------------------------------------------------------------------------


def county_stem(key: tuple[str, ...], suffix: str | None) -> str | None:
    """The county code when `key` followed by `suffix` names a county: "Gävleborgs län",
    "Uppsala county", "Jönköping County" (English drops the genitive -s of "Jönköpings län")."""
    stems = place_index().county_stems
    code = stems.get(key)
    if code is None and suffix in ENGLISH_COUNTY_SUFFIX and key:
        code = stems.get(key[:-1] + (key[-1] + "s",))
    return code


@lru_cache(maxsize=65536)
def verdict(name: Name, suffix: str | None) -> Verdict | None:
    """The name's kind and status from how it is written and the word after it (cached: the
    same names and next words come back on every page)."""
    index = place_index()
    key, caps, kinds = name.key, name.caps, name.kinds
    if suffix in COUNTY_SUFFIX:
        county = county_stem(key, suffix)
        if county is not None:
            return Verdict(True, "county", county, suffix, caps, False, False, False, "ok", "")
    if "county" in kinds:
        own_suffix = key[-1] if key[-1] in COUNTY_SUFFIX else None  # "Gotlands län"
        return Verdict(False, "county", kinds["county"].code, own_suffix, caps, False, False, False, "ok", "")
    muni = kinds.get("municipality_long") or kinds.get("municipality") or kinds.get("municipality_genitive")
    if muni is None:
        if "region" in kinds:
            return Verdict(False, "region", kinds["region"].code, None, False, False, False, False, "region", "")
        return None
    risky = muni.code in index.risky
    if muni.kind == "municipality_long":
        return Verdict(False, "muni", muni.code, None, caps, False, True, risky, "ok", "")
    if suffix in MUNI_SUFFIX:
        return Verdict(True, "muni", muni.code, suffix, caps, False, False, risky, "ok", "")
    if muni.kind == "municipality_genitive":
        # bare genitive; may be rescued by "Xs och Ys kommuner"
        return Verdict(False, "muni", muni.code, None, caps, True, False, risky, "drop", "")
    if caps:
        return Verdict(False, "muni", muni.code, None, caps, False, False, risky, "pending",
                       "all-caps name without kommun/stad")
    if risky:
        return Verdict(False, "muni", muni.code, None, caps, False, False, risky, "pending",
                       "name is also a common word or a person's name")
    return Verdict(False, "muni", muni.code, None, caps, False, False, risky, "ok", "")


def places(s: Scan) -> list[Place]:
    """The scan's candidates with their verdicts, and lists ending in a generic word resolved."""
    out: list[Place] = []
    lower = s.lower
    for start, end, nxt, name in s.candidates:
        v = verdict(name, lower[nxt] if nxt is not None else None)
        if v is None:
            continue
        takes_next, kind, code, suffix, caps, genitive, long_form, risky, status, reason = v
        if takes_next and nxt is not None:
            end = nxt + 1
        out.append(Place(start, end, kind, code, suffix, caps, genitive, long_form, risky, status, reason))
    _resolve_ellipsis(s, out)
    return out


def _only_separators(s: Scan, a: int, b: int) -> bool:
    space, lower = s.space, s.lower
    for i in range(a, b):  # a plain loop: the first token usually decides
        if not (space[i] or lower[i] in SEPARATORS):
            return False
    return True


def _resolve_ellipsis(s: Scan, items: list[Place]) -> None:
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
            if prev.suffix is not None or not any(w in SEPARATORS for w in s.lower[prev.end : name_end]):
                break
            if not _only_separators(s, prev.end, name_end):
                break
            key = tuple(s.lower[prev.start : prev.end])
            stem = county_stem(key, last.suffix) if county else None
            if stem is not None:
                prev.kind, prev.code, prev.status, prev.reason = "county", stem, "ok", ""
            elif county and prev.kind == "county":
                pass
            elif munis and prev.kind == "muni" and not prev.long_form:
                prev.status, prev.reason = "ok", ""
            else:
                break
            prev.suffix = last.suffix
            name_end = prev.start


def _chains(s: Scan, items: list[Place]) -> list[list[int]]:
    """Groups of item indices separated only by commas, `och`, bullets and line breaks."""
    groups: list[list[int]] = []
    for idx, it in enumerate(items):
        if it.status == "drop":
            continue
        if groups:
            prev = items[groups[-1][-1]]
            if it.start > prev.end and _only_separators(s, prev.end, it.start):
                groups[-1].append(idx)
                continue
        groups.append([idx])
    return groups


def _accept_pending(s: Scan, items: list[Place], chains: list[list[int]]) -> None:
    """Risky and all-caps names need place context: `i X`, or a list of municipalities."""
    pending = {i for i, it in enumerate(items) if it.status == "pending"}  # (only munis are pending)
    if not pending:
        return
    for chain in chains:
        if pending.isdisjoint(chain):
            continue  # (most chains: nothing to decide)
        munis = [items[i] for i in chain if items[i].kind == "muni"]
        safe = [m for m in munis if m.status == "ok" and not m.risky and not m.caps]
        for m in munis:
            if m.status != "pending":
                continue
            p = s.prev_word(m.start)
            if p is not None and s.lower[p] in CONTEXT_PREPOSITIONS:
                m.status = "ok"
            elif safe or len(munis) >= 3:
                m.status = "ok"


def _region_passages(s: Scan, items: list[Place]) -> None:
    """"Stockholm" in a passage listing ESF regions is the region, not the municipality."""
    seg = s.sentence
    per_seg: dict[int, int] = {}
    for it in items:
        if it.kind == "region":
            per_seg[seg[it.start]] = per_seg.get(seg[it.start], 0) + 1
    if not any(count >= 2 for count in per_seg.values()):
        return  # no passage lists regions (most pages)
    region_names = place_index().region_names
    for it in items:
        if it.kind != "muni" or it.status != "ok" or it.suffix or it.long_form:
            continue
        key = tuple(s.lower[it.start : it.end])
        if key in region_names and per_seg.get(seg[it.start], 0) >= 2:
            it.status, it.reason = "pending", "ESF region name in a passage listing ESF regions"


def _sentence_initial(s: Scan, i: int) -> bool:
    j = i - 1
    while j >= 0 and s.space[j]:
        if "\n" in s.words[j]:
            return True
        j -= 1
    return j < 0 or s.words[j] in SENTENCE_END or s.words[j] in LINE_START


# --- roles -------------------------------------------------------------------------------


def _window_before(s: Scan, i: int, n: int) -> list[int]:
    """Up to n non-space token indices before i, in order, within i's sentence."""
    seg = s.sentence
    out: list[int] = []
    j = i - 1
    while j >= 0 and len(out) < n and seg[j] == seg[i]:
        if not s.space[j]:
            out.append(j)
        j -= 1
    return out[::-1]


MAX_QUALIFIER_WORDS = 2  # capitalised words of a place qualifying a list noun ("kommuner i Västra Värmland:")


def _place_qualifier(s: Scan, window: list[int], k: int) -> int | None:
    """Where "i Värmland" in "nio kommuner i Värmland: A, B" starts (its "i"), when window[k]
    ends such a phrase: up to MAX_QUALIFIER_WORDS capitalised words after i/in."""
    m = k
    while m >= 0 and k - m < MAX_QUALIFIER_WORDS and s.words[window[m]][:1].isupper():
        m -= 1
        if m >= 0 and s.lower[window[m]] in PLACE_PREPOSITIONS:
            return m
    return None


def _list_cue(s: Scan, first: int) -> bool:
    """Rule 1: "kommunerna X, Y", "medlemskommuner dvs X", "genomförs i X och Y",
    "nio kommuner i Värmland: X, Y"."""
    window = _window_before(s, first, LIST_WINDOW)
    words = [s.lower[j] for j in window]
    # verb cue: WORK_VERB [adverbs] i/in [hela] X
    k = len(words) - 1
    if k >= 0 and words[k] in WHOLE:
        k -= 1
    if k >= 0 and words[k] in PLACE_PREPOSITIONS:
        k -= 1
        while k >= 0 and words[k] in ADVERBS:
            k -= 1
        if k >= 0 and words[k] in WORK_VERBS:
            return True
    # list cue: CUE [i Place] [gap words] X
    k = len(words) - 1
    gap: list[str] = []
    while k >= 0 and words[k] in GAP_WORDS and len(gap) < 4:
        gap.append(words[k])
        k -= 1
    if k >= 0 and gap and any(g in EXPLAINERS for g in gap):
        q = _place_qualifier(s, window, k)  # "kommuner i Värmland:" - only before an explainer
        if q is not None:
            k = q - 1
    if k < 0:
        return False
    if words[k] in LIST_CUES:
        return True
    if words[k] in PLAIN_LIST_NOUNS:
        before = words[k - 1] if k >= 1 else ""
        explained = any(g in EXPLAINERS for g in gap)
        counted = before.isdigit() or before in NUMBER_WORDS
        return before in LIST_QUALIFIERS or (explained and (counted or before in ALL_OF))
    return False


def _partner_cue(s: Scan, it: Place) -> bool:
    """Rule 2: "i samverkan med Arboga kommun, ..." - a municipal organisation as partner (the
    role partner: a partner is not where the project works, unless a rule names it so)."""
    if not (it.suffix in MUNI_SUFFIX or it.long_form):
        return False
    seg, lower = s.sentence, s.lower
    j = it.start - 1
    stop = max(0, it.start - MAX_LOOKBACK)
    while j > stop and seg[j] == seg[it.start]:
        if lower[j] in PARTNER_PREPOSITIONS and lower[j - 1] in PARTNER_WORDS:
            return True
        j -= 1
    return False


def _project_heads(s: Scan, items: list[Place]) -> set[tuple[str, str]]:
    """(ACRONYM, kommunkod) for project names like "MIA Södertälje" (a local sub-project)."""
    heads: set[tuple[str, str]] = set()
    for it in items:
        if it.kind != "muni" or it.status != "ok":
            continue
        p = it.start - 1
        if p >= 0 and not s.space[p]:
            t = s.words[p]
            if len(t) >= 2 and t.isalpha() and t.isupper() and t.lower() not in GENERIC_WORDS:
                heads.add((t, it.code))
    return heads


MIN_TITLE_CHARS = 4  # a shorter title is too likely to be some other word


def title_positions(s: Scan, title: str | None) -> frozenset[int]:
    """The last token of each use of the project's name (its title) in the text that is not a
    line of its own (a heading is no subject): there the name can be the subject of rule 3."""
    name = title.strip() if title else ""
    if len(name) < MIN_TITLE_CHARS:
        return frozenset()
    out: set[int] = set()
    text = s.text
    for start, end in _occurrences(name, text):
        line_end = text.find("\n", end)
        if not text[end : line_end if line_end >= 0 else len(text)].strip():
            continue  # the name alone on its line: a heading
        span = s.doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            out.add(span.end - 1)
    return frozenset(out)


def _occurrences(name: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of `name` in `text` as whole words, case-insensitively. A plain search of
    the lower-cased text (a pattern compiled for each page's title would cost more than the
    search); when lower-casing changes the text's length (rare letters), a regex instead."""
    low, needle = text.lower(), name.lower()
    if len(low) != len(text) or len(needle) != len(name):
        return [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE)]
    out: list[tuple[int, int]] = []
    i = low.find(needle)
    while i != -1:
        j = i + len(needle)
        if (i == 0 or not low[i - 1].isalnum() and low[i - 1] != "_") and (
                j == len(low) or not low[j].isalnum() and low[j] != "_"):
            out.append((i, j))
        i = low.find(needle, i + 1)
    return out


def _subject_cue_positions(s: Scan, heads: set[tuple[str, str]], titles: frozenset[int]) -> list[int]:
    """Positions of the tokens that can decide rule 3 (see `_project_cue`), in order: the cue
    words, plus every use of a project head word and the ends of the project's name."""
    cues = s.positions(SUBJECT_CUES)
    if heads:
        words = {t.lower() for t, _ in heads} - SUBJECT_CUES
        cues = sorted(cues + list(compress(range(s.n), map(words.__contains__, s.lower))))
    if titles:
        cues = sorted(set(cues) | titles)
    return cues


MAX_AUXILIARIES = 2  # "kommer att" before the work verb


def _before_work_verb(s: Scan, j: int) -> bool:
    """Whether the word at j is followed by a work verb ("Arbetet ska ske", "arbetet bedrivs")."""
    k = s.next_word(j + 1)
    for _ in range(MAX_AUXILIARIES):
        if k is None or s.lower[k] not in AUXILIARIES:
            break
        k = s.next_word(k + 1)
    return k is not None and s.lower[k] in WORK_VERBS


def _project_cue(s: Scan, it: Place, heads: set[tuple[str, str]], cues: list[int],
                 titles: frozenset[int] = frozenset()) -> bool:
    """Rule 3: the project is the subject and works "i X" (subject within MAX_LOOKBACK tokens).

    The look-back can only stop at one of `cues`, so it jumps from one to the next instead of
    visiting every token of a long sentence."""
    lower = s.lower
    p = s.prev_word(it.start)
    if p is not None and lower[p] in WHOLE_SV:
        p = s.prev_word(p)
    if p is None or lower[p] not in PLACE_PREPOSITIONS:
        return False
    before = s.prev_word(p)
    if before is not None and lower[before].endswith(ORG_ENDINGS):
        return False
    stop = max(-1, p - MAX_LOOKBACK)
    sentence = s.sentence[it.start]
    k = bisect_right(cues, p - 1) - 1
    while k >= 0:
        j = cues[k]
        if j <= stop or s.sentence[j] != sentence:
            return False
        word = lower[j]
        if word in NOT_PROJECT_WORK:
            return False
        if word in PROJECT_SUBJECTS or (s.words[j], it.code) in heads:
            return True
        if j in titles and "\n" not in s.text[s.offset(j) : s.offset(p)]:
            return True
        if word in WORK_SUBJECTS and _before_work_verb(s, j):
            return True
        if word in ENGLISH_PROJECT and j > 0 and lower[j - 1] in ENGLISH_DETERMINERS:
            return True
        k -= 1
    return False


def assign_roles(s: Scan, title: str | None = None) -> Roles:
    """The accepted places of a scanned text with their roles (the first per kind, code and
    role, in text order) and the names left out. `s` must be scanned with INDEXED_WORDS;
    `title` is the project's name, when the page gives one."""
    items = places(s)
    seg = s.sentence
    chains = _chains(s, items)
    _accept_pending(s, items, chains)
    _region_passages(s, items)
    heads = _project_heads(s, items)
    titles = title_positions(s, title)
    cues = _subject_cue_positions(s, heads, titles)
    chain_of = {idx: n for n, chain in enumerate(chains) for idx in chain}
    # Rule 1 needs a cue word among the words before a list: where none is near, skip it.
    anchors = s.positions(LIST_ANCHORS)

    def may_list_cue(first: int) -> bool:
        k = bisect_right(anchors, first - 1) - 1
        if k < 0:
            return False
        p = anchors[k]
        # the anchor's sentence, and at most LIST_WINDOW words (non-space tokens) from it
        return seg[p] == seg[first] and (first - p) - sum(s.space[p:first]) <= LIST_WINDOW

    chain_named: dict[int, bool] = {}
    project_cues: dict[int, bool] = {}

    def project_cue(idx: int) -> bool:
        """Rule 3 for item idx, once (a one-item list asks it for the list and for the item)."""
        if idx not in project_cues:
            project_cues[idx] = _project_cue(s, items[idx], heads, cues, titles)
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
            chain_named[n] = may_list_cue(first.start) and _list_cue(s, first.start) or (
                first.kind == "muni" and first.status != "pending" and project_cue(chains[n][0])
            )
        return chain_named[n]

    def municipal_partners(idx: int) -> int:
        """How many municipal organisations the list holding item idx names."""
        n = chain_of.get(idx)
        chain = chains[n] if n is not None else [idx]
        return len({items[i].code for i in chain
                    if items[i].kind == "muni" and (items[i].suffix in MUNI_SUFFIX or items[i].long_form)})

    found: list[Found] = []
    doubtful: list[Doubt] = []
    # Only the first mention per (kind, code, role) is kept, so later repeats ("i Gävle" ten
    # times, a region menu) skip the role rules.
    roles_seen: dict[tuple[str, str], set[str]] = {}  # (kind, code) -> roles already given
    for idx, it in enumerate(items):
        if it.kind == "region" or it.status == "drop":
            continue
        if it.status == "pending":
            reason = it.reason
            if it.risky and _sentence_initial(s, it.start):
                reason += " (sentence-initial)"
            doubtful.append(Doubt(it.start, it.end, reason))
            continue
        key = (it.kind, it.code)
        roles = roles_seen.get(key)
        if roles is not None and len(roles) >= 2 and ROLE_NAMED in roles and ROLE_MENTIONED in roles and (
                ROLE_PARTNER in roles or not (it.kind == "muni" and (it.suffix in MUNI_SUFFIX or it.long_form))):
            continue  # every role this mention could get is already given
        if in_named_chain(idx) or project_cue(idx):
            role = ROLE_NAMED
        elif it.kind == "muni" and _partner_cue(s, it):
            role = ROLE_NAMED if municipal_partners(idx) >= MIN_PARTNER_LIST else ROLE_PARTNER
        else:
            role = ROLE_MENTIONED
        if roles is None:
            roles = roles_seen[key] = set()
        elif role in roles:
            continue
        roles.add(role)
        found.append(Found(it.kind, it.code, role, it.start, it.end))
    return Roles(found, doubtful)


def owner_places(s: Scan) -> list[tuple[str, str]]:
    """(kind, code) of the municipal organisations (`X kommun`, `Xs stad`, `Region Gotland`)
    and the counties in an owner string, in order."""
    out: list[tuple[str, str]] = []
    for it in places(s):
        if it.kind == "muni" and it.status == "ok" and (it.suffix in MUNI_SUFFIX or it.long_form):
            out.append(("muni", it.code))
        elif it.kind == "county" and it.status == "ok":
            out.append(("county", it.code))
    return out
