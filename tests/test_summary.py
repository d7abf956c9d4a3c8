"""The summary of a project page: the page's first prose after the title, with the title's heading
line left out but never the first word of a sentence that begins with the project's name."""

from __future__ import annotations

import pytest

from pipeline.models import Page
from pipeline.process import process_page

FACTS = ("Projektägare: Eskilstuna kommun\nDiarienummer: 2016/00123\n"
         "Projektperiod: 2016-01-01 till 2018-12-31\nBeviljat ESF-stöd: 1 000 000 kr\n")

CASES = [
    # (page text, title, summary)
    # the name given by a label, the first sentence starting with it: the sentence is kept whole
    ("Projektnamn: Jobbsteget\n" + FACTS + "\nJobbsteget ger unga i Eskilstuna stöd till arbete.\n",
     "Jobbsteget", "Jobbsteget ger unga i Eskilstuna stöd till arbete."),
    ("Projektnamn: Verkstan\n" + FACTS + "\nVerkstan är en mötesplats för unga vuxna.\n",
     "Verkstan", "Verkstan är en mötesplats för unga vuxna."),
    ("Projektnamn: Vägen vidare\n" + FACTS + "\nVägen vidare, som projektet heter, leds av kommunen.\n",
     "Vägen vidare", "Vägen vidare, som projektet heter, leds av kommunen."),
    # the title as a heading line of its own: the heading is not the summary
    ("Vägen vidare\n\nProjektet leds av kommunen och vänder sig till unga.\n\n" + FACTS,
     "Vägen vidare", "Projektet leds av kommunen och vänder sig till unga."),
]


@pytest.mark.parametrize(("text", "title", "summary"), CASES)
def test_summary_keeps_a_sentence_that_starts_with_the_name(text: str, title: str, summary: str) -> None:
    result = process_page(Page("sammanfattning.txt", "0" * 64, len(text.encode()), text))
    assert result.project is not None
    assert result.project["title"] == title
    assert (result.project["summary"] or "").startswith(summary)
