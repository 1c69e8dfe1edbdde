"""Dutch free text (issue 18): what parse_text(text, lang="nl") makes of how Dutch athletes write."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hamtriage
from hamtriage.flows.intake import parse_text
from hamtriage.rules.languages import DUTCH, ENGLISH


def _nl(text: str) -> hamtriage.ParsedText:
    return parse_text(text, lang="nl")


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # the examples of issue 18, which came back empty and self_care
        ("ik voel mijn zitvlak niet meer", "saddle_numbness"),
        ("moeite met plassen sinds gisteren", "bladder_or_bowel_dysfunction"),
        ("knie zwol binnen een uur op", "rapid_knee_swelling"),
        ("hoorde een knal in mijn hiel", "achilles_pop_or_gap"),
        ("kuit is dik en warm na de vlucht", "one_sided_calf_swelling"),
    ],
)
def test_the_issue_examples_are_recognised_and_escalated(text: str, item: str) -> None:
    parsed = _nl(text)
    assert item in parsed.report.symptoms or item in parsed.report.suspected
    assert hamtriage.triage(parsed.report).level.rank >= hamtriage.TriageLevel.SAME_DAY.rank


def test_the_same_text_in_english_finds_nothing() -> None:
    # Dutch words are not English: the Dutch lexicon is selected by lang, not guessed
    assert not parse_text("moeite met plassen sinds gisteren").report.symptoms


@pytest.mark.parametrize(
    "text",
    [
        "geen tintelingen in mijn kruis",
        "tintelingen in mijn kruis: nee",
        "tintelingen in mijn kruis heb ik niet meer",
        "geen last meer van tintelingen in mijn kruis",
        "zonder tintelingen in mijn kruis",
        "nooit tintelingen in mijn kruis gehad",
    ],
)
def test_dutch_negations_put_the_item_under_absent(text: str) -> None:
    report = _nl(text).report
    assert "saddle_numbness" in report.absent
    assert "saddle_numbness" not in [*report.symptoms, *report.suspected]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("niet alleen rugpijn maar ook tintelingen in mijn kruis", "saddle_numbness"),
        ("weet niet of het erg is maar ik heb koorts", "fever_or_unwell"),
        ("het wordt niet beter en ik heb moeite met plassen", "bladder_or_bowel_dysfunction"),
    ],
)
def test_pseudo_negations_negate_nothing(text: str, item: str) -> None:
    report = _nl(text).report
    assert item in [*report.symptoms, *report.suspected]
    assert item not in report.absent


@pytest.mark.parametrize(
    "text",
    [
        "mijn vader had kanker, ik heb zelf rugpijn",
        "als ik tintelingen in mijn kruis krijg, moet ik dan stoppen?",
        "stel dat mijn knie op slot gaat, wat dan?",
    ],
)
def test_someone_else_and_hypotheticals_are_not_the_athletes(text: str) -> None:
    report = _nl(text).report
    assert not {"cancer_history", "saddle_numbness", "knee_locked"} & {
        *report.history,
        *report.symptoms,
    }


def test_a_negation_of_another_clause_part_is_not_taken() -> None:
    # "geen" after the comma belongs to "verdoving", not to "gevoel in mijn zitvlak"
    report = _nl("gevoel in mijn zitvlak is normaal, geen verdoving").report
    assert "saddle_numbness" not in report.symptoms
    # "niet" before "en" does not make "tenen voelen" a numb foot
    report = _nl("voet is niet koud en mijn tenen voelen normaal").report
    assert "injured_limb_cold_or_numb" not in report.symptoms


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("ik ben 51 en heb rugpijn", 51),
        ("51 jaar, stijve rug", 51),
        ("Sam (16) heeft strakke hamstrings", 16),
        ("mijn zoon is 15", 15),
        ("Leeftijd: 42", 42),
        ("sporter van 22 met kuitkramp", 22),
    ],
)
def test_dutch_ages(text: str, age: int) -> None:
    assert _nl(text).report.age == age


def test_ben_with_a_unit_is_not_an_age() -> None:
    assert _nl("ik ben 3 kilo afgevallen").report.age is None


@pytest.mark.parametrize(
    ("text", "left", "right"),
    [
        ("knie tot muur: links 6, rechts 11", 6, 11),
        ("knee-to-wall li 6 re 11", 6, 11),
        ("knee to wall 6,5 cm links en 9 cm rechts", 6.5, 9),
        ("knie-tot-muur test L 7 R 10", 7, 10),
        ("lunge test linkerenkel 8 cm, rechter 12 cm", 8, 12),
    ],
)
def test_sides_and_decimal_commas(text: str, left: float, right: float) -> None:
    value = _nl(text).report.measurements["knee_to_wall_cm"]
    assert isinstance(value, hamtriage.SidedValue)
    assert (value.left, value.right) == (left, right)


def test_compounds_are_read_as_their_parts_with_spans_inside_the_word() -> None:
    assert DUTCH.split("rugpijn") == ((0, 3), (3, 7))
    assert DUTCH.split("achillespees") == ((0, 8), (8, 12))
    assert DUTCH.split("linkerenkel") == ((0, 6), (6, 11))
    assert DUTCH.split("knieschijf") == ((0, 10),)  # "schijf" is no tail: one word
    assert ENGLISH.split("backpain") == ((0, 8),)  # English has no compound list
    parsed = _nl("hamstringblessure bij het sprinten, moest stoppen")
    assert "hamstring_injury_stopped_activity" in parsed.report.symptoms
    match = next(m for m in parsed.matches if m.id == "hamstring_injury_stopped_activity")
    assert match.start == 0
    assert match.end <= len("hamstringblessure bij het")


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("gisteren op de fiets gevallen en nu is mijn voet koud", "injured_limb_cold_or_numb"),
        ("na de val van de box is mijn enkel bleek", "injured_limb_cold_or_numb"),
        ("zit sinds vanochtend raar op de wc, alsof mijn zitvlak slaapt", "saddle_numbness"),
    ],
)
def test_an_unresolved_dutch_alarm_word_is_suspected_with_the_dutch_question(
    text: str, item: str
) -> None:
    parsed = _nl(text)
    assert item in parsed.report.suspected
    assert item not in parsed.report.symptoms
    sus = next(s for s in parsed.suspected if s.id == item)
    assert sus.question == hamtriage.Engine.default().pack.translations["nl"].item(item, "question")
    assert text[sus.start : sus.end] == sus.text


def test_slang_look_alikes_are_not_red_flags() -> None:
    for text in ("dikke PR op de squat", "doof van de muziek in de box", "knallende sessie!"):
        report = _nl(text).report
        assert not report.suspected, text
        assert hamtriage.triage(report).level.rank <= 1, text


def test_typos_in_long_dutch_words_are_tolerated_short_words_are_not() -> None:
    assert "saddle_numbness" in _nl("tintelignen in mijn kruis").report.symptoms
    assert "saddle_numbness" in _nl("zadelanestesie sinds het spit").report.symptoms
    # a short word one letter off a lexicon word is not taken for it ("rik" is not "rug")
    assert not _nl("rik doet zeer").report.symptoms


BENIGN_NL = [
    "strakke hamstrings na de deadlifts",
    "kuiten strak en mijn hielen komen omhoog bij het squatten",
    "knie tot muur 8 cm, heupen een beetje stijf",
    "spierpijn van leg day",
]
ALARMS_NL = [
    "mijn zitvlak is helemaal doof",
    "ik heb deze week twee keer in mijn broek geplast",
    "knie zwol meteen op na de tackle",
    "voelde een knal in mijn achillespees",
    "ik heb al twee dagen koorts",
]
NEGATED_NL = [
    "geen doof gevoel in mijn kruis",
    "geen problemen met plassen",
    "mijn knie is niet opgezwollen",
    "ik heb geen koorts",
    "nergens tintelingen of gevoelloosheid",
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(BENIGN_NL), st.sampled_from(ALARMS_NL), st.booleans())
def test_adding_a_dutch_alarm_sentence_never_lowers_the_level(
    benign: str, alarm: str, first: bool
) -> None:
    base = hamtriage.triage(_nl(benign).report).level
    text = f"{alarm}. {benign}" if first else f"{benign}. {alarm}"
    added = hamtriage.triage(_nl(text).report).level
    assert added.rank >= max(base.rank, hamtriage.TriageLevel.SEE_CLINICIAN.rank)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(BENIGN_NL), st.sampled_from(NEGATED_NL), st.booleans())
def test_a_negated_dutch_red_flag_never_raises_the_level(
    benign: str, negated: str, first: bool
) -> None:
    base = hamtriage.triage(_nl(benign).report).level
    text = f"{negated}. {benign}" if first else f"{benign}. {negated}"
    assert hamtriage.triage(_nl(text).report).level.rank <= base.rank
