"""Closing an engine unpickled in a process: that engine refuses, the process's shared
compiled pack (and every other engine unpickled there) keeps running."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hamtriage import Engine, EngineError
from hamtriage.engine import compiled_state
from tests.support.packs import tiny_pack

RULES = """
rules:
  - id: r_a
    title: A
    evidence: research
    source: S1
    when: {symptom: a}
    then: [{support: h1, certainty: 0.6}]
"""
REPORT = {"symptoms": ["a"]}


def _copies(engine: Engine, n: int) -> list[Engine]:
    return [pickle.loads(pickle.dumps(engine)) for _ in range(n)]


def test_a_closed_unpickled_engine_refuses_every_call_that_triages(tmp_path: Path) -> None:
    engine = Engine.from_path(tiny_pack(tmp_path / "p", RULES))
    one, two = _copies(engine, 2)
    assert compiled_state(one) is compiled_state(two)  # one compiled pack per process
    with one:
        assert one.triage(REPORT).fired_rules == ("r_a",)
    for call in (
        lambda: one.triage(REPORT),
        lambda: one.triage_many([REPORT]),
        lambda: one.explain(REPORT),
        lambda: one.next_questions(REPORT),
        lambda: one.retest(REPORT, REPORT),
        lambda: one.reload(tmp_path / "p"),
    ):
        with pytest.raises(EngineError, match="the engine is closed"):
            call()
    one.close()  # closing twice is harmless
    # what needs no engine still works, as on a closed engine of its own
    assert one.validate(REPORT).symptoms == ("a",)
    assert one.pack is compiled_state(two).pack


def test_closing_one_unpickled_engine_leaves_the_shared_pack_running(tmp_path: Path) -> None:
    engine = Engine.from_path(tiny_pack(tmp_path / "p", RULES))
    one, two = _copies(engine, 2)
    expected = engine.triage(REPORT)
    one.close()
    assert not compiled_state(two).ruleset.closed
    assert two.triage(REPORT) == expected
    (later,) = _copies(engine, 1)  # unpickled after the close: the same shared pack
    assert compiled_state(later) is compiled_state(two)
    assert later.triage(REPORT) == expected
    assert engine.triage(REPORT) == expected  # the original owns its own state


def test_an_owned_engine_still_frees_its_ruleset(tmp_path: Path) -> None:
    engine = Engine.from_path(tiny_pack(tmp_path / "p", RULES))
    (copy,) = _copies(engine, 1)
    engine.close()
    assert compiled_state(engine).ruleset.closed
    with pytest.raises(EngineError, match="the engine is closed"):
        engine.triage(REPORT)
    assert copy.triage(REPORT).fired_rules == ("r_a",)  # its own process-wide state


def test_a_reloaded_unpickled_engine_owns_its_new_state(tmp_path: Path) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    engine = Engine.from_path(root)
    one, two = _copies(engine, 2)
    one.reload(root)
    assert compiled_state(one) is not compiled_state(two)
    one.close()  # frees the state it built; the shared one is untouched
    assert compiled_state(one).ruleset.closed
    assert two.triage(REPORT).fired_rules == ("r_a",)
