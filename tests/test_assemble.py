"""hamtriage.runtime.assemble: from the rules that fired to a result, without the engine.

The Assembler is fed the fired rules directly (rule index -> matched facts), so each
step of the assembly is checked on its own: confidences and the cap, the likelihood
thresholds, red flags and levels, the gates on recommendations, the cached parts.
"""

from __future__ import annotations

import textwrap

import pytest

from hamtriage.levels import Likelihood, RecommendationKind, TriageLevel
from hamtriage.results import MatchedFact, TriageResult
from hamtriage.rules.loader import load_pack_from_texts
from hamtriage.runtime.assemble import Assembler
from hamtriage.runtime.run import Compiled
from hamtriage.scoring import LIKELY, POSSIBLE, POSSIBLE_CAP

PACK = """
pack:
  name: assembly
  version: "1"
  referrals: {see_clinician: see_doc, same_day: same_day_doc}
sources:
  S1: {title: Test source}
symptoms:
  - {id: a, label: Symptom A}
  - {id: z, label: Symptom Z, source: [S1]}
hypotheses:
  - {id: h1, label: H one, evidence: research}
  - {id: h2, label: H two, evidence: coaching_lore, max_likelihood: possible}
  - {id: h3, label: H three, evidence: research}
  - {id: h4, label: H four, evidence: research}
  - {id: h5, label: H five, evidence: expert_opinion}
recommendations:
  - {id: drill1, label: Drill one, kind: drill, contraindications: [z]}
  - {id: drill2, label: Drill two, kind: drill}
  - {id: edu1, label: Education one, kind: education}
  - {id: physio, label: See a physio, kind: referral}
  - {id: see_doc, label: See a doctor, kind: referral}
  - {id: same_day_doc, label: See a doctor today, kind: referral}
"""

RULES = """
rules:
  - {id: h1_a, title: H1 a, evidence: research, source: S1, when: {symptom: a}, then: [{support: h1, certainty: 0.5}, {recommend: drill1}]}
  - {id: h1_b, title: H1 b, evidence: research, source: S1, when: {symptom: a}, then: [{support: h1, certainty: 0.4}]}
  - {id: h1_against, title: Not h1, evidence: research, source: S1, when: {symptom: a}, then: [{against: h1, certainty: 0.5}]}
  - {id: h2_strong, title: H2, evidence: research, source: S1, when: {symptom: a}, then: [{support: h2, certainty: 0.9}, {recommend: edu1}]}
  - {id: h3_at_possible, title: H3, evidence: research, source: S1, when: {symptom: a}, then: [{support: h3, certainty: 0.3}, {recommend: drill2}]}
  - {id: h4_below, title: H4, evidence: research, source: S1, when: {symptom: a}, then: [{support: h4, certainty: 0.29}]}
  - {id: h5_at_likely, title: H5, evidence: research, source: S1, when: {symptom: a}, then: [{support: h5, certainty: 0.6}, {recommend: physio}]}
  - {id: modify, title: Modify, evidence: research, source: S1, when: {symptom: a}, then: [{escalate: modify_training, reason: "Ease off."}]}
  - {id: block_drill2, title: Block, evidence: research, source: S1, when: {symptom: a}, then: [{block: drill2, reason: "Not while it hurts."}]}
  - {id: block_drill2_too, title: Block too, evidence: research, source: S1, when: {symptom: a}, then: [{block: drill2, reason: "Also no."}]}
  - {id: z_flag_clinician, title: Flag Z, evidence: guideline, source: S1, red_flag: true, when: {symptom: z}, then: [{escalate: see_clinician, reason: "Z needs a clinician."}]}
  - {id: a_flag_clinician, title: Flag A, evidence: guideline, source: S1, red_flag: true, when: {symptom: z}, then: [{escalate: see_clinician, reason: "A needs a clinician."}]}
  - {id: m_flag_same_day, title: Flag M, evidence: guideline, source: S1, red_flag: true, when: {symptom: z}, then: [{escalate: same_day, reason: "M needs a doctor today."}]}
"""


@pytest.fixture(scope="module")
def state() -> Compiled:
    return Compiled(load_pack_from_texts({"pack.yaml": textwrap.dedent(PACK), "rules.yaml": RULES}))


@pytest.fixture(scope="module")
def assembler(state: Compiled) -> Assembler:
    return state.assembler


