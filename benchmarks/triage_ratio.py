"""Single triage and ``triage_many`` against the durable floor, CPU time, trees alternated.

    python benchmarks/triage_ratio.py TREE_A TREE_B [--runs 3] [--n 2000]

Each run is a child process importing hamtriage from one tree (``PYTHONPATH``); the
trees take turns (A, B, A, B, ...). In each child, for the same seeded reports, the
floor (``benchmarks.baselines.Floor``: the report's first facts into a two-rule ruleset),
``engine.triage(dict)`` with the results kept, and ``triage_many`` with every result read
are timed in interleaved rounds, and the median ratio to the floor of that process is
printed: a ratio taken in one process, so the machine's load between runs cancels out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROUNDS = 5


def child(n: int) -> None:
    sys.path.insert(0, os.getcwd())
    from benchmarks.baselines import Floor
    from hamtriage import Engine
    from hamtriage.engine import compiled_state
    from hamtriage.runtime.wire import marker_json
    from tests.support.reports import make_reports

    engine = Engine.default()
    state = compiled_state(engine)
    reports: list[Any] = make_reports(engine.pack, n, seed=7300)
    first = [state.input_json(engine.normalize(r), marker_json(0)) for r in reports]
    floor = Floor()
    for r in reports[:300]:
        engine.triage(r)
    single: list[float] = []
    many: list[float] = []
    for _ in range(ROUNDS):
        t0 = time.process_time()
        for x in first:
            floor.run(x)
        t1 = time.process_time()
        kept = [engine.triage(r) for r in reports]
        t2 = time.process_time()
        read = list(engine.triage_many(reports))
        t3 = time.process_time()
        base = t1 - t0
        single.append((t2 - t1) / base)
        many.append((t3 - t2) / base)
        del kept, read
    floor.close()
    print(f"{statistics.median(single):.2f} {statistics.median(many):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.n)
        return
    got: dict[Path, list[tuple[float, float]]] = {t: [] for t in args.trees}
    for run in range(args.runs):
        for tree in args.trees:
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", "--n", str(args.n)],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            got[tree].append((float(out[0]), float(out[1])))
            print(f"run {run} {tree}: single / floor {out[0]}x, triage_many / floor {out[1]}x")
    for tree, pairs in got.items():
        print(
            f"{tree}: median single / floor {statistics.median(p[0] for p in pairs):.2f}x, "
            f"triage_many read / floor {statistics.median(p[1] for p in pairs):.2f}x"
        )


if __name__ == "__main__":
    main()
