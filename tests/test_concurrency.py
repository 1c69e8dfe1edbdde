"""Many threads on one engine: every result equals the sequential answer."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from benchmarks.workload import make_reports
from hamtriage import Engine, ReportError, TriageResult

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
