"""Safety behaviour: red flags, level gating, training gates and the load-time safety lint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hamtriage import (
    DISCLAIMER,
    Engine,
    RecommendationKind,
    RulePackError,
    TriageLevel,
    TriageResult,
    load_pack,
)
from hamtriage.rules.safety import SAFETY_CODES, red_flag_triggers
from tests.support.packs import write_pack

REQUIRED_IDS = (
    "saddle_numbness",
    "bladder_or_bowel_dysfunction",
    "progressive_leg_weakness",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "cancer_history",
    "night_pain",
    "major_trauma",
    "thigh_pop_with_bruising",
    "unable_to_bear_weight",
    "rapid_knee_swelling",
    "achilles_pop_or_gap",
    "pain_on_screening_test",
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def triage(engine: Engine, **report: Any) -> TriageResult:
    return engine.triage(report)


def kinds(result: TriageResult) -> set[RecommendationKind]:
    return {r.kind for r in result.recommendations}


# ------------------------------------------------------------ the vocabulary


def test_required_red_flag_ids_exist_with_question_region_synonyms_and_source(
    engine: Engine,
) -> None:
    pack = engine.pack
    for rid in REQUIRED_IDS:
        item = pack.symptoms.get(rid) or pack.history.get(rid)
        assert item is not None, rid
        assert all((item.question, item.region, item.synonyms, item.source)), rid
    assert "cancer_history" in pack.history
    assert "major_trauma" in pack.history


def test_every_red_flag_rule_escalates_cites_sources_and_is_not_lore(engine: Engine) -> None:
    flags = [r for r in engine.pack.rules if r.red_flag]
    assert len(flags) >= 25
    for rule in flags:
        assert rule.source, rule.id
        assert all(k in engine.pack.sources for k in rule.source), rule.id
        assert rule.evidence != "coaching_lore", rule.id
        levels = [a.escalate for a in rule.then if hasattr(a, "escalate")]
        assert max(levels, default=TriageLevel.SELF_CARE) >= TriageLevel.SEE_CLINICIAN, rule.id


def test_progressive_leg_weakness_is_an_emergency(engine: Engine) -> None:
    result = triage(engine, symptoms=["progressive_leg_weakness"])
    assert result.level is TriageLevel.EMERGENCY
    assert [f.id for f in result.red_flags] == ["progressive_leg_weakness"]


def test_every_red_flag_item_alone_escalates_to_its_rule_level(engine: Engine) -> None:
    pack = engine.pack
    triggers = red_flag_triggers(pack)
    assert set(REQUIRED_IDS) <= set(triggers)
    for item, rule_ids in triggers.items():
        field = "history" if item in pack.history else "symptoms"
        result = engine.triage({field: [item]})
        expected = max(
            a.escalate for rid in rule_ids for a in pack.rule(rid).then if hasattr(a, "escalate")
        )
        assert result.level == expected, item
        assert {f.id for f in result.red_flags} >= set(rule_ids), item
        referral = pack.meta.referrals[expected]
        assert [r.id for r in result.recommendations] == [referral], item
        assert result.recommendations[0].reason, item


# ------------------------------------------------------------------ gating


def test_saddle_numbness_with_hinge_spasms_goes_to_emergency_not_an_opener(
    engine: Engine,
) -> None:
    result = triage(
        engine,
        symptoms=["low_back_spasms", "numb down there"],
        activities=["deadlift"],
        measurements={"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
    )
    assert result.level is TriageLevel.EMERGENCY
    assert [r.id for r in result.recommendations] == ["seek_emergency_care"]
    referral = result.recommendations[0]
    assert referral.kind is RecommendationKind.REFERRAL
    assert referral.reason == (
        "Numbness in the saddle area can mean pressure on the nerves at the base of the "
        "spine (cauda equina); go to emergency care now."
    )
    assert referral.rules == ("saddle_numbness",)
    (flag,) = result.red_flags
    assert (flag.id, flag.level, flag.source) == (
        "saddle_numbness",
        TriageLevel.EMERGENCY,
        ("S32", "S33", "S34"),
    )
    assert flag.label == "Saddle numbness can be a sign of cauda equina syndrome"
    assert [(f.kind, f.id) for f in flag.facts] == [("symptom", "saddle_numbness")]
    # the hypotheses are still listed for the clinician
    assert {h.id for h in result.hypotheses} >= {"nonspecific_lumbar_strain", "calf_tightness"}
    assert result.disclaimer == DISCLAIMER
    # the same report without the red flag gets the opener
    calm = triage(
        engine,
        symptoms=["low_back_spasms"],
        activities=["deadlift"],
        measurements={"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
    )
    assert calm.level is TriageLevel.SELF_CARE
    assert "inner_hamstring_opener" in {r.id for r in calm.recommendations}


@pytest.mark.parametrize(
    ("symptom", "level", "referral"),
    [
        ("pain_on_screening_test", TriageLevel.SEE_CLINICIAN, "see_clinician"),
        ("unable_to_bear_weight", TriageLevel.SAME_DAY, "same_day_assessment"),
        ("achilles_pop_or_gap", TriageLevel.EMERGENCY, "seek_emergency_care"),
    ],
)
def test_each_referral_level_carries_its_referral_and_no_drill(
    engine: Engine, symptom: str, level: TriageLevel, referral: str
) -> None:
    result = triage(
        engine,
        symptoms=[symptom, "tight_calves", "cannot_touch_floor"],
        measurements={"knee_to_wall_cm": 7},
    )
    assert result.level is level
    assert result.recommendations[0].id == referral
    assert kinds(result) == {RecommendationKind.REFERRAL}
    assert result.hypotheses, "hypotheses stay listed for the clinician"


def test_levels_combine_by_the_highest_and_every_reason_is_given(engine: Engine) -> None:
    result = triage(engine, symptoms=["night_pain", "achilles_pop_or_gap", "tight_calves"])
    assert result.level is TriageLevel.EMERGENCY
    assert [(f.id, f.level) for f in result.red_flags] == [
        ("achilles_pop_or_gap", TriageLevel.EMERGENCY),
        ("night_pain", TriageLevel.SEE_CLINICIAN),
    ]
    (referral,) = result.recommendations
    assert referral.id == "seek_emergency_care"
    assert referral.reason is not None
    assert "torn Achilles tendon" in referral.reason
    assert "Pain at night" in referral.reason
    assert set(referral.rules) == {"night_pain", "achilles_pop_or_gap"}


def test_red_flag_rules_fire_first(engine: Engine) -> None:
    result = triage(
        engine, symptoms=["tight_calves", "low_back_spasms", "night_pain"], activities=["deadlift"]
    )
    flags = [f.red_flag for f in result.trace]
    assert flags[0] is True
    assert flags == sorted(flags, reverse=True)


def test_a_denied_red_flag_does_not_escalate(engine: Engine) -> None:
    result = triage(engine, symptoms=["tight_calves"], absent=["saddle_numbness", "night_pain"])
    assert result.level is TriageLevel.SELF_CARE
    assert result.red_flags == ()
    assert "calf_stretch" in {r.id for r in result.recommendations}


@pytest.mark.parametrize("field", ["symptoms", "history"])
def test_history_like_flags_are_accepted_as_symptoms_or_history(engine: Engine, field: str) -> None:
    for item, level in (
        ("cancer_history", TriageLevel.SEE_CLINICIAN),
        ("major_trauma", TriageLevel.SAME_DAY),
    ):
        result = engine.triage({field: [item]})
        assert result.level is level
        assert [f.id for f in result.red_flags] == [item]


@pytest.mark.parametrize(
    ("age", "level", "flags"),
    [
        (16, TriageLevel.SAME_DAY, ["back_pain_at_risk_age", "adolescent_extension_back_pain"]),
        (19, TriageLevel.SAME_DAY, ["back_pain_at_risk_age", "adolescent_extension_back_pain"]),
        (20, TriageLevel.SEE_CLINICIAN, []),
        (35, TriageLevel.SEE_CLINICIAN, []),
        (51, TriageLevel.SAME_DAY, ["back_pain_at_risk_age"]),
    ],
)
def test_age_dependent_flags_use_the_reports_age(
    engine: Engine, age: int, level: TriageLevel, flags: list[str]
) -> None:
    result = triage(engine, symptoms=["back_pain_on_extension", "night_pain"], age=age)
    assert result.level is level
    assert [f.id for f in result.red_flags if f.id != "night_pain"] == flags


def test_adolescent_extension_pain_alone_and_the_adult_case(engine: Engine) -> None:
    young = triage(engine, symptoms=["back_pain_on_extension"], age=15)
    assert young.level is TriageLevel.SEE_CLINICIAN
    assert [f.id for f in young.red_flags] == ["adolescent_extension_back_pain"]
    assert {b.id for b in young.blocked_exercises} == {"deadlift", "kettlebell_swing"}
    adult = triage(engine, symptoms=["back_pain_on_extension"], age=30)
    assert adult.level is TriageLevel.SELF_CARE
    assert adult.red_flags == ()
    no_age = triage(engine, symptoms=["back_pain_on_extension"])
    assert no_age.red_flags == ()


def test_combination_flags_need_both_parts(engine: Engine) -> None:
    assert triage(engine, history=["infection_risk"]).level is TriageLevel.SELF_CARE
    with_back = triage(engine, history=["infection_risk"], symptoms=["low_back_spasms"])
    assert with_back.level is TriageLevel.SAME_DAY
    assert [f.id for f in with_back.red_flags] == ["spinal_infection_risk"]
    joint = triage(engine, symptoms=["hot_swollen_joint", "fever_or_unwell"])
    assert joint.level is TriageLevel.EMERGENCY
    assert joint.red_flags[0].id == "hot_swollen_joint_with_fever"


# ------------------------------------------------------- modify_training


def test_suspected_acute_strain_trains_with_changes(engine: Engine) -> None:
    result = triage(
        engine,
        symptoms=["posterior_thigh_pain"],
        activities=["sprinting", "deadlift"],
        measurements={"knee_to_wall_cm": 8},
    )
    assert result.level is TriageLevel.MODIFY_TRAINING
    blocked = {b.id for b in result.blocked_exercises}
    assert {"deadlift", "romanian_deadlift", "kettlebell_swing", "sprinting"} <= blocked
    recs = {r.id for r in result.recommendations}
    assert not recs & blocked
    assert {"hamstring_strain_first_steps", "calf_stretch"} <= recs
    assert RecommendationKind.DRILL in kinds(result), "drills stay next to the blocks"
    assert result.red_flags == ()
    for b in result.blocked_exercises:
        assert b.reason
        assert b.rules


def test_failed_active_leg_raise_blocks_heavy_hinging(engine: Engine) -> None:
    result = triage(
        engine,
        measurements={
            "active_straight_leg_raise_deg": {"left": 45, "right": 70},
            "passive_straight_leg_raise_deg": 85,
        },
        activities=["deadlift", "kettlebell_swing"],
    )
    assert result.level is TriageLevel.MODIFY_TRAINING
    assert {b.id for b in result.blocked_exercises} == {
        "deadlift",
        "romanian_deadlift",
        "kettlebell_swing",
    }
    assert "hip_hinge_drill" in {r.id for r in result.recommendations}
    assert result.hypotheses[0].id == "hinge_motor_control_deficit"
    passed = triage(engine, measurements={"active_straight_leg_raise_deg": 75})
    assert passed.level is TriageLevel.SELF_CARE
    assert passed.blocked_exercises == ()


def test_a_red_flag_on_top_of_a_training_gate_keeps_the_blocks(engine: Engine) -> None:
    result = triage(
        engine,
        symptoms=["posterior_thigh_pain", "thigh_pop_with_bruising"],
        activities=["sprinting"],
    )
    assert result.level is TriageLevel.SAME_DAY
    assert kinds(result) == {RecommendationKind.REFERRAL}
    assert {"deadlift", "sprinting", "romanian_deadlift"} <= {
        b.id for b in result.blocked_exercises
    }


# ------------------------------------------------------------ the lint

PACK = """
pack:
  name: tiny
  version: "1"
  referrals: {see_clinician: see_doc, emergency: see_doc}
