"""Free-text intake: tolerant, deterministic matching of what athletes write."""

from __future__ import annotations

import pytest

import hamtriage
from hamtriage.flows.intake import parse_text, stem


def test_the_issue_example() -> None:
    parsed = hamtriage.parse_text("my back seizes up when I deadlift and I can't touch my toes")
    assert parsed.report.symptoms == ("low_back_spasms", "cannot_touch_floor")
    assert parsed.report.activities == ("deadlift",)
    assert parsed.unused == ()
    spans = [(m.id, m.text) for m in parsed.matches]
    assert spans == [
        ("low_back_spasms", "back seizes"),
        ("deadlift", "deadlift"),
        ("cannot_touch_floor", "can't touch my toes"),
    ]


@pytest.mark.parametrize(
    ("text", "field", "ids"),
    [
        ("my calves are always tight", "symptoms", ("tight_calves",)),
        ("MY CALVES ARE ALWAYS TIGHT!", "symptoms", ("tight_calves",)),
        ("spasms in my back", "symptoms", ("low_back_spasms",)),  # word order
        ("calf feels short", "symptoms", ("tight_calves",)),  # singular of "calves"
        ("no numbness down there", "absent", ("saddle_numbness",)),
        ("I have never rolled my ankle", "absent", ("prior_ankle_sprain",)),
        ("sore knees when I squat", "activities", ("squat",)),
        ("I pulled my hamstring before", "history", ("prior_hamstring_strain",)),
        ("I cant reach the floor, 12 cm off the floor", "symptoms", ("cannot_touch_floor",)),
        ("my lower back cramps when I do kettlebell swings", "activities", ("kettlebell_swing",)),
        ("my leg feels numb down to the foot", "symptoms", ()),  # not "numb down there"
    ],
)
def test_tolerant_matching(text: str, field: str, ids: tuple[str, ...]) -> None:
    report = parse_text(text).report
    assert getattr(report, field) == ids


def test_negation_stops_at_and_and_but() -> None:
    report = parse_text("no numbness down there but my calves are tight").report
    assert report.absent == ("saddle_numbness",)
    assert report.symptoms == ("tight_calves",)
    report = parse_text("no pins and needles in my foot").report
    assert report.absent == ("leg_pain_below_knee",)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("knee to wall 7 cm", 7.0),
        ("knee to wall 7.5cm", 7.5),
        ("7 cm knee to wall", 7.0),
        ("Knee to wall: 7", 7.0),
    ],
)
def test_numbers_with_units(text: str, value: float) -> None:
    parsed = parse_text(text)
    assert parsed.report.measurements == {"knee_to_wall_cm": value}
    assert parsed.matches[0].unit == "cm"


def test_sided_values() -> None:
    parsed = parse_text("knee to wall left 7cm, right 11.5 cm")
    sided = parsed.report.measurements["knee_to_wall_cm"]
    assert isinstance(sided, hamtriage.SidedValue)
    assert (sided.left, sided.right) == (7.0, 11.5)
    assert [m.side for m in parsed.matches] == ["left", "right"]


def test_bad_numbers_are_noted_not_reported() -> None:
    out_of_range = parse_text("knee to wall is 45 cm")
    assert out_of_range.report.measurements == {}
    assert out_of_range.notes == (
        "knee_to_wall_cm: 45 cm is outside the valid range [0, 20]; left out",
    )
    wrong_unit = parse_text("knee to wall 3 inches")
    assert wrong_unit.report.measurements == {}
    assert wrong_unit.notes == ("knee_to_wall_cm: '3 inches' is not in cm; left out",)
    no_number = parse_text("I did the knee to wall test")
    assert no_number.report.measurements == {}
    assert "no number" in no_number.notes[0]


def test_age_sex_and_unused_text() -> None:
    parsed = parse_text("I'm 34 years old, female. I have a headache and my calves are tight")
    assert parsed.report.age == 34
    assert parsed.report.sex == "female"
    assert parsed.report.symptoms == ("tight_calves",)
    assert parsed.unused_text == "headache"
    assert parsed.unused[0].start == parsed.matches[0].start + len(
        "I'm 34 years old, female. I have a "
    )


def test_spans_point_into_the_original_text() -> None:
    text = "Knee to wall 6cm and my back locks up on kb swings"
    parsed = parse_text(text)
    for m in parsed.matches:
        assert text[m.start : m.end] == m.text
    assert parsed.report.activities == ("kettlebell_swing",)


def test_deterministic_and_triageable() -> None:
    text = "back went into spasm during deadlifts, fingertip to floor 12 cm, no numbness down there"
    first = parse_text(text)
    assert first == parse_text(text)
    result = hamtriage.triage(first.report)
    assert result.hypotheses[0].id == "inner_hamstring_weakness"


def test_bad_input() -> None:
    assert parse_text("").report == hamtriage.Report()
    with pytest.raises(hamtriage.ReportError, match="limit"):
        parse_text("a" * 10_001)
    with pytest.raises(hamtriage.ReportError, match="string"):
        parse_text(42)  # type: ignore[arg-type]


def test_stem_folds_plurals_and_tenses() -> None:
    assert stem("calves") == stem("calf")
    assert stem("seized") == stem("seizes") == stem("seize")
    assert stem("numbness") == stem("numb")
    assert stem("running") == stem("run")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("knee to wall is 8 cm on both sides", (8.0, 8.0)),
        ("knee to wall 7cm each side", (7.0, 7.0)),
        # past a comma "both" starts another statement: one unsided value
        ("knee to wall 8 cm, both knees feel stiff", 8.0),
    ],
)
def test_a_value_for_both_sides(text: str, expected: tuple[float, float] | float) -> None:
    got = hamtriage.parse_text(text).report.measurements["knee_to_wall_cm"]
    if isinstance(expected, tuple):
        assert isinstance(got, hamtriage.SidedValue)
        assert (got.left, got.right) == expected
    else:
        assert got == expected
