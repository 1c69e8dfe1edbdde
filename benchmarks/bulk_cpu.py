"""Where a worker's extra CPU per triage comes from (issue 16, third pass), in CPU time.

    python -m benchmarks.bulk_cpu [BLOCK] [ROUNDS]
    python -m benchmarks.bulk_cpu --parts [N_REPORTS] [ROUNDS]   (tasks per worker)

Every side keeps its processes for the whole run and triages the same block of seeded
reports once per round, the sides taking turns (blocks of a second or two, so the VM's
drift and the other jobs' load fall on all of them alike). Each side's CPU per 1,000
reports for the triage itself is timed inside the process (thread) that runs it, and
the collector's share with ``gc.callbacks``:

- ``here``: ``triage_many`` in this process (which also holds the reports);
- ``lone``: the chunk function of ``triage_many(workers=...)`` on a pool of ONE
  spawned worker (nothing else of ours runs meanwhile);
- ``two``: the same on a pool of two workers (two busy processes at once);
- ``_f``: the library's code, which freezes the collector once the worker built its
  engine (pools) or around the task's own work (Dask); the sides without it run the
  code before this pass;
- ``dask1`` / ``dask2``: ``triage_dask``'s partition task on a LocalCluster of one / two
  worker processes (the task runs in a worker thread beside Dask's event loop).

The ratios to ``lone`` in the same round tell a worker's own cost (``lone`` / ``here``)
from what two busy processes cost each other (``two`` / ``lone``).
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import pickle
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hamtriage import Engine  # noqa: E402
from hamtriage.engine import compiled_state  # noqa: E402
from hamtriage.flows import batch, distributed  # noqa: E402
from tests.support.reports import make_reports  # noqa: E402

Timed = tuple[Any, float, float]  # the result, CPU s in the call, CPU s in the collector


class _Collector:
    """CPU seconds spent in the cyclic collector (by any thread of this process)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.thread_time()
        else:
            self.spent += time.thread_time() - self._start


_GC: list[_Collector] = []  # one per process, installed on first use


def _timed(fn: Callable[[], Any]) -> Timed:
    if not _GC:
        _GC.append(_Collector())
        gc.callbacks.append(_GC[0])
    before = _GC[0].spent
    t = time.thread_time()  # the calling thread: a Dask worker runs other threads too
    out = fn()
    return out, time.thread_time() - t, _GC[0].spent - before


def timed_worker_chunk(ref: Any, reports: list[Any], offset: int, encoding: str) -> Timed:
    """``batch._worker_chunk`` (what ``workers=N`` runs), timed inside the worker."""
    return _timed(lambda: batch._worker_chunk(ref, reports, offset, encoding))


def timed_dask_blob(blob: bytes, state: Any, on_error: str) -> Timed:
    """``distributed._triage_blob`` (what ``triage_dask`` runs), timed inside the task."""
    return _timed(lambda: distributed._triage_blob(blob, state, on_error))


def warm_unfrozen(ref: Any) -> None:
    """``batch._warm`` before this pass: the pack built, the collector left as it was."""
    from hamtriage.runtime.run import restore

    restore(*ref)


def timed_dask_unfrozen(blob: bytes, state: Any, on_error: str) -> Timed:
    """``timed_dask_blob`` before this pass: the same task with no freezing around it."""

    def task() -> bytes:
        _offset, reports = pickle.loads(blob)
        rows = distributed.triage_partition(reports, on_error="return", compact=True, state=state)
        return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)

    return _timed(task)


def _pool_side(pool: ProcessPoolExecutor, ref: Any, reports: list[Any], size: int) -> Timed:
    futures = [
        pool.submit(timed_worker_chunk, ref, reports[i : i + size], i, "row")
        for i in range(0, len(reports), size)
    ]
    got = [f.result() for f in futures]
    return None, sum(g[1] for g in got), sum(g[2] for g in got)


def _dask_side(
    client: Any, pack: Any, reports: list[Any], parts: int, task: Callable[..., Timed]
) -> Timed:
    blobs = distributed._blobs(reports, parts)
    futures = client.map(
        task, client.scatter(blobs, hash=False), state=pack, on_error="raise", pure=False
    )
    got = client.gather(futures)
    return None, sum(g[1] for g in got), sum(g[2] for g in got)


def _all_cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _process_cpu() -> float:
    times = os.times()
    return times.user + times.system


