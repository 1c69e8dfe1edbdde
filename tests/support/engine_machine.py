"""A hypothesis state machine of one engine under concurrent triage, reload, pickle and close.

Run it as ``python -m tests.support.engine_machine`` (``tests/test_engine_states.py``
does, in a subprocess, because the C engine can crash the process). It prints one line
``engine machine ok: ...`` and exits 0, or exits non-zero with hypothesis's report.
``--sabotage stale`` runs it on an engine whose reload never swaps the pack: the machine
must catch that (the test checks that it does, so the invariants can fail).

Two packs, A and B, share one vocabulary but differ in their certainties, so every
report that fires a rule gets a different result from each (the pack's content hash is
in every result as well). Triages run on a thread pool, more threads than the engine has
sessions; each records the version of the engine (how many reloads had finished) when
it started and when it ended, and its result must equal the reference engine's result
for the pack of one of those versions: never a mix, never an older pack.
"""

from __future__ import annotations

import argparse
import os
import pickle
import tempfile
import textwrap
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hamtriage import Engine, EngineError, RulePackError, TriageResult
from hamtriage.engine import compiled_state
from hamtriage.rules.pack import RulePack
from hamtriage.runtime._durable import _CLEAN, _NEW, MAX_SESSIONS
from tests.support.packs import MINIMAL_PACK, write_pack
from tests.support.reports import Report, make_reports

__all__ = ["EngineMachine", "main"]

TIMEOUT = 30.0
"""Seconds a triage may take before the machine calls the engine hung."""

RULES = """
rules:
  - id: r_a
    title: A supports h1
    evidence: research
    source: S1
    when: {{symptom: a}}
    then: [{{support: h1, certainty: {c1}}}]
  - id: r_b_not_z
    title: B without Z
    evidence: research
    source: S1
    when: {{all: [{{symptom: b}}, {{not: {{symptom: z}}}}]}}
    then: [{{support: h1, certainty: {c2}}}, {{support: h2, certainty: {c3}}}]
  - id: r_k
    title: Low K
    evidence: research
    source: S1
    when: {{measurement: k, lt: 10}}
    then: [{{support: h2, certainty: {c2}}}, {{recommend: drill1}}]
  - id: r_w
    title: Heavy W opposes h1
    evidence: research
    source: S1
    when: {{measurement: w, gt: 100}}
    then: [{{against: h1, certainty: {c3}}}, {{recommend: edu1}}]
  - id: r_chain
    title: Likely h1
    evidence: coaching_lore
    source: S1
    when: {{hypothesis: h1, min_confidence: 0.6}}
    then: [{{recommend: drill1}}]
  - id: r_asym
    title: Sides differ
    evidence: research
    source: S1
    when: {{asymmetry: k}}
    then: [{{escalate: modify_training, reason: "The sides differ."}}, {{block: lift, reason: "Not yet."}}]
  - id: r_flag
    title: Z with an old injury
    evidence: guideline
    source: S1
    red_flag: true
    when: {{all: [{{symptom: z}}, {{history: old_injury}}]}}
    then: [{{escalate: see_clinician, reason: "Z with an old injury needs a clinician."}}]
  - id: r_lift
    title: Lifting
    evidence: research
    source: S1
    when: {{activity: lift}}
    then: [{{support: h1, certainty: {c3}}}]
"""

Outcome = tuple[int, int, int, bool, TriageResult | EngineError]
"""A triage's report index, versions at start and end, whether the engine was closed
when it started, and its result or error."""

CERTAINTIES = {"A": (0.5, 0.4, 0.3), "B": (0.7, 0.2, 0.45)}
REPORTS = 40


def write_packs(root: Path) -> dict[str, Path]:
    """Packs A and B (and a broken one) in directories under ``root``."""
    out: dict[str, Path] = {}
    for name, (c1, c2, c3) in CERTAINTIES.items():
        rules = textwrap.dedent(RULES).format(c1=c1, c2=c2, c3=c3)
        out[name] = write_pack(root / name, {"pack.yaml": MINIMAL_PACK, "rules.yaml": rules})
    broken = RULES.replace("{{symptom: a}}", "{{symptom: no_such_symptom}}")
    out["broken"] = write_pack(
        root / "broken",
        {"pack.yaml": MINIMAL_PACK, "rules.yaml": textwrap.dedent(broken).format(c1=1, c2=1, c3=1)},
    )
    return out


class StaleEngine(Engine):
    """Sabotage: reload loads, checks and compiles the new pack, then keeps the old one."""

    def reload(self, path: str | os.PathLike[str] | None = None) -> RulePack:
        old = compiled_state(self)
        pack = super().reload(path)
        self._state = old
        return pack


