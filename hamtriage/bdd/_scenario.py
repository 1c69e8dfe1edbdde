"""One scenario's report, its triage and the checks of its ``Then`` steps.

Pure Python: nothing here imports pytest or pytest-bdd, so the logic of every step is
testable on its own and the step definitions in :mod:`hamtriage.bdd.steps` stay thin.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine
from ..errors import ReportError, suggest
from ..flows.retesting import RetestResult
from ..levels import Likelihood, RecommendationKind, TriageLevel
from ..results import TriageResult
from ._describe import describe_result, fmt
from ._retest import run_retest

__all__ = ["TABLE_KINDS", "ScenarioFailure", "ScenarioState", "parse_number"]

TABLE_KINDS = ("symptom", "absent", "measurement", "activity", "history", "age", "sex")
"""The values of the ``kind`` column of ``Given an athlete reports:``."""

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_EPSILON = 1e-9


class ScenarioFailure(AssertionError):
    """A scenario's expectation was not met, or the scenario itself is wrong.

    The message says what was expected and what came out; the plugin adds where
    (feature file, scenario, step) and prints it without a Python traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.location = ""

    def __str__(self) -> str:
        return f"{self.location}\n{self.message}" if self.location else self.message


def parse_number(text: str, what: str) -> float:
    """``"6.5"`` -> 6.5; anything but a plain number is a mistake in the scenario."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ScenarioFailure(f"Problem in the scenario: {what} must be a number, not '{text}'.")
    return float(cleaned)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _level(text: str) -> TriageLevel:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return TriageLevel(key)
    except ValueError:
        names = ", ".join(level.value for level in TriageLevel)
        raise ScenarioFailure(
            f"Problem in the scenario: '{text}' is not a triage level (the levels are {names})."
        ) from None


@dataclass
class ScenarioState:
    """The report the ``Given`` steps build, and the result of triaging it once.

    ``on_result`` is called with every result (the plugin counts fired rules with it).
    Adding to the report after a triage makes the next ``Then`` triage again.
    """

    engine: Engine
    on_result: Callable[[TriageResult], None] | None = None
    symptoms: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    measurements: dict[str, float | dict[str, float]] = field(default_factory=dict)
    age: int | None = None
    sex: str | None = None
    result: TriageResult | None = None
    error: ReportError | None = None
    before: dict[str, float | dict[str, float]] = field(default_factory=dict)
    """Values of a re-test's first report (see :mod:`hamtriage.bdd._retest`)."""
    intervention: str | None = None
    new_in_after: list[str] = field(default_factory=list)
    retest: RetestResult | None = None

    # ------------------------------------------------------------------ Given

    def _changed(self) -> None:
        self.result = None
        self.error = None
        self.retest = None

    def add(self, kind: str, item: str) -> None:
        """Add an id (or a synonym) as a ``symptom``, ``absent``, ``activity`` or ``history``."""
        lists = {
            "symptom": self.symptoms,
            "absent": self.absent,
            "activity": self.activities,
            "history": self.history,
        }
        lists[kind].append(item)
        self._changed()

    def measure(self, item: str, value: float, side: str | None = None) -> None:
        """Record a measurement, on one side (``left``/``right``) or as one number."""
        current = self.measurements.get(item)
        if side is None:
            if isinstance(current, dict):
                raise ScenarioFailure(
                    f"Problem in the scenario: '{item}' is given both as one number and per side."
                )
            if current is not None:
                raise ScenarioFailure(f"Problem in the scenario: '{item}' is given twice.")
            self.measurements[item] = value
        else:
            if side not in ("left", "right"):
                raise ScenarioFailure(
                    f"Problem in the scenario: the side of '{item}' must be left or right, not '{side}'."
                )
            if isinstance(current, float):
                raise ScenarioFailure(
                    f"Problem in the scenario: '{item}' is given both as one number and per side."
                )
            sides = current if current is not None else {}
            if side in sides:
                raise ScenarioFailure(
                    f"Problem in the scenario: the {side} side of '{item}' is given twice."
                )
            self.measurements[item] = {**sides, side: value}
        self._changed()

    def set_age(self, age: int) -> None:
        """Set the athlete's age in years."""
        self.age = age
        self._changed()

    def set_sex(self, sex: str) -> None:
        """Set the athlete's sex (``female`` or ``male``)."""
        self.sex = sex.strip().lower()
        self._changed()

    def add_table(self, rows: Sequence[Sequence[str]]) -> None:
        """Add the rows of a ``| kind | id | value | side |`` table (header row first)."""
        if not rows:
            raise ScenarioFailure("Problem in the scenario: the table is empty.")
        header = [cell.strip().lower() for cell in rows[0]]
        unknown = [h for h in header if h not in ("kind", "id", "value", "side")]
        if unknown or "kind" not in header or "id" not in header:
            raise ScenarioFailure(
                "Problem in the scenario: the table needs the columns kind and id, and may "
                f"have value and side; its columns are {', '.join(header)}."
            )
        for number, raw in enumerate(rows[1:], start=1):
            row = {h: cell.strip() for h, cell in zip(header, raw, strict=False)}
            self._add_row(number, row)

    def _add_row(self, number: int, row: dict[str, str]) -> None:
        kind, item = row.get("kind", "").lower(), row.get("id", "")
        value, side = row.get("value", ""), row.get("side", "").lower()
        where = f"table row {number}"
        if kind not in TABLE_KINDS:
            raise ScenarioFailure(
                f"Problem in the scenario: {where}: kind '{kind}' is not one of "
                f"{', '.join(TABLE_KINDS)}."
            )
        if kind == "age":
            years = parse_number(value or item, f"the age in {where}")
            if years != int(years):
                raise ScenarioFailure(f"Problem in the scenario: {where}: age must be whole years.")
            self.set_age(int(years))
        elif kind == "sex":
            self.set_sex(value or item)
        elif not item:
            raise ScenarioFailure(f"Problem in the scenario: {where}: the id is empty.")
        elif kind == "measurement":
            number_ = parse_number(value, f"the value of '{item}' in {where}")
            self.measure(item, number_, side or None)
        elif value or side:
            raise ScenarioFailure(
                f"Problem in the scenario: {where}: {_a(kind)} takes no value or side."
            )
        else:
            self.add(kind, item)

    def report(self) -> dict[str, Any]:
        """The report as a mapping of the public JSON contract (only keys that are set)."""
        out: dict[str, Any] = {}
        for key in ("symptoms", "absent", "activities", "history"):
            values: list[str] = getattr(self, key)
            if values:
                out[key] = list(values)
        if self.measurements:
            out["measurements"] = dict(self.measurements)
        if self.age is not None:
            out["age"] = self.age
        if self.sex is not None:
            out["sex"] = self.sex
        return out

    # ------------------------------------------------------------------- When

    def triage(self) -> None:
        """Triage the report; a rejected report is kept for the ``Then`` steps."""
        self.result = None
        self.error = None
        if self.before or self.new_in_after:
            run_retest(self)
            return
        try:
            self.result = self.engine.triage(self.report())
        except ReportError as exc:
            self.error = exc
            return
        if self.on_result is not None:
            self.on_result(self.result)

    @property
    def triaged(self) -> bool:
        """Whether the current report has been triaged (or rejected)."""
        return self.result is not None or self.error is not None

    def outcome(self) -> TriageResult:
        """The result, triaging first if needed; a rejected report fails the scenario."""
        if not self.triaged:
            self.triage()
        if self.error is not None:
            raise ScenarioFailure(
                f"The report was rejected: {self.error}\n\nReport: {self._report_json()}"
            )
        assert self.result is not None
        return self.result

    # ------------------------------------------------------------------- Then

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
                f"Problem in the scenario: '{text}' is {_a(kind)} of the rule pack, not {_a(what)}."
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
