"""Engine.dump_json (hamtriage.runtime.tojson): byte for byte ``model_dump_json``, for every
kind of result an engine may be handed."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import hamtriage
from hamtriage import TriageResult
from hamtriage.results import FiredRule, Hypothesis, MatchedFact, RuleEvidence
from tests.support.packs import MINIMAL_PACK
from tests.support.reports import make_reports

HINGE = {
    "symptoms": ["low_back_spasms"],
    "activities": ["deadlift"],
    "measurements": {"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
}


@pytest.fixture(scope="module")
def engine() -> hamtriage.Engine:
    return hamtriage.Engine.default()


def _same(engine: hamtriage.Engine, result: TriageResult) -> None:
    expected = result.model_dump_json()
    assert engine.dump_json(result) == expected
    assert engine.dump_json(result) == expected  # again: now from the kept parts


def test_seeded_results_are_written_as_pydantic_writes_them(engine: hamtriage.Engine) -> None:
    reports = make_reports(engine.pack, 400, seed=9021)
    reports += make_reports(engine.pack, 100, seed=9022, max_facts=40)
    for report in [HINGE, *reports, {}]:
        _same(engine, engine.triage(report))


def test_results_not_built_by_this_engine_are_written_right(engine: hamtriage.Engine) -> None:
    reports = make_reports(engine.pack, 150, seed=9023)
    for report in reports:
        result = engine.triage(report)
        _same(engine, TriageResult.model_validate_json(result.model_dump_json()))  # parsed
        _same(engine, engine.triage(report, lang="nl"))  # translated: fresh texts
    for result in engine.triage_many(reports):  # built from compact rows
        _same(engine, result)


def test_odd_texts_and_numbers_are_written_by_pydantic(tmp_path: Path) -> None:
    # labels with quotes, backslashes, control characters and non-ASCII text; values whose
    # shortest form differs from Python's repr (1e-05 is written 0.00001 by pydantic)
    odd = MINIMAL_PACK.replace("label: H one", 'label: "H \\"one\\" \\\\ \\t ünï ☃"').replace(
        "label: Drill one", 'label: "Drill \\u0001 one </script>"'
    )
    rules = """
rules:
  - id: r_a
    title: "A \\"quoted\\" title ✓"
    evidence: research
    source: S1
    when: {all: [{symptom: a}, {measurement: w, ge: 0}]}
    then: [{support: h1, certainty: 0.5}, {recommend: drill1}]
"""
    engine = hamtriage.Engine.from_texts({"pack.yaml": odd, "rules.yaml": rules})
    try:
        for w in (0.0001, 0.00001, 1e-05 + 1, 150, 199.9999, 0.1 + 0.2):
            result = engine.triage({"symptoms": ["a"], "measurements": {"w": w}})
            assert result.trace, "the rule fired"
            _same(engine, result)
        base = engine.triage({"symptoms": ["a"], "measurements": {"w": 3}})
        fired = base.trace[0]
        for value in (1e-05, 1e16, -0.0, 1.2345678901234568e17, "left", None):
            fact = MatchedFact(kind="measurement", id="w", value=value)
            trace = (fired.model_copy(update={"facts": (fact,)}),)
            _same(engine, base.model_copy(update={"trace": trace}))
        hyp = base.hypotheses[0]
        for c in (0.0, -0.0, 1e-05, 0.30000000000000004, 1.0):
            ev = RuleEvidence(rule_id="r", certainty=c, facts=())
            h = hyp.model_copy(update={"confidence": c, "supporting": (ev,), "opposing": (ev,)})
            _same(engine, base.model_copy(update={"hypotheses": (h,)}))
    finally:
        engine.close()


def test_results_of_another_shape_are_left_to_pydantic(engine: hamtriage.Engine) -> None:
    result = engine.triage(HINGE)

    class Longer(TriageResult):
        note: str = "extra"

    longer = Longer.model_validate_json(result.model_dump_json())
    assert engine.dump_json(longer) == longer.model_dump_json()
    assert '"note":"extra"' in engine.dump_json(longer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns of the unexpected types itself
        for update in (
            {"level": "see_clinician"},  # a plain str where an enum is expected
            {"trace": [*result.trace]},  # a list, not a tuple
            {"hypotheses": (result.hypotheses[0].model_copy(update={"confidence": 1}),)},
            {"lang": None},
        ):
            odd = result.model_copy(update=update)
            assert engine.dump_json(odd) == odd.model_dump_json(), update
        fired = FiredRule.model_construct(rule_id="x", title="t", evidence=result.trace[0].evidence)
        odd = result.model_copy(update={"trace": (fired,)})
        assert engine.dump_json(odd) == odd.model_dump_json()


def test_a_hypothesis_object_kept_in_the_cache_is_never_confused_with_another(
    engine: hamtriage.Engine,
) -> None:
    # parts are kept with their objects: a part built later at a freed address is written
    # from its own fields, not from the JSON of the one kept there before
    seen: dict[str, str] = {}
    for report in make_reports(engine.pack, 300, seed=9024):
        result = engine.triage(report)
        text = engine.dump_json(result)
        assert text == result.model_dump_json()
        for h in result.hypotheses:
            assert isinstance(h, Hypothesis)
            seen[h.id] = h.label
        del result
    assert seen, "the seeded reports raised hypotheses"


def test_the_engines_own_results_are_written_from_their_parts(
    engine: hamtriage.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the writer must not fall back to pydantic for a whole result it built itself
    results = [engine.triage(r) for r in [HINGE, *make_reports(engine.pack, 50, seed=9025)]]
    texts = [r.model_dump_json() for r in results]

    def refused(self: TriageResult, **_: object) -> str:
        raise AssertionError("written whole by pydantic")

    monkeypatch.setattr(TriageResult, "model_dump_json", refused)
    assert [engine.dump_json(r) for r in results] == texts