sources:
  S1: {title: Test source}
symptoms:
  - {id: a, label: Symptom A, source: [S1]}
  - {id: b, label: Symptom B, source: [S1]}
  - {id: c, label: Symptom C}
hypotheses:
  - {id: h1, label: H one, evidence: research}
  - {id: h2, label: H two, evidence: research}
recommendations:
  - {id: drill1, label: Drill one, kind: drill}
  - {id: edu1, label: Education one, kind: education}
  - {id: see_doc, label: See a doctor, kind: referral}
"""


def write(tmp_path: Path, rules: str) -> Path:
    return write_pack(tmp_path, {"pack.yaml": PACK, "rules.yaml": rules})


def lint(tmp_path: Path, rules: str) -> list[str]:
    root = write(tmp_path, rules)
    with pytest.raises(RulePackError) as info:
        load_pack(root)
    return [str(i) for i in info.value.issues]


def where(tmp_path: Path) -> str:
    return str(tmp_path / "rules.yaml")


def test_a_safe_pack_loads_and_chains_to_education(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: guideline
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
              - escalate: emergency
                reason: A is serious.
          - id: teach_h1
            title: Education for h1
            evidence: research
            source: [S1]
            when: {hypothesis: h1}
            then:
              - recommend: edu1
          - id: drill_on_b
            title: Drill for b
            evidence: research
            source: [S1]
            when: {all: [{symptom: b}, {not: {symptom: a}}]}
            then:
              - recommend: drill1
        """,
    )
    pack = load_pack(root)
    assert red_flag_triggers(pack) == {"a": ("flag_a",)}
    engine = Engine(pack)
    result = engine.triage({"symptoms": ["a", "b"]})
    assert result.level is TriageLevel.EMERGENCY
    assert [r.id for r in result.recommendations] == ["see_doc"]
    assert result.recommendations[0].reason == "A is serious."


