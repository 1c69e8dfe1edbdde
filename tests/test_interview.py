"""Next questions: red-flag screening first, then what changes the result; should_stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hamtriage
from hamtriage.flows.interview import Interview, next_questions, red_flag_items
from tests.support.packs import write_pack

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"

PACK = """
pack: {name: interview, version: "1", referrals: {see_clinician: see_doc, emergency: er}}
sources: {S1: {title: Test source}}
symptoms:
  - {id: back_ache, label: Back ache, region: low_back, source: [S1], question: "Does your back ache?"}
  - {id: numb_saddle, label: Saddle numbness, region: low_back, source: [S1], question: "Is the saddle area numb?"}
  - {id: knee_locks, label: Knee locks, region: knee, source: [S1], question: "Does your knee lock?"}
  - {id: fever, label: Fever, region: any, source: [S1], question: "Do you have a fever?"}
  - {id: stiff, label: Stiff, region: low_back}
measurements:
  - {id: reach_cm, label: Reach test, unit: cm, range: [0, 40], test: Reach down and measure., region: low_back}
hypotheses:
  - {id: strain, label: Back strain, evidence: research}
recommendations:
  - {id: rest, label: Rest, kind: education}
  - {id: see_doc, label: See a doctor, kind: referral}
  - {id: er, label: Emergency, kind: referral}
rules:
  - id: rf_saddle
    title: Saddle numbness
    evidence: guideline
    source: [S1]
    red_flag: true
    when: {symptom: numb_saddle}
    then: [{escalate: emergency, reason: Possible nerve compression.}]
  - id: rf_knee
    title: Locked knee
    evidence: guideline
    source: [S1]
    red_flag: true
    when: {symptom: knee_locks}
    then: [{escalate: see_clinician, reason: Mechanical knee.}]
  - id: rf_fever
    title: Back ache with fever
    evidence: guideline
    source: [S1]
    red_flag: true
    when: {all: [{symptom: back_ache}, {symptom: fever}]}
    then: [{escalate: see_clinician, reason: Possible infection.}]
  - id: strain_ache
    title: Back ache suggests a strain
    evidence: research
    source: [S1]
    when: {symptom: back_ache}
    then: [{support: strain, certainty: 0.4}, {recommend: rest}]
  - id: strain_reach
    title: Short reach suggests a strain
    evidence: research
    source: [S1]
    when: {measurement: reach_cm, gt: 20}
    then: [{support: strain, certainty: 0.4}]
  - id: stiff_strain
    title: Stiffness with back ache
    evidence: research
    source: [S1]
    when: {all: [{symptom: stiff}, {symptom: back_ache}]}
    then: [{support: strain, certainty: 0.1}]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> hamtriage.Engine:
    return hamtriage.Engine.from_path(write_pack(tmp_path_factory.mktemp("iv"), {"p.yaml": PACK}))


def test_red_flag_items_are_the_symptoms_of_red_flag_rules(engine: hamtriage.Engine) -> None:
    assert red_flag_items(engine.pack) == {
        "numb_saddle": ("rf_saddle",),
        "knee_locks": ("rf_knee",),
        "back_ache": ("rf_fever",),
        "fever": ("rf_fever",),
    }


def test_unasked_red_flags_of_the_region_come_first_one_id_each(engine: hamtriage.Engine) -> None:
    interview = engine.next_questions({"symptoms": ["back_ache"]}, limit=5)
    ids = [q.id for q in interview.questions]
    # the low-back red flag first, then the region-less one; never the knee's
    assert ids[:2] == ["numb_saddle", "fever"]
    assert "knee_locks" not in ids
    assert all(q.red_flag for q in interview.questions[:2])
    first = interview.questions[0]
    assert first.text == "Is the saddle area numb?"
    assert first.region == "low_back"
    assert first.rules == ("rf_saddle",)
    assert "emergency" in first.why
    assert interview.should_stop is False


def test_after_screening_the_question_that_moves_the_result_most(engine: hamtriage.Engine) -> None:
    report = {"symptoms": ["back_ache"], "absent": ["numb_saddle", "fever"]}
    interview = engine.next_questions(report, limit=3)
    assert [q.id for q in interview.questions] == ["reach_cm", "stiff"]
    reach = interview.questions[0]
    assert reach.kind == "measurement"
    assert reach.unit == "cm"
    assert reach.test == "Reach down and measure."
    assert reach.red_flag is False
    assert "Back strain from 0.40 to 0.64" in reach.why
    assert reach.score > interview.questions[1].score


