"""Hazard 5: errors keep their type and attributes across processes.

Before the fix a ``RulePackError`` raised in a Dask worker arrived as ``AttributeError:
'str' object has no attribute 'severity'`` (pickle rebuilt it from its message), and
``triage_many(workers=2)`` after the pack changed or broke on disk ended in
``BrokenProcessPool`` (the engine failed to unpickle inside the worker).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

import hamtriage.flows.batch
from hamtriage import (
    Engine,
    EngineError,
    EngineUnavailableError,
    HamtriageError,
    LanguageError,
    ReportError,
    RuleIssue,
    RulePackError,
)
from hamtriage.flows.batch import BatchReportError
from tests.support.packs import tiny_pack

RULES = """
rules:
  - id: r1
    title: A
    evidence: research
    source: S1
    when: {symptom: a}
    then: [{support: h1, certainty: 0.5}]
"""

ISSUE = RuleIssue("rules.yaml", 3, 7, "unknown symptom 'x'", code="unknown_id", suggestions=("a",))
SAMPLES: dict[type[HamtriageError], HamtriageError] = {
    HamtriageError: HamtriageError("plain"),
    RulePackError: RulePackError([ISSUE], pack="/p"),
    ReportError: ReportError("bad", field="symptoms[0]", value="x", suggestions=("a",)),
    BatchReportError: BatchReportError("bad", index=4, field="age", value=-1),
    EngineError: EngineError("failed", code=303),
    EngineUnavailableError: EngineUnavailableError("no engine"),
    LanguageError: LanguageError("fr", ("en", "nl"), pack="p@1#abc", suggestions=()),
}


def _subclasses(cls: type[HamtriageError]) -> set[type[HamtriageError]]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _subclasses(sub)
    return out


def test_every_error_class_pickles_with_its_attributes() -> None:
    assert hamtriage.flows.batch  # BatchReportError is defined there
    classes = {c for c in _subclasses(HamtriageError) if c.__module__.startswith("hamtriage")}
    assert classes <= set(SAMPLES), f"add a sample for {classes - set(SAMPLES)}"
    for cls, error in SAMPLES.items():
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is cls
        assert str(back) == str(error)
        assert vars(back) == vars(error)
    pack_error = pickle.loads(pickle.dumps(SAMPLES[RulePackError]))
    assert isinstance(pack_error, RulePackError)
    assert pack_error.issues == (ISSUE,)
    assert pack_error.issues[0].severity == "error"


def _engine(tmp_path: Path) -> tuple[Engine, Path]:
    root = tiny_pack(tmp_path / "pack", RULES)
    return Engine.from_path(root), root


def test_workers_use_the_engines_own_pack_whatever_happens_on_disk(tmp_path: Path) -> None:
    # engines pickle by content: a pack changed or broken on disk after the engine was
    # built cannot reach its workers (it once ended in BrokenProcessPool)
    engine, root = _engine(tmp_path)
    reports = [{"symptoms": ["a"]}] * 4
    want = [engine.triage(r) for r in reports]
    assert engine.triage_many(reports, workers=2) == want
    (root / "rules.yaml").write_text(RULES.replace("certainty: 0.5", "certainty: 0.6"))
    assert engine.triage_many(reports, workers=2) == want
    (root / "rules.yaml").write_text(RULES.replace("symptom: a", "symptom: nope"))
    assert engine.triage_many(reports, workers=2) == want
    with pytest.raises(RulePackError) as caught:  # a reload reads the broken files
        engine.reload()
    (issue,) = caught.value.issues
    assert issue.code == "unknown_id"
    assert issue.path.endswith("rules.yaml")
    assert issue.line == 7


def test_an_error_in_a_worker_reaches_the_caller_as_itself(tmp_path: Path) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from hamtriage.engine import compiled_state
    from hamtriage.runtime.run import restore

    engine, _ = _engine(tmp_path)
    files, _hash = compiled_state(engine).__reduce__()[1]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        with pytest.raises(HamtriageError, match="differs from the one pickled"):
            pool.submit(restore, files, "0" * 64).result(timeout=120)
        broken = tuple((name, raw.replace(b"symptom: a", b"symptom: nope")) for name, raw in files)
        with pytest.raises(RulePackError) as caught:
            pool.submit(restore, broken, "0" * 64).result(timeout=120)
    assert caught.value.issues[0].code == "unknown_id"


def test_a_worker_that_dies_is_an_engine_error(tmp_path: Path) -> None:
    engine, _ = _engine(tmp_path)
    reports: list[Any] = [{"symptoms": ["a"]}, _Exploding()]
    with pytest.raises(EngineError, match="worker process died"):
        engine.triage_many(reports, workers=2, on_error="return")


class _Exploding(dict[str, object]):
    """A report whose unpickling kills the worker process (as a crash of the engine would)."""

    def __reduce__(self) -> tuple[object, ...]:
        import os

        return (os._exit, (9,))


@pytest.mark.slow
def test_a_broken_pack_in_a_dask_worker_is_a_rule_pack_error(tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    import dask

    from hamtriage.flows.distributed import triage_bag

    root = tiny_pack(tmp_path / "pack", RULES.replace("symptom: a", "symptom: nope"))
    bag = triage_bag([{"symptoms": ["a"]}] * 4, root, npartitions=2)
    with dask.config.set(scheduler="processes"), pytest.raises(RulePackError) as caught:
        bag.compute()
    assert caught.value.issues[0].code == "unknown_id"
