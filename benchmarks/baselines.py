"""Baselines for the benchmark: the engine floor and durable-rules' stock Python wrappers.

Both run the *same* facts as hamtriage (its own JSON encoding of a normalised report)
so that the differences are the driving of the engine and nothing else.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import durable.engine as de
import durable_rules_engine as dre

from hamtriage import Engine, TriageResult
from hamtriage.engine import compiled_state
from hamtriage.report import Facts
from hamtriage.runtime.wire import BOOT_RULE, engine_number, fact_json, marker_json
from hamtriage.runtime.wire import decode_matched as _matched

__all__ = ["FLOOR_DEFINITION", "Floor", "StockDriver"]

FLOOR_DEFINITION: dict[str, Any] = {
    "_boot": {"all": [{"m": {"$s": 1}}], "pri": 0},  # fires once per session
    "never": {"all": [{"m": {"never:": 1}}], "dist": 0},
}
"""Two rules: a boot rule that fires once, and a rule that never matches."""


class Floor:
    """What durable-rules costs before any rule of the pack does work.

    One call: a session is created by asserting the report's facts into a two-rule
    ruleset, the agenda (the boot rule) is run, and the session is deleted.
    """

    def __init__(self) -> None:
        self._handle = dre.create_ruleset("floor", json.dumps(FLOOR_DEFINITION))

    def run(self, facts_json: list[str]) -> None:
        if not facts_json:  # the C core crashes on an empty first batch (engine notes)
            raise ValueError("the floor needs at least one fact (add the stage marker)")
        handle = self._handle
        _, offset = dre.assert_facts(handle, "[" + ",".join(facts_json) + "]")
        started = dre.start_action_for_state(handle, offset)
        message = started[1] if started else None
        while message:
            message = dre.complete_and_start_action(handle, offset)
        dre.delete_state(handle, "0")

    def close(self) -> None:
        dre.delete_ruleset(self._handle)


def _boot(c: Any) -> None:
    c.s.booted = 1


class _QuietHost(de.Host):  # type: ignore[misc]
    """The stock ``Host`` without its two never-ending timer threads."""

    def _run(self) -> None:
        return None


class StockDriver:
    """The engine's compiled ruleset driven through ``durable.engine`` (stock wrappers).

    The same staged protocol as hamtriage (facts, then each stage's hypotheses and
    marker), with the wrappers' ``Ruleset.do_actions`` running Python actions that
    record what fired, a fresh session per call (``delete_state``), and hamtriage's own
    normalisation and result building around it: only the engine driving differs.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._state = compiled_state(engine)
        self._fired: list[tuple[str, dict[str, Any]]] = []
        definition = json.loads(json.dumps(compiled_state(engine).compiled.definition))
        for name, rule in definition.items():
            rule["run"] = self._recorder(name)
        # the stock driver re-asserts the session state after every action, so a boot
        # rule on the state alone would fire forever: the wrappers' idiom marks it booted
        definition[BOOT_RULE] = {
            "all": [{"m": {"$and": [{"$s": 1}, {"$nex": {"booted": 1}}]}}],
            "pri": 0,
            "run": _boot,
        }
        self._name = f"stock_{id(self)}"
        self._host = _QuietHost({self._name: definition})
        self._rs = self._host.get_ruleset(self._name)
        self._sids = itertools.count(1)

    def _recorder(self, name: str) -> Any:
        fired = self._fired

        def action(c: Any) -> None:
            fired.append((name, c._m))

        return action

    def _stage(self, facts: list[dict[str, Any]], sid: str) -> None:
        for fact in facts:
            fact["sid"] = sid
        _, offset = dre.assert_facts(self._rs._handle, json.dumps(facts))
        errors: list[Any] = []
        self._rs.do_actions(offset, lambda e, s: errors.append(e))
        if errors and errors[0]:
            raise errors[0]

    def run(self, facts: Facts) -> dict[int, Any]:
        compiled = self._state.compiled
        sid = str(next(self._sids))
        self._fired.clear()
        fired: dict[int, Any] = {}

        def absorb() -> None:
            for name, matched in self._fired:
                if name != BOOT_RULE:
                    index = compiled.branch_rule[name]
                    if index not in fired:
                        fired[index] = _matched(matched)
            self._fired.clear()

        try:
            first = [json.loads(f) for f in self._state.input_json(facts)]
            if 0 in compiled.stage_markers:  # as the engine does: last in the report's batch
                first.append(json.loads(marker_json(0)))
            self._stage(first, sid)
            absorb()
            for stage in range(1, compiled.max_stage + 1):
                batch: list[dict[str, Any]] = []
                confidences = self._state.assembler.confidences(fired)
                for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items()):
                    c = confidences.get(hyp, 0.0)
                    if hyp_stage == stage - 1 and c > 0:
                        batch.append(json.loads(fact_json("h", hyp, engine_number(c))))
                if stage in compiled.stage_markers:
                    batch.append(json.loads(marker_json(stage)))
                if batch:
                    self._stage(batch, sid)
                    absorb()
        finally:
            self._rs.delete_state(sid)
        return fired

    def triage(self, report: Any) -> TriageResult:
        facts = self._state.normalize(report)
        return self._state.assembler.result(facts, self.run(facts))
