"""Engine semantics on small packs: chaining, negation, any, sides, levels, gating, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from hamtriage import Engine, EngineError, HamtriageError, TriageLevel
from hamtriage.scoring import POSSIBLE_CAP, combine
from tests.support.packs import tiny_pack

RULES = """
rules:
  - id: r_a
    title: A or low K supports h1
    evidence: research
    source: S1
    when: {any: [{symptom: a}, {measurement: k, lt: 10}]}
    then: [{support: h1, certainty: 0.5}]
  - id: r_b_not_z
    title: B without Z supports h1
    evidence: research
    source: S1
    when: {all: [{symptom: b}, {not: {symptom: z}}]}
    then: [{support: h1, certainty: 0.4}]
  - id: r_chain
    title: A likely h1 leads to h2 and a drill
    evidence: coaching_lore
    source: S1
    when: {hypothesis: h1, min_confidence: 0.6}
    then: [{support: h2, certainty: 0.9}, {recommend: drill1}]
  - id: r_not_h2
    title: Lifting without h2
    evidence: research
    source: S1
    when: {all: [{activity: lift}, {not: {hypothesis: h2}}]}
    then: [{recommend: edu1}]
  - id: r_asym
    title: Sides differ
    evidence: research
    source: S1
    when: {asymmetry: k}
    then: [{escalate: modify_training, reason: "The sides differ."}, {block: lift, reason: "Until the sides match."}]
  - id: r_absent_a
    title: A denied argues against h1
    evidence: research
    source: S1
    when: {absent: a}
    then: [{against: h1, certainty: 0.5}]
  - id: r_flag
    title: Red flag Z with old injury
    evidence: guideline
    source: S1
    red_flag: true
    when: {all: [{symptom: z}, {history: old_injury}, {age: {ge: 50}}]}
    then: [{escalate: see_clinician, reason: "Z with an old injury over 50 needs a clinician."}]
  - id: r_heavy
    title: Heavy W
    evidence: research
    source: S1
    when: {measurement: w, between: [100, 150]}
    then: [{support: h1, certainty: 0.3}, {recommend: drill1}]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.from_path(tiny_pack(tmp_path_factory.mktemp("pack"), RULES))


def _summary(
    engine: Engine, report: dict[str, object]
) -> tuple[str, dict[str, float], list[str], tuple[str, ...]]:
    r = engine.triage(report)
    return (
        r.level.value,
        {h.id: h.confidence for h in r.hypotheses},
        [x.id for x in r.recommendations],
        r.fired_rules,
    )


def test_combine_is_mycin() -> None:
    assert combine([0.4, 0.4], []) == pytest.approx(0.64)
    assert combine([0.4, 0.4, 0.4], []) == pytest.approx(0.784)
    assert combine([0.5], [0.5]) == 0.0
    assert combine([0.8], [0.4]) == pytest.approx((0.8 - 0.4) / (1 - 0.4))
    assert combine([0.3], [0.6]) == 0.0  # net negative is clamped: ruled out
    assert combine([], []) == 0.0


def test_any_fires_a_rule_once(engine: Engine) -> None:
    # both branches of r_a match, yet its certainty counts once
    _, hyps, _, fired = _summary(engine, {"symptoms": ["a"], "measurements": {"k": 5}})
    assert hyps == {"h1": 0.5}
    assert fired.count("r_a") == 1


def test_negation_holds_whatever_the_order(engine: Engine) -> None:
    for symptoms in (["b", "z"], ["z", "b"]):
        _, hyps, _, fired = _summary(engine, {"symptoms": symptoms})
        assert "r_b_not_z" not in fired, symptoms
        assert hyps == {}
    _, hyps, _, fired = _summary(engine, {"symptoms": ["b"]})
    assert fired == ("r_b_not_z",)
    assert hyps == {"h1": 0.4}


def test_forward_chaining_with_minimum_confidence_and_negated_hypothesis(engine: Engine) -> None:
    level, hyps, recs, fired = _summary(
        engine, {"symptoms": ["aa thing", "b"], "activities": ["lift"]}
    )
    assert hyps == {"h1": 0.7, "h2": POSSIBLE_CAP}  # h2 is capped at possible
    assert fired == ("r_a", "r_b_not_z", "r_chain")  # r_not_h2 is blocked by the concluded h2
    assert recs == ["drill1"]
    # below 0.6 the chained rule does not fire, so "not h2" holds
    level, hyps, recs, fired = _summary(engine, {"symptoms": ["b"], "activities": ["lift"]})
    assert fired == ("r_b_not_z", "r_not_h2")
    assert recs == ["edu1"]
    assert level == "self_care"


def test_absent_evidence_lowers_a_hypothesis(engine: Engine) -> None:
    _, hyps, _, _ = _summary(engine, {"symptoms": ["b"]})
    assert hyps == {"h1": 0.4}
    _, hyps, _, fired = _summary(engine, {"symptoms": ["b"], "absent": ["a"]})
    assert "r_absent_a" in fired
    assert hyps == {}  # (0.4 - 0.5) / (1 - 0.4) < 0: ruled out


def test_sided_measurement_counts_worse_side_and_asymmetry_blocks(engine: Engine) -> None:
    r = engine.triage({"measurements": {"k": {"left": 5, "right": 12}}})
    assert r.level == TriageLevel.MODIFY_TRAINING
    assert r.fired_rules == ("r_a", "r_asym")  # 5 < 10 on the worse side
    assert [(b.id, b.reason, b.rules) for b in r.blocked_exercises] == [
        ("lift", "Until the sides match.", ("r_asym",))
    ]
    matched = {(f.kind, f.id, f.value) for f in r.trace[1].facts}
    assert matched == {("asymmetry", "k", 7.0)}
    # a difference within the MDC (1.9) is no finding
    assert engine.triage({"measurements": {"k": {"left": 11, "right": 12.5}}}).fired_rules == ()


