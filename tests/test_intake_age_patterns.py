"""The English "I'm 51" age pattern, rewritten to start with its letter, finds what the former one found.

The former pattern began with ``\\b`` under ``re.IGNORECASE``, so the scan tried it at every
position; the rewrite begins with the letters that ``re.IGNORECASE`` folds to "i" and a
look-behind for the word boundary. Both are run here on every corpus text, on ways
people state their age, and on random texts of the letters where they could differ.
"""

from __future__ import annotations

import dataclasses
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from hamtriage.flows.intake.numbers import find_age
from hamtriage.rules.languages import LANGUAGES, en
from tests.test_intake_fastpath import _texts

# en.AGES[6] before the sixth speed pass
_FORMER = re.compile(
    r"\bi\s*['\u2019]?\s*a?m\s+(?:now\s+|only\s+|just\s+)?(\d{1,3})\b(?![.,]\d)" + en._NOT_AGE,
    re.I,
)
_NEW = en.AGES[6]

SAID = [
    "I'm 51 and my back is stiff",
    "i'm 17, play rugby",
    "Im 45 years young",
    "I am 62.",
    "I am now 40 and still lifting",
    "I\u2019m just 19",
    "I 'm 33",
    "I m 28",
    "iam 50",
    "I'm only 15 so my coach worries",
    "I'm 70kg",  # a weight, no age
    "I'm 3 weeks post-op",  # a time, no age
    "I'm 5.5 on the pain scale",
    "Hi, I'm 34, female",
    "Kim 45",  # "im" inside a word is no "I'm"
    "him 45",
    "\u0130'm 51",  # letters re.IGNORECASE folds to "i"
    "\u0131m 51",
    "\u00e9i'm 51",  # a letter before: no word boundary
    "_i'm 51",
    "3i'm 51",
    "(i'm 51)",
]
_ALPHABET = "iIm\u0130\u0131aA'\u2019 \t\n5 1 0.,_kgéKyo(x"


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]


def test_the_letters_of_the_rewrite_are_those_ignorecase_folds_to_i() -> None:
    folds = re.compile("i", re.I)
    got = {chr(c) for c in range(sys.maxunicode + 1) if folds.fullmatch(chr(c))}
    assert got == {"i", "I", "\u0130", "\u0131"}


def test_the_rewrite_finds_what_the_former_pattern_found() -> None:
    texts = [*_texts("en"), *_texts("nl"), *SAID]
    for text in texts:
        assert _found(_NEW, text) == _found(_FORMER, text), text
    assert sum(bool(_found(_NEW, t)) for t in SAID) >= 12  # the phrasings do state ages


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_the_rewrite_agrees_on_random_texts(text: str) -> None:
    assert _found(_NEW, text) == _found(_FORMER, text)


def test_find_age_reads_the_same_ages_as_the_former_pattern_without_hints() -> None:
    english = LANGUAGES["en"]
    former = dataclasses.replace(english, ages=(*en.AGES[:6], _FORMER, *en.AGES[7:]), age_hints=())
    said = [*SAID, "35F, tight calves", "Runner, 24M.", "24 M", "(35F) hamstring", "DOMS at 35"]
    for text in [*_texts("en"), *said]:
        assert find_age(text, [], english) == find_age(text, [], former), text