def test_lint_refuses_a_red_flag_that_chains_to_a_drill(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: guideline
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
              - escalate: see_clinician
                reason: A needs a look.
          - id: h1_leads_on
            title: h1 suggests h2
            evidence: research
            source: [S1]
            when: {hypothesis: h1}
            then:
              - support: h2
                certainty: 0.5
              - recommend: edu1
          - id: drill_for_h2
            title: Drill for h2
            evidence: research
            source: [S1]
            when: {hypothesis: h2}
            then:
              - recommend: drill1
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:28:20: error: rule 'drill_for_h2' recommends the drill 'drill1' on "
            "hypothesis 'h2', which red-flag rule 'flag_a' supports: a red flag must never lead "
            "to a drill (flag_a -> h1 -> h1_leads_on -> h2 -> drill_for_h2 -> drill1)"
        )
    ]


def test_lint_refuses_a_red_flag_recommending_a_drill_directly(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: guideline
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - escalate: see_clinician
                reason: A needs a look.
              - recommend: drill1
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:11:20: error: red-flag rule 'flag_a' must not recommend the drill "
            "'drill1'"
        )
    ]


def test_lint_refuses_a_red_flag_without_a_source(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_c
            title: Red flag C
            evidence: guideline
            source: [S1]
            red_flag: true
            when:
              any:
                - symptom: a
                - symptom: c
            then:
              - escalate: see_clinician
                reason: C needs a look.
        """,
    )
    pack_yaml = tmp_path / "pack.yaml"
    assert issues == [
        (
            f"{where(tmp_path)}:10:20: error: red-flag rule 'flag_c' reads 'c', which has no source "
            f"(defined at {pack_yaml}:10:10); every red flag needs a source"
        )
    ]


def test_lint_refuses_a_red_flag_resting_on_coaching_lore(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: coaching_lore
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - escalate: see_clinician
                reason: A needs a look.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:4:15: error: red-flag rule 'flag_a' rests on coaching lore; a red "
            "flag needs guideline, research or expert-opinion evidence"
        )
    ]


def test_lint_refuses_an_escalation_under_not(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: guideline
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - escalate: emergency
                reason: A is serious.
          - id: b_without_a
            title: B, unless A
            evidence: research
            source: [S1]
            when:
              all:
                - symptom: b
                - not:
                    any:
                      - symptom: a
                      - hypothesis: h1
            then:
              - escalate: see_clinician
                reason: B needs a look.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:18:11: error: rule 'b_without_a' escalates to 'see_clinician' only "
            "while symptom 'a', hypothesis 'h1' is not reported: reporting more would lower the "
            "level (escalate on reported facts only, never under 'not:')"
        )
    ]


def test_lint_refuses_an_escalation_on_a_hypothesis_that_can_fall(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: a_suggests_h1
            title: A suggests h1
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
          - id: b_argues_against_h1
            title: B argues against h1
            evidence: research
            source: [S1]
            when: {symptom: b}
            then:
              - against: h1
                certainty: 0.5
          - id: h1_needs_a_look
            title: h1 needs a look
            evidence: research
            source: [S1]
            when: {hypothesis: h1}
            then:
              - escalate: see_clinician
                reason: h1 needs a look.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:22:24: error: rule 'h1_needs_a_look' escalates to 'see_clinician' "
            "on hypothesis 'h1', whose confidence can fall when more is reported (rule "
            "'b_argues_against_h1' argues against it): reporting more would lower the level"
        )
    ]


def test_lint_follows_falling_confidence_through_a_not(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: a_without_b
            title: A without B suggests h1
            evidence: research
            source: [S1]
            when: {all: [{symptom: a}, {not: {symptom: b}}]}
            then:
              - support: h1
                certainty: 0.5
          - id: h1_escalates
            title: h1 escalates
            evidence: research
            source: [S1]
            when: {hypothesis: h1}
            then:
              - escalate: modify_training
                reason: Train with changes.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:14:24: error: rule 'h1_escalates' escalates to 'modify_training' "
            "on hypothesis 'h1', whose confidence can fall when more is reported (rule "
            "'a_without_b' supports it under a 'not:'): reporting more would lower the level"
        )
    ]


def test_lint_refuses_escalating_to_self_care(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: calm_down
            title: Calm down
            evidence: research
            source: [S1]
            when: {symptom: b}
            then:
              - escalate: self_care
                reason: Nothing to see.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:8:19: error: rule 'calm_down' escalates to self_care, the lowest "
            "level: a rule can only raise the level"
        )
    ]


def test_lint_reports_every_problem_at_once_with_codes(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """
        rules:
          - id: flag_c
            title: Red flag C
            evidence: coaching_lore
            source: [S1]
            red_flag: true
            when: {all: [{symptom: c}, {not: {symptom: b}}]}
            then:
              - support: h1
                certainty: 0.4
              - escalate: same_day
                reason: C is serious.
          - id: drill_h1
            title: Drill for h1
            evidence: research
            source: [S1]
            when: {hypothesis: h1}
            then:
              - recommend: drill1
        """,
    )
    with pytest.raises(RulePackError) as info:
        load_pack(root)
    got = [(i.code, i.rule_id, i.line) for i in info.value.issues]
    assert got == [
        ("red_flag_lore", "flag_c", 4),
        ("red_flag_source", "flag_c", 7),
        ("level_lowered", "flag_c", 7),
        ("missing_referral", "flag_c", 11),
        ("red_flag_drill_chain", "drill_h1", 19),
    ]
    assert {c for c, _, _ in got} == set(SAFETY_CODES)
    assert str(info.value).startswith(f"5 problems in rule pack {root}:")


def test_lint_refuses_an_escalation_to_a_level_without_a_referral(tmp_path: Path) -> None:
    issues = lint(
        tmp_path,
        """
        rules:
          - id: flag_a
            title: Red flag A
            evidence: guideline
            source: [S1]
            red_flag: true
            when: {symptom: a}
            then:
              - escalate: same_day
                reason: A needs a look today.
        """,
    )
    assert issues == [
        (
            f"{where(tmp_path)}:9:19: error: rule 'flag_a' escalates to 'same_day', but the "
            "pack has no referral for 'same_day': add one under pack.referrals so the result "
            "says where to go"
        )
    ]


def test_a_referral_recommended_by_a_rule_says_why(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """
        rules:
          - id: b_wants_a_look
            title: B is worth a look
            evidence: research
            source: [S1]
            explanation: B is worth showing to a doctor at the next visit.
            when: {symptom: b}
            then:
              - recommend: see_doc
              - recommend: drill1
        """,
    )
    result = Engine(load_pack(root)).triage({"symptoms": ["b"]})
    assert result.level is TriageLevel.SELF_CARE
    by_id = {r.id: r for r in result.recommendations}
    assert by_id["see_doc"].reason == "B is worth showing to a doctor at the next visit."
    assert by_id["drill1"].reason is None
