"""Engines are created, reloaded, pickled, closed and dropped without leaking anything."""

from __future__ import annotations

import copy
import gc
import json
import os
import pickle
import sys
import textwrap
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import durable_rules_engine as dre
import pytest

from hamtriage import (
    BatchReportError,
    Engine,
    EngineError,
    EvidenceLevel,
    HamtriageError,
    Likelihood,
    RecommendationKind,
    ReportError,
    TriageLevel,
    TriageResult,
    load_pack,
)
from hamtriage.engine import compiled_state
from hamtriage.results import (
    BlockedExercise,
    FiredRule,
    Hypothesis,
    MatchedFact,
    Recommendation,
    RedFlag,
    RuleEvidence,
    Variant,
)
from hamtriage.runtime._construct import trusted
from hamtriage.runtime._durable import _CLEAN, _NEW, _UNKNOWN
from hamtriage.runtime.wire import fact_json
from tests.support.reports import make_reports

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/statm")


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _write_pack(root: Path, certainty: float, title: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(
        textwrap.dedent(f"""
            pack: {{name: reloadable, version: "1"}}
            sources:
              S1: {{title: A source}}
            symptoms:
              - {{id: a, label: Symptom A}}
              - {{id: b, label: Symptom B}}
            hypotheses:
              - {{id: h, label: H, evidence: research}}
            rules:
              - id: r1
                title: {title}
                evidence: research
                source: [S1]
                when: {{all: [{{symptom: a}}, {{not: {{symptom: b}}}}]}}
                then:
                  - {{support: h, certainty: {certainty}}}
        """),
        encoding="utf-8",
    )
    return root


# ---------------------------------------------------------------- creating, dropping


@linux_only
def test_a_thousand_engines_created_and_dropped_leak_no_threads_or_memory(
    tmp_path: Path,
) -> None:
    pack = load_pack(_write_pack(tmp_path / "p", 0.5, "A without B"))
    threads_before = threading.active_count()
    rulesets: list[weakref.ref[Any]] = []

    def cycle(n: int) -> None:
        for _ in range(n):
            engine = Engine(pack)
            assert engine.triage({"symptoms": ["a"]}).fired_rules == ("r1",)
            rulesets.append(weakref.ref(compiled_state(engine).ruleset))
            del engine

    cycle(100)  # warm up the allocator
    gc.collect()
    before = _rss_mb()
    cycle(900)
    gc.collect()
    growth = _rss_mb() - before
    assert threading.active_count() == threads_before
    assert all(r() is None for r in rulesets), "a ruleset outlived its engine"
    assert growth < 8, f"RSS grew by {growth:.1f} MB over 900 engines"


@linux_only
def test_dropping_an_engine_frees_its_reused_session(tmp_path: Path) -> None:
    """``delete_ruleset`` does not free sessions: the idle session must go first
    (about 1 MB per engine of the bundled pack)."""
    pack = Engine.default().pack
    report = {"symptoms": ["low_back_spasms"], "activities": ["deadlift"]}
    for _ in range(20):
        Engine(pack).triage(report)
    gc.collect()
    before = _rss_mb()
    for _ in range(150):
        Engine(pack).triage(report)
    gc.collect()
    growth = _rss_mb() - before
    assert growth < 15, f"RSS grew by {growth:.1f} MB over 150 engines"


def test_the_reused_session_is_empty_between_triages() -> None:
    engine = Engine(Engine.default().pack)
    handle = compiled_state(engine).ruleset._handle
    assert handle is not None
    for report in make_reports(engine.pack, 50, seed=3):
        engine.triage(report)
        facts = json.loads(dre.get_facts(handle, "0"))
        assert [f for f in facts if "$s" not in f] == []  # only the session state is left
    engine.close()


def test_a_failed_session_is_repaired_and_the_next_one_is_fresh() -> None:
    engine = Engine(Engine.default().pack)
    report = {"symptoms": ["low_back_spasms"], "activities": ["deadlift"]}
    expected = engine.triage(report)

    def fail_inside_a_session() -> None:
        scope = compiled_state(engine).ruleset.session()
        with scope.lock:
            session = scope.open()
            session.assert_json([fact_json("y", "low_back_spasms", 1)])  # left in the session
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_inside_a_session()
    slots = compiled_state(engine).ruleset._slots
    assert [slot.state for slot in slots] == [_UNKNOWN, _NEW]  # not kept for reuse as is
    assert engine.triage(report) == expected  # repaired (deleted) first, then fresh
    assert [slot.state for slot in slots] == [_CLEAN, _NEW]
    engine.close()


# ------------------------------------------------------------------------- closing


def test_close_is_idempotent_and_later_calls_raise(tmp_path: Path) -> None:
    engine = Engine.from_path(_write_pack(tmp_path / "p", 0.5, "A"))
    engine.triage({"symptoms": ["a"]})
    engine.close()
    engine.close()
    with pytest.raises(EngineError, match="closed"):
        engine.triage({"symptoms": ["a"]})
    with pytest.raises(EngineError, match="closed"):
        engine.reload()
    with Engine.from_path(tmp_path / "p") as other:
        assert other.triage({"symptoms": ["a"]}).fired_rules == ("r1",)
    with pytest.raises(EngineError):
        other.triage({"symptoms": ["a"]})


def test_the_shared_default_engine_can_be_neither_closed_nor_reloaded() -> None:
    with pytest.raises(HamtriageError):
        Engine.default().close()
    with pytest.raises(HamtriageError):
        Engine.default().reload()
    assert Engine.default().triage({"symptoms": ["low_back_spasms"]}).level is not None


def test_closing_while_threads_triage_gives_results_or_engine_errors(tmp_path: Path) -> None:
    engine = Engine.from_path(_write_pack(tmp_path / "p", 0.5, "A"))
    outcomes: list[str] = []
    go = threading.Event()

    def work() -> None:
        go.wait()
        for _ in range(300):
            try:
                engine.triage({"symptoms": ["a"]})
                outcomes.append("ok")
            except EngineError:
                outcomes.append("closed")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    go.set()
    engine.close()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 1200
    assert outcomes[-1] == "closed"


# ------------------------------------------------------------------------ reloading


def test_reload_swaps_the_pack_atomically_under_load(tmp_path: Path) -> None:
    a = _write_pack(tmp_path / "a", 0.5, "Version A")
    b = _write_pack(tmp_path / "b", 0.9, "Version B")
    engine = Engine.from_path(a)
    report = {"symptoms": ["a"]}
    want_a = engine.triage(report)
    want_b = Engine.from_path(b).triage(report)
    assert want_a != want_b
    stop = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while not stop.is_set():
                got = engine.triage(report)
                if got == want_a:
                    seen.append("a")
                elif got == want_b:
                    seen.append("b")
                else:  # a mix of two packs
                    seen.append("MIXED")
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    old = weakref.ref(compiled_state(engine).ruleset)
    reloads = 0
    # reload until the threads have seen both packs after a swap (bounded)
    while reloads < 20 or ({"a", "b"} - set(seen[-200:]) and reloads < 2000):
        engine.reload(b if reloads % 2 == 0 else a)
        reloads += 1
        time.sleep(0.001)
    if reloads % 2:  # end on pack a
        engine.reload(a)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert "MIXED" not in seen
    assert {"a", "b"} <= set(seen)
    assert engine.pack.root == str(a.resolve())
    assert engine.triage(report) == want_a
    gc.collect()
    assert old() is None  # the first pack's ruleset was freed once no call ran on it
    engine.close()


def test_reload_frees_replaced_packs_and_keeps_the_old_one_on_error(tmp_path: Path) -> None:
    a = _write_pack(tmp_path / "a", 0.5, "Version A")
    engine = Engine.from_path(a)
    engine.reload()
    first = weakref.ref(compiled_state(engine).ruleset)
    engine.reload()
    gc.collect()
    assert first() is None  # the replaced pack's ruleset was freed
    (a / "broken.yaml").write_text("rules: [", encoding="utf-8")
    with pytest.raises(HamtriageError):
        engine.reload()
    assert engine.triage({"symptoms": ["a"]}).fired_rules == ("r1",)


# ------------------------------------------------------------------ pickling, batches


def test_an_engine_pickles_by_its_pack_content(tmp_path: Path) -> None:
    root = _write_pack(tmp_path / "p", 0.5, "A")
    engine = Engine.from_path(root)
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.pack.content_hash == engine.pack.content_hash
    assert clone.triage({"symptoms": ["a"]}) == engine.triage({"symptoms": ["a"]})
    assert pickle.loads(pickle.dumps(Engine.default())) is Engine.default()
    # the files travel with the engine: a change on disk after pickling does not matter,
    # and neither does the directory's disappearance
    other = Engine.from_path(_write_pack(tmp_path / "q", 0.5, "B"))
    want = other.triage({"symptoms": ["a"]})
    frozen = pickle.dumps(other)
    _write_pack(tmp_path / "q", 0.7, "changed on disk")
    assert pickle.loads(frozen).triage({"symptoms": ["a"]}) == want
    # a pack with no directory pickles too
    texts = {name: bytes(raw).decode() for name, raw in engine.pack.files}
    from_texts = Engine.from_texts(texts)
    assert from_texts.pack.content_hash == engine.pack.content_hash
    assert from_texts.pack.root is None
    again = pickle.loads(pickle.dumps(from_texts))
    assert again.triage({"symptoms": ["a"]}) == engine.triage({"symptoms": ["a"]})
    # a pickle whose files do not match its hash is refused
    tampered = pickle.dumps(from_texts).replace(b"label: Symptom A", b"label: Symptom Z")
    assert tampered != pickle.dumps(from_texts)
    with pytest.raises(HamtriageError, match="differs"):
        pickle.loads(tampered)


def test_triage_many_keeps_order_and_equals_single_triage() -> None:
    engine = Engine.default()
    reports = make_reports(engine.pack, 200, seed=11)
    assert engine.triage_many(reports) == [engine.triage(r) for r in reports]
    assert engine.triage_many([]) == []
    assert engine.triage_many(iter(reports[:3])) == [engine.triage(r) for r in reports[:3]]


def test_triage_many_shares_results_between_reports_stating_the_same_facts() -> None:
    engine = Engine.default()
    one = {"symptoms": ["low_back_spasms"], "measurements": {"knee_to_wall_cm": 7}}
    synonym = {"symptoms": ["Low back spasms"], "measurements": {"knee_to_wall_cm": 7.0}}
    other = {"symptoms": ["low_back_spasms"], "measurements": {"knee_to_wall_cm": 7.5}}
    sided = {"measurements": {"active_knee_extension_deficit_deg": {"left": 30, "right": 20}}}
    mirrored = {"measurements": {"active_knee_extension_deficit_deg": {"left": 20, "right": 30}}}
    results = engine.triage_many([one, synonym, other, one, sided, mirrored])
    assert results[0] is results[1] is results[3]  # the same facts: one triage
    assert results[0] == engine.triage(one) == engine.triage(synonym)
    assert results[2] is not results[0]
    assert results[2] == engine.triage(other) != results[0]
    assert results[4] is results[5]  # same worse side and asymmetry
    assert results[5] == engine.triage(mirrored)
    # every input to the result is in the key: fuzzed reports agree with single triage
    reports = make_reports(engine.pack, 400, seed=77)
    reports += reports[:100]
    assert engine.triage_many(reports) == [engine.triage(r) for r in reports]


def test_triage_many_names_the_invalid_report() -> None:
    engine = Engine.default()
    reports = make_reports(engine.pack, 5, seed=12)
    bad = [*reports[:2], {"symptoms": ["nope"]}, *reports[2:]]
    with pytest.raises(BatchReportError) as caught:
        engine.triage_many(bad)
    assert caught.value.index == 2
    assert caught.value.field == "reports[2].symptoms[0]"
    assert isinstance(caught.value, ReportError)
    mixed = engine.triage_many(bad, on_error="return")
    assert isinstance(mixed[2], BatchReportError)
    assert [m for i, m in enumerate(mixed) if i != 2] == [engine.triage(r) for r in reports]
    with pytest.raises(BatchReportError, match=r"reports\[0\]: a report must be a mapping"):
        engine.triage_many([None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="on_error"):
        engine.triage_many(reports, on_error="ignore")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="workers must be a positive number"):
        engine.triage_many(reports, workers=0)


@pytest.mark.slow
def test_triage_many_with_worker_processes_equals_sequential() -> None:
    engine = Engine.default()
    reports = make_reports(engine.pack, 300, seed=13)
    bad = [*reports, {"age": -5}]
    assert engine.triage_many(reports, workers=2) == engine.triage_many(reports)
    mixed = engine.triage_many(bad, workers=2, on_error="return")
    assert isinstance(mixed[-1], BatchReportError)
    assert mixed[-1].index == len(reports)
    assert mixed[-1].field == f"reports[{len(reports)}].age"
    with pytest.raises(BatchReportError):
        engine.triage_many(bad, workers=2)


# ------------------------------------------------------------- trusted construction


def test_trusted_construction_is_model_construct() -> None:
    fact = MatchedFact(kind="symptom", id="a", value=None)
    samples: list[tuple[type[Any], dict[str, Any]]] = [
        (MatchedFact, {"kind": "measurement", "id": "x", "value": 1.5}),
        (RuleEvidence, {"rule_id": "r", "certainty": 0.4, "facts": (fact,)}),
        (Variant, {"id": "v", "label": "V", "instructions": None, "dosage": "3x5"}),
        (BlockedExercise, {"id": "b", "label": "B", "reason": "why", "rules": ("r",)}),
        (
            FiredRule,
            {
                "rule_id": "r",
                "title": "T",
                "facts": (fact,),
                "source": ("S1",),
                "evidence": EvidenceLevel.RESEARCH,
                "red_flag": False,
            },
        ),
        (
            RedFlag,
            {
                "id": "r",
                "label": "L",
                "level": TriageLevel.EMERGENCY,
                "reason": "x",
                "facts": (),
                "source": ("S1",),
            },
        ),
        (
            Hypothesis,
            {
                "id": "h",
                "label": "H",
                "confidence": 0.5,
                "likelihood": Likelihood.POSSIBLE,
                "evidence": EvidenceLevel.RESEARCH,
                "supporting": (),
                "opposing": (),
            },
        ),
        (
            Recommendation,
            {
                "id": "x",
                "label": "X",
                "kind": RecommendationKind.DRILL,
                "instructions": None,
                "dosage": None,
                "variants": (),
                "hypotheses": ("h",),
                "rules": ("r",),
                "reason": None,
                "source": (),
            },
        ),
    ]
    for cls, values in samples:
        assert tuple(values) == tuple(cls.model_fields), cls  # declaration order
        fast = trusted(cls)(**values)
        slow = cls.model_construct(**values)
        assert fast == slow
        assert fast.__dict__ == slow.__dict__
        assert list(fast.__dict__) == list(slow.__dict__)
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump_json() == slow.model_dump_json()
        assert repr(fast) == repr(slow)


def test_trusted_results_share_a_fields_set_that_copies_never_change() -> None:
    make = trusted(MatchedFact)
    first = make(kind="symptom", id="a", value=None)
    second = make(kind="symptom", id="b", value=None)
    assert first.model_fields_set is second.model_fields_set  # one set per constructor
    changed = first.model_copy(update={"id": "c"})
    assert changed.id == "c"
    assert changed.model_fields_set is not first.model_fields_set
    assert first.model_fields_set == {"kind", "id", "value"}
    assert copy.copy(second).model_fields_set is not second.model_fields_set
    assert copy.deepcopy(second) == second
    assert pickle.loads(pickle.dumps(first)) == first


def test_results_round_trip_through_validation() -> None:
    engine = Engine.default()
    for report in make_reports(engine.pack, 100, seed=21):
        result = engine.triage(report)
        validated = TriageResult.model_validate_json(result.model_dump_json())
        assert validated == result
        assert repr(validated) == repr(result)  # every field given, by name, in order
