"""Where a batch's time per report goes, against the durable-rules floor (issue 16).

    python -m benchmarks.bulk_floor [N_REPORTS] [ROUNDS]

For the same seeded reports, in CPU time per report, in one run: the floor (the
report's first facts into a two-rule ruleset, see ``benchmarks.baselines.Floor``); the
pack's own engine calls *replayed* with no Python around them (every batch of facts the
engine asserted for the report, the agenda run out, then every fact retracted as the
session pool does); the engine run with hamtriage's session loop; normalisation; and
``triage_many`` with and without reading every result. The replay is the least any
driver of this ruleset can cost per report, so it bounds what a batch can reach.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import durable_rules_engine as dre  # noqa: E402

from benchmarks.baselines import Floor  # noqa: E402
from hamtriage import Engine  # noqa: E402
from hamtriage.engine import compiled_state  # noqa: E402
from hamtriage.runtime import _durable  # noqa: E402
from hamtriage.runtime.wire import MARKER_PREFIX, marker_json  # noqa: E402
from tests.support.reports import make_reports  # noqa: E402


def _cpu(fn: Callable[[], object], n: int) -> float:
    t = time.process_time()
    fn()
    return (time.process_time() - t) / n * 1e6


def _round(
    engine: Engine, floor: Floor, replay: Callable[[list[list[str]]], None], reports: list[Any]
) -> list[float]:
    """floor, C replay, engine run, normalise, triage_many, + reading: CPU µs per report."""
    n = len(reports)
    state = compiled_state(engine)
    facts = [engine.normalize(r) for r in reports]
    first = [state.input_json(f, marker_json(0)) for f in facts]
    log: list[list[list[str]]] = []
    record = _durable.Session.assert_json

    def logged(self: Any, batch: list[str]) -> list[str]:
        log[-1].append(list(batch))
        return record(self, batch)

    _durable.Session.assert_json = logged  # type: ignore[method-assign,assignment]
    try:
        for f in facts:
            log.append([])
            state.run(f)
    finally:
        _durable.Session.assert_json = record  # type: ignore[method-assign]
    for batches in log[:50]:
        replay(batches)  # warm the session
    kept: list[Any] = []

    def batch() -> None:
        kept.append(engine.triage_many(reports))

    def floors() -> None:
        for x in first:
            floor.run(x)

    def replays() -> None:
        for b in log:
            replay(b)

    out = [
        _cpu(floors, n),
        _cpu(replays, n),
        _cpu(lambda: [state.run(f) for f in facts], n),
        _cpu(lambda: [engine.normalize(r) for r in reports], n),
        _cpu(batch, n),
    ]
    return [*out, out[-1] + _cpu(lambda: [None for _ in kept[0]], n)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    engine = Engine.default()
    state = compiled_state(engine)
    floor = Floor()
    handle = dre.create_ruleset("replay", json.dumps(state.compiled.definition))

    def replay(batches: list[list[str]]) -> None:
        asserted: list[str] = []
        markers: list[str] = []
        for batch in batches:
            _, offset = dre.assert_facts(handle, "[" + ",".join(batch) + "]")
            started = dre.start_action_for_state(handle, offset)
            message = started[1] if started else None
            while message:
                message = dre.complete_and_start_action(handle, offset)
            if batch[-1].startswith(MARKER_PREFIX):
                markers.append(batch[-1])
                asserted += batch[:-1]
            else:
                asserted += batch
        asserted.reverse()
        _, offset = dre.retract_facts(handle, "[" + ",".join(markers + asserted) + "]")
        dre.start_action_for_state(handle, offset)

    print("CPU µs per report (ratio to the floor): floor | C replay | engine run | normalise |")
    print("  triage_many | triage_many + reading every result")
    for rnd in range(rounds):
        got = _round(engine, floor, replay, make_reports(engine.pack, n, seed=4242 + rnd))
        base = got[0]
        print(
            f"round {rnd}: {base:.1f} | "
            + " | ".join(f"{x:.1f} ({x / base:.1f}x)" for x in got[1:]),
            flush=True,
        )
    floor.close()
    dre.delete_ruleset(handle)


if __name__ == "__main__":
    main()
