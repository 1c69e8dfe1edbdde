"""The session loop of a pack split over several engine rulesets (see :mod:`.partition`).

Stage by stage, each ruleset of the stage whose anchors include a fact of this triage
gets, in a session of its own, the facts it tests (the report's, and the hypotheses
concluded in earlier stages) and its stage marker, and its agenda is run out; the
others are not touched. Rulesets of one stage are independent (rules chain only
through hypothesis facts, which are asserted between stages), and the rules that fired
are put in the order one ruleset fires them: red flags first, then pack order (durable
fires by priority, then rule definition order; ``tests/test_scale.py`` pins that both
engines agree on whole results).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..report import Facts
from ..results import MatchedFact
from ..rules.logic import FactKind
from ._durable import Ruleset
from .partition import Unit
from .wire import engine_number, fact_name, marker_json, valued_prefix

if TYPE_CHECKING:
    from .run import Compiled

__all__ = ["Split"]

_Plan = tuple[Ruleset, frozenset[str], str | None]


def _name(fact: str) -> str:
    """The name of one encoded fact: ``{"id":"NAME",...`` (ids need no JSON escapes)."""
    return fact[7 : fact.index('"', 7)]


class Split:
    """Runs one triage over the rulesets of a split pack (one per :class:`Compiled`)."""

    def __init__(self, state: Compiled, units: Sequence[Unit]) -> None:
        self._state = state
        compiled = state.compiled
        stages = compiled.max_stage + 1
        plans: list[list[_Plan]] = [[] for _ in range(stages)]
        # per stage: the rulesets every triage runs, and those each fact name anchors (a
        # triage looks up its own facts: its cost does not grow with the rulesets' count)
        always: list[list[int]] = [[] for _ in range(stages)]
        anchored: list[dict[str, list[int]]] = [{} for _ in range(stages)]
        for unit, ruleset in zip(units, state.rulesets, strict=True):
            stage = unit.first_stage
            marker = marker_json(stage) if unit.markers else None
            if unit.anchors is None:
                always[stage].append(len(plans[stage]))
            else:
                for name in unit.anchors:
                    anchored[stage].setdefault(name, []).append(len(plans[stage]))
            plans[stage].append((ruleset, unit.tested, marker))
        self._plans = tuple(tuple(p) for p in plans)
        self._always = tuple(tuple(a) for a in always)
        self._anchored = tuple({k: tuple(v) for k, v in a.items()} for a in anchored)
        h = FactKind.HYPOTHESIS
        self._hyps = tuple(
            tuple(
                (hyp, fact_name(h, hyp), valued_prefix(h, hyp), compiled.hypothesis_floor[hyp])
                for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items())
                if hyp_stage == stage - 1 and hyp in compiled.hypothesis_floor
            )
            for stage in range(stages)
        )
        self._order = tuple((1 if r.rule.red_flag else 2, r.index) for r in compiled.rules)
        # a rule whose branches fire in two rulesets counts with the branch one ruleset
        # would fire first: the first defined
        self._position = {name: n for n, name in enumerate(compiled.definition)}

    def run(
        self, facts: Facts, known: list[dict[str, float]] | None = None
    ) -> dict[int, tuple[MatchedFact, ...]]:
        """As :meth:`Compiled.run`: each fired rule's matched facts, in firing order."""
        state = self._state
        fired: dict[int, tuple[MatchedFact, ...]] = {}
        hyps: dict[str, float | int] = {}
        valued: dict[tuple[str, str], MatchedFact] = {}
        report = [(_name(text), text) for text in state.input_json(facts)]
        present = {name for name, _ in report}
        concluded: list[tuple[str, str]] = []
        last: tuple[dict[str, float], int] | None = None
        absorb = self._absorber(facts, hyps, valued)
        order = self._order
        for stage, plans in enumerate(self._plans):
            if stage:
                confidences = state.assembler.confidences(fired)
                last = (confidences, len(fired))
                for hyp, name, prefix, floor in self._hyps[stage]:
                    c = confidences.get(hyp)
                    if c and c >= floor:  # below the floor it would match no test
                        hyps[hyp] = number = engine_number(c)
                        concluded.append((name, f"{prefix}{number!r}}}"))
                        present.add(name)
            now: dict[int, tuple[int, tuple[MatchedFact, ...]]] = {}
            # only rulesets with an anchor among this triage's facts: no other can fire
            anchored = self._anchored[stage]
            touched = set(self._always[stage])
            for name in present:
                units = anchored.get(name)
                if units is not None:
                    touched.update(units)
            for ruleset, tested, marker in (plans[i] for i in sorted(touched)):
                batch = [text for name, text in report if name in tested]
                batch += [text for name, text in concluded if name in tested]
                if marker is not None:
                    batch.append(marker)
                if not batch:
                    continue
                scope = ruleset.session()
                with scope.lock:  # a C lock: see Compiled.run
                    session = scope.open()
                    messages = session.assert_json(batch)
                    scope.done(session)
                absorb(messages, now, fired)
            for index in sorted(now, key=order.__getitem__):
                fired[index] = now[index][1]
        if known is not None and last is not None:
            confidences, count = last
            plans_ = state.assembler.plans
            if count == len(fired) or not any(plans_[i].weighs for i in list(fired)[count:]):
                known.append(confidences)
        return fired

    def _absorber(
        self,
        facts: Facts,
        hyps: dict[str, float | int],
        valued: dict[tuple[str, str], MatchedFact],
    ) -> Callable[
        [
            list[str],
            dict[int, tuple[int, tuple[MatchedFact, ...]]],
            dict[int, tuple[MatchedFact, ...]],
        ],
        None,
    ]:
        state = self._state
        shapes = state._shapes
        position = self._position

        def absorb(
            batch: list[str],
            into: dict[int, tuple[int, tuple[MatchedFact, ...]]],
            before: dict[int, tuple[MatchedFact, ...]],
        ) -> None:
            for message in batch:
                name = message[2 : message.index('"', 2)]
                shape = shapes.get(name)
                if shape is None:
                    for index, matched in state.parse(message):
                        if index not in into and index not in before:
                            into[index] = (len(position), matched)
                    continue
                index, static, keys = shape
                if index in before:
                    continue
                at = position[name]
                prior = into.get(index)
                if prior is not None and prior[0] < at:
                    continue
                if static is None:
                    static = state._matched(keys, valued, facts, hyps)
                into[index] = (at, static)

        return absorb
