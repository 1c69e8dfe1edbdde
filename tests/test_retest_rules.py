"""Change conditions and MDC blocks in rule packs: loading (located errors with "did you
mean"), compiling onto the engine, the lint's contradiction checks, and the differential
oracle (tests/support/oracle.py) over re-tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamtriage import Engine, RulePackError, load_pack
from hamtriage.flows.lint import lint
from hamtriage.rules.logic import dnf
from hamtriage.runtime.compiler import compile_pack
from tests.support.oracle import PlainEvaluator
from tests.support.packs import MINIMAL_PACK, tiny_pack, write_pack

RULE = """
rules:
  - id: r1
    title: Rule one
    evidence: research
    source: [S1]
    when:
{when}
    then:
      - support: h1
        certainty: 0.4
      - recommend: edu1
"""


def _when(text: str) -> str:
    return "\n".join("      " + line for line in text.strip("\n").splitlines())


def _pack(tmp_path: Path, when: str) -> Path:
    return tiny_pack(tmp_path, RULE.format(when=_when(when)))


def _errors(root: Path) -> list[str]:
    with pytest.raises(RulePackError) as err:
        load_pack(root)
    return [str(i) for i in err.value.issues if i.severity == "error"]


# ---------------------------------------------------------------------- loader


def test_change_conditions_are_checked_with_located_errors_and_did_you_mean(
    tmp_path: Path,
) -> None:
    root = _pack(
        tmp_path,
        """
all:
  - {change: kk, verdict: improved}
  - {change: w, verdict: worse, side: left}
  - {change: k, verdict: worse, after: drill2}
  - {change: a, verdict: worse}
""",
    )
    got = _errors(root)
    rules = str(root / "rules.yaml")
    assert got == [
        f"{rules}:8:20: error: rule 'r1': unknown measurement 'kk' (did you mean 'k'?)",
        (
            f"{rules}:9:45: error: rule 'r1': side: left needs a sided measurement; 'w' is "
            "measured once, not per side"
        ),
        (
            f"{rules}:10:46: error: rule 'r1': unknown recommendation 'drill2' (did you mean "
            "'drill1'?)"
        ),
        (
            f"{rules}:11:20: error: rule 'r1': 'a' is a symptom, not a measurement (check the key "
            "'change')"
        ),
    ]


def test_verdict_and_side_typos_are_located_with_did_you_mean(tmp_path: Path) -> None:
    root = _pack(
        tmp_path,
        """
all:
  - {change: k, verdict: improvd}
  - {change: k, verdict: worse, side: lefft}
""",
    )
    got = _errors(root)
    rules = str(root / "rules.yaml")
    assert got == [
        (
            f"{rules}:8:32: error: rules[0].when.all[0].verdict: unknown verdict 'improvd' (did "
            "you mean 'improved'?); expected one of: improved, no_real_change, worse"
        ),
        (
            f"{rules}:9:45: error: rules[0].when.all[1].side: unknown side 'lefft' (did you mean "
            "'left'?); expected one of: left, right, asymmetry"
        ),
    ]


def test_an_unknown_key_in_a_change_condition_suggests_the_right_one(tmp_path: Path) -> None:
    got = _errors(_pack(tmp_path, "{change: k, verdict: worse, aftr: drill1}"))
    assert any("unknown key 'aftr'" in line and "did you mean 'after'" in line for line in got)


def test_mdc_blocks_are_checked_against_their_measurement(tmp_path: Path) -> None:
    vocab = MINIMAL_PACK.replace(
        "  - {id: k, label: K test, unit: cm, range: [0, 20], sided: true, mdc: 1.9}",
        "  - {id: k, label: K test, unit: cm, range: [0, 20], sided: true, mdc: 1.9,\n"
        "     retest: {mdc: 1.9, unit: mm, better: lower, source: [S2]}}\n"
        "  - {id: q, label: Q test, unit: s, range: [0, 5], retest: {mdc: 6, source: [S1]}}",
    )
    root = write_pack(tmp_path, {"pack.yaml": vocab, "rules.yaml": "rules: []\n"})
    got = _errors(root)
    pack = str(root / "pack.yaml")
    assert any(
        line.startswith(f"{pack}:13:31:")
        and "the MDC's unit 'mm' is not the measurement's unit 'cm'" in line
        for line in got
    ), got
    assert any("better: lower contradicts worse: lower (better must be higher)" in x for x in got)
    assert f"{pack}:13:59: error: unknown source 'S2'" in got
    assert any("an MDC of 6 s is not smaller than the whole valid range [0, 5]" in x for x in got)


def test_a_retest_block_that_agrees_loads(tmp_path: Path) -> None:
    vocab = MINIMAL_PACK.replace(
        "sided: true, mdc: 1.9}",
        "sided: true, mdc: 1.9,\n     retest: {mdc: 1.9, unit: cm, better: higher, source: [S1]}}",
    )
    root = write_pack(tmp_path, {"pack.yaml": vocab, "rules.yaml": "rules: []\n"})
    item = load_pack(root).measurements["k"]
    assert item.retest is not None
    assert item.retest.mdc == 1.9
    assert item.retest.published


# -------------------------------------------------------------------- compiler


def test_a_change_with_after_compiles_to_two_facts_and_its_negation_to_two_branches(
    tmp_path: Path,
) -> None:
    root = _pack(tmp_path, "{change: k, verdict: improved, side: left, after: drill1}")
    rule = load_pack(root).rules[0]
    (conj,) = dnf(rule.when)
    assert [(a.key, a.tests) for a in conj] == [
        (("chg", "k:left"), (("eq", "improved"),)),
        (("after", "drill1"), ()),
    ]
    negated = dnf(rule.when, negate=True)
    assert [[(a.negated, a.key) for a in c] for c in negated] == [
        [(True, ("chg", "k:left"))],
        [(True, ("after", "drill1"))],
    ]
    compiled = compile_pack(load_pack(root))
    assert compiled.definition["r0"]["all"] == [
        {"p0": {"chg:k:left": "improved"}},
        {"p1": {"after:drill1": 1}},
    ]
    assert {"chg:k:left", "after:drill1"} <= compiled.tested


def test_change_rules_fire_only_in_a_retest_with_the_named_intervention(tmp_path: Path) -> None:
    root = _pack(tmp_path, "{change: k, verdict: improved, side: left, after: drill1}")
    engine = Engine.from_path(root)
    try:
        before = {"measurements": {"k": {"left": 3, "right": 5}}}
        after = {"measurements": {"k": {"left": 6, "right": 5}}}
        assert engine.triage(after).fired_rules == ()
        assert engine.retest(before, after).after.fired_rules == ()
        fired = engine.retest(before, after, intervention="drill1").after
        assert fired.fired_rules == ("r1",)
        facts = {(f.kind, f.id, f.value) for f in fired.trace[0].facts}
        assert facts == {("change", "k:left", "improved"), ("intervention", "drill1", None)}
        # the tiny pack gives no MDC: 10% of the valid range (2 cm), so 2 cm is no change
        small = engine.retest(before, {"measurements": {"k": {"left": 5, "right": 5}}})
        assert small.change("k", "left").verdict == "no_real_change"  # type: ignore[union-attr]
    finally:
        engine.close()


# ------------------------------------------------------------------------ lint


def test_lint_finds_contradictory_change_conditions(tmp_path: Path) -> None:
    root = _pack(
        tmp_path,
        """
