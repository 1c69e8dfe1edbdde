"""``triage_many(workers=N)`` at a script's top level: a clear HamtriageError with the fix,
before any process starts, instead of BrokenProcessPool (run as real scripts)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hamtriage.flows._spawn import _guarded

CALL = """\
import hamtriage

engine = hamtriage.Engine.default()
reports = [{"symptoms": ["tight_calves"]}, {"symptoms": ["low_back_spasms"]}] * 2
"""


def _script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "batch_job.py"
    path.write_text(CALL + textwrap.dedent(body), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "body",
    [
        "results = engine.triage_many(reports, workers=2)\n",
        "def main() -> None:\n    engine.triage_many(reports, workers=2)\n\nmain()\n",
        # the spawn start method chosen by the script itself, and the streaming call
        (
            "import multiprocessing\nmultiprocessing.set_start_method('spawn')\n"
            "results = list(engine.triage_iter(reports, workers=2))\n"
        ),
    ],
)
def test_top_level_workers_call_names_the_fix(tmp_path: Path, body: str) -> None:
    proc = _script(tmp_path, body)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    call = "triage_iter" if "triage_iter" in body else "triage_many"
    assert last.startswith(f"hamtriage.errors.HamtriageError: {call}(workers=2) was called ")
    assert "batch_job.py (line " in last
    assert 'put the code that calls it under `if __name__ == "__main__":`' in last
    assert "BrokenProcessPool" not in proc.stderr
    assert "bootstrapping phase" not in proc.stderr  # no child process was started


@pytest.mark.slow
def test_the_guarded_script_runs_on_workers(tmp_path: Path) -> None:
    proc = _script(
        tmp_path,
        """\
        def main() -> None:
            results = engine.triage_many(reports, workers=2)
            print([r.hypotheses[0].id for r in results])

        if __name__ == "__main__":
            main()
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "['calf_tightness', 'nonspecific_lumbar_strain', 'calf_tightness', "
        "'nonspecific_lumbar_strain']"
    )


def test_guard_detection_on_syntax() -> None:
    source = textwrap.dedent(
        """\
        x = 1
        if __name__ == "__main__":
            a = 1
            b = 2
        if "__main__" == __name__:
            c = 3
        if __name__ != "__main__":
            d = 4
        """
    )
    tree = ast.parse(source)
    assert [line for line in range(1, 9) if _guarded(tree, line)] == [3, 4, 6]


@pytest.mark.slow
def test_workers_read_ahead_a_bounded_window_of_chunks(tmp_path: Path) -> None:
    """Each worker has IN_FLIGHT chunks sent ahead (results are taken in order: with too
    few, a worker ran dry while a slow neighbour held the head), and never more."""
    proc = _script(
        tmp_path,
        """\
        from hamtriage.flows.batch import CHUNK, IN_FLIGHT

        def main() -> None:
            many = [{"symptoms": ["tight_calves"], "age": 10 + i % 90} for i in range(6000)]
            pulled = yielded = 0
            ahead = []

            def source():
                nonlocal pulled
                for r in many:
                    pulled += 1
                    ahead.append(pulled - yielded)
                    yield r

            for result in engine.triage_iter(source(), workers=2):
                assert result == engine.triage(many[yielded])
                yielded += 1
            print(yielded, max(ahead), IN_FLIGHT * 2 * CHUNK)

        if __name__ == "__main__":
            main()
        """,
    )
    assert proc.returncode == 0, proc.stderr
    done, most, window = map(int, proc.stdout.split())
    assert done == 6000
    assert window >= 4 * 500  # at least 2 chunks per worker ahead, as before
    assert window - 500 < most <= window + 500  # the window is used, and bounded
