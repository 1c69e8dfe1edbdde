"""Benchmark hamtriage on the bundled pack and write the results into docs/benchmarks.md.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # a smoke run (about half a minute)
    python benchmarks/run.py --no-write # print only

Every round draws a fresh, seeded set of realistic reports (1 to 15 facts each, from the
pack's own vocabulary), so nothing can be cached across rounds. Measured in one run:
latency (median, p99), single-thread throughput, the batch API, worker processes, cold
start, RSS after 10k and 200k triages, 8 threads against a sequential run, and three
baselines on the same reports: the engine floor (a two-rule ruleset), the compiled
ruleset driven through durable-rules' stock Python wrappers, and a plain-Python
evaluation of the pack (also checked against the engine, as an oracle).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.baselines import Floor, StockDriver  # noqa: E402
from benchmarks.scaling import per_fired_row  # noqa: E402
from benchmarks.threads import threads16  # noqa: E402
from hamtriage import Engine, TriageResult  # noqa: E402
from hamtriage.engine import compiled_state  # noqa: E402
from hamtriage.report import Facts  # noqa: E402
from hamtriage.runtime.wire import marker_json  # noqa: E402
from tests.support.oracle import PlainEvaluator  # noqa: E402
from tests.support.reports import make_reports  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- results:start (written by benchmarks/run.py) -->"
END = "<!-- results:end -->"


@dataclass(frozen=True)
class Config:
    rounds: int
    size: int
    batch_size: int
    worker_reports: int
    rss_first: int
    rss_last: int
    thread_reports: int
    cold_runs: int
    dask: bool


FULL = Config(
    rounds=5,
    size=2000,
    batch_size=4000,
    worker_reports=50000,
    rss_first=10_000,
    rss_last=200_000,
    thread_reports=8000,
    cold_runs=5,
    dask=True,
)
QUICK = Config(
    rounds=2,
    size=500,
    batch_size=1000,
    worker_reports=3000,
    rss_first=1000,
    rss_last=5000,
    thread_reports=1000,
    cold_runs=2,
    dask=True,
)


@dataclass
class Row:
    metric: str
    target: str
    measured: str
    ok: bool | None = None


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, target: str, measured: str, ok: bool | None = None) -> None:
        self.rows.append(Row(metric, target, measured, ok))
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"{metric:58s} {measured:>26s}   target {target}{mark}", flush=True)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _fact_count(facts: Facts) -> int:
    """How many facts a normalised report states (ids, measurements, age, sex)."""
    return (
        len(facts.present)
        + len(facts.absent)
        + len(facts.activities)
        + len(facts.measurements)
        + len(facts.asymmetries)
        + (facts.age is not None)
        + (facts.sex is not None)
    )


def _timed(fn: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    out: list[float] = []
    clock = time.perf_counter
    for item in items:
        t = clock()
        fn(item)
        out.append(clock() - t)
    return out


# ------------------------------------------------------------------- subprocess parts


def _cold_start(cache: str | None = None) -> tuple[float, float, float, float]:
    """A fresh process: (import hamtriage + default engine, the same + a first triage,
    the CPU time of the first, the CPU time of the import alone), in seconds.

    ``cache`` is the snapshot directory to use (``None``: the user's own, where the
    pack and compiled-pack snapshots of earlier starts are, as on a user's second
    start; an empty directory times a first start). The CPU time is what the start-up
    itself costs: on a shared machine the wall clock adds the time other processes held
    the cores (this row read 0.6 s under load where an idle start took 0.3 s).
    """
    code = (
        "import time; c = time.process_time(); t = time.perf_counter(); import hamtriage; "
        "i = time.process_time() - c; "
        "e = hamtriage.Engine.default(); a = time.perf_counter() - t; "
        "cpu = time.process_time() - c; "
        "e.triage({'symptoms': ['low_back_spasms'], 'activities': ['deadlift']}); "
        "print(a, time.perf_counter() - t, cpu, i)"
    )
    env = dict(os.environ)
    env.pop("HAMTRIAGE_CACHE", None)  # a start from the snapshots, as a user's would be
    if cache is not None:
        env["HAMTRIAGE_CACHE_DIR"] = cache
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    engine_s, first_s, cpu_s, import_s = out.stdout.split()
    return float(engine_s), float(first_s), float(cpu_s), float(import_s)


def _compile_bytecode() -> None:
    """Write the package's bytecode, as an installed wheel has it (pip compiles on install;
    a checkout run with PYTHONDONTWRITEBYTECODE would otherwise recompile every import)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "hamtriage")], check=True, cwd=ROOT
    )


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:  # not Linux: the peak is the best the standard library offers
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def rss_child(first: int, last: int) -> None:
    """Run in a fresh process: print RSS (MB) after ``first`` and after ``last`` triages."""
    engine = Engine.default()
    done = 0
    seed = 10_000
    report: dict[str, float] = {}
    while done < last:
        chunk = make_reports(engine.pack, min(10_000, last - done), seed=seed)
        seed += 1
        for r in chunk:
            engine.triage(r)
            done += 1
            if done == first:
                gc.collect()
                report["first"] = _rss_mb()
        del chunk
    gc.collect()
    report["last"] = _rss_mb()
    print(json.dumps(report))