@pytest.fixture(scope="module")
def index(state: Compiled) -> dict[str, int]:
    return {rule.id: i for i, rule in enumerate(state.compiled.rules)}


def _result(
    state: Compiled,
    index: dict[str, int],
    rules: list[str],
    symptoms: tuple[str, ...] = ("a",),
) -> TriageResult:
    fired = {index[r]: (MatchedFact(kind="symptom", id="a", value=None),) for r in rules}
    return state.assembler.result(state.normalize({"symptoms": list(symptoms)}), fired)


# ------------------------------------------------------------ confidences


def test_confidences_combine_per_hypothesis(assembler: Assembler, index: dict[str, int]) -> None:
    got = assembler.confidences({index["h1_a"]: (), index["h1_b"]: ()})
    assert got == {"h1": 0.7}  # 0.5 + 0.4 * (1 - 0.5)
    got = assembler.confidences({index["h1_a"]: (), index["h1_b"]: (), index["h1_against"]: ()})
    assert got == {"h1": 0.4}  # (0.7 - 0.5) / (1 - 0.5)
    assert assembler.confidences({index["modify"]: (), index["block_drill2"]: ()}) == {}


def test_a_possible_only_hypothesis_is_capped(assembler: Assembler, index: dict[str, int]) -> None:
    assert assembler.confidences({index["h2_strong"]: ()}) == {"h2": POSSIBLE_CAP}


def test_opposition_alone_concludes_zero(assembler: Assembler, index: dict[str, int]) -> None:
    assert assembler.confidences({index["h1_against"]: ()}) == {"h1": 0.0}


# ------------------------------------------------------------ likelihoods


def test_likelihood_thresholds_and_ranking(state: Compiled, index: dict[str, int]) -> None:
    result = _result(
        state,
        index,
        ["h1_a", "h1_b", "h2_strong", "h3_at_possible", "h4_below", "h5_at_likely"],
    )
    got = [(h.id, h.confidence, h.likelihood) for h in result.hypotheses]
    assert got == [
        ("h1", 0.7, Likelihood.LIKELY),
        ("h5", LIKELY, Likelihood.LIKELY),  # at the threshold: likely
        ("h2", POSSIBLE_CAP, Likelihood.POSSIBLE),  # capped just below it
        ("h3", POSSIBLE, Likelihood.POSSIBLE),  # at the lower threshold: listed
    ]  # h4 at 0.29 is not listed; ranked by confidence, then id
    h1 = result.hypotheses[0]
    assert [e.rule_id for e in h1.supporting] == ["h1_a", "h1_b"]
    assert h1.opposing == ()


def test_evidence_against_is_listed_with_the_hypothesis(
    state: Compiled, index: dict[str, int]
) -> None:
    result = _result(state, index, ["h1_a", "h1_b", "h1_against"])
    (h1,) = result.hypotheses
    assert h1.confidence == 0.4
    assert [(e.rule_id, e.certainty) for e in h1.opposing] == [("h1_against", 0.5)]


def test_given_confidences_are_used_as_they_are(state: Compiled, index: dict[str, int]) -> None:
    # the engine passes the confidences it computed between stages: no second computation
    facts = state.normalize({"symptoms": ["a"]})
    result = state.assembler.result(facts, {index["h1_a"]: ()}, {"h1": 0.65})
    assert [(h.id, h.confidence) for h in result.hypotheses] == [("h1", 0.65)]


# ------------------------------------------------------------ red flags and levels


def test_red_flags_come_first_by_urgency_then_id(state: Compiled, index: dict[str, int]) -> None:
    result = _result(
        state,
        index,
        ["h2_strong", "z_flag_clinician", "m_flag_same_day", "a_flag_clinician"],
        symptoms=("a", "z"),
    )
    assert result.level is TriageLevel.SAME_DAY
    assert [f.id for f in result.red_flags] == [
        "m_flag_same_day",
        "a_flag_clinician",
        "z_flag_clinician",
    ]
    assert [f.level for f in result.red_flags] == [
        TriageLevel.SAME_DAY,
        TriageLevel.SEE_CLINICIAN,
        TriageLevel.SEE_CLINICIAN,
    ]
    # the trace keeps the firing order
    assert result.fired_rules == (
        "h2_strong",
        "z_flag_clinician",
        "m_flag_same_day",
        "a_flag_clinician",
    )
    # the pack's referral for the level comes first, with the red flags' reasons in
    # their order; education (edu1) is withheld at this level
    (referral,) = result.recommendations
    assert referral.id == "same_day_doc"
    assert referral.kind is RecommendationKind.REFERRAL
    assert referral.reason == "M needs a doctor today. A needs a clinician. Z needs a clinician."
    assert referral.rules == ("z_flag_clinician", "m_flag_same_day", "a_flag_clinician")


