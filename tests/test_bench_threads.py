"""The 16-thread benchmark (benchmarks/threads.py) measures what it says, in a child process
(16 threads on the C engine): every report of every block handled on both sides in every
mode, and the threads' results identical to the sequential ones."""

from __future__ import annotations

import pytest

from tests.support.hazard import run_child

CHILD = """
import sys
from benchmarks.threads import measure
from hamtriage import Engine
from tests.support.reports import make_reports

engine = Engine.default()
reports = make_reports(engine.pack, 330, seed=16)
before = sys.getswitchinterval()
got = measure(engine, reports, block=100)
for mode, m in got.items():
    print(mode, m.reports, len(m.block_ratios), m.identical, m.seq_cpu > 0, m.thr_cpu > 0)
print("interval restored", sys.getswitchinterval() == before)
"""


def test_sixteen_threads_triage_every_block_and_agree_with_the_sequential_run() -> None:
    done = run_child(CHILD, timeout=300)
    assert done.returncode == 0, done.stderr
    # 330 reports in blocks of 100: 4 blocks (the last of 30) per mode, each timed; the
    # control evaluates the same reports' facts in plain Python
    assert done.stdout.split("\n")[:5] == [
        "kept 330 4 True True True",
        "dropped 330 4 True True True",
        "control 330 4 True True True",
        "relaxed 330 4 True True True",
        "interval restored True",
    ]


@pytest.mark.parametrize("control", [False, True], ids=["triage", "control"])
def test_the_instruction_count_children_do_the_same_work_on_one_and_sixteen_threads(
    control: bool,
) -> None:
    """benchmarks/threads_instructions.py counts two children's work: they must do the same
    triages, or evaluations for the control (a switch interval of 0.1 ms preempts the 16
    threads mid-item constantly)."""
    extra = ", '--control'" if control else ""
    digests = []
    for mode in ("seq", "thr"):
        done = run_child(
            "import runpy, sys\n"
            f"sys.argv = ['x', '--child', '{mode}', '120', '--interval', '0.0001', "
            f"'--digest'{extra}]\n"
            "runpy.run_module('benchmarks.threads_instructions', run_name='__main__')\n",
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        digests.append(done.stdout.strip())
    assert len(digests[0]) == 16
    assert digests[0] == digests[1]
