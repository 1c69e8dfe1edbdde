"""16 threads sharing one engine against a sequential run in the same process (rows of
``benchmarks/run.py``; ``python -m benchmarks.threads [N_REPORTS] [BLOCK]`` alone).

The machine is shared and its speed drifts by 1.5x within seconds, so the two are not
timed as two long runs one after the other: the reports are cut into blocks, and each
block is triaged sequentially (on the calling thread) and by 16 threads that stay alive
for the whole run (each taking every 16th report of the block), the order alternating
from block to block. Wall-clock and process CPU time are summed per mode over all
blocks; their ratios are taken over the same blocks. Modes:

* results *kept* (as a server collecting them would; the threads' results are compared
  with the sequential ones after the timing) and *dropped* as they come (no work but the
  triage on either side);
* the *control*: the same blocks evaluated by the plain-Python evaluator of the pack
  (``tests/support/oracle.py``, no rule engine, no hamtriage runtime) on the same 16
  threads against one. Its ratio is what 16 threads cost in this interpreter on this
  machine for work of about the same size per item, so the hamtriage rows can be read
  against it (see "16 threads: where the time goes" in docs/benchmarks.md);
* results kept with the interpreter's switch interval raised to 50 ms around the
  threaded side (``sys.setswitchinterval``, set by this benchmark and restored: an
  application's choice, never the library's), so a thread is preempted mid-triage
  ten times less often.
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

from hamtriage import Engine  # noqa: E402

__all__ = ["MODES", "Measured", "measure", "threads16"]

THREADS = 16
RELAXED = 0.05  # the switch interval of the "relaxed" mode, seconds (CPython's default: 5 ms)
MODES = ("kept", "dropped", "control", "relaxed")
Add = Callable[[str, str, str, "bool | None"], None]
Work = Callable[[Any], Any]


class _Crew:
    """16 threads kept alive across blocks; each block is started and awaited with barriers."""

    def __init__(self) -> None:
        self._start = threading.Barrier(THREADS + 1)
        self._end = threading.Barrier(THREADS + 1)
        self._work: Work = id
        self._block: list[Any] = []
        self._out: list[Any] = []
        self._keep = False
        self._stop = False
        self._threads = [
            threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(THREADS)
        ]
        for thread in self._threads:
            thread.start()

    def _loop(self, n: int) -> None:
        while True:
            self._start.wait()
            if self._stop:
                return
            work, block, out, keep = self._work, self._block, self._out, self._keep
            for i in range(n, len(block), THREADS):
                got = work(block[i])
                if keep:
                    out[i] = got
            self._end.wait()

    def run(self, work: Work, block: list[Any], keep: bool) -> tuple[list[Any], float, float]:
        """Apply ``work`` to ``block`` on the 16 threads: (results if kept, wall s, CPU s)."""
        self._work, self._block, self._keep = work, block, keep
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


def _sequential(work: Work, block: list[Any], keep: bool) -> tuple[list[Any], float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    if keep:
        out = [work(r) for r in block]
    else:
        for r in block:
            work(r)
        out = []
    return out, time.perf_counter() - wall, time.process_time() - cpu


class Measured:
    """One mode's sums over all blocks, and whether every threaded result was identical."""

    def __init__(self) -> None:
        self.seq_wall = self.seq_cpu = self.thr_wall = self.thr_cpu = 0.0
        self.block_ratios: list[float] = []  # CPU-time ratio per block
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
    engine: Engine,
    reports: list[dict[str, Any]],
    block: int = 250,
    modes: tuple[str, ...] = MODES,
) -> dict[str, Measured]:
    """Each of ``modes`` (see the module's docstring) over ``reports`` cut into blocks."""
    crew = _Crew()
    got = {mode: Measured() for mode in modes}
    control: Work = id
    facts: list[Any] = []
    if "control" in modes:
        from tests.support.oracle import PlainEvaluator

        control = PlainEvaluator(engine.pack).evaluate
        facts = [engine.normalize(r) for r in reports]
    try:
        for start in range(0, len(reports), block):
            for mode in modes:
                work: Work = engine.triage
                part: list[Any] = reports[start : start + block]
                if mode == "control":
                    work, part = control, facts[start : start + block]
                keep = mode != "dropped"
                m = got[mode]
                if (start // block) % 2:
                    threaded, tw, tc = _threaded(crew, work, part, keep, mode)
                    seq, sw, sc = _sequential(work, part, keep)
                else:
                    seq, sw, sc = _sequential(work, part, keep)
                    threaded, tw, tc = _threaded(crew, work, part, keep, mode)
                m.seq_wall += sw
                m.seq_cpu += sc
                m.thr_wall += tw
                m.thr_cpu += tc
                m.block_ratios.append(sc / tc if tc else 1.0)
                m.reports += len(part)
                if keep and threaded != seq:
                    m.identical = False
    finally:
        crew.close()
    return got


def _threaded(
    crew: _Crew, work: Work, part: list[Any], keep: bool, mode: str
) -> tuple[list[Any], float, float]:
    if mode != "relaxed":
        return crew.run(work, part, keep)
    default = sys.getswitchinterval()
    sys.setswitchinterval(RELAXED)
    try:
        return crew.run(work, part, keep)
    finally:
        sys.setswitchinterval(default)


def _summary(m: Measured) -> str:
    return (
        f"{m.wall_ratio:.2f}x wall, {m.cpu_ratio:.2f}x CPU (median block "
        f"{statistics.median(m.block_ratios):.2f}x CPU)"
    )


def threads16(add: Add, engine: Engine, reports: list[dict[str, Any]]) -> None:
    """The rows of ``benchmarks/run.py``: 16 threads / sequential, results kept and dropped,
    beside the plain-Python control and a longer switch interval in the same blocks."""
    for r in reports[:200]:
        engine.triage(r)  # warm caches before the first timed block
    got = measure(engine, reports)
    same = got["kept"].identical and got["relaxed"].identical
    control = got["control"]
    for mode in ("kept", "dropped"):
        m = got[mode]
        ok = m.wall_ratio >= 0.9 and m.cpu_ratio >= 0.9 and same
        add(
            f"16 threads / sequential, results {mode} ({m.reports}, interleaved blocks)",
            ">= 0.9x, identical",
            f"{_summary(m)}; {m.reports / m.thr_wall:,.0f} / {m.reports / m.seq_wall:,.0f} /s, "
            f"{'identical' if same else 'DIFFERENT'}; plain-Python control "
            f"{control.cpu_ratio:.2f}x CPU",
            ok,
        )
    add(
        "16 threads / sequential, plain-Python control (same threads and blocks)",
        "-",
        _summary(control),
        None,
    )
    relaxed = got["relaxed"]
    add(
        f"16 threads / sequential, results kept, switch interval {RELAXED * 1000:.0f} ms "
        "(set by the caller)",
        "-",
        f"{_summary(relaxed)}, {'identical' if relaxed.identical else 'DIFFERENT'}",
        None,
    )


def main() -> None:
    from tests.support.reports import make_reports

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    block = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    engine = Engine.default()
    reports = make_reports(engine.pack, n, seed=7100)
    for r in reports[:300]:
        engine.triage(r)
    for mode, m in measure(engine, reports, block).items():
        print(
            f"{mode:8s}: 16 threads / sequential {m.wall_ratio:.3f}x wall, "
            f"{m.cpu_ratio:.3f}x CPU, median block {statistics.median(m.block_ratios):.3f}x "
            f"CPU over {len(m.block_ratios)} blocks ({m.reports / m.seq_cpu:,.0f} /s "
            f"sequential, CPU); identical: {m.identical}",
            flush=True,
        )


if __name__ == "__main__":
    main()
