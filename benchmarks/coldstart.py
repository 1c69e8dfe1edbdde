"""Cold starts of two hamtriage source trees, interleaved: ``import hamtriage`` plus
``Engine.default()`` in fresh processes, CPU and wall clock, with a breakdown.

    python benchmarks/coldstart.py --before /tmp/cs-before   # a tree holding hamtriage/ and rules/
    python benchmarks/coldstart.py --before /tmp/cs-before --starts 15

The "before" tree is an export of an older commit (``git archive <commit> hamtriage rules
| tar -x -C DIR``) run with this checkout's interpreter and libraries. A third kind of
process, interleaved too, only imports pydantic as hamtriage does: the floor of any
start. CPU times exclude the interpreter's own start-up (about 13 ms). Each tree gets its
own snapshot cache, warmed by one start, and its bytecode written first (this
environment sets ``PYTHONDONTWRITEBYTECODE``, so a checkout would otherwise recompile
every module at every start). Starts alternate between the trees, so both see the same
machine: this VM's speed swings by tens of percent from minute to minute, and only
ratios taken in the same run mean anything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# one start: the phases' CPU and wall time in ms (import, default engine, first triage)
_CHILD = """
import json, time
c0, w0 = time.process_time(), time.perf_counter()
import hamtriage
c1, w1 = time.process_time(), time.perf_counter()
assert hamtriage.__file__.startswith(TREE), hamtriage.__file__  # not another checkout's
engine = hamtriage.Engine.default()
c2, w2 = time.process_time(), time.perf_counter()
engine.triage({"symptoms": ["low_back_spasms"], "activities": ["deadlift"]})
c3, w3 = time.process_time(), time.perf_counter()
ms = lambda a, b: round((b - a) * 1e3, 2)
print(json.dumps({
    "import_cpu": ms(c0, c1), "engine_cpu": ms(c1, c2), "triage_cpu": ms(c2, c3),
    "start_cpu": ms(c0, c2), "start_wall": ms(w0, w2), "first_wall": ms(w0, w3),
}))
"""


# the floor no version of hamtriage can go below: pydantic with the names it uses
_FLOOR = """
import json, time
c0 = time.process_time()
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
    PrivateAttr, StringConstraints, Tag, ValidationError, model_validator)
print(json.dumps({"pydantic_cpu": round((time.process_time() - c0) * 1e3, 2)}))
"""


def floor() -> float:
    """The CPU time of importing pydantic as hamtriage does, in a fresh process (ms)."""
    out = subprocess.run(
        [sys.executable, "-c", _FLOOR], capture_output=True, text=True, check=True, cwd="/"
    )
    value: float = json.loads(out.stdout)["pydantic_cpu"]
    return value


def start(tree: Path, cache: Path) -> dict[str, float]:
    """One fresh process on ``tree`` with the snapshot cache ``cache``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "HAMTRIAGE_CACHE_DIR": str(cache)}
    env.pop("HAMTRIAGE_CACHE", None)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.replace("TREE", repr(str(tree)))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tree,  # "python -c" puts the working directory first on sys.path
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def compile_bytecode(tree: Path) -> None:
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(tree / "hamtriage")], check=True, env=env
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the older tree")
    parser.add_argument("--starts", type=int, default=11, help="starts per tree (default 11)")
    parser.add_argument("--unsnapped", type=int, default=3, help="starts without snapshots")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    for tree in trees.values():
        if not (tree / "hamtriage" / "__init__.py").is_file():
            parser.error(f"{tree} holds no hamtriage package")
        compile_bytecode(tree)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    floors: list[float] = []
    cold: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        caches = {name: Path(tmp) / name for name in trees}
        for name, tree in trees.items():
            start(tree, caches[name])  # writes the snapshots, as a user's first start does
        for i in range(args.starts):
            order = list(trees) if i % 2 == 0 else list(reversed(trees))
            for name in order:
                runs[name].append(start(trees[name], caches[name]))
            floors.append(floor())
        for i in range(args.unsnapped):
            for name in trees:
                cold[name].append(start(trees[name], Path(tmp) / f"{name}-empty-{i}"))
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.starts} interleaved starts per tree, load average {load}")
    keys = ["start_cpu", "start_wall", "import_cpu", "engine_cpu", "triage_cpu", "first_wall"]
    print(f"{'median, ms':<12}" + "".join(f"{k:>12}" for k in keys))
    medians = {n: {k: statistics.median(r[k] for r in runs[n]) for k in keys} for n in trees}
    for name in trees:
        print(f"{name:<12}" + "".join(f"{medians[name][k]:>12.1f}" for k in keys))
    ratio = {k: medians["after"][k] / medians["before"][k] for k in keys}
    print(f"{'after/before':<12}" + "".join(f"{ratio[k]:>12.2f}" for k in keys))
    pydantic = statistics.median(floors)
    print(
        f"importing pydantic as hamtriage does: {pydantic:.1f} ms CPU (median); hamtriage's "
        "own share of a start (start CPU - that): "
        + ", ".join(f"{n} {medians[n]['start_cpu'] - pydantic:.1f} ms" for n in trees)
    )
    for name in trees:
        spread = sorted(r["start_cpu"] for r in runs[name])
        print(f"{name} start CPU, every start: {', '.join(f'{x:.0f}' for x in spread)}")
    if args.unsnapped:
        for name in trees:
            median = statistics.median(r["start_cpu"] for r in cold[name])
            wall = statistics.median(r["start_wall"] for r in cold[name])
            print(
                f"{name} without snapshots (first start): {median:.0f} ms CPU, {wall:.0f} ms wall"
            )


if __name__ == "__main__":
    main()
