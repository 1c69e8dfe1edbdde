"""Many threads on one engine: every result equals the sequential answer."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from hamtriage import Engine, EngineError, ReportError, TriageResult
from hamtriage.engine import compiled_state
from hamtriage.runtime._durable import _CLEAN, _NEW, MAX_SESSIONS, SIDS, Ruleset
from hamtriage.runtime.wire import fnv1_32
from tests.support.reports import make_reports

THREADS = 8
PER_THREAD = 400  # 8 x 400 = 3,200 triages (a few seconds)

BAD_REPORTS: list[dict[str, Any]] = [
    {"symptoms": ["no_such_symptom"]},
    {"measurements": {"knee_to_wall_cm": 99}},
    {"age": -1},
    {"symptoms": ["low_back_spasms", "low_back_spasms"]},
]


def _answer(engine: Engine, report: dict[str, Any]) -> TriageResult | str:
    try:
        return engine.triage(report)
    except ReportError as exc:
        return f"ReportError: {exc}"


def _run_threads(work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def body(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_eight_threads_mixed_triages_match_the_sequential_answers() -> None:
    engine = Engine.default()
    reports = make_reports(engine.pack, 300, seed=4242) + BAD_REPORTS
    expected = [_answer(engine, r) for r in reports]
    assert sum(isinstance(e, str) for e in expected) == len(BAD_REPORTS)
    wrong: list[tuple[int, int]] = []

    def work(n: int) -> None:
        rng = random.Random(n)
        for _ in range(PER_THREAD):
            i = rng.randrange(len(reports))
            if _answer(engine, reports[i]) != expected[i]:
                wrong.append((n, i))

    assert _run_threads(work) == []
    assert wrong == []
    # and the engine is still exact afterwards
    assert [_answer(engine, r) for r in reports] == expected


def test_threads_on_two_engines_and_batches_do_not_interfere(tmp_path: Any) -> None:
    one = Engine.default()
    two = Engine(one.pack)  # a second ruleset for the same pack
    reports = make_reports(one.pack, 120, seed=77)
    expected = [one.triage(r) for r in reports]
    wrong: list[int] = []

    def work(n: int) -> None:
        engine = one if n % 2 else two
        if n % 3 == 0:
            if engine.triage_many(reports) != expected:
                wrong.append(n)
            return
        for i, r in enumerate(reports):
            if engine.triage(r) != expected[i]:
                wrong.append(n)

    assert _run_threads(work) == []
    assert wrong == []
    two.close()


def test_interleaved_threads_take_sessions_of_their_own() -> None:
    """With the GIL switched every microsecond, triages interleave inside their session:
    each thread must get a session of its own, and every answer must stay exact."""
    engine = Engine(Engine.default().pack)
    reports = make_reports(engine.pack, 200, seed=31)
    expected = [engine.triage(r) for r in reports]
    wrong: list[int] = []
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:

        def work(n: int) -> None:
            for i, r in enumerate(reports[n::THREADS]):
                if engine.triage(r) != expected[n + i * THREADS]:
                    wrong.append(n)

        errors = _run_threads(work)
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert wrong == []
    ruleset = compiled_state(engine).ruleset
    used = [slot for slot in ruleset._slots if slot.state != _NEW]
    assert 1 < len(used) <= MAX_SESSIONS  # interleaved, yet within the pool
    assert all(slot.state == _CLEAN for slot in used)  # all idle and reusable again
    engine.close()
    assert all(slot.state == _NEW for slot in ruleset._slots)  # freed with the ruleset


def test_session_pool_nests_waits_and_closes() -> None:
    definition = {
        "_boot": {"all": [{"m": {"$s": 1}}], "pri": 0},
        "r": {"all": [{"p0": {"y:a": 1}}], "dist": 0},
    }
    ruleset = Ruleset("pool_test", definition)
    fact = '{"id":"y:a","y:a":1}'
    first = ruleset.session()
    with first.lock:
        second = ruleset.session()  # a free slot is preferred: the two differ
        assert second is not first
        second.lock.acquire()
        one, two = first.open(), second.open()
        assert one.sid != two.sid
        # separate sessions: the same fact fires the rule in each (no duplicate)
        assert any('"r"' in m for m in one.assert_json([fact]))
        assert any('"r"' in m for m in two.assert_json([fact]))
        first.done(one)
        second.done(two)
        second.lock.release()
    assert [slot.state for slot in ruleset._slots] == [_CLEAN, _CLEAN]

    # a triage beyond the pool waits for its slot to come back
    for slot in ruleset._slots:
        slot.lock.acquire()
    entered = threading.Event()

    def late() -> None:
        scope = ruleset.session()
        with scope.lock:
            session = scope.open()
            assert session.assert_json([fact])  # an empty, reused session: the rule fires
            scope.done(session)
            entered.set()

    waiter = threading.Thread(target=late)
    waiter.start()
    assert not entered.wait(0.2)  # all sessions busy
    for slot in ruleset._slots:
        slot.lock.release()
    assert entered.wait(5)
    waiter.join(5)

    # close waits for the busy sessions; later triages are refused
    busy = ruleset._slots[1]
    busy.lock.acquire()
    closer = threading.Thread(target=ruleset.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # a session still busy
    busy.lock.release()
    closer.join(5)
    assert ruleset.closed
    assert all(slot.state == _NEW for slot in ruleset._slots)
    scope = ruleset.session()
    with pytest.raises(EngineError, match="closed"), scope.lock:
        scope.open()


def test_pool_sids_are_told_apart_by_the_engine() -> None:
    # durable keys sessions by the 32-bit FNV-1a hash of their sid only
    assert len({fnv1_32(sid) for sid in SIDS}) == len(SIDS) == MAX_SESSIONS
    assert SIDS[0] == "0"  # durable's default session: facts need no sid
