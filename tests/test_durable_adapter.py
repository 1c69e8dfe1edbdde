"""Each durable-rules hazard from the engine notes, made impossible and pinned by a test."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

import hamtriage
from hamtriage import Engine, EngineError
from hamtriage.engine import compiled_state
from hamtriage.runtime._durable import Ruleset
from hamtriage.runtime.wire import fnv1_32
from tests.support.packs import tiny_pack

RULES = """
rules:
  - id: r_a
    title: A
    evidence: research
    source: S1
    when: {all: [{symptom: a}, {not: {symptom: z}}]}
    then: [{support: h1, certainty: 0.5}, {recommend: edu1}]
"""


def _patterns(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for rule in definition.values():
        for pattern in rule["all"]:
            ((alias, expr),) = pattern.items()
            out.append((alias, expr))
    return out


def test_more_triages_than_the_session_cap(tmp_path: Path) -> None:
    # durable allows 1024 live sessions per ruleset; each triage deletes its own
    engine = Engine.from_path(tiny_pack(tmp_path, RULES))
    for _ in range(1500):
        assert engine.triage({"symptoms": ["a"]}).fired_rules == ("r_a",)


def test_sessions_where_no_rule_matches_survive_many_rulesets(tmp_path: Path) -> None:
    # the notes' crash: sessions with no action deleted after other rulesets come and go.
    # The boot rule runs an action in every session, so this sequence is safe.
    engines = [Engine.from_path(tiny_pack(tmp_path / str(i), RULES)) for i in range(3)]
    threads = [
        threading.Thread(
            target=lambda e=e: [e.triage({"activities": ["lift"]}) for _ in range(200)]
        )
        for e in engines
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engines[0].close()
    late = Engine.from_path(tiny_pack(tmp_path / "late", RULES))
    for _ in range(300):
        assert late.triage({"activities": ["lift"], "absent": ["b"]}).fired_rules == ()
    assert late.triage({}).level == "self_care"  # an empty report asserts nothing at all


def test_compiled_bundled_pack_avoids_every_quirk() -> None:
    definition = compiled_state(Engine.default()).compiled.definition
    text = json.dumps(definition)
    assert not re.search(r"\d[eE][+-]?\d", text), "numbers in exponent notation break the C parser"
    assert "$mt" not in text
    assert "$imt" not in text  # no regex (alternation gives false negatives)
    assert all(set(rule) <= {"all", "pri", "dist"} for rule in definition.values())  # no 'any'
    names = set()
    for alias, expr in _patterns(definition):
        if alias == "m":
            assert expr == {"$s": 1}  # the boot rule on the session state
            continue
        terms = expr.get("$and", [expr])
        props = set()
        for term in terms:
            ((op, body),) = term.items()
            if op.startswith("$"):
                ((prop, value),) = body.items()
                assert isinstance(value, int | float)
                assert not isinstance(value, bool)
            else:
                prop = op
            props.add(prop)
        # one fact per pattern, named after its kind and id; never a durable key
        assert len(props) == 1, f"pattern {alias} tests several facts: {props}"
        (prop,) = props
        assert prop in {"age", "sex", "st"} or ":" in prop, prop
        assert "." not in prop
        assert not prop.startswith("$")
        names.add(prop)
    hashes = {fnv1_32(n) for n in names}
    assert len(hashes) == len(names)
    assert fnv1_32("id") == 926444256  # durable's HASH_ID
    assert fnv1_32("sid") == 3593476751  # durable's HASH_SID
    assert "'id'" not in str(definition)


def test_engine_errors_carry_the_engine_code() -> None:
    ruleset = Ruleset("adapter_test", {"_boot": {"all": [{"m": {"$s": 1}}], "pri": 0}})
    too_many_properties = {f"p{i}": i for i in range(300)} | {"t": "x"}  # crashed the C core
    scope = ruleset.session()
    with scope.lock:
        session = scope.open()
        session.assert_facts([{"t": "y"}])
        with pytest.raises(EngineError) as info:
            session.assert_facts([too_many_properties])
    assert info.value.code == 302
    assert "engine error code 302" in str(info.value)
    # the failed session is repaired before its next use and the ruleset still works
    for _ in range(4):
        scope = ruleset.session()
        with scope.lock:
            session = scope.open()
            assert [name for name, _ in session.assert_facts([{"t": "x"}])] == ["_boot"]
    ruleset.close()
    assert ruleset.closed
    scope = ruleset.session()
    with pytest.raises(EngineError, match="closed"), scope.lock:
        scope.open()


def test_refused_ruleset_is_an_engine_error() -> None:
    with pytest.raises(EngineError) as info:
        Ruleset("bad_operator", {"r": {"all": [{"m": {"$foo": {"v": 1}}}]}})
    assert info.value.code is not None
    assert isinstance(info.value, hamtriage.HamtriageError)
