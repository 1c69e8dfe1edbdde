"""The checks of a scenario's ``Then`` steps, each failing with what was expected and what came out.

A mixin of :class:`~hamtriage.bdd._scenario.ScenarioState`, which builds and triages
the report; pure Python, like it (nothing here imports pytest).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ReportError, suggest
from ..levels import Likelihood, RecommendationKind, TriageLevel
from ..results import TriageResult
from ._describe import describe_result, fmt
from ._failure import ScenarioFailure, a_noun

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["ScenarioChecks"]

_EPSILON = 1e-9


def _level(text: str) -> TriageLevel:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return TriageLevel(key)
    except ValueError:
        names = ", ".join(level.value for level in TriageLevel)
        raise ScenarioFailure(
            f"Problem in the scenario: '{text}' is not a triage level (the levels are {names})."
        ) from None


class ScenarioChecks:
    """The ``Then`` checks; the state they read is kept by the scenario (its subclass)."""

    engine: Engine
    result: TriageResult | None
    error: ReportError | None

    # the scenario's own (``ScenarioState``): building and triaging the report
    def report(self) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - ScenarioState defines it

    def triage(self) -> None:
        raise NotImplementedError  # pragma: no cover - ScenarioState defines it

    @property
    def triaged(self) -> bool:
        raise NotImplementedError  # pragma: no cover - ScenarioState defines it

    def outcome(self) -> TriageResult:
        raise NotImplementedError  # pragma: no cover - ScenarioState defines it

    def _report_json(self) -> str:
        return json.dumps(self.report(), ensure_ascii=False)

    def fail(self, expected: str, actual: str) -> ScenarioFailure:
        """A failure naming what was expected and what came out, with the whole result."""
        lines = [f"Expected: {expected}", f"Actual:   {actual}", ""]
        if self.result is not None:
            lines += ["What came out:", describe_result(self.result, self.engine.pack), ""]
        lines.append(f"Report: {self._report_json()}")
        return ScenarioFailure("\n".join(lines))

    def resolve(self, text: str, kinds: Sequence[str]) -> str:
        """The id that ``text`` names, which must be of one of ``kinds``."""
        pack = self.engine.pack
        what = " or ".join(kinds)
        found = pack.resolve(text)
        if found is None:
            candidates = [k for k, kind in pack.kinds.items() if kind in kinds]
            hint = suggest(text, candidates) or suggest(text.lower().replace(" ", "_"), candidates)
            did = f" (did you mean {', '.join(repr(h) for h in hint)}?)" if hint else ""
            raise ScenarioFailure(
                f"Problem in the scenario: the rule pack has no {what} '{text}'{did}."
            )
        kind = pack.kinds[found]
        if kind not in kinds:
            raise ScenarioFailure(
                f"Problem in the scenario: '{text}' is {a_noun(kind)} of the rule pack, not {a_noun(what)}."
            )
        return found

    def _hypothesis_text(self, result: TriageResult, hyp_id: str) -> str:
        hyp = result.hypothesis(hyp_id)
        if hyp is None:
            return f"{hyp_id} is not suggested (confidence below 0.3)"
        return f"{hyp_id} is {hyp.likelihood.value} at {fmt(hyp.confidence)}"

    def check_likely_cause(self, text: str) -> None:
        """The top-ranked hypothesis is ``text`` and its likelihood is ``likely``."""
        hyp_id = self.resolve(text, ("hypothesis",))
        result = self.outcome()
        top = result.hypotheses[0] if result.hypotheses else None
        if top is not None and top.id == hyp_id and top.likelihood is Likelihood.LIKELY:
            return
        if top is None:
            actual = "no cause is suggested"
        elif top.likelihood is not Likelihood.LIKELY:
            actual = (
                f"no cause is likely (the top one, {top.id}, is {top.likelihood.value} "
                f"at {fmt(top.confidence)})"
            )
        else:
            actual = f"the likely cause is {top.id} ({fmt(top.confidence)}); " + (
                self._hypothesis_text(result, hyp_id)
            )
        raise self.fail(f"the likely cause (top-ranked, likely) is {hyp_id}", actual)

    def check_possible_cause(self, text: str) -> None:
        """``text`` is among the suggested hypotheses (likely or possible)."""
        hyp_id = self.resolve(text, ("hypothesis",))
        result = self.outcome()
        if result.hypothesis(hyp_id) is None:
            raise self.fail(
                f"{hyp_id} is suggested as a possible cause (confidence 0.3 or more)",
                self._hypothesis_text(result, hyp_id),
            )

    def check_not_suggested(self, text: str) -> None:
        """``text`` (a hypothesis or a recommendation) is not in the result."""
        item = self.resolve(text, ("hypothesis", "recommendation"))
        result = self.outcome()
        if self.engine.pack.kinds[item] == "hypothesis":
            if result.hypothesis(item) is not None:
                raise self.fail(f"{item} is not suggested", self._hypothesis_text(result, item))
        elif any(r.id == item for r in result.recommendations):
            raise self.fail(f"{item} is not suggested", f"{item} is recommended")

    def check_confidence(self, text: str, bound: float, *, at_least: bool) -> None:
        """The confidence of hypothesis ``text`` is at least (or below) ``bound``."""
        hyp_id = self.resolve(text, ("hypothesis",))
        result = self.outcome()
        hyp = result.hypothesis(hyp_id)
        confidence = 0.0 if hyp is None else hyp.confidence
        ok = confidence + _EPSILON >= bound if at_least else confidence < bound - _EPSILON
        if not ok:
            relation = "at least" if at_least else "below"
            raise self.fail(
                f"the confidence of {hyp_id} is {relation} {fmt(bound)}",
                self._hypothesis_text(result, hyp_id),
            )

    def check_level(self, text: str, *, at_least: bool) -> None:
        """The triage level is exactly (or at least) ``text``."""
        level = _level(text)
        result = self.outcome()
        ok = result.level >= level if at_least else result.level == level
        if not ok:
            relation = "at least " if at_least else ""
            raise self.fail(
                f"the triage level is {relation}{level.value}",
                f"the triage level is {result.level.value}",
            )

    def check_recommended(self, text: str, *, included: bool) -> None:
        """``text`` is (or is not) among the recommendations."""
        rec_id = self.resolve(text, ("recommendation",))
        result = self.outcome()
        ids = [r.id for r in result.recommendations]
        if (rec_id in ids) != included:
            verb = "include" if included else "do not include"
            actual = ", ".join(ids) if ids else "nothing"
            raise self.fail(
                f"the recommendations {verb} {rec_id}", f"the recommendations are: {actual}"
            )

    def check_no_exercise(self) -> None:
        """No drill (exercise) is recommended; education and referrals may be."""
        result = self.outcome()
        drills = [r.id for r in result.recommendations if r.kind is RecommendationKind.DRILL]
        if drills:
            raise self.fail(
                "no exercise is recommended", f"exercises recommended: {', '.join(drills)}"
            )

    def check_nothing_recommended(self) -> None:
        """No recommendation at all."""
        result = self.outcome()
        if result.recommendations:
            ids = ", ".join(r.id for r in result.recommendations)
            raise self.fail("nothing is recommended", f"recommended: {ids}")

    def check_no_cause(self) -> None:
        """No hypothesis is suggested."""
        result = self.outcome()
        if result.hypotheses:
            listed = ", ".join(f"{h.id} ({fmt(h.confidence)})" for h in result.hypotheses)
            raise self.fail("no cause is suggested", f"suggested: {listed}")

    def check_blocked(self, text: str) -> None:
        """``text`` (an activity or a drill) is among the blocked exercises."""
        item = self.resolve(text, ("activity", "recommendation"))
        result = self.outcome()
        blocked = [b.id for b in result.blocked_exercises]
        if item not in blocked:
            actual = ", ".join(blocked) if blocked else "nothing"
            raise self.fail(f"{item} is blocked", f"blocked: {actual}")

    def _rule_id(self, rule_id: str) -> str:
        ids = [r.id for r in self.engine.pack.rules]
        if rule_id not in ids:
            hint = suggest(rule_id, ids)
            did = f" (did you mean {', '.join(repr(h) for h in hint)}?)" if hint else ""
            raise ScenarioFailure(
                f"Problem in the scenario: the rule pack has no rule '{rule_id}'{did}."
            )
        return rule_id

    def check_rule(self, rule_id: str, *, fired: bool) -> None:
        """Rule ``rule_id`` is (or is not) in the trace."""
        rid = self._rule_id(rule_id)
        result = self.outcome()
        if (rid in result.fired_rules) != fired:
            verb = "fired" if fired else "did not fire"
            actual = ", ".join(result.fired_rules) or "no rule"
            raise self.fail(f"rule {rid} {verb}", f"the rules that fired: {actual}")

    def check_red_flag(self, text: str) -> None:
        """A red flag was raised whose rule or matched facts name ``text``."""
        result = self.outcome()
        wanted = self.engine.pack.resolve(text) or text
        for flag in result.red_flags:
            if flag.id == wanted or any(f.id == wanted for f in flag.facts):
                return
        raised = ", ".join(f.id for f in result.red_flags) or "none"
        raise self.fail(f"the red flag {wanted} is raised", f"red flags raised: {raised}")

    def check_rejected(self, fragment: str) -> None:
        """The report is rejected with a message that contains ``fragment``."""
        if not self.triaged:
            self.triage()
        if self.error is None:
            raise self.fail(
                f'the report is rejected with a message containing "{fragment}"',
                "the report was accepted and triaged",
            )
        if fragment.lower() not in str(self.error).lower():
            raise self.fail(
                f'the report is rejected with a message containing "{fragment}"',
                f"it was rejected with: {self.error}",
            )