def _rss(config: Config) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--rss-child",
            str(config.rss_first),
            str(config.rss_last),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    parsed: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return parsed


# ----------------------------------------------------------------------------- main


def run(config: Config, quick: bool) -> Results:
    res = Results()
    engine = Engine.default()
    pack = engine.pack
    floor = Floor()
    stock = StockDriver(engine)
    plain = PlainEvaluator(pack)
    print(
        f"pack {pack.pack_id}: {len(pack.rules)} rules, "
        f"{len(compiled_state(engine).compiled.definition)} engine rules; load average {os.getloadavg()}"
    )
    res.notes.append(
        f"pack {pack.pack_id}: {len(pack.rules)} rules, {len(compiled_state(engine).compiled.definition)} "
        f"engine rules; load average at the start: {_load()}"
    )

    # warm up every path on a set of its own
    warm = make_reports(pack, 300, seed=999)
    for r in warm:
        engine.triage(r)
        stock.triage(r)
        f = engine.normalize(r)
        plain.evaluate(f)
        floor.run(compiled_state(engine).input_json(f, marker_json(0)))

    lat: list[float] = []
    lat_floor: list[float] = []
    lat_stock: list[float] = []
    lat_plain: list[float] = []
    walls: list[float] = []
    batch_rates: list[float] = []
    batch_rates_nogc: list[float] = []
    batch_floor: list[float] = []  # triage_many per report / the floor on the same reports
    batch_read: list[float] = []  # the same, reading every result too
    round_medians: list[tuple[float, int]] = []  # (median triage µs, plain calls so far)
    facts_counts: list[int] = []
    mismatches = 0
    stock_mismatches = 0
    checked = 0
    for rnd in range(config.rounds):
        reports = make_reports(pack, config.size, seed=1000 + rnd)  # a fresh set per round
        facts = [engine.normalize(r) for r in reports]
        # what the engine asserts first: the facts some rule tests, and the stage marker
        facts_json = [compiled_state(engine).input_json(f, marker_json(0)) for f in facts]
        facts_counts += [_fact_count(f) for f in facts]

        t = time.perf_counter()
        lat_round = _timed(engine.triage, reports)
        walls.append(time.perf_counter() - t)
        lat += lat_round
        lat_floor += _timed(floor.run, facts_json)
        lat_stock += _timed(stock.triage, reports)
        lat_plain += _timed(lambda r: plain.evaluate(engine.normalize(r)), reports)

        round_medians.append((statistics.median(lat_round) * 1e6, len(lat_plain)))

        fresh = make_reports(pack, config.batch_size, seed=5000 + rnd)
        batch = _batch_round(engine, floor, fresh)
        batch_rates.append(batch["rate"])
        batch_floor.append(batch["floor"])
        batch_read.append(batch["read"])
        # the same batch size, fresh reports, with the collector paused by the caller: the
        # results a batch keeps alive make the garbage collector's passes a large cost
        fresh = make_reports(pack, config.batch_size, seed=7000 + rnd)
        gc.disable()
        try:
            t = time.process_time()  # CPU time, as the batch row beside it
            engine.triage_many(fresh)
            batch_rates_nogc.append(len(fresh) / (time.process_time() - t))
        finally:
            gc.enable()

        # correctness of the baselines against the engine (oracle)
        for r, f in zip(reports[:500], facts[:500], strict=True):
            got = engine.triage(r)
            o = plain.evaluate(f)
            mine = (
                got.level,
                frozenset(got.fired_rules),
                tuple(sorted((h.id, h.confidence) for h in got.hypotheses)),
            )
            mismatches += mine != (o.level, o.fired, o.confidences)
            stock_mismatches += stock.triage(r) != got
            checked += 1

    med = statistics.median(lat) * 1e6
    p99 = _pct(lat, 0.99) * 1e6
    med_floor = statistics.median(lat_floor) * 1e6
    med_stock = statistics.median(lat_stock) * 1e6
    med_plain = statistics.median(lat_plain) * 1e6
    rate = len(lat) / sum(walls)
    batch_rate = statistics.median(batch_rates)
    batch_rate_nogc = statistics.median(batch_rates_nogc)
    # each round's median, with the plain-Python baseline of the same round (machine speed)
    plain_by_round = []
    start = 0
    for _, end in round_medians:
        plain_by_round.append(statistics.median(lat_plain[start:end]) * 1e6)
        start = end
    best = min(range(len(round_medians)), key=lambda i: round_medians[i][0])
    res.add(
        "reports per round x rounds (facts per report: median)",
        "1-15 facts",
        f"{config.size} x {config.rounds} ({statistics.median(facts_counts):.0f})",
    )
    res.add("median single triage", "< 250 µs", f"{med:.0f} µs", med < 250)
    res.add(
        "median single triage per round (plain Python in the same round)",
        "-",
        ", ".join(
            f"{m:.0f} ({p:.0f})" for (m, _), p in zip(round_medians, plain_by_round, strict=True)
        ),
    )
    res.add(
        "fastest round's median single triage",
        "-",
        f"{round_medians[best][0]:.0f} µs",
    )
    res.add("p99 single triage", "-", f"{p99:.0f} µs")
    res.add(
        "engine floor (2-rule ruleset, same facts, median)",
        "-",
        f"{med_floor:.0f} µs",
    )
    res.add(
        "median triage / floor",
        "<= 5x",
        f"{med / med_floor:.1f}x",
        med / med_floor <= 5,
    )
    res.add("p99 / median single triage", "<= 4x", f"{p99 / med:.1f}x", p99 / med <= 4)
    res.add("single-thread throughput", ">= 4,000 /s", f"{rate:,.0f} /s", rate >= 4000)
    res.add(
        "batch: engine.triage_many(reports), one core (CPU time)",
        ">= 6,000 /s",
        f"{batch_rate:,.0f} /s",
        batch_rate >= 6000,
    )
    res.add(
        "batch with the collector paused by the caller (gc.disable()), CPU time",
        "-",
        f"{batch_rate_nogc:,.0f} /s",
    )
    ratio = statistics.median(batch_floor)
    res.add(
        "triage_many per report / floor on the same reports, one core (CPU time, per round)",
        "<= 4x",
        f"{ratio:.1f}x ({', '.join(f'{x:.1f}' for x in batch_floor)})",
        ratio <= 4,
    )
    res.add(
        "the same, reading every result (each built from its row)",
        "-",
        f"{statistics.median(batch_read):.1f}x",
    )
    res.add(
        "stock durable.engine wrappers (same ruleset, median)",
        "-",
        f"{med_stock:.0f} µs",
    )
    res.add(
        "stock wrappers / hamtriage",
        ">= 2x",
        f"{med_stock / med:.1f}x",
        med_stock / med >= 2,
    )
    res.add("plain-Python evaluation (median, incl. normalize)", "-", f"{med_plain:.1f} µs")
    res.add("hamtriage / plain Python", "-", f"{med / med_plain:.1f}x")
    res.add(
        "oracle: plain Python vs engine (level, rules, confidences)",
        "0 mismatches",
        f"{mismatches} of {checked}",
        mismatches == 0,
    )
    res.add(
        "stock wrappers vs engine (whole results)",
        "0 mismatches",
        f"{stock_mismatches} of {checked}",
        stock_mismatches == 0,
    )

    # ---------------------------------------------------------------- 8 threads
    reports = make_reports(pack, config.thread_reports, seed=7000)
    t = time.perf_counter()
    sequential = [engine.triage(r) for r in reports]
    seq_rate = len(reports) / (time.perf_counter() - t)
    # 8 request threads, each triaging its share (every 8th report), as an app's threads do
    threaded: list[TriageResult | None] = [None] * len(reports)
    gate = threading.Barrier(9)

    def share(n: int) -> None:
        gate.wait()
        for i in range(n, len(reports), 8):
            threaded[i] = engine.triage(reports[i])

    request_threads = [threading.Thread(target=share, args=(n,)) for n in range(8)]
    for thread in request_threads:
        thread.start()
    gate.wait()
    t = time.perf_counter()
    for thread in request_threads:
        thread.join()
    thr_rate = len(reports) / (time.perf_counter() - t)
    same = threaded == sequential
    res.add(
        "8 threads on one engine: results equal to sequential",
        "identical",
        f"{'identical' if same else 'DIFFERENT'} ({len(reports)})",
        same,
    )
    res.add(
        "8 threads throughput (sequential in the same run)",
        "-",
        f"{thr_rate:,.0f} /s ({seq_rate:,.0f} /s)",
    )

    threads16(res.add, engine, make_reports(pack, config.thread_reports, seed=7100))
    per_fired_row(res.add, quick)

    # ---------------------------------------------------------------- batch sizes
    _batch_sizes(res, engine, config)

    # ---------------------------------------------------------------- workers
    _workers(res, engine, config)

    # ---------------------------------------------------------------- dask
    if config.dask:
        _dask(res, engine, config)

    # ---------------------------------------------------------------- cold start, RSS
    _compile_bytecode()
    _cold_start()  # the first start writes the snapshots (pack and compiled pack)
    colds = [_cold_start() for _ in range(config.cold_runs)]
    cold = statistics.median(c[0] for c in colds) * 1e3
    first = statistics.median(c[1] for c in colds) * 1e3
    cold_cpu = statistics.median(c[2] for c in colds) * 1e3
    import_cpu = statistics.median(c[3] for c in colds) * 1e3
    with tempfile.TemporaryDirectory() as empty:
        unsnapped = [_cold_start(str(Path(empty) / str(i))) for i in range(config.cold_runs)]
    res.add(
        "cold start: import hamtriage + default engine (wall; CPU)",
        "< 300 ms",
        f"{cold:.0f} ms; {cold_cpu:.0f} ms CPU (import {import_cpu:.0f}, engine "
        f"{cold_cpu - import_cpu:.0f}; load {_load()})",
        cold < 300,
    )
    res.add("cold start, then a first triage (builds the report validator)", "-", f"{first:.0f} ms")
    res.add(
        "cold start without snapshots (a first start, or the first after a pack change)",
        "-",
        f"{statistics.median(c[0] for c in unsnapped) * 1e3:.0f} ms; "
        f"{statistics.median(c[2] for c in unsnapped) * 1e3:.0f} ms CPU",
    )
    rss = _rss(config)
    growth = rss["last"] - rss["first"]
    res.add(
        f"RSS after {config.rss_first:,} / {config.rss_last:,} triages",
        "-",
        f"{rss['first']:.1f} / {rss['last']:.1f} MB",
    )
    res.add(
        f"RSS growth from {config.rss_first:,} to {config.rss_last:,} triages",
        "< 5 MB",
        f"{growth:+.2f} MB",
        growth < 5,
    )
    res.notes.append(f"load average at the end: {_load()}")
    if quick:
        res.notes.append("quick mode: small sets; the figures are indicative only")
    floor.close()
    return res


