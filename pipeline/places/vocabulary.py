"""The words the place rules look for (cue words, suffixes, separators), read once from
`data/cue_words.csv`: one row per group, its words separated by single spaces.

They are language, not places (places live in the gazetteer tables); keeping them in a data
file lets a new cue word be added without touching the rules.
"""

from __future__ import annotations

import csv

from pipeline.resources import places_file

CUE_WORDS_CSV = places_file("cue_words.csv")


def _read_groups() -> dict[str, tuple[str, ...]]:
    with CUE_WORDS_CSV.open(encoding="utf-8", newline="") as f:
        return {row["group"]: tuple(row["words"].split(" ")) for row in csv.DictReader(f)}


_GROUPS = _read_groups()


def _words(group: str) -> frozenset[str]:
    return frozenset(_GROUPS[group])


MUNI_SUFFIX = _words("muni_suffix")
MUNI_PLURAL = _words("muni_plural")
COUNTY_SUFFIX = _words("county_suffix")
ENGLISH_COUNTY_SUFFIX = _words("english_county_suffix")
GENERIC_WORDS = _words("generic")
SEPARATORS = _words("separator")
SENTENCE_END = _words("sentence_end")
LINE_START = _words("line_start")
CONTEXT_PREPOSITIONS = _words("context_preposition")
# rule 1: lists
LIST_CUES = _words("list_cue")
PLAIN_LIST_NOUNS = _words("plain_list_noun")
LIST_QUALIFIERS = _words("list_qualifier")
ALL_OF = _words("all_of")
NUMBER_WORDS = _words("number_word")
EXPLAINERS = _words("explainer")
GAP_WORDS = EXPLAINERS | _words("gap_word")
WORK_VERBS = _words("work_verb")
ADVERBS = _words("adverb")
PLACE_PREPOSITIONS = _words("place_preposition")
WHOLE = _words("whole")
# rule 2: partners
PARTNER_WORDS = _words("partner_word")
PARTNER_PREPOSITIONS = _words("partner_preposition")
# rule 3: the project works "i X"
WHOLE_SV = _words("whole_sv")
PROJECT_SUBJECTS = _words("project_subject")
WORK_SUBJECTS = _words("work_subject")
AUXILIARIES = _words("auxiliary")
ENGLISH_PROJECT = _words("english_project")
ENGLISH_DETERMINERS = _words("english_determiner")
ORG_ENDINGS = _GROUPS["org_ending"]  # (a tuple: str.endswith takes one)
NOT_PROJECT_WORK = _words("not_project_work")
