"""Age patterns rewritten to start with their first letter find what the former ones found.

The former English "female, 41" and "I'm 51" patterns and the Dutch "ik ben 51" one
began with ``\\b`` (or ``^``) under ``re.IGNORECASE``, so the scan tried them at every
position; each rewrite begins with the letters ``re.IGNORECASE`` folds to the word's
first letter and tests what stood before it with look-behinds. Each pair is run here on
every corpus text, on ways people state their age, and on random texts of the letters
where they could differ; ``find_age`` is compared with the former patterns and no hints.
"""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamtriage.flows.intake.numbers import find_age
from hamtriage.rules.languages import LANGUAGES, en, nl
from tests.test_intake_fastpath import _texts

# the patterns before the sixth speed pass: (language, index in AGES, former pattern)
FORMER = {
    ("en", 3): re.compile(
        r"\b(?:female|male|woman|man|survivor)\s*,\s*(\d{1,2})\b(?![.,]\d)" + en._NOT_AGE, re.I
    ),
    ("en", 6): re.compile(
        r"\bi\s*['\u2019]?\s*a?m\s+(?:now\s+|only\s+|just\s+)?(\d{1,3})\b(?![.,]\d)" + en._NOT_AGE,
        re.I,
    ),
    ("nl", 2): re.compile(
        r"(?:\bik\s+ben|\bben\s+ik|(?:^|(?<=[.!?,;]\s)|(?<=[.!?,;]))ben)"
        r"\s+(?:nu\s+|pas\s+|net\s+|al\s+)?(\d{1,3})\b(?![.,]\d)" + nl._NOT_AGE,
        re.I | re.M,
    ),
}
AGES = {"en": en.AGES, "nl": nl.AGES}

SAID = {
    "en": [
        "I'm 51 and my back is stiff",
        "i'm 17, play rugby",
        "Im 45 years young",
        "I am 62.",
        "I am now 40 and still lifting",
        "I\u2019m just 19",
        "I 'm 33",
        "iam 50",
        "I'm only 15 so my coach worries",
        "I'm 70kg",  # a weight, no age
        "I'm 3 weeks post-op",  # a time, no age
        "Hi, I'm 34, female",
        "Kim 45",  # "im" inside a word is no "I'm"
        "\u0130'm 51",  # letters re.IGNORECASE folds to "i"
        "\u0131m 51",
        "\u00e9i'm 51",  # a letter before: no word boundary
        "_i'm 51",
        "(i'm 51)",
        "female, 41, back pain",
        "Female , 29",
        "MALE, 41",
        "woman, 55, hip",
        "Man, 38",
        "survivor, 60",
        "\u017furvivor, 60",  # the long s folds to "s"
        "human, 40",  # "man" inside a word
        "shaman, 40",
        "many, 40 reps",
        "male, 40kg",
    ],
    "nl": [
        "ik ben 51 en mijn rug is stijf",
        "Ik ben nu 40",
        "ben ik 34?",
        "Ben 58 en had vroeger een melanoom",
        "hoi.Ben 44",
        "hoi. Ben 44",
        "hoi!  Ben 44",  # two spaces after the punctuation: no opening "Ben"
        "regel\nBen 30",
        "BEN IK 40",
        "ik ben 5 kilo afgevallen",
        "benen 40",
        "Ruben 44",
        "\u0130k ben 30",
        "ik ben 3 weken bezig",
    ],
}
_ALPHABET = {
    "en": "iIm\u0130\u0131aA'\u2019 \t\n5 1 0.,_kgéfemalwonsurv\u017fhS",
    "nl": "ikbenIKBEN\u0130\u0131\u212a .!?,;\n5 1 0_rujw",
}
PAIRS = list(FORMER)


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]


def test_the_first_letters_are_those_ignorecase_folds_to_them() -> None:
    folds = {
        ch: {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(ch, chr(c), re.I)}
        for ch in "ifmwsb"
    }
    assert folds["i"] == {"i", "I", "\u0130", "\u0131"}
    assert folds["s"] == {"s", "S", "\u017f"}
    assert all(folds[ch] == {ch, ch.upper()} for ch in "fmwb")


@pytest.mark.parametrize(("lang", "at"), PAIRS)
def test_the_rewrite_finds_what_the_former_pattern_found(lang: str, at: int) -> None:
    new, former = AGES[lang][at], FORMER[(lang, at)]
    assert new.pattern != former.pattern
    for text in [*_texts("en"), *_texts("nl"), *SAID["en"], *SAID["nl"]]:
        assert _found(new, text) == _found(former, text), text
    assert sum(bool(_found(new, t)) for t in SAID[lang]) >= 6  # the phrasings do state ages


@pytest.mark.parametrize(("lang", "at"), PAIRS)
def test_the_rewrite_agrees_on_random_texts(lang: str, at: int) -> None:
    new, former = AGES[lang][at], FORMER[(lang, at)]

    @settings(max_examples=2000, deadline=None)
    @given(st.text(alphabet=_ALPHABET[lang], max_size=30))
    def agree(text: str) -> None:
        assert _found(new, text) == _found(former, text)

    agree()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_find_age_reads_the_same_ages_as_the_former_patterns_without_hints(lang: str) -> None:
    profile = LANGUAGES[lang]
    ages = tuple(FORMER.get((lang, i), p) for i, p in enumerate(profile.ages))
    former = dataclasses.replace(profile, ages=ages, age_hints=())
    said = [*SAID[lang], "35F, tight calves", "Runner, 24M.", "24 M", "(35F) hamstring", "DOMS"]
    for text in [*_texts(lang), *said]:
        assert find_age(text, [], profile) == find_age(text, [], former), text
    assert find_age("MALE, 41", [], LANGUAGES["en"]) is not None  # a hint in capitals
    assert find_age("Ben 58 en", [], LANGUAGES["nl"]) is not None
