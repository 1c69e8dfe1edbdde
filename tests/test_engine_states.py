"""The engine as a state machine: concurrent triage, reload, pickle and close, checked by
hypothesis (tests/support/engine_machine.py) in a subprocess, where a crash of the C
engine or a hang fails this test instead of killing the run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 240  # seconds: a hung engine ends the subprocess, and this test fails


def _machine(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "tests.support.engine_machine", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=LIMIT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the engine machine hung for {LIMIT} s: {exc.stdout!r}") from exc


def test_triage_reload_pickle_and_close_in_any_order_under_threads() -> None:
    proc = _machine("--examples", "40", "--steps", "30")
    assert proc.returncode == 0, (
        f"exit {proc.returncode} (negative: killed by a signal, the C engine crashed)\n"
        f"{proc.stdout[-2000:]}\n{proc.stderr[-6000:]}"
    )
    line = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"engine machine ok: (\d+) runs, (\d+) triages checked, .*", line)
    assert match, line
    assert int(match[1]) >= 40, line
    assert int(match[2]) >= 100, line  # it really triaged, and checked what it got


def test_the_machine_catches_an_engine_that_keeps_the_old_pack() -> None:
    # the same machine on an engine whose reload never swaps: it must fail, on a result
    # (or an unpickled copy) of pack A where pack B's was due: its checks can fail
    proc = _machine("--examples", "40", "--steps", "30", "--sabotage", "stale")
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Falsifying example" in proc.stderr or "Failing test case" in proc.stderr
    stale = r"triaged on pack A, expected the result of pack B|on pack B unpickled on pack A"
    assert re.search(stale, proc.stderr), proc.stderr[-3000:]