def test_should_stop_when_no_answer_can_change_level_or_top_hypothesis(
    engine: hamtriage.Engine,
) -> None:
    done = {
        "symptoms": ["back_ache"],
        "absent": ["numb_saddle", "fever", "stiff"],
        "measurements": {"reach_cm": 30},
    }
    interview = engine.next_questions(done)
    assert interview.should_stop is True
    assert interview.questions == ()
    assert interview.top_hypothesis == "strain"


def test_should_stop_is_false_while_a_red_flag_could_escalate(engine: hamtriage.Engine) -> None:
    report = {
        "symptoms": ["back_ache"],
        "absent": ["fever", "stiff"],
        "measurements": {"reach_cm": 30},
    }
    interview = engine.next_questions(report)
    assert [q.id for q in interview.questions] == ["numb_saddle"]
    assert interview.should_stop is False


def test_denied_items_do_not_set_the_region(engine: hamtriage.Engine) -> None:
    ids = [q.id for q in engine.next_questions({"absent": ["back_ache"]}, limit=10).questions]
    assert "knee_locks" in ids  # no region reported: every region is screened
    ids = [q.id for q in engine.next_questions({"measurements": {"reach_cm": 5}}).questions]
    assert "knee_locks" not in ids  # the reach test sets the low back


def test_an_emergency_stops_the_interview(engine: hamtriage.Engine) -> None:
    interview = engine.next_questions({"symptoms": ["numb_saddle"]})
    assert interview.level == "emergency"
    assert interview.should_stop is True
    assert interview.questions == ()
    assert interview.to_text().startswith("The level is emergency: stop asking")


def test_limit_and_statelessness(engine: hamtriage.Engine) -> None:
    report = {"symptoms": ["back_ache"]}
    one = engine.next_questions(report, limit=1)
    assert len(one.questions) == 1
    assert one == engine.next_questions(report, limit=1)
    none = engine.next_questions(report, limit=0)
    assert none.questions == ()
    assert none.should_stop is False
    assert none.remaining == engine.next_questions(report, limit=50).remaining
    with pytest.raises(hamtriage.ReportError, match="limit"):
        engine.next_questions(report, limit=-1)


def test_an_empty_report_is_screened_for_every_region(engine: hamtriage.Engine) -> None:
    ids = [q.id for q in engine.next_questions({}, limit=10).questions]
    assert {"numb_saddle", "knee_locks", "fever", "back_ache"} <= set(ids)
    assert ids[0] == "numb_saddle"  # the most urgent first


def test_bundled_pack_screens_the_low_back_first_for_the_hinge_example() -> None:
    report = json.loads((EXAMPLES / "hinge_spasms.json").read_text(encoding="utf-8"))
    engine = hamtriage.Engine.default()
    interview = engine.next_questions(report)
    flags = red_flag_items(engine.pack)
    assert len(interview.questions) == 3
    for q in interview.questions:
        assert q.red_flag
        assert q.id in flags
        assert q.id in engine.pack.kinds
        assert q.region == "low_back"
    assert interview == next_questions(report, 3)


def test_bundled_pack_asks_tests_once_red_flags_are_answered() -> None:
    engine = hamtriage.Engine.default()
    flags = red_flag_items(engine.pack)
    report = {"symptoms": ["tight_calves"], "absent": sorted(flags)}
    interview = engine.next_questions(report, limit=3)
    assert interview.questions
    assert not any(q.red_flag for q in interview.questions)
    top = interview.questions[0]
    assert top.id == "knee_to_wall_cm"
    assert top.unit == "cm"
    assert top.test
    assert top.sided
    assert isinstance(Interview.model_validate_json(interview.model_dump_json()), Interview)
    text = interview.to_text()
    assert "Knee-to-wall distance (knee_to_wall_cm, measurement)" in text
    assert "Record it in cm." in text


def test_a_calf_complaint_asks_the_dvt_screen_first() -> None:
    engine = hamtriage.Engine.default()
    ids = [q.id for q in engine.next_questions({"symptoms": ["tight calves"]}, limit=3).questions]
    assert ids == ["one_sided_calf_swelling", "one_sided_calf_pain", "breathless_or_chest_pain"]
    # once the calf signs are denied, the clot risks named by one-sided calf pain follow
    pain = engine.next_questions(
        {"symptoms": ["one_sided_calf_pain"], "absent": ["one_sided_calf_swelling"]}, limit=2
    )
    assert [q.id for q in pain.questions] == [
        "breathless_or_chest_pain",
        "long_travel_or_immobilisation",
    ]
    assert all(q.red_flag for q in pain.questions)


def test_an_achilles_complaint_asks_the_rupture_screen_first() -> None:
    engine = hamtriage.Engine.default()
    first = engine.next_questions({"symptoms": ["achilles_pain_on_loading"]}, limit=1)
    assert [q.id for q in first.questions] == ["achilles_pop_or_gap"]
