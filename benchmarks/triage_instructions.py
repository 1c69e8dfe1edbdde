"""Instructions per triage, counted by ``valgrind --tool=cachegrind`` (deterministic where
CPU time on the shared VM is not): ``python benchmarks/triage_instructions.py [N]``.

Three measures, each a whole child process under cachegrind (``PYTHONHASHSEED=0``, the
same seeded reports of ``tests.support.make_reports``, 300 warm-up calls, then the
start-up heap frozen out of the collector's reach) minus a child that does the warm-up
and nothing else, divided by N:

- ``single``: ``engine.triage(dict)`` on the bundled pack, each result dropped when the
  next is built;
- ``many``: ``engine.triage_many(reports)`` in batches of 250, every result read;
- ``service``: ``POST /v1/triage`` of the README's hinge report handled in-process by
  the ASGI app of ``hamtriage serve``, 16 at a time (the driver of
  ``benchmarks/service_cpu.py``; no HTTP; the audit store a SQLite file with
  ``synchronous=normal``): every thread's instructions, the audit writer's included.

``--no-gc`` turns the collector off for the counted work (the count is then the
work's own, without the collections its garbage triggers). ``--tree DIR`` imports hamtriage from another checkout (a "before" tree) instead of this
one, so that two versions are counted by the same script. Takes a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM = 300
MAX_N = 3000
_REFS = re.compile(r"==\d+== I\s+refs:\s+([\d,]+)")


def _settle() -> None:
    # the start-up heap moved out of the collector's reach: whether a full collection
    # over it falls inside the counted work or not varied the count by 5 % between trees
    # that ran the same code; results are dropped as they are read for the same reason
    gc.collect()
    gc.freeze()
    if os.environ.get("HAMTRIAGE_BENCH_NO_GC") == "1":
        gc.disable()


def _single(n: int) -> None:
    from hamtriage import Engine
    from tests.support.reports import make_reports

    engine = Engine.default()
    reports: list[Any] = make_reports(engine.pack, WARM + MAX_N, seed=7100)
    for r in reports[:WARM]:
        engine.triage(r)
    _settle()
    last = None
    for r in reports[WARM : WARM + n]:
        last = engine.triage(r)  # each result dropped when the next is built
    assert n == 0 or last is not None


def _many(n: int) -> None:
    from hamtriage import Engine
    from tests.support.reports import make_reports

    engine = Engine.default()
    reports: list[Any] = make_reports(engine.pack, WARM + MAX_N, seed=7100)
    list(engine.triage_many(reports[:WARM]))
    _settle()
    read = 0
    work = reports[WARM : WARM + n]
    for i in range(0, n, 250):
        read += len(list(engine.triage_many(work[i : i + 250])))  # builds every result
    assert read == n


def _service(n: int) -> None:
    asyncio.run(_drive(n))


async def _drive(n: int) -> None:
    # the driver of benchmarks/service_cpu.py: 16 concurrent requests on the ASGI app
    from service_cpu import BODY, load  # type: ignore[import-not-found]

    from hamtriage.service.app import create_app
    from hamtriage.service.config import ServiceConfig

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'audit.sqlite3'}"
        app = create_app(ServiceConfig(db_url=url, sqlite_synchronous="normal"))
        async with app.router.lifespan_context(app):
            await asyncio.to_thread(app.state.service.ready.wait, 600)
            await load(app, WARM, "/v1/triage", BODY)
            _settle()
            if n:
                await load(app, n, "/v1/triage", BODY)


MODES = {"single": _single, "many": _many, "service": _service}


def _env(tree: Path, no_gc: bool = False) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
    return {**env, "HAMTRIAGE_BENCH_NO_GC": "1"} if no_gc else env


def warm(mode: str, tree: Path) -> None:
    """One child run without valgrind, so that the pack and compiled snapshots of ``tree``
    are written before anything is counted (a child that writes them would count the
    pack's load and compilation as work)."""
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, "0"],
        cwd=tree,
        env=_env(tree),
        check=True,
    )


def counted(mode: str, n: int, tree: Path, no_gc: bool = False) -> int:
    """Instructions of one child process under cachegrind."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={tmp}/out",
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                mode,
                str(n),
            ],
            cwd=tree,
            env=_env(tree, no_gc),
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} {n} failed:\n{done.stderr[-3000:]}")
    return int(_REFS.findall(done.stderr)[-1].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help=f"at most {MAX_N}")
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--modes", default="single,many,service")
    parser.add_argument("--child", choices=tuple(MODES))
    parser.add_argument(
        "--no-gc", action="store_true", help="the collector off during the counted work"
    )
    args = parser.parse_args()
    if not 0 <= args.n <= MAX_N:
        parser.error(f"n must be between 0 and {MAX_N}")
    if args.child:
        sys.path.insert(0, os.getcwd())
        MODES[args.child](args.n)
        sys.stdout.flush()
        os._exit(0)  # no interpreter shutdown: its collection is not the work
    tree = args.tree.resolve()
    for mode in args.modes.split(","):
        warm(mode, tree)
        got = counted(mode, args.n, tree, args.no_gc) - counted(mode, 0, tree, args.no_gc)
        off = " (collector off)" if args.no_gc else ""
        print(f"{tree.name} {mode}: {got / args.n:,.0f} instructions per call{off}", flush=True)


if __name__ == "__main__":
    main()