class EngineMachine(RuleBasedStateMachine):
    """One engine, reference engines for A and B, and a pool of triaging threads."""

    dirs: dict[str, Path]
    reports: list[Report]
    references: dict[str, Engine]
    engine_class: type[Engine] = Engine

    def __init__(self) -> None:
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=MAX_SESSIONS + 2)
        self.lock = threading.Lock()  # orders reloads/closes against the versions read
        self.timeline: list[str] = ["A"]  # the pack of each version
        self.closed = False
        self.pending: list[Future[Outcome]] = []
        self.expected: dict[tuple[str, int], TriageResult] = {}
        self.checked = 0

    @initialize()
    def build(self) -> None:
        self.engine = self.engine_class.from_path(self.dirs["A"])
        self.hashes = {e.pack.content_hash: name for name, e in self.references.items()}

    def reference(self, pack: str, index: int) -> TriageResult:
        key = (pack, index)
        got = self.expected.get(key)
        if got is None:
            got = self.expected[key] = self.references[pack].triage(self.reports[index])
        return got

    def _triage(self, index: int) -> Outcome:
        with self.lock:
            start, closed_before = len(self.timeline) - 1, self.closed
        try:
            result: TriageResult | EngineError = self.engine.triage(self.reports[index])
        except EngineError as exc:
            result = exc
        with self.lock:
            end = len(self.timeline) - 1
        return index, start, end, closed_before, result

    # ------------------------------------------------------------------ rules

    @rule(index=st.integers(0, REPORTS - 1), copies=st.integers(1, 4))
    def triage(self, index: int, copies: int) -> None:
        for _ in range(copies):
            self.pending.append(self.pool.submit(self._triage, index))

    @precondition(lambda self: not self.closed)
    @rule(pack=st.sampled_from(["A", "B"]))
    def reload(self, pack: str) -> None:
        with self.lock:  # the swap and the version it starts happen together
            got = self.engine.reload(self.dirs[pack])
            self.timeline.append(pack)
        assert got.content_hash == self.references[pack].pack.content_hash

    @precondition(lambda self: not self.closed)
    @rule()
    def reload_a_broken_pack(self) -> None:
        before = self.engine.pack
        try:
            self.engine.reload(self.dirs["broken"])
        except RulePackError:
            pass
        else:
            raise AssertionError("a broken pack reloaded")
        assert self.engine.pack is before  # unchanged: later triages still use it

    @rule()
    def close(self) -> None:
        with self.lock:
            self.engine.close()  # waits for running triages; later ones must fail
            self.closed = True

    @precondition(lambda self: self.closed)
    @rule(pack=st.sampled_from(["A", "B"]))
    def reload_when_closed(self, pack: str) -> None:
        try:
            self.engine.reload(self.dirs[pack])
        except EngineError:
            return
        raise AssertionError("a closed engine reloaded")

    @precondition(lambda self: not self.closed)
    @rule(index=st.integers(0, REPORTS - 1))
    def pickle_round_trip(self, index: int) -> None:
        with self.lock:  # no reload between the pickle and what it should carry
            copy = pickle.loads(pickle.dumps(self.engine))
            current = self.timeline[-1]
        got = self.hashes.get(copy.pack.content_hash)
        assert got == current, f"the engine on pack {current} unpickled on pack {got}"
        assert copy.triage(self.reports[index]) == self.reference(current, index)

    @rule()
    def drain(self) -> None:
        """Wait for every triage submitted so far and check it."""
        pending, self.pending = self.pending, []
        for future in pending:
            self.check(future.result(timeout=TIMEOUT))
        self.check_idle()

    # ------------------------------------------------------------- invariants

    def check(self, outcome: Outcome) -> None:
        """A result is the reference result of the pack current when the call started or
        of one swapped in while it ran; an error only if the engine was closed."""
        index, start, end, closed_before, result = outcome
        self.checked += 1
        if isinstance(result, EngineError):
            # a triage that started before the close may have finished or been refused
            assert self.closed, f"triage failed on an open engine: {result!r}"
            return
        assert not closed_before, "a triage succeeded on an engine closed before it started"
        packs = dict.fromkeys(self.timeline[start : end + 1])
        if not any(result == self.reference(pack, index) for pack in packs):
            ran = self.hashes.get(result.pack.content_hash, "neither A nor B")
            raise AssertionError(
                f"report {index} triaged on pack {ran}, expected the result of pack "
                f"{' or '.join(packs)} (versions {start}..{end}): {self.reports[index]}"
            )

    def check_idle(self) -> None:
        """With nothing running, the engine's sessions are all idle and within the pool."""
        ruleset = compiled_state(self.engine).ruleset
        if self.closed:
            assert ruleset.closed
            return
        slots = ruleset._slots
        assert len(slots) <= MAX_SESSIONS
        busy = [slot.sid for slot in slots if slot.lock.locked()]
        assert not busy, f"sessions {busy} still busy"
        # a session an interrupt left in an unknown state is repaired before reuse, but
        # with nothing interrupted every used session is clean again
        assert all(slot.state in (_NEW, _CLEAN) for slot in slots), "a session was not returned"

    @invariant()
    def finished_triages_are_right(self) -> None:
        still: list[Future[Outcome]] = []
        for future in self.pending:
            if future.done():
                self.check(future.result())
            else:
                still.append(future)
        self.pending = still

    def teardown(self) -> None:
        try:
            self.drain()
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)
            if not self.closed:
                self.engine.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--sabotage", choices=["stale"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="engine-machine-") as tmp:
        dirs = write_packs(Path(tmp))
        references = {name: Engine.from_path(dirs[name]) for name in CERTAINTIES}
        reports = make_reports(references["A"].pack, REPORTS, seed=2024)
        checked: list[int] = []

        class Machine(EngineMachine):
            engine_class = StaleEngine if args.sabotage else Engine

            def teardown(self) -> None:
                super().teardown()
                checked.append(self.checked)

        Machine.dirs, Machine.reports, Machine.references = dirs, reports, references
        run_state_machine_as_test(
            Machine,
            settings=settings(
                max_examples=args.examples,
                stateful_step_count=args.steps,
                deadline=None,
                database=None,  # nothing written into the working tree
                derandomize=True,  # the same examples every run: a failure is reproducible
                # a sabotaged run must fail, not spend its time shrinking
                phases=[Phase.generate] if args.sabotage else list(Phase),
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    print(
        f"engine machine ok: {len(checked)} runs, {sum(checked)} triages checked, "
        f"at most {args.steps} steps each"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
