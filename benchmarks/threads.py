"""16 threads sharing one engine against a sequential run in the same process (a row of
``benchmarks/run.py``), with the results kept, as a server collecting them would, and
dropped as they come; the threads' results are compared with the sequential ones."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from hamtriage import Engine, TriageResult

__all__ = ["threads16"]

Add = Callable[[str, str, str, "bool | None"], None]


def _share16(
    engine: Engine,
    reports: list[dict[str, Any]],
    expected: list[TriageResult],
    keep: bool,
) -> tuple[float, bool]:
    """Triage ``reports`` on 16 threads (each every 16th); (rate, results identical)."""
    out: list[TriageResult | None] = [None] * len(reports)
    gate = threading.Barrier(17)

    def share(n: int) -> None:
        gate.wait()
        for i in range(n, len(reports), 16):
            got = engine.triage(reports[i])
            if keep or got != expected[i]:  # dropped results are still checked
                out[i] = got

    threads = [threading.Thread(target=share, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    gate.wait()
    t = time.perf_counter()
    for thread in threads:
        thread.join()
    rate = len(reports) / (time.perf_counter() - t)
    return rate, (out == expected if keep else all(o is None for o in out))


def threads16(add: Add, engine: Engine, reports: list[dict[str, Any]]) -> None:
    """16 threads sharing one engine against a sequential run in the same process, with
    the results kept (as a server collecting them would) and dropped as they come."""
    t = time.perf_counter()
    expected = [engine.triage(r) for r in reports]
    kept_rate = len(reports) / (time.perf_counter() - t)
    t = time.perf_counter()
    for r in reports:
        engine.triage(r)
    dropped_rate = len(reports) / (time.perf_counter() - t)
    for keep, seq_rate in ((True, kept_rate), (False, dropped_rate)):
        rate, same = _share16(engine, reports, expected, keep)
        ratio = rate / seq_rate
        add(
            f"16 threads / sequential, results {'kept' if keep else 'dropped'} ({len(reports)})",
            ">= 0.9x, identical",
            f"{ratio:.2f}x ({rate:,.0f} / {seq_rate:,.0f} /s, "
            f"{'identical' if same else 'DIFFERENT'})",
            ratio >= 0.9 and same,
        )