def parts(n: int, rounds: int) -> None:
    """Tasks per worker, 2 to 16: CPU of every process (and wall) per 1,000 reports for
    ``stream(workers=2)`` (pool started each time: start-up included) and for
    ``triage_dask`` on a warm LocalCluster of 2 workers (client + workers)."""
    import distributed as dd

    from hamtriage.flows.distributed import triage_dask

    dask: Any = dd  # distributed is not fully typed
    engine = Engine.default()
    state = compiled_state(engine)
    reports = make_reports(engine.pack, n, seed=8000)
    expected = engine.triage_many(reports).rows
    counts = (2, 4, 8, 16)
    got: dict[str, list[tuple[float, float]]] = {}
    with (
        dask.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        dask.Client(cluster) as client,
    ):
        triage_dask(reports[:2000], engine=engine)  # each worker builds the pack
        for r in range(rounds):
            for k in counts if r % 2 == 0 else reversed(counts):
                size = -(-n // (2 * k))
                cpu, t = _all_cpu(), time.perf_counter()
                rows = list(batch.stream(state, reports, workers=2, chunk_size=size))
                wall = time.perf_counter() - t
                got.setdefault(f"workers, {k}/worker", []).append((_all_cpu() - cpu, wall))
                assert rows == expected
                workers0 = sum(client.run(_process_cpu).values())
                cpu, t = _process_cpu(), time.perf_counter()
                result = triage_dask(reports, engine=engine, npartitions=2 * k)
                wall = time.perf_counter() - t
                used = _process_cpu() - cpu + sum(client.run(_process_cpu).values()) - workers0
                got.setdefault(f"dask, {k}/worker", []).append((used, wall))
                assert result.rows == expected
    print(f"{n:,} reports x {rounds} rounds: CPU of all processes (wall) per 1,000 reports")
    for name, values in got.items():
        cpus = ", ".join(f"{c / n * 1000:.3f} ({w / n * 1000:.3f})" for c, w in values)
        print(
            f"  {name:18s} median {statistics.median(c for c, _ in values) / n * 1000:.3f} s [{cpus}]"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--parts" in args:
        args.remove("--parts")
        parts(int(args[0]) if args else 20_000, int(args[1]) if len(args) > 1 else 2)
        return 0
    n = int(args[0]) if args else 4000
    rounds = int(args[1]) if len(args) > 1 else 6
    use_dask = "--no-dask" not in args
    engine = Engine.default()
    state = compiled_state(engine)
    ref = state.__reduce__()[1]
    reports = make_reports(engine.pack, n, seed=8000)
    size = max(1, min(batch.CHUNK, -(-n // 16)))  # as triage_many(workers=2) cuts
    ctx = multiprocessing.get_context("spawn")
    pools = {
        (w, f): ProcessPoolExecutor(w, ctx, batch._warm if f else warm_unfrozen, (ref,))
        for w in (1, 2)
        for f in (False, True)
    }
    sides: dict[str, Callable[[], Timed]] = {
        "here": lambda: _timed(lambda: engine.triage_many(reports)),
        "lone": lambda: _pool_side(pools[1, False], ref, reports, size),
        "lone_f": lambda: _pool_side(pools[1, True], ref, reports, size),
        "two": lambda: _pool_side(pools[2, False], ref, reports, size),
        "two_f": lambda: _pool_side(pools[2, True], ref, reports, size),
    }
    clusters: list[Any] = []
    if use_dask:
        import distributed as dd

        dask: Any = dd  # distributed is not fully typed
        for w in (1, 2):
            cluster = dask.LocalCluster(
                n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = dask.Client(cluster, set_as_default=False)
            pack = client.scatter(state, broadcast=True, hash=False)
            clusters.append((cluster, client))
            for tag, task in (("", timed_dask_unfrozen), ("_f", timed_dask_blob)):
                sides[f"dask{w}{tag}"] = functools.partial(
                    _dask_side, client, pack, reports, 4 * w, task
                )
    try:
        for side in sides.values():  # warm: each process builds the pack, first touches
            side()
        per: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
        for r in range(rounds):
            for name in list(sides) if r % 2 == 0 else list(reversed(sides)):
                _, cpu, gcs = sides[name]()
                per[name].append((cpu / n * 1000, gcs / n * 1000))
    finally:
        for pool in pools.values():
            pool.shutdown()
        for cluster, client in clusters:
            client.close()
            cluster.close()
    print(f"{n:,} reports x {rounds} rounds; CPU s per 1,000 reports (in the collector)")
    for name, values in per.items():
        ref = name[:-2] if name.endswith("_f") else "lone"  # a change against its before
        ratios = [c / b for (c, _), (b, _) in zip(values, per[ref], strict=True)]
        print(
            f"  {name:7s} {statistics.median(c for c, _ in values):.3f} s "
            f"({statistics.median(g for _, g in values):.3f}); / {ref} in the same round: "
            f"median {statistics.median(ratios):.2f}x [{', '.join(f'{x:.2f}' for x in ratios)}]"
        )
    return 0


if __name__ == "__main__":
    # run as the module, not as __main__: Dask pickles __main__'s functions by value,
    # which gave each task a fresh copy of this module's globals
    from benchmarks import bulk_cpu

    raise SystemExit(bulk_cpu.main())
