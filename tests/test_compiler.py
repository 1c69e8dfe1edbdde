"""The compiler: DNF, pattern merging, staging of negations and chaining, engine limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamtriage import Engine, RulePackError, load_pack
from hamtriage.engine import compiled_state
from hamtriage.rules.logic import MAX_EXPANSION, dnf
from hamtriage.rules.schema import Rule
from hamtriage.runtime import _durable
from hamtriage.runtime.compiler import LIMITS, compile_pack
from hamtriage.runtime.wire import MARKER_PREFIX, engine_number, fact_json, fnv1_32, marker_json
from tests.support.packs import MINIMAL_PACK, tiny_pack, write_pack


def _rule(when: object) -> Rule:
    return Rule.model_validate(
        {
            "id": "r",
            "title": "t",
            "evidence": "research",
            "source": ["S1"],
            "when": when,
            "then": [{"recommend": "x"}],
        }
    )


def _shape(when: object) -> list[list[tuple[bool, tuple[str, ...]]]]:
    return [[(a.negated, a.key) for a in conj] for conj in dnf(_rule(when).when)]


def test_dnf_distributes_and_pushes_negation_down() -> None:
    when = {"all": [{"symptom": "a"}, {"any": [{"symptom": "b"}, {"activity": "lift"}]}]}
    assert _shape(when) == [
        [(False, ("y", "a")), (False, ("y", "b"))],
        [(False, ("y", "a")), (False, ("act", "lift"))],
    ]
    # not (a and b) == not a or not b;  not (a or b) == not a and not b
    assert _shape({"not": {"all": [{"symptom": "a"}, {"symptom": "b"}]}}) == [
        [(True, ("y", "a"))],
        [(True, ("y", "b"))],
    ]
    assert _shape({"not": {"any": [{"symptom": "a"}, {"absent": "b"}]}}) == [
        [(True, ("y", "a")), (True, ("n", "b"))]
    ]
    assert _shape({"not": {"not": {"history": "h"}}}) == [[(False, ("y", "h"))]]


def test_engine_numbers_never_use_exponents() -> None:
    assert engine_number(10.0) == 10
    assert isinstance(engine_number(10.0), int)
    assert engine_number(0.00001) == 0
    assert engine_number(1e-4) == 0.0001
    assert engine_number(2.34567) == 2.3457
    for value in (1e-5, 123456.78, 0.1 + 0.2, -3.5e-7):
        assert "e" not in repr(engine_number(value)).lower()


RULES = """
rules:
  - id: merged
    title: K between two bounds, and not Z
    evidence: research
    source: S1
    when: {all: [{measurement: k, gt: 5}, {measurement: k, lt: 10}, {not: {symptom: z}}]}
    then: [{support: h1, certainty: 0.5}]
  - id: chained
    title: Reads h1
    evidence: research
    source: S1
    when: {hypothesis: h1}
    then: [{recommend: edu1}]