def test_referrals_survive_the_gate_after_the_packs_own(
    state: Compiled, index: dict[str, int]
) -> None:
    result = _result(
        state, index, ["h5_at_likely", "h1_a", "z_flag_clinician"], symptoms=("a", "z")
    )
    assert result.level is TriageLevel.SEE_CLINICIAN
    assert [r.id for r in result.recommendations] == ["see_doc", "physio"]  # no drill1
    assert result.recommendations[1].reason == "H5"  # every referral says why


# ------------------------------------------------------------ gates


def test_blocked_recommendations_are_removed_and_listed(
    state: Compiled, index: dict[str, int]
) -> None:
    open_ = _result(state, index, ["h1_a", "h3_at_possible"])
    assert [r.id for r in open_.recommendations] == ["drill1", "drill2"]  # by confidence
    gated = _result(
        state, index, ["h1_a", "h3_at_possible", "modify", "block_drill2", "block_drill2_too"]
    )
    assert gated.level is TriageLevel.MODIFY_TRAINING
    assert [r.id for r in gated.recommendations] == ["drill1"]
    (blocked,) = gated.blocked_exercises
    assert (blocked.id, blocked.reason) == ("drill2", "Not while it hurts.")  # the first reason
    assert blocked.rules == ("block_drill2", "block_drill2_too")


def test_a_contraindicated_recommendation_is_withheld(
    state: Compiled, index: dict[str, int]
) -> None:
    assert [r.id for r in _result(state, index, ["h1_a"]).recommendations] == ["drill1"]
    withheld = _result(state, index, ["h1_a"], symptoms=("a", "z"))
    assert withheld.recommendations == ()
    assert [h.id for h in withheld.hypotheses] == ["h1"]  # only the advice is withheld


def test_no_escalation_is_self_care(state: Compiled, index: dict[str, int]) -> None:
    result = _result(state, index, ["h1_a"])
    assert result.level is TriageLevel.SELF_CARE
    assert result.red_flags == ()
    assert result.pack == state.pack_info


# ------------------------------------------------------------ cached parts


def test_prepared_parts_are_shared_per_rule_index(state: Compiled, index: dict[str, int]) -> None:
    a = Assembler(state.pack, state.compiled, state.pack_info)
    facts = state.normalize({"symptoms": ["a"]})
    matched = (MatchedFact(kind="symptom", id="a", value=None),)
    a.prepare(index["h1_a"], matched)
    first = a.result(facts, {index["h1_a"]: matched})
    second = a.result(facts, {index["h1_a"]: matched})
    assert first.trace[0] is second.trace[0]  # built once, when prepared
    assert first.hypotheses[0].supporting[0] is second.hypotheses[0].supporting[0]
    # an equal tuple that is another object was not prepared: equal parts, built anew
    copy = (MatchedFact(kind="symptom", id="a", value=None),)
    assert copy is not matched
    third = a.result(facts, {index["h1_a"]: copy})
    assert third == first
    assert third.trace[0] is not first.trace[0]


def test_one_facts_tuple_prepared_for_two_rules_keeps_them_apart(
    state: Compiled, index: dict[str, int]
) -> None:
    # tuples can be shared between rules (every empty tuple is one object): the rule
    # index is part of the cache key
    a = Assembler(state.pack, state.compiled, state.pack_info)
    facts = state.normalize({"symptoms": ["a", "z"]})
    shared = (MatchedFact(kind="symptom", id="z", value=None),)
    for rule in ("z_flag_clinician", "m_flag_same_day"):
        a.prepare(index[rule], shared)
    result = a.result(facts, {index["z_flag_clinician"]: shared, index["m_flag_same_day"]: shared})
    assert result.fired_rules == ("z_flag_clinician", "m_flag_same_day")
    assert [f.id for f in result.red_flags] == ["m_flag_same_day", "z_flag_clinician"]
    again = a.result(facts, {index["m_flag_same_day"]: shared})
    assert again.trace[0] is result.trace[1]
    assert again.red_flags[0] is result.red_flags[0]