def _batch_round(engine: Engine, floor: Floor, reports: list[Any]) -> dict[str, float]:
    """One batch: its rate, and its time per report over the floor's on the same reports
    (the facts each report asserts first), without and with reading every result. CPU
    time: on a shared machine it is what a ratio of one-process work can rely on."""
    state = compiled_state(engine)
    first = [state.input_json(engine.normalize(r), marker_json(0)) for r in reports]
    t = time.process_time()
    results = engine.triage_many(reports)
    many = time.process_time() - t
    t = time.process_time()
    for _ in results:
        pass
    read = time.process_time() - t
    t = time.process_time()
    for facts in first:
        floor.run(facts)
    base = time.process_time() - t
    return {"rate": len(reports) / many, "floor": many / base, "read": (many + read) / base}


def _batch_sizes(res: Results, engine: Engine, config: Config) -> None:
    """Batches of 2,000 against batches of 100 over the same reports, each batch's
    results kept while the next one runs (as a caller that stores them does); CPU time.
    Blocks of four runs in the order 100, 2,000, 2,000, 100 (a drift of the machine's
    speed within a block cancels out); the ratio is the median of the blocks' ratios."""
    reports = make_reports(engine.pack, 4000, seed=6000)
    rates: dict[int, list[float]] = {100: [], 2000: []}
    blocks: list[float] = []
    for _ in range(5 if config.rounds > 2 else 1):
        block: dict[int, float] = {100: 0.0, 2000: 0.0}
        for size in (100, 2000, 2000, 100):
            t = time.process_time()
            kept = [engine.triage_many(reports[i : i + size]) for i in range(0, len(reports), size)]
            rate = len(reports) / (time.process_time() - t)
            rates[size].append(rate)
            block[size] += rate
            del kept
        blocks.append(block[2000] / block[100])
    ratio = statistics.median(blocks)
    res.add(
        "batches of 2,000 / batches of 100 (results kept; 4,000 reports; CPU time; "
        "median of blocks 100, 2,000, 2,000, 100)",
        "not slower (>= 0.95x)",
        f"{ratio:.2f}x ({', '.join(f'{b:.2f}' for b in blocks)}; "
        f"{statistics.median(rates[2000]):,.0f} vs {statistics.median(rates[100]):,.0f} /s)",
        ratio >= 0.95,
    )