"""


def test_compiled_definition_shape(tmp_path: Path) -> None:
    compiled = compile_pack(load_pack(tiny_pack(tmp_path, RULES)))
    merged = compiled.definition["r0"]
    # one pattern for both bounds on k, the stage marker, then the negation
    assert merged == {
        "all": [
            {"p0": {"$and": [{"$gt": {"m:k": 5}}, {"$lt": {"m:k": 10}}]}},
            {"stage": {"st": 0}},
            {"x0$not": {"y:z": 1}},
        ],
        "pri": 2,
        "dist": 0,
    }
    assert compiled.definition["_boot"] == {"all": [{"m": {"$s": 1}}], "pri": 0}
    assert compiled.rules[1].stage == 1
    assert compiled.hypothesis_stage["h1"] == 0
    assert compiled.stage_markers == {0}
    assert compiled.max_stage == 1
    assert compiled.definition["r1"]["all"] == [{"p0": {"$gte": {"h:h1": 0.3}}}]
    assert compiled.matches == {"r0": (("m", "k"),), "r1": (("h", "h1"),)}
    # facts no pattern tests are never asserted; hypotheses below every threshold neither
    assert compiled.tested == {"m:k", "st", "y:z", "h:h1"}
    assert compiled.hypothesis_floor == {"h1": 0.3}
    # no pattern uses durable's own keys
    text = str(compiled.definition)
    assert "'id'" not in text
    assert "'sid'" not in text


def test_engine_limits_are_pack_errors_not_hangs(tmp_path: Path) -> None:
    branches = ", ".join(f"{{symptom: {s}}}" for s in ("a", "b", "z"))
    wide = (
        "{all: [" + ", ".join(f"{{any: [{branches}]}}" for _ in range(4)) + "]}"
    )  # 3**4 = 81 branches
    rules = f"""
    rules:
      - id: too_wide
        title: Too many alternatives
        evidence: research
        source: S1
        when: {wide}
        then: [{{support: h1, certainty: 0.5}}]
    """
    with pytest.raises(RulePackError) as info:
        compile_pack(load_pack(tiny_pack(tmp_path / "wide", rules)))
    assert info.value.issues[0].rule_id == "too_wide"
    assert (
        f"its conditions expand to 81 alternatives; the limit is {LIMITS['branches_per_rule']}"
        in str(info.value)
    )
    assert str(info.value.issues[0]).startswith(
        f"{tmp_path}/wide/rules.yaml:2:9: error: rule 'too_wide'"
    )

    # 61 thresholds on one measurement are spread over two rulesets (tests/test_scale.py
    # triages such packs in a child process); 61 in one rule's branch fit in none
    thresholds = "\n".join(
        f"""
      - id: t{i}
        title: Threshold {i}
        evidence: research
        source: S1
        when: {{measurement: w, gt: {i}}}
        then: [{{support: h1, certainty: 0.1}}]"""
        for i in range(LIMITS["matches_per_fact"] + 1)
    )
    spread = compile_pack(load_pack(tiny_pack(tmp_path / "many", "rules:" + thresholds)))
    assert len(spread.units) == 2
    n = LIMITS["matches_per_fact"] + 1
    half = [
        ", ".join(f"{{measurement: w, gt: {i}}}" for i in range(a, b))
        for a, b in ((0, 30), (30, n))
    ]
    tests = f"{{all: [{half[0]}]}}, {{all: [{half[1]}]}}"  # 32 conditions per list at most
    one = f"""
    rules:
      - id: too_many_thresholds
        title: Too many thresholds
        evidence: research
        source: S1
        when: {{all: [{tests}]}}
        then: [{{support: h1, certainty: 0.1}}]
    """
    with pytest.raises(RulePackError) as info:
        compile_pack(load_pack(tiny_pack(tmp_path / "one", one)))
    (issue,) = info.value.issues
    assert str(issue).startswith(
        f"{tmp_path}/one/rules.yaml:2:9: error: rule 'too_many_thresholds'"
    )
    assert "more than 60 different tests on measurement 'w'" in issue.message
    assert "use fewer distinct thresholds" in issue.message
    assert "('" not in issue.message  # no engine internals


def test_a_combinatorial_rule_is_refused_without_expanding_it(tmp_path: Path) -> None:
    # all of 24 two-way alternatives: 2**24 branches if expanded in full
    pairs = ", ".join("{any: [{symptom: a}, {symptom: b}]}" for _ in range(24))
    rules = f"""
    rules:
      - id: explosive
        title: Too many alternatives
        evidence: research
        source: S1
        when: {{all: [{pairs}]}}
        then: [{{support: h1, certainty: 0.5}}]
    """
    pack = load_pack(tiny_pack(tmp_path, rules))
    assert len(dnf(pack.rule("explosive").when)) == MAX_EXPANSION + 1
    with pytest.raises(RulePackError, match=f"expand to more than {MAX_EXPANSION} alternatives"):
        compile_pack(pack)


def test_atoms_carry_their_position_but_compare_without_it() -> None:
    (conj,) = dnf(_rule({"all": [{"symptom": "a"}, {"not": {"symptom": "b"}}]}).when)
    assert [a.loc for a in conj] == [("when", "all", 0), ("when", "all", 1, "not")]
    (other,) = dnf(_rule({"all": [{"not": {"symptom": "b"}}, {"symptom": "a"}]}).when)
    assert set(conj) == set(other)


def test_fact_names_whose_engine_hashes_collide_are_a_pack_error(tmp_path: Path) -> None:
    """durable tells a fact's properties apart by a 32-bit FNV-1a hash of their names:
    two ids whose names collide would match each other's rules, so the pack is refused."""
    assert fnv1_32("y:q422789") == fnv1_32("y:q639192")  # found by brute force
    pack = MINIMAL_PACK.replace(
        "  - {id: b, label: Symptom B}\n",
        "  - {id: b, label: Symptom B}\n"
        "  - {id: q422789, label: Symptom Q1}\n"
        "  - {id: q639192, label: Symptom Q2}\n",
    )
    root = write_pack(tmp_path, {"pack.yaml": pack, "rules.yaml": "rules: []\n"})
    loaded = load_pack(root)  # the files are valid; the engine cannot run them
    with pytest.raises(RulePackError) as info:
        compile_pack(loaded)
    (issue,) = info.value.issues
    assert issue.code == "engine_limit"
    assert issue.path.endswith("pack.yaml")
    assert issue.line == 11
    assert "cannot tell 'y:q639192' from 'y:q422789'" in issue.message
    assert "rename 'q639192'" in issue.message


def test_the_adapter_knows_how_the_compiler_encodes_stage_markers() -> None:
    assert _durable.MARKER_PREFIX is MARKER_PREFIX
    assert marker_json(3).startswith(MARKER_PREFIX)
    assert json.loads(marker_json(3)) == {"id": "st:3", "st": 3}
    assert json.loads(fact_json("m", "k", 7.5)) == {"id": "m:k", "m:k": 7.5}
    assert fnv1_32("id") == 926444256  # durable's HASH_ID


def test_the_engine_asserts_only_facts_some_pattern_tests(tmp_path: Path) -> None:
    engine = Engine.from_path(tiny_pack(tmp_path, RULES))
    facts = engine.normalize(
        {"symptoms": ["a", "z"], "absent": ["b"], "measurements": {"k": 7, "w": 3}, "age": 30}
    )
    names = [json.loads(f)["id"] for f in compiled_state(engine).input_json(facts)]
    assert names == ["y:z", "m:k"]  # y:a, n:b, m:w and age are tested by no rule
    result = engine.triage({"measurements": {"k": 7}})
    assert result.fired_rules == ("merged", "chained")  # h1 0.5 >= 0.3: asserted, read
