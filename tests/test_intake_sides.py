"""Sides and values written before a test's name, after fillers, or inside its phrase (issue 12)."""

from __future__ import annotations

import pytest

import hamtriage


def _value(text: str, mid: str) -> object:
    got = hamtriage.parse_text(text).report.measurements.get(mid)
    return got.model_dump(exclude_none=True) if isinstance(got, hamtriage.SidedValue) else got


@pytest.mark.parametrize(
    ("text", "mid", "want"),
    [
        ("left 8 right 12 for knee to wall", "knee_to_wall_cm", {"left": 8.0, "right": 12.0}),
        (
            "Right 10cm, left 6cm on the knee to wall test",
            "knee_to_wall_cm",
            {"left": 6.0, "right": 10.0},
        ),
        ("knee to wall is 7 cm on the right", "knee_to_wall_cm", {"right": 7.0}),
        (
            "KTW 11 cm on the left and 8 cm on the right",
            "knee_to_wall_cm",
            {"left": 11.0, "right": 8.0},
        ),
        (
            "right knee 18 degrees short of straight, left 22",
            "active_knee_extension_deficit_deg",
            {"left": 22.0, "right": 18.0},
        ),
        ("my fingertips stay 9 cm above the floor", "fingertip_to_floor_cm", 9.0),
    ],
)
def test_values_and_sides_are_read(text: str, mid: str, want: object) -> None:
    assert _value(text, mid) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the side and number right before the test; the count before them is not a side's
        ("did 3 sets, right 9 knee to wall", {"right": 9.0}),
        # out of range: left out, never clamped
        ("left 25 right 30 knee to wall", None),
    ],
)
def test_a_run_before_the_test_takes_only_numbers_with_their_side(text: str, want: object) -> None:
    assert _value(text, "knee_to_wall_cm") == want


def test_a_young_athlete_named_by_a_parent() -> None:
    assert hamtriage.parse_text("Ella is 13 and swims 5 mornings a week").report.age == 13
    # a score is no age
    assert hamtriage.parse_text("Pain is 7 and runs down my leg").report.age is None


def test_a_complaint_and_a_test_value_may_share_words() -> None:
    rep = hamtriage.parse_text("can't touch my toes, still 14 cm off").report
    assert rep.symptoms == ("cannot_touch_floor",)
    assert rep.measurements == {"fingertip_to_floor_cm": 14.0}
    # without a number the complaint alone is read
    rep = hamtriage.parse_text("can't touch my toes, way off").report
    assert rep.symptoms == ("cannot_touch_floor",)
    assert rep.measurements == {}
