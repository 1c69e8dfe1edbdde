"""Timings and peak memory of the pack-hazard cases (``python -m benchmarks.hazard_limits``).

Each case runs in a child process of its own, so its peak RSS is its own: the issue's
expansion shape (one file and ten), 50 unknown ids over 19,000, 20 files of 990 KB,
and a pack at the planned scale (10,000 rules over 2,000 symptom ids and 100
measurements, split over files), which must load.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CASES = {
    "wide rule, 1 file": "wide(1)",
    "wide rule, 10 files": "wide(10)",
    "50 unknown ids over 19,000": "typos()",
    "20 files of 990 KB": "big()",
    "10,000 rules / 2,000 symptoms / 100 measurements": "scale()",
}

CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from tests.support.packs import MINIMAL_PACK, write_pack
from tests.test_hazard_packs import _symptoms, _wide_rule
from hamtriage import RulePackError, load_pack
root = Path({root!r})

def wide(n):
    files = {{"pack.yaml": MINIMAL_PACK}}
    for i in range(n):
        files[f"w{{i}}.yaml"] = "rules:\\n" + _wide_rule(i)
    write_pack(root, files)

def typos():
    rules = "".join(
        f"  - {{{{id: t{{i}}, title: T, evidence: research, source: S1, when: "
        f"{{{{symptom: symptom_{{i * 397:05}}x}}}}, then: [{{{{support: h1, certainty: 0.5}}}}]}}}}\\n"
        for i in range(50))
    write_pack(root, {{"pack.yaml": MINIMAL_PACK, "v0.yaml": _symptoms(0, 10_000),
                      "v1.yaml": _symptoms(10_000, 9_000), "rules.yaml": "rules:\\n" + rules}})

def big():
    write_pack(root, {{"pack.yaml": MINIMAL_PACK}})
    for i in range(20):
        with open(root / f"f{{i:03}}.yaml", "wb") as f:
            f.truncate(990_000)

def scale():
    files = {{"pack.yaml": MINIMAL_PACK, "s.yaml": _symptoms(0, 2_000)}}
    files["m.yaml"] = "measurements:\\n" + "".join(
        f"  - {{{{id: meas_{{i}}, label: Measure {{i}}, unit: cm, range: [0, 100]}}}}\\n" for i in range(100))
    for f in range(20):
        files[f"r{{f:02}}.yaml"] = "rules:\\n" + "".join(
            f"  - {{{{id: r{{f}}_{{i}}, title: R, evidence: research, source: S1, when: {{{{all: "
            f"[{{{{symptom: symptom_{{(f * 500 + i) % 2000:05}}}}}}, {{{{measurement: meas_{{i % 100}}, "
            f"ge: {{i % 90}}}}}}]}}}}, then: [{{{{support: h1, certainty: 0.5}}}}]}}}}\\n"
            for i in range(500))
    write_pack(root, files)

{case}
start = time.perf_counter()
try:
    pack = load_pack(root)
    outcome = f"loaded, {{len(pack.rules)}} rules"
except RulePackError as exc:
    outcome = f"refused: {{exc.issues[0].code}} x{{len(exc.issues)}}"
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": round(took, 2), "peak_mb": round(peak), "outcome": outcome}}))
"""


def main() -> None:
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    for name, case in CASES.items():
        with tempfile.TemporaryDirectory() as root:
            code = CHILD.format(tests=tests, root=root, case=case)
            env = {"HAMTRIAGE_CACHE": "0"}
            done = subprocess.run(
                [sys.executable, "-c", textwrap.dedent(code)],
                capture_output=True,
                text=True,
                env={**__import__("os").environ, **env},
                check=False,
            )
            if done.returncode:
                print(f"{name}: failed\n{done.stderr[-2000:]}")
                continue
            got = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{name:52} {got['seconds']:7.2f} s {got['peak_mb']:6} MB  {got['outcome']}")


if __name__ == "__main__":
    main()
