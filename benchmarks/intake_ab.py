"""Compare ``parse_text`` of this checkout with an earlier commit's, in one process, interleaved.

    python benchmarks/intake_ab.py 3d094d8          # about 2 minutes

On the shared 2-core machine the time of one run depends on the other jobs more than
on the code, so two runs in two processes cannot be compared. This script copies this
checkout's package to a temporary directory, adds the given commit's
``hamtriage/flows/intake`` beside it as ``intake_ref`` (the rest of the library is this
checkout's), and times both on the same seeded 300-character messages of
``benchmarks/intake.py``, alternating which goes first, 8 rounds per language. It prints
the best round's median CPU time of each and the median of the per-round ratios.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import random, statistics, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[2])
import intake as bench
import hamtriage
assert hamtriage.__file__.startswith(sys.argv[1]), hamtriage.__file__
from hamtriage.flows.intake import parse_text as new
from hamtriage.flows.intake_ref import parse_text as old
pack = hamtriage.Engine.default().pack
for lang, sentences in (("en", bench.SENTENCES), ("nl", bench.SENTENCES_NL)):
    rng = random.Random(12)
    texts = [bench.message(rng, 300, sentences) for _ in range(400)]
    for f in (old, new):
        for t in texts:
            f(t, pack, lang=lang)  # lexicons built, word caches warm
    clock = time.thread_time
    res = {"ref": [], "new": []}
    for r in range(8):
        order = (("new", new), ("ref", old)) if r % 2 == 0 else (("ref", old), ("new", new))
        for name, f in order:
            ts = []
            for t in texts:
                s = clock()
                f(t, pack, lang=lang)
                ts.append(clock() - s)
            res[name].append(statistics.median(ts))
    ratios = sorted(a / b for a, b in zip(res["new"], res["ref"]))
    print(
        f"[{lang}] 300 characters, best round's median CPU: ref {min(res['ref']) * 1e3:.3f} ms, "
        f"this checkout {min(res['new']) * 1e3:.3f} ms; this / ref per round: median "
        f"{statistics.median(ratios):.2f} (range {ratios[0]:.2f}-{ratios[-1]:.2f})"
    )
"""


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ref = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "hamtriage", work / "hamtriage")
        shutil.copytree(ROOT / "rules", work / "rules")
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "hamtriage/flows/intake"],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(work / "ref", filter="data")
        shutil.copytree(
            work / "ref" / "hamtriage" / "flows" / "intake",
            work / "hamtriage" / "flows" / "intake_ref",
        )
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-c", CHILD, str(work), str(ROOT / "benchmarks")], check=True
        )
        print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