def _cpu_all() -> float:
    """CPU seconds of this process and of its children that have ended."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _workers(res: Results, engine: Engine, config: Config) -> None:
    """triage_many in this process and on 2 worker processes, alternating: each
    workers=2 run is compared with the one-process runs just before and after it (the
    VM's speed drifts over a run; a pair shares the drift)."""
    reports = make_reports(engine.pack, config.worker_reports, seed=8000)
    expected = engine.triage_many(reports)
    rates: dict[int | None, list[float]] = {None: [], 1: [], 2: []}
    cpu: dict[int | None, list[float]] = {None: [], 1: [], 2: []}  # parent + workers
    same = True
    order: tuple[int | None, ...] = (None, 2, None, 2, 1, 2, None)
    for workers in order:
        before = _cpu_all()
        t = time.perf_counter()
        spread = engine.triage_many(reports, workers=workers)
        rates[workers].append(len(reports) / (time.perf_counter() - t))
        cpu[workers].append(_cpu_all() - before)
        same = same and spread.rows == expected.rows
    here = statistics.median(rates[None])
    res.add(
        f"triage_many in one process, {len(reports):,} reports",
        "-",
        ", ".join(f"{r:,.0f}" for r in rates[None]) + " /s",
    )
    res.add(
        f"triage_many(workers=1), {len(reports):,} reports, incl. start-up",
        "-",
        f"{rates[1][0]:,.0f} /s ({'same' if same else 'DIFFERENT'})",
        None if same else False,
    )
    # each workers=2 run against the mean of its neighbouring one-process runs
    ratios = [r / statistics.mean(rates[None][i : i + 2]) for i, r in enumerate(rates[2])]
    best = statistics.median(ratios)
    res.add(
        f"triage_many(workers=2) / one process, {len(reports):,} reports, incl. start-up "
        "(each run / its neighbouring one-process runs)",
        ">= 1.6x",
        f"{best:.2f}x ({', '.join(f'{x:.2f}' for x in ratios)}; "
        f"{statistics.median(rates[2]):,.0f} /s vs {here:,.0f} /s; {'same' if same else 'DIFFERENT'})",
        best >= 1.6 and same,
    )
    # the machine's CPU is shared per session (autogroup) with other jobs: the CPU the
    # workers and the parent spend, against one process's, is what 2 idle cores would see
    overhead = statistics.median(cpu[2]) / statistics.median(cpu[None])
    res.add(
        "workers=2: CPU of parent + workers / CPU of one process (incl. start-up)",
        "-",
        f"{overhead:.2f}x (2 idle cores: at most {2 / overhead:.2f}x one process)",
    )


def _dask(res: Results, engine: Engine, config: Config) -> None:
    try:
        import dask.bag
        import distributed
    except ImportError:
        res.notes.append("dask is not installed: the Dask rows were skipped")
        return
    # dask is not fully typed
    local_cluster: Any = distributed.LocalCluster
    client: Any = distributed.Client
    from_sequence: Any = dask.bag.from_sequence

    from hamtriage.flows.distributed import triage_dask

    reports = make_reports(engine.pack, config.worker_reports, seed=9000)
    expected = engine.triage_many(reports)

    def one_process() -> tuple[float, float]:
        cpu0 = time.process_time()
        t = time.perf_counter()
        engine.triage_many(reports)
        return len(reports) / (time.perf_counter() - t), time.process_time() - cpu0

    here = [one_process()]
    for n in (1, 2):
        with (
            local_cluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            client(cluster) as dask_client,
        ):

            def workers_cpu() -> float:
                times: dict[str, float] = dask_client.run(_process_cpu)
                return sum(times.values())

            def warm_run() -> tuple[float, float, Any]:
                cpu0, wcpu0 = time.process_time(), workers_cpu()
                t = time.perf_counter()
                got = triage_dask(reports, engine=engine)
                rate = len(reports) / (time.perf_counter() - t)
                return rate, time.process_time() - cpu0 + workers_cpu() - wcpu0, got

            bag = from_sequence(reports, npartitions=8 * n)
            t = time.perf_counter()
            first = triage_dask(reports, engine=engine)  # includes each worker's pack build
            # what client and workers spend per second doing nothing (heartbeats, monitors,
            # the workers' sampling profiler): a loaded machine stretches the wall clock
            # and with it this share of the CPU ratio
            idle0, t0 = time.process_time() + workers_cpu(), time.perf_counter()
            time.sleep(3)
            churn = (time.process_time() + workers_cpu() - idle0) / (time.perf_counter() - t0)
            cold = len(reports) / (time.perf_counter() - t)
            # 2 workers: warm runs alternate with one-process runs, each compared with the
            # one-process run just before it (the VM's speed drifts over a run)
            pairs: list[tuple[float, float, float, float]] = []  # rate, CPU; one process's
            idle_share: list[float] = []  # the churn's CPU over a warm run / its CPU
            results = []
            for _ in range(3 if n == 2 else 1):
                rate, used, got = warm_run()
                results.append(got)
                pairs.append((rate, used, *here[-1]))
                idle_share.append(churn * len(reports) / rate / used)
                here.append(one_process())
            t = time.perf_counter()
            third = triage_dask(bag, engine=engine)  # a bag of dicts built by the caller
            in_bag = len(reports) / (time.perf_counter() - t)
        same = all(r.rows == expected.rows for r in (first, *results, third))
        ratios = [rate / base for rate, _, base, _ in pairs]
        cpus = [used / base_cpu for _, used, _, base_cpu in pairs]
        ratio = statistics.median(ratios)
        warm = statistics.median(p[0] for p in pairs)
        base = statistics.median(p[2] for p in pairs)
        res.add(
            f"dask LocalCluster, {n} worker process{'es' if n > 1 else ''}, compact rows: "
            "first / warm (warm / the one-process run before it)",
            ">= 1.5x" if n == 2 else "-",
            f"{cold:,.0f} / {warm:,.0f} /s ({ratio:.2f}x"
            + (f" [{', '.join(f'{x:.2f}' for x in ratios)}]" if len(ratios) > 1 else "")
            + f" of {base:,.0f} /s; {'same' if same else 'DIFFERENT'})",
            (ratio >= 1.5 and same) if n == 2 else (None if same else False),
        )
        overhead = statistics.median(cpus)
        res.add(
            f"dask, {n} worker{'s' if n > 1 else ''}: CPU of client + workers / one process "
            "(warm); a caller's bag of dicts",
            "-",
            f"{overhead:.2f}x (2 idle cores: at most {min(n, 2) / overhead:.2f}x one process); "
            f"idle churn {churn:.3f} CPU s/s, {statistics.median(idle_share):.0%} of the warm "
            f"CPU; bag: {in_bag / base:.2f}x",
        )


def _process_cpu() -> float:
    """This process's CPU seconds (run on each Dask worker)."""
    times = os.times()
    return times.user + times.system


def _markdown(res: Results, config: Config) -> str:
    lines = [
        START,
        "",
        (
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, {platform.machine()} ({config.size} reports x "
            f"{config.rounds} rounds)."
        ),
        "",
        "| measure | target | measured | |",
        "|---|---|---|---|",
    ]
    for row in res.rows:
        mark = "" if row.ok is None else ("met" if row.ok else "**missed**")
        lines.append(f"| {row.metric} | {row.target} | {row.measured} | {mark} |")
    lines.append("")
    lines += [f"- {n}" for n in res.notes]
    lines += ["", END]
    return "\n".join(lines)


def _write(res: Results, config: Config) -> None:
    block = _markdown(res, config)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sets (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask rows")
    parser.add_argument("--rounds", type=int, help="rounds of fresh reports")
    parser.add_argument("--size", type=int, help="reports per round")
    parser.add_argument("--rss", type=int, nargs=2, metavar=("FIRST", "LAST"))
    parser.add_argument("--rss-child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(*args.rss_child)
        return 0
    config = QUICK if args.quick else FULL
    changes: dict[str, Any] = {}
    if args.rounds:
        changes["rounds"] = args.rounds
    if args.size:
        changes["size"] = args.size
    if args.rss:
        changes["rss_first"], changes["rss_last"] = args.rss
    if args.no_dask:
        changes["dask"] = False
    if changes:
        config = Config(**{**config.__dict__, **changes})
    res = run(config, args.quick)
    if not args.no_write:
        _write(res, config)
    return 0 if all(r.ok is not False for r in res.rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
