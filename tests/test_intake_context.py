"""Context rules of the free-text intake added for issue 12, each with a case it must not over-apply to.

Answers after a label ("Bruising? None."), words that deny right after ("peeing is
fine"), general questions, resolved and intended mentions, someone else's possessive,
abilities that deny an inability, and the screens read from what the text settles
together (age and back pain, a knee injury, a calf with breathlessness, duration).
"""

from __future__ import annotations

import pytest

import hamtriage
from hamtriage import TriageLevel


def _items(text: str) -> tuple[set[str], set[str], set[str]]:
    rep = hamtriage.parse_text(text).report
    return set(rep.symptoms) | set(rep.history), set(rep.suspected), set(rep.absent)


def _level(text: str) -> TriageLevel:
    return hamtriage.triage(hamtriage.parse_text(text).report).level


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Back spasm after deadlifts, peeing is fine", "bladder_or_bowel_dysfunction"),
        (
            "Bruising? None. Pop? Didn't hear one. Just a tight hamstring.",
            "thigh_pop_with_bruising",
        ),
        ("Any numbness around the bum - also no. Sore back, yes.", "saddle_numbness"),
        ("tight hamstrings, numbness: none, tingling: none", "widespread_neurology"),
        ("no pop, no bruising, just tight hammies after sprints", "thigh_pop_with_bruising"),
        ("rolled my ankle, I can walk on it fine", "unable_to_bear_weight"),
        ("I can feel everything when I wipe, back is just stiff", "saddle_numbness"),
    ],
)
def test_a_denial_puts_the_item_under_absent(text: str, item: str) -> None:
    present, suspected, absent = _items(text)
    assert item not in present | suspected
    assert item in absent


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # a full stop, then an unrelated "no": the swelling stands
        ("My knee swelled up straight away. No pain though.", "rapid_knee_swelling"),
        # after a dash, a pseudo-negation or a denial of something else is no answer
        ("my bum is numb - no idea why", "saddle_numbness"),
        ("numb bum - no pain though", "saddle_numbness"),
        ("knee swelled up straight away - not sure why", "rapid_knee_swelling"),
        ("numb bum since my back went, nothing I do helps", "saddle_numbness"),
        ("I can't walk on it since I rolled it", "unable_to_bear_weight"),
        (
            "my wife and I noticed I've lost feeling in my penis since my back went",
            "new_sexual_dysfunction",
        ),
        ("Is it normal to have a numb bum after deadlifts?", "saddle_numbness"),
        ("Is it normal that my bum is numb? just asking", "saddle_numbness"),
        ("my bum went numb after deadlifts but it went away", "saddle_numbness"),
        ("my knee locked, cleared up after a wiggle", "knee_locked"),
        ("had cancer years ago, fully recovered, now my back aches", "cancer_history"),
        ("lost 6 kg and I haven't changed my diet, back aches", "unexplained_weight_loss"),
    ],
)
def test_what_is_not_a_denial_keeps_the_item(text: str, item: str) -> None:
    present, suspected, absent = _items(text)
    assert item in present | suspected
    assert item not in absent