def test_between_is_inclusive(engine: Engine) -> None:
    for value, fires in ((99.9, False), (100, True), (150, True), (150.5, False)):
        assert ("r_heavy" in engine.triage({"measurements": {"w": value}}).fired_rules) is fires


def test_red_flag_gates_drills_and_adds_referral(engine: Engine) -> None:
    base = {"symptoms": ["a"], "measurements": {"w": 120}}
    r = engine.triage(base)
    assert r.level == "self_care"
    assert [x.id for x in r.recommendations] == ["drill1"]
    flagged = engine.triage({**base, "symptoms": ["a", "z"], "history": ["old_injury"], "age": 60})
    assert flagged.level == TriageLevel.SEE_CLINICIAN
    assert [x.id for x in flagged.recommendations] == ["see_doc"]
    referral = flagged.recommendations[0]
    assert referral.reason == "Z with an old injury over 50 needs a clinician."
    assert referral.rules == ("r_flag",)
    assert [(f.id, f.level) for f in flagged.red_flags] == [("r_flag", TriageLevel.SEE_CLINICIAN)]
    assert {h.id for h in flagged.hypotheses} == {"h1", "h2"}  # still listed for the clinician
    # age is part of the flag: at 40 it does not fire
    young = engine.triage({**base, "symptoms": ["a", "z"], "history": ["old_injury"], "age": 40})
    assert young.red_flags == ()
    # history items are accepted under symptoms too
    as_symptom = engine.triage({"symptoms": ["z", "old_injury"], "age": 60})
    assert as_symptom.level == "see_clinician"


def test_contraindication_withholds_a_recommendation(engine: Engine) -> None:
    r = engine.triage({"measurements": {"w": 120}, "symptoms": ["z"]})
    assert "r_heavy" in r.fired_rules
    assert [x.id for x in r.recommendations] == []


def test_result_is_frozen_json_and_round_trips(engine: Engine) -> None:
    from hamtriage import TriageResult

    r = engine.triage({"symptoms": ["a", "b"], "activities": ["lift"]})
    again = TriageResult.model_validate_json(r.model_dump_json())
    assert again == r
    assert r.pack.name == "tiny"
    assert r.pack.id.startswith("tiny@1#")
    assert "not a diagnosis" in r.disclaimer
    with pytest.raises(Exception, match="frozen"):
        r.level = TriageLevel.EMERGENCY
    h1 = r.hypothesis("h1")
    assert h1 is not None
    assert [(e.rule_id, e.certainty) for e in h1.supporting] == [("r_a", 0.5), ("r_b_not_z", 0.4)]
    assert r.trace[0].source == ("S1",)
    assert r.trace[0].evidence == "research"


def test_eight_threads_agree_with_sequential(engine: Engine) -> None:
    reports: list[dict[str, object]] = [
        {"symptoms": ["a"]},
        {"symptoms": ["b", "z"], "activities": ["lift"]},
        {"symptoms": ["aa thing", "b"], "activities": ["lift"]},
        {"measurements": {"k": {"left": 5, "right": 12}}},
        {"symptoms": ["z", "old_injury"], "age": 60, "measurements": {"w": 120}},
        {},
    ]
    expected = [engine.triage(r) for r in reports]
    failures: list[str] = []

    def worker(offset: int) -> None:
        for i in range(150):
            j = (i + offset) % len(reports)
            if engine.triage(reports[j]) != expected[j]:
                failures.append(f"thread {offset} report {j}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_closed_engine_raises_and_default_engine_is_shared(tmp_path: Path) -> None:
    engine = Engine.from_path(tiny_pack(tmp_path, RULES))
    with engine:
        assert engine.triage({"symptoms": ["a"]}).fired_rules == ("r_a",)
    with pytest.raises(EngineError, match="closed"):
        engine.triage({"symptoms": ["a"]})
    engine.close()  # closing twice is harmless
    assert Engine.default() is Engine.default()
    with pytest.raises(HamtriageError, match="cannot be closed"):
        Engine.default().close()


def test_rules_that_match_the_same_facts_are_each_reported(tmp_path: Path) -> None:
    """Regression (found by the fuzz test): two rules whose matched facts are the same
    tuple object (every rule matching no positive fact has the empty tuple) must not be
    confused when their result parts are built once per engine."""
    same = """
rules:
  - id: g0
    title: Not lifting
    evidence: research
    source: S1
    when: {not: {activity: lift}}
    then: [{support: h1, certainty: 0.2}]
  - id: g1
    title: Not lifting either
    evidence: research
    source: S1
    when: {not: {activity: lift}}
    then: [{support: h2, certainty: 0.3}]
  - id: a0
    title: A
    evidence: research
    source: S1
    when: {symptom: a}
    then: [{support: h1, certainty: 0.2}]
  - id: a1
    title: A again
    evidence: research
    source: S1
    when: {symptom: a}
    then: [{support: h2, certainty: 0.1}]
"""
    engine = Engine.from_path(tiny_pack(tmp_path, same))
    result = engine.triage({"symptoms": ["a"]})
    assert sorted(result.fired_rules) == ["a0", "a1", "g0", "g1"]
    assert [r.title for r in result.trace] == [
        engine.pack.rule(r).title for r in result.fired_rules
    ]
    hyp = {h.id: h for h in result.hypotheses}
    assert hyp["h1"].confidence == pytest.approx(0.36)
    assert hyp["h2"].confidence == pytest.approx(0.37)
    assert sorted(e.rule_id for e in hyp["h2"].supporting) == ["a1", "g1"]
