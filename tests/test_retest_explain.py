"""Explaining a re-test result that is already there: the same explanation, no second re-test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamtriage import Engine, EngineError
from hamtriage.engine import compiled_state
from hamtriage.flows.retest_explain import explain_retest, explain_retest_result
from hamtriage.flows.retesting import facts_after, retest_facts
from hamtriage.runtime.run import Compiled

ROOT = Path(__file__).resolve().parent.parent
BEFORE = json.loads((ROOT / "examples" / "retest" / "before.json").read_text(encoding="utf-8"))
AFTER = json.loads((ROOT / "examples" / "retest" / "after.json").read_text(encoding="utf-8"))
OPENER = "inner_hamstring_opener"


def test_the_result_is_explained_as_a_fresh_re_test_would_be() -> None:
    engine = Engine.default()
    result = engine.retest(BEFORE, AFTER, intervention=OPENER)
    state = compiled_state(engine)
    given = explain_retest_result(state, result, AFTER)
    assert given == explain_retest(state, BEFORE, AFTER, intervention=OPENER)
    assert given.real  # the example has real changes: the comparison is not vacuous
    # the intervention is evidence in the explanation only because the result names it
    without = explain_retest_result(state, engine.retest(BEFORE, AFTER), AFTER)
    assert without != given


def test_the_facts_are_those_the_result_was_triaged_with() -> None:
    state = compiled_state(Engine.default())
    result, facts = retest_facts(state, BEFORE, AFTER, intervention=OPENER)
    again = facts_after(state, result, AFTER)
    assert again == facts
    assert again.changes  # verdicts of the changes, keyed like the engine's facts
    assert again.interventions == frozenset({OPENER})


def test_explaining_a_result_triages_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    state = compiled_state(Engine.default())
    result = Engine.default().retest(BEFORE, AFTER, intervention=OPENER)

    def refuse(self: Compiled, *args: object) -> None:
        raise EngineError("triaged again")

    monkeypatch.setattr(Compiled, "triage_facts", refuse)
    monkeypatch.setattr(Compiled, "triage", refuse)
    explanation = explain_retest_result(state, result, AFTER)
    assert explanation.triage.level == result.after.level
    with pytest.raises(EngineError, match="triaged again"):
        explain_retest(state, BEFORE, AFTER, intervention=OPENER)
