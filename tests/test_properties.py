"""Property-based tests of the safety invariants over random valid reports on the bundled pack.

Reports are generated from the pack's own vocabulary: symptom and history ids (written as
ids, labels or synonyms), explicit denials, activities, in-range measurements (sided
tests as one number or as left/right values), age and sex.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hamtriage import Engine, RecommendationKind, TriageLevel, TriageResult
from hamtriage.rules.safety import red_flag_triggers
from hamtriage.rules.schema import (
    AllCond,
    AnyCond,
    Condition,
    EscalateAction,
    HistoryCond,
    NotCond,
    RecommendAction,
    SupportAction,
    SymptomCond,
)

ENGINE = Engine.default()
PACK = ENGINE.pack
RED_FLAGS = red_flag_triggers(PACK)
ITEMS = sorted(PACK.symptoms) + sorted(PACK.history)
CALM_ITEMS = [i for i in ITEMS if i not in RED_FLAGS]
RED_ITEMS = sorted(RED_FLAGS)

SETTINGS = settings(max_examples=150, deadline=None, database=None)


def _positive_items(cond: Condition) -> set[str]:
    """Symptom and history ids a condition reads positively (outside any ``not``)."""
    if isinstance(cond, SymptomCond):
        return {cond.symptom}
    if isinstance(cond, HistoryCond):
        return {cond.history}
    if isinstance(cond, AllCond | AnyCond):
        subs = cond.all if isinstance(cond, AllCond) else cond.any
        return set().union(*(_positive_items(c) for c in subs))
    if isinstance(cond, NotCond):
        return set()
    return set()


SUPPORT_PAIRS = sorted(
    {
        (item, action.support)
        for rule in PACK.rules
        for action in rule.then
        if isinstance(action, SupportAction)
        for item in _positive_items(rule.when)
    }
)


def _spelling(item: str) -> st.SearchStrategy[str]:
    vocab = PACK.item(item)
    assert vocab is not None
    return st.sampled_from([item, vocab.label, *vocab.synonyms])


@st.composite
def reports(draw: st.DrawFn, spell: bool = False) -> dict[str, Any]:
    """A random valid report; at most a few red flags, so most stay below see_clinician."""
    present = draw(st.lists(st.sampled_from(CALM_ITEMS), unique=True, max_size=6))
    if draw(st.integers(0, 3)) == 0:
        present += draw(
            st.lists(
                st.sampled_from([i for i in RED_ITEMS if i not in present]),
                unique=True,
                min_size=1,
                max_size=2,
            )
        )
    rest = [i for i in ITEMS if i not in present]
    absent = draw(st.lists(st.sampled_from(rest), unique=True, max_size=5))
    report: dict[str, Any] = {"symptoms": [], "history": [], "absent": []}
    for item in present:
        field = "history" if item in PACK.history and draw(st.booleans()) else "symptoms"
        report[field].append(draw(_spelling(item)) if spell else item)
    report["absent"] = [draw(_spelling(i)) if spell else i for i in absent]
    report["activities"] = draw(st.lists(st.sampled_from(sorted(PACK.activities)), unique=True))
    measurements: dict[str, Any] = {}
    for mid, test in sorted(PACK.measurements.items()):
        if not draw(st.booleans()):
            continue
        lo, hi = test.range
        value = st.integers(round(lo * 10), round(hi * 10)).map(lambda v: v / 10)
        if test.sided and draw(st.booleans()):
            left = draw(st.none() | value)
            right = draw(value if left is None else st.none() | value)
            measurements[mid] = {
                k: v for k, v in (("left", left), ("right", right)) if v is not None
            }
        else:
            measurements[mid] = draw(value)
    report["measurements"] = measurements
    report["age"] = draw(st.none() | st.integers(10, 80) | st.integers(0, 120))
    report["sex"] = draw(st.sampled_from([None, "female", "male"]))
    return report


def _with(report: dict[str, Any], item: str) -> dict[str, Any]:
    """``report`` with ``item`` reported present (and no longer denied)."""
    out = {**report, "absent": [a for a in report["absent"] if a != item]}
    out["symptoms"] = [*report["symptoms"], item]
    return out


def _confidence(result: TriageResult, hypothesis: str) -> float:
    listed = result.hypothesis(hypothesis)
    return 0.0 if listed is None else listed.confidence


def _drills(result: TriageResult) -> list[str]:
    return [r.id for r in result.recommendations if r.kind is RecommendationKind.DRILL]


@SETTINGS
@given(reports(), st.sampled_from(RED_ITEMS))
def test_adding_a_red_flag_never_lowers_the_level_and_removes_every_drill(
    report: dict[str, Any], flag: str
) -> None:
    present = set(report["symptoms"]) | set(report["history"])
    if flag in present:
        return
    before = ENGINE.triage(report)
    after = ENGINE.triage(_with(report, flag))
    assert after.level >= before.level
    assert after.level >= TriageLevel.SEE_CLINICIAN
    assert _drills(after) == []
    assert set(RED_FLAGS[flag]) <= {f.id for f in after.red_flags}
    referral = PACK.meta.referrals[after.level]
    assert after.recommendations[0].id == referral
    assert after.recommendations[0].reason


@SETTINGS
@given(reports(), st.sampled_from(SUPPORT_PAIRS))
def test_adding_a_supporting_symptom_never_lowers_the_confidence_it_supports(
    report: dict[str, Any], pair: tuple[str, str]
) -> None:
    item, hypothesis = pair
    if item in set(report["symptoms"]) | set(report["history"]):
        return
    before = _confidence(ENGINE.triage(report), hypothesis)
    after = _confidence(ENGINE.triage(_with(report, item)), hypothesis)
    assert after >= before


@settings(max_examples=100, deadline=None, database=None)
@given(reports(spell=True), st.randoms(use_true_random=False))
def test_the_result_ignores_order_and_is_deterministic(report: dict[str, Any], rnd: Any) -> None:
    first = ENGINE.triage(report).model_dump()
    shuffled = dict(report)
    for key in ("symptoms", "history", "absent", "activities"):
        shuffled[key] = rnd.sample(report[key], len(report[key]))
    items = list(report["measurements"].items())
    rnd.shuffle(items)
    shuffled["measurements"] = dict(items)
    assert ENGINE.triage(shuffled).model_dump() == first
    assert ENGINE.triage(report).model_dump() == first


@SETTINGS
@given(reports(spell=True))
def test_every_report_gets_a_result_and_every_recommendation_is_explained(
    report: dict[str, Any],
) -> None:
    result = ENGINE.triage(report)
    fired = set(result.fired_rules)
    escalating = {
        rid for rid in fired for a in PACK.rule(rid).then if isinstance(a, EscalateAction)
    }
    expected_level = max(
        (a.escalate for rid in fired for a in PACK.rule(rid).then if isinstance(a, EscalateAction)),
        default=TriageLevel.SELF_CARE,
    )
    assert result.level == expected_level
    assert result.disclaimer
    blocked = {b.id for b in result.blocked_exercises}
    for rec in result.recommendations:
        assert rec.rules, rec.id
        assert set(rec.rules) <= fired, rec.id
        assert rec.id not in blocked
        if rec.id == PACK.meta.referrals.get(result.level):
            assert set(rec.rules) <= escalating
            assert rec.reason
        else:
            for rid in rec.rules:
                recommends = {
                    a.recommend for a in PACK.rule(rid).then if isinstance(a, RecommendAction)
                }
                assert rec.id in recommends, (rec.id, rid)
        if result.level.is_referral:
            assert rec.kind is RecommendationKind.REFERRAL
    assert {f.id for f in result.red_flags} == {rid for rid in fired if PACK.rule(rid).red_flag}
