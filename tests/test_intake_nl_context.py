"""Dutch denials and context the intake reads (issue 18, finishing): "gaat normaal", "is
prima", "nee hoor" after a question, a complaint that is over, and the other side opening
the next sentence; with the complaints that look alike and must stay reported."""

from __future__ import annotations

import pytest

from hamtriage.flows.intake import parse_text


def _read(text: str) -> tuple[set[str], set[str], set[str]]:
    report = parse_text(text, lang="nl").report
    return set(report.symptoms) | set(report.history), set(report.absent), set(report.suspected)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("ontlasting gaat normaal, alleen spierpijn in mijn rug", "bladder_or_bowel_dysfunction"),
        ("plassen en poepen werken prima, rug stijf na squats", "bladder_or_bowel_dysfunction"),
        ("mijn weerstand is prima hoor, pijn onderin de rug", "infection_risk"),
        ("Plassen? Nee hoor. Alleen rug", "bladder_or_bowel_dysfunction"),
        ("koorts gehad, inmiddels weer beter, nu knie stijf", "fever_or_unwell"),
        ("griep is al een week voorbij, rug doet zeer", "fever_or_unwell"),
    ],
)
def test_a_dutch_denial_or_resolved_complaint_is_not_reported(text: str, item: str) -> None:
    present, _, suspected = _read(text)
    assert item not in present
    assert item not in suspected


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("knie zwol goed op na de val", "rapid_knee_swelling"),
        ("knie is dik, verder prima", "rapid_knee_swelling"),
        ("knie is dik verder prima", "rapid_knee_swelling"),
        ("koorts gaat niet over en mijn rug doet zeer", "fever_or_unwell"),
        ("koorts is nog niet over is, rugpijn", "fever_or_unwell"),
        ("plassen gaat moeilijk sinds gisteren, rugpijn", "bladder_or_bowel_dysfunction"),
        ("mijn voet is koud en ik voel mijn tenen niet na de val", "injured_limb_cold_or_numb"),
    ],
)
def test_the_look_alike_complaints_stay_reported(text: str, item: str) -> None:
    present, _, suspected = _read(text)
    assert item in present | suspected


def test_the_other_side_may_open_the_next_sentence() -> None:
    report = parse_text("knie tot muur links 7 cm. rechts 10 cm.", lang="nl").report
    value = report.measurements["knee_to_wall_cm"]
    assert (value.left, value.right) == (7.0, 10.0)  # type: ignore[union-attr]


def test_a_side_is_not_taken_from_an_unrelated_sentence() -> None:
    report = parse_text("knie tot muur 7 cm. rechts doet mijn kuit zeer", lang="nl").report
    assert report.measurements["knee_to_wall_cm"] == 7.0
