"""16 threads sharing one engine against a sequential run in the same process (rows of
``benchmarks/run.py``; ``python -m benchmarks.threads [N_REPORTS] [BLOCK]`` alone).

The machine is shared and its speed drifts by 1.5x within seconds, so the two are not
timed as two long runs one after the other: the reports are cut into blocks, and each
block is triaged sequentially (on the calling thread) and by 16 threads that stay alive
for the whole run (each taking every 16th report of the block), the order alternating
from block to block. Wall-clock and process CPU time are summed per mode over all
blocks; their ratios are taken over the same blocks. Two modes: results *kept* (as a
server collecting them would; the threads' results are compared with the sequential
ones after the timing) and *dropped* as they come (no work but the triage on either
side: an earlier version compared each dropped result inside the threads' timed loop
only, which charged the threads about a tenth of a triage more per report).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hamtriage import Engine, TriageResult  # noqa: E402

__all__ = ["Measured", "measure", "threads16"]

THREADS = 16
Add = Callable[[str, str, str, "bool | None"], None]


class _Crew:
    """16 threads kept alive across blocks; each block is started and awaited with barriers."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._start = threading.Barrier(THREADS + 1)
        self._end = threading.Barrier(THREADS + 1)
        self._block: list[dict[str, Any]] = []
        self._out: list[TriageResult | None] = []
        self._keep = False
        self._stop = False
        self._threads = [
            threading.Thread(target=self._work, args=(n,), daemon=True) for n in range(THREADS)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self, n: int) -> None:
        triage = self._engine.triage
        while True:
            self._start.wait()
            if self._stop:
                return
            block, out, keep = self._block, self._out, self._keep
            for i in range(n, len(block), THREADS):
                got = triage(block[i])
                if keep:
                    out[i] = got
            self._end.wait()

    def run(self, block: list[dict[str, Any]], keep: bool) -> tuple[list[Any], float, float]:
        """Triage ``block`` on the 16 threads: (results if kept, wall s, CPU s)."""
        self._block, self._keep = block, keep
        self._out = [None] * len(block)
        wall, cpu = time.perf_counter(), time.process_time()
        self._start.wait()
        self._end.wait()
        return self._out, time.perf_counter() - wall, time.process_time() - cpu

    def close(self) -> None:
        self._stop = True
        self._start.wait()
        for thread in self._threads:
            thread.join()


def _sequential(
    engine: Engine, block: list[dict[str, Any]], keep: bool
) -> tuple[list[Any], float, float]:
    triage = engine.triage
    wall, cpu = time.perf_counter(), time.process_time()
    if keep:
        out = [triage(r) for r in block]
    else:
        for r in block:
            triage(r)
        out = []
    return out, time.perf_counter() - wall, time.process_time() - cpu


class Measured:
    """One mode's sums over all blocks, and whether every threaded result was identical."""

    def __init__(self) -> None:
        self.seq_wall = self.seq_cpu = self.thr_wall = self.thr_cpu = 0.0
        self.block_ratios: list[float] = []  # wall-clock ratio per block
        self.identical = True
        self.reports = 0

    @property
    def wall_ratio(self) -> float:
        """Threaded throughput / sequential throughput, wall clock (>= 0.9 is the target)."""
        return self.seq_wall / self.thr_wall

    @property
    def cpu_ratio(self) -> float:
        """The same in process CPU time (steadier on a shared machine)."""
        return self.seq_cpu / self.thr_cpu


def measure(
    engine: Engine, reports: list[dict[str, Any]], block: int = 250
) -> dict[bool, Measured]:
    """Kept (True) and dropped (False) modes over ``reports`` cut into blocks."""
    crew = _Crew(engine)
    got = {True: Measured(), False: Measured()}
    try:
        for start in range(0, len(reports), block):
            part = reports[start : start + block]
            for keep in (True, False):
                m = got[keep]
                if (start // block) % 2:
                    threaded, tw, tc = crew.run(part, keep)
                    seq, sw, sc = _sequential(engine, part, keep)
                else:
                    seq, sw, sc = _sequential(engine, part, keep)
                    threaded, tw, tc = crew.run(part, keep)
                m.seq_wall += sw
                m.seq_cpu += sc
                m.thr_wall += tw
                m.thr_cpu += tc
                m.block_ratios.append(sw / tw)
                m.reports += len(part)
                if keep and threaded != seq:
                    m.identical = False
    finally:
        crew.close()
    return got


def threads16(add: Add, engine: Engine, reports: list[dict[str, Any]]) -> None:
    """The rows of ``benchmarks/run.py``: 16 threads / sequential, results kept and dropped."""
    for r in reports[:200]:
        engine.triage(r)  # warm caches before the first timed block
    got = measure(engine, reports)
    for keep, m in got.items():
        ok = m.wall_ratio >= 0.9 and m.cpu_ratio >= 0.9 and got[True].identical
        add(
            f"16 threads / sequential, results {'kept' if keep else 'dropped'} "
            f"({m.reports}, interleaved blocks)",
            ">= 0.9x, identical",
            f"{m.wall_ratio:.2f}x wall, {m.cpu_ratio:.2f}x CPU (median block "
            f"{statistics.median(m.block_ratios):.2f}x; "
            f"{m.reports / m.thr_wall:,.0f} / {m.reports / m.seq_wall:,.0f} /s, "
            f"{'identical' if got[True].identical else 'DIFFERENT'})",
            ok,
        )


def main() -> None:
    from tests.support.reports import make_reports

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    block = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    engine = Engine.default()
    reports = make_reports(engine.pack, n, seed=7100)
    for r in reports[:300]:
        engine.triage(r)
    for keep, m in measure(engine, reports, block).items():
        print(
            f"results {'kept' if keep else 'dropped'}: 16 threads / sequential "
            f"{m.wall_ratio:.3f}x wall, {m.cpu_ratio:.3f}x CPU, median block "
            f"{statistics.median(m.block_ratios):.3f}x over {len(m.block_ratios)} blocks "
            f"({m.reports / m.seq_wall:,.0f} /s sequential); identical: {m.identical}",
            flush=True,
        )


if __name__ == "__main__":
    main()