@pytest.mark.parametrize(
    ("text", "item"),
    [
        (
            "Would a fever mean I should skip training? Don't have one, just asking.",
            "fever_or_unwell",
        ),
        (
            "had a fever last month with covid, totally recovered. Back stiff from squats",
            "fever_or_unwell",
        ),
        ("down 4 kg on purpose for my weigh-in, hamstrings tight", "unexplained_weight_loss"),
        (
            "My wife's on steroids for her asthma; my lower back is stiff",
            "osteoporosis_or_steroid_use",
        ),
        ("hammies feel tight, my partner's knee blew up at netball", "rapid_knee_swelling"),
    ],
)
def test_someone_else_a_question_or_the_past_is_left_out(text: str, item: str) -> None:
    present, suspected, _ = _items(text)
    assert item not in present | suspected
    assert _level(text).rank <= TriageLevel.MODIFY_TRAINING.rank


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("I'm 63, lower back ache for a few weeks", "back_pain_is_new", True),
        ("I'm 35, lower back ache for a few weeks", "back_pain_is_new", False),
        ("fell onto my knee on the concrete, it hurts a lot", "bone_tenderness_after_injury", True),
        ("fell onto my hip on the concrete, it hurts a lot", "bone_tenderness_after_injury", False),
        ("breathless on the stairs and my calf hurts", "one_sided_calf_pain", True),
        ("low back pain for 8 weeks", "pain_not_improving", True),
        ("low back pain for 3 weeks", "pain_not_improving", False),
    ],
)
def test_screens_read_what_the_text_settles_together(text: str, item: str, expected: bool) -> None:
    parsed = hamtriage.parse_text(text)
    assert (item in parsed.report.suspected) is expected
    if expected:  # the suspicion says why and asks the item's question
        suspect = next(s for s in parsed.suspected if s.id == item)
        assert suspect.question
        assert suspect.reason


def test_a_mention_inside_another_keeps_both() -> None:
    present, _, _ = _items("Post-transplant, on immunosuppressants. New lower back ache this week.")
    assert {"back_pain_is_new", "plain_low_back_pain", "infection_risk"} <= present
    assert (
        _level("Post-transplant, on immunosuppressants. New lower back ache.")
        is TriageLevel.SAME_DAY
    )


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My daughter (14) says her kneecap went sideways", 14),
        ("Female, 34. Lower back sore after RDLs", 34),
        ("Prostate cancer survivor, 62, back pain since last week", 62),
        ("17 y/o rower with low back pain", 17),
        ("had a blood clot 2 years ago and my calf is tight", None),
        ("writing for one of my lifters (Dave, 44). He felt a pop", 44),
        ("35F, hamstrings always tight", 35),
        ("Treated at 24. Now 30 with new lower back pain", 30),
        ("I did 20 M sprints, now 12 weeks into the plan", None),
    ],
)
def test_ages_as_people_write_them(text: str, age: int | None) -> None:
    assert hamtriage.parse_text(text).report.age == age


def test_exertion_soreness_is_not_weakness_unless_it_worsens() -> None:
    sore = "Both legs weak and shaky after the AMRAP, back to normal after a rest"
    assert _level(sore).rank <= TriageLevel.MODIFY_TRAINING.rank
    worse = "Both legs weak after the workout and getting worse every day"
    assert _level(worse) is TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    ("text", "present", "absent", "open_"),
    [
        # the writer answers their own ability question: the ability denies the inability
        (
            "can I walk on it? yeah, no problem. ankle a bit stiff",
            set(),
            {"unable_to_bear_weight"},
            set(),
        ),
        # ... and their own symptom question: a report (never dropped as a mere question)
        ("do I have numbness down below? yes", {"saddle_numbness"}, set(), set()),
        # a general question answered yes stays open: it is not about the writer
        ("would a fever mean I should skip training? yes", set(), set(), {"fever_or_unwell"}),
    ],
)
def test_a_yes_to_the_writers_own_question_is_a_report(
    text: str, present: set[str], absent: set[str], open_: set[str]
) -> None:
    got_present, got_suspected, got_absent = _items(text)
    assert present <= got_present
    assert absent <= got_absent
    assert open_ <= got_suspected


@pytest.mark.parametrize(
    ("text", "settled"),
    [
        # "immune system" is the alarm: "is fine" right after it denies it
        ("immune system is fine, no recent infections. back spasm from cleans", "absent"),
        # ... but not when it is weak or "not great": then it is asked (or present)
        ("immune system not great lately, back pain", "open"),
        ("my immune system is weak, back spasm", "present"),
    ],
)
def test_the_immune_system_alarm_reads_what_follows(text: str, settled: str) -> None:
    present, suspected, absent = _items(text)
    got = (
        "present"
        if "infection_risk" in present
        else "open"
        if "infection_risk" in suspected
        else "absent"
        if "infection_risk" in absent
        else "none"
    )
    assert got == settled
