"""How hamtriage's cost grows with the pack (``python -m benchmarks.scaling``).

Generated packs (``tests/support/bigpacks.py``: files split by body region, the bundled
pack's rule shapes) from 100 to 10,000 rules and 50 to 2,000 symptom ids: the CPU
time of loading and of compiling (rules to engine rulesets), the rulesets, and per
triage of seeded reports the median time, the rules fired, and the time per fired rule
(CPU time of the triaging thread). :func:`per_fired_ratio`
measures the time per fired rule of two packs in one process, in interleaved rounds
(``tests/test_scale.py`` fails when 10,000 rules cost more than twice 200 per fired rule).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hamtriage import load_pack  # noqa: E402
from hamtriage.runtime.run import Compiled  # noqa: E402
from tests.support.bigpacks import write_big_pack  # noqa: E402
from tests.support.reports import make_reports  # noqa: E402

__all__ = [
    "SIZES",
    "Scale",
    "collector_share",
    "measure",
    "per_fired_ratio",
    "per_fired_row",
    "table",
]

SIZES = ((100, 50), (200, 50), (500, 100), (1000, 200), (2000, 500), (5000, 1000), (10_000, 2000))


@dataclass(frozen=True)
class Scale:
    rules: int
    symptoms: int
    load_s: float
    compile_s: float
    rulesets: int
    engine_rules: int
    median_us: float
    fired: float  # per report
    per_fired_us: float


def _build(rules: int, symptoms: int, root: Path) -> tuple[Compiled, float, float]:
    write_big_pack(root, rules, symptoms, min(100, symptoms))
    # process CPU time: on the shared VM a wall clock of a minute-long load measured the
    # other jobs (66 s for 10,000 rules at a load average of 10; 5.6 s of CPU idle)
    # time the load itself, not a snapshot; restored after, since run.py's cold-start
    # children inherit this process's environment (they measured builds, not starts)
    before = os.environ.get("HAMTRIAGE_CACHE")
    os.environ["HAMTRIAGE_CACHE"] = "0"
    try:
        t = time.process_time()
        pack = load_pack(root)
        loaded = time.process_time() - t
    finally:
        if before is None:
            del os.environ["HAMTRIAGE_CACHE"]
        else:
            os.environ["HAMTRIAGE_CACHE"] = before
    t = time.process_time()
    state = Compiled(pack)
    return state, loaded, time.process_time() - t


def _round(state: Compiled, reports: list[dict[str, object]]) -> tuple[list[float], int]:
    facts = [state.normalize(r) for r in reports]
    times: list[float] = []
    fired = 0
    # the triaging thread's CPU time: on the shared VM a wall clock mostly measures
    # which other jobs were scheduled in between (p90 rose 30x at a load average of 10)
    clock = time.thread_time
    for f in facts:
        t = clock()
        result = state.triage_facts(f)
        times.append(clock() - t)
        fired += len(result.trace)
    return times, fired


def measure(rules: int, symptoms: int, reports: int = 2000) -> Scale:
    """One pack's row of the scaling table."""
    with tempfile.TemporaryDirectory() as tmp:
        state, loaded, compiled = _build(rules, symptoms, Path(tmp))
        _round(state, make_reports(state.pack, 200, seed=1))  # warm up
        times, fired = _round(state, make_reports(state.pack, reports, seed=2))
        state.close()
    return Scale(
        rules,
        symptoms,
        loaded,
        compiled,
        len(state.rulesets),
        len(state.compiled.definition) - 1,
        statistics.median(times) * 1e6,
        fired / reports,
        sum(times) / max(fired, 1) * 1e6,
    )


def per_fired_ratio(
    small: tuple[int, int], large: tuple[int, int], reports: int = 1000, rounds: int = 5
) -> tuple[float, list[float]]:
    """Median over interleaved rounds of (time per fired rule, large pack) / (small pack)."""
    with tempfile.TemporaryDirectory() as tmp:
        a, _, _ = _build(*small, Path(tmp) / "small")
        b, _, _ = _build(*large, Path(tmp) / "large")
        for state in (a, b):
            _round(state, make_reports(state.pack, 200, seed=1))
        ratios: list[float] = []
        for n in range(rounds):
            ta, fa = _round(a, make_reports(a.pack, reports, seed=10 + n))
            tb, fb = _round(b, make_reports(b.pack, reports, seed=10 + n))
            ratios.append((sum(tb) / fb) / (sum(ta) / fa))
        a.close()
        b.close()
    return statistics.median(ratios), ratios


def collector_share(
    sizes: tuple[tuple[int, int], ...] = ((2500, 500), (5000, 1000), (10_000, 2000)),
) -> list[tuple[int, float, float]]:
    """Load + compile CPU time per rule (ms) with the cyclic collector on and paused:
    (rules, on, paused). Shows whether a growth per rule is the loader's or CPython's."""
    out: list[tuple[int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rules, symptoms in sizes:
            per_rule: list[float] = []
            for paused in (False, True):
                if paused:
                    gc.disable()
                try:
                    state, loaded, compiled = _build(rules, symptoms, Path(tmp) / str(rules))
                finally:
                    gc.enable()
                state.close()
                del state
                gc.collect()
                per_rule.append((loaded + compiled) / rules * 1e3)
            out.append((rules, per_rule[0], per_rule[1]))
    return out


def table(rows: list[Scale]) -> str:
    """The scaling table as Markdown."""
    head = (
        "| rules | symptom ids | load (CPU) | compile (CPU) | load + compile per rule "
        "| rulesets (engine rules) | median triage | rules fired per report | per fired rule |"
    )
    lines = [head, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {r.rules:,} | {r.symptoms:,} | {r.load_s:.2f} s | {r.compile_s:.2f} s "
        f"| {(r.load_s + r.compile_s) / r.rules * 1e3:.2f} ms "
        f"| {r.rulesets} ({r.engine_rules:,}) | {r.median_us:,.0f} µs | {r.fired:.1f} "
        f"| {r.per_fired_us:.1f} µs |"
        for r in rows
    ]
    return "\n".join(lines)


def per_fired_row(add: Callable[[str, str, str, bool | None], None], quick: bool) -> None:
    """Time per fired rule of a large generated pack against a 200-rule one (one process)."""
    large = (2000, 500) if quick else (10_000, 2000)
    ratio, ratios = per_fired_ratio((200, 50), large, reports=500, rounds=3 if quick else 5)
    add(
        f"time per fired rule, {large[0]:,} rules / 200 rules (generated packs)",
        "<= 2x",
        f"{ratio:.2f}x ({', '.join(f'{x:.2f}' for x in ratios)})",
        ratio <= 2,
    )


def main() -> None:
    rows = []
    for rules, symptoms in SIZES:
        rows.append(measure(rules, symptoms))
        print(rows[-1], flush=True)
    print(table(rows))
    ratio, ratios = per_fired_ratio((200, 50), (10_000, 2000))
    print(
        "time per fired rule, 10,000 rules / 200 rules (median of rounds): "
        f"{ratio:.2f}x ({', '.join(f'{x:.2f}' for x in ratios)})"
    )
    for rules, on, paused in collector_share():
        print(
            f"load + compile per rule, {rules:,} rules: {on:.2f} ms "
            f"({paused:.2f} ms with the collector paused)"
        )


if __name__ == "__main__":
    main()