any:
  - all:
      - {change: k, verdict: improved}
      - {change: k, verdict: worse}
  - all:
      - {change: w, verdict: worse}
      - not: {change: w, verdict: worse}
  - all:
      - {change: k, verdict: improved, side: left, after: drill1}
      - not: {change: k, verdict: worse, side: left}
""",
    )
    got = [str(i) for i in lint(root)]
    assert any(
        "this alternative can never match: it needs the change in k to be both improved and worse"
        in line
        for line in got
    ), got
    assert any("it needs the change in w to be both worse and not" in line for line in got), got
    assert not any("never_fires" in line or "can never fire" in line for line in got), got


def test_lint_tells_different_verdicts_apart(tmp_path: Path) -> None:
    rules = """
rules:
  - id: better
    title: Better
    evidence: research
    source: [S1]
    when: {change: k, verdict: improved}
    then: [{recommend: edu1}]
  - id: same
    title: Same
    evidence: research
    source: [S1]
    when: {change: k, verdict: no_real_change}
    then: [{recommend: edu1}]
"""
    got = [str(i) for i in lint(tiny_pack(tmp_path, rules))]
    assert not any("duplicates" in line or "shadowed" in line for line in got), got
    assert not any("measurement 'k' is not used" in line for line in got), got


# ------------------------------------------------------------ differential oracle

ENGINE = Engine.default()
ORACLE = PlainEvaluator(ENGINE.pack)
MEASURED = ("fingertip_to_floor_cm", "knee_to_wall_cm", "passive_straight_leg_raise_deg")


def _value(mid: str) -> st.SearchStrategy[float]:
    lo, hi = ENGINE.pack.measurements[mid].range
    return st.integers(min_value=int(lo) * 2, max_value=int(hi) * 2).map(lambda v: v / 2)


@st.composite
def _pair(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, object]]:
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for mid in MEASURED:
        if ENGINE.pack.measurements[mid].sided:
            before[mid] = {"left": draw(_value(mid)), "right": draw(_value(mid))}
            after[mid] = {"left": draw(_value(mid)), "right": draw(_value(mid))}
        else:
            before[mid], after[mid] = draw(_value(mid)), draw(_value(mid))
    return {"measurements": before}, {"measurements": after}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pair(), st.sampled_from([None, "inner_hamstring_opener", "calf_stretch"]))
def test_the_engine_agrees_with_the_plain_evaluator_on_retests(
    pair: tuple[dict[str, object], dict[str, object]], intervention: str | None
) -> None:
    from dataclasses import replace

    from hamtriage.rules.logic import change_key

    before, after = pair
    result = ENGINE.retest(before, after, intervention=intervention)
    facts = replace(
        ENGINE.normalize(after),
        changes={change_key(c.measurement, c.side): c.verdict for c in result.changes},
        interventions=frozenset({intervention}) if intervention else frozenset(),
    )
    outcome = ORACLE.evaluate(facts)
    assert set(result.after.fired_rules) == outcome.fired
    assert result.after.level == outcome.level
