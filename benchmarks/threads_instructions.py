"""Instructions and simulated cache misses per triage, one thread against 16, counted by
``valgrind --tool=cachegrind`` (``python -m benchmarks.threads_instructions [N] [--no-gc]``).

CPU time on the shared VM drifts by more than the effect looked for, so the deterministic
question is asked here: does a triage execute more instructions, or miss the cache more,
when 16 threads share the engine? Each figure is a whole process under cachegrind (the
same seeded reports, ``PYTHONHASHSEED=0``, 300 warm-up triages), minus a process that
triages none, divided by N. Valgrind runs the program about 50 times slower than native
but CPython's switch interval is wall-clock time, so the 16-thread child sets it to
5 ms x 50 (``--interval``) to be preempted about as often per triage as natively.
The simulated last-level cache is one core's L2 of this machine (2 MiB). ``--no-gc``
disables the collector after the warm-up, which separates its share. Needs valgrind;
takes several minutes (each child is a full interpreter start under valgrind).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

THREADS = 16
MAX_N = 2000
CACHES = ["--I1=32768,8,64", "--D1=49152,12,64", "--LL=2097152,16,64"]
_FIGURE = re.compile(r"==\d+== (I\s+refs|D1\s+misses|LL\s+misses):\s+([\d,]+)")


def child(
    mode: str, n: int, interval: float, no_gc: bool, control: bool = False, digest: bool = False
) -> None:
    """Triage ``n`` seeded reports on one thread (``seq``) or 16 (``thr``), after warm-up;
    with ``control``, evaluate their facts with the plain-Python evaluator instead."""
    import gc

    from hamtriage import Engine
    from tests.support.oracle import PlainEvaluator
    from tests.support.reports import make_reports

    engine = Engine.default()
    # the same reports drawn (and, for the control, normalised) whatever n is, so the
    # child that does no work subtracts exactly what is not the work
    reports: list[Any] = make_reports(engine.pack, 300 + MAX_N, seed=7100)
    work: list[Any] = reports[300 : 300 + n]
    do: Any = engine.triage
    if control:
        do = PlainEvaluator(engine.pack).evaluate
        facts = [engine.normalize(r) for r in reports]
        reports, work = facts, facts[300 : 300 + n]
    for r in reports[:300]:
        do(r)
    out: list[Any] = [None] * n
    if no_gc:
        gc.collect()
        gc.disable()
    if mode == "seq":
        for i, r in enumerate(work):
            out[i] = do(r)
    else:
        _sixteen(do, work, out, interval)
    if digest:  # for the test that both modes compute the same (never in a counted run)
        text = "".join(_canonical(o) if control else o.model_dump_json() for o in out)
        print(hashlib.sha256(text.encode()).hexdigest()[:16])


def _canonical(outcome: Any) -> str:
    # an Outcome's rules are a frozenset, whose order changes with the hash seed
    return f"{outcome.level}|{sorted(outcome.fired)}|{outcome.confidences}"


def _sixteen(triage: Any, work: list[Any], out: list[Any], interval: float) -> None:
    n = len(out)
    sys.setswitchinterval(interval)
    go = threading.Event()

    def share(k: int) -> None:
        go.wait()
        for i in range(k, n, THREADS):
            out[i] = triage(work[i])

    threads = [threading.Thread(target=share, args=(k,)) for k in range(THREADS)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join()


def counted(mode: str, n: int, interval: float, no_gc: bool, control: bool) -> dict[str, int]:
    """Instructions (I refs), D1 and LL misses of one child process under cachegrind."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=yes",
                *CACHES,
                f"--cachegrind-out-file={tmp}/out",
                sys.executable,
                "-m",
                "benchmarks.threads_instructions",
                "--child",
                mode,
                str(n),
                "--interval",
                str(interval),
                *(["--no-gc"] if no_gc else []),
                *(["--control"] if control else []),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        )
    figures = {
        key.split()[0]: int(value.replace(",", "")) for key, value in _FIGURE.findall(done.stderr)
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help=f"at most {MAX_N}")
    parser.add_argument("--no-gc", action="store_true")
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--child", choices=("seq", "thr"))
    parser.add_argument("--digest", action="store_true")
    parser.add_argument("--control", action="store_true", help="the plain-Python evaluator")
    args = parser.parse_args()
    if not 0 <= args.n <= MAX_N:
        parser.error(f"n must be between 0 and {MAX_N}")
    if args.child:
        child(args.child, args.n, args.interval, args.no_gc, args.control, args.digest)
        sys.stdout.flush()
        # no interpreter shutdown: its final collection over everything still alive would
        # be counted too, and it differs between the two modes
        os._exit(0)
    flags = (args.interval, args.no_gc, args.control)
    base = counted("seq", 0, *flags)
    got = {mode: counted(mode, args.n, *flags) for mode in ("seq", "thr")}
    per = {
        mode: {k: (v - base[k]) / args.n for k, v in figures.items()}
        for mode, figures in got.items()
    }
    for mode, label in (("seq", "1 thread"), ("thr", "16 threads")):
        p = per[mode]
        print(
            f"{label:10s}: {p['I']:,.0f} instructions, {p['D1']:,.0f} D1 misses, "
            f"{p['LL']:,.0f} LL misses per {'evaluation' if args.control else 'triage'}"
        )
    print(
        "16 threads / 1 thread per triage: "
        + ", ".join(f"{k} {per['thr'][k] / per['seq'][k]:.3f}x" for k in ("I", "D1", "LL"))
        + (" (collector disabled)" if args.no_gc else "")
        + (" (plain-Python control)" if args.control else "")
    )


if __name__ == "__main__":
    main()
