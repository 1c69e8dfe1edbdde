"""The re-test steps of a scenario: values before and after an intervention, and their checks.

A scenario becomes a re-test as soon as one ``was ... before and is ... after`` step is
given: its other ``Given`` steps describe both reports (a value given once is the same
in both), and its ``Then`` steps check the re-test's triage of the second report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ReportError
from ..flows.retesting import VERDICTS_TEXT, RetestResult
from ._describe import fmt

if TYPE_CHECKING:
    from ._scenario import ScenarioState

__all__ = ["before_report", "check_change", "record_change", "report_new", "run_retest"]


def record_change(
    state: ScenarioState,
    item: str,
    before: float,
    after: float,
    intervention: str | None,
    side: str | None = None,
) -> None:
    """``item`` (on ``side``) measured ``before`` and ``after`` (the current report)."""
    from ._scenario import ScenarioFailure

    if intervention is not None:
        if state.intervention is not None and state.intervention != intervention:
            raise ScenarioFailure(
                f"Problem in the scenario: two interventions, '{state.intervention}' and "
                f"'{intervention}'; a re-test compares two tests around one."
            )
        state.intervention = intervention
    state.measure(item, after, side)  # checks the sides and duplicates
    if side is None:
        state.before[item] = before
    else:
        current = state.before.get(item)
        sides = current if isinstance(current, dict) else {}
        state.before[item] = {**sides, side: before}


def report_new(state: ScenarioState, item: str) -> None:
    """A symptom (or history item) reported in the second report only."""
    state.add("symptom", item)
    state.new_in_after.append(item)


def before_report(state: ScenarioState) -> dict[str, Any]:
    """The first report: the scenario's report with the ``before`` values, without what
    is new in the second."""
    report = state.report()
    kept = [s for s in report.get("symptoms", []) if s not in state.new_in_after]
    if kept:
        report["symptoms"] = kept
    else:
        report.pop("symptoms", None)
    measurements = dict(report.get("measurements", {}))
    for item, value in state.before.items():
        now = measurements.get(item)
        if isinstance(value, dict) and isinstance(now, dict):
            measurements[item] = {**now, **value}  # a side given once is the same both times
        else:
            measurements[item] = value
    report["measurements"] = measurements
    return report


def run_retest(state: ScenarioState) -> None:
    """Re-test: the result is the second report's triage with the changes as evidence."""
    try:
        got = state.engine.retest(
            before_report(state), state.report(), intervention=state.intervention
        )
    except ReportError as exc:
        state.error = exc
        return
    state.retest = got
    state.result = got.after
    if state.on_result is not None:
        state.on_result(got.before)
        state.on_result(got.after)


def check_change(state: ScenarioState, text: str, verdict: str, side: str | None) -> None:
    """The re-test judged ``text`` (on ``side``) as ``verdict``."""
    from ._scenario import ScenarioFailure

    wanted = verdict.strip().lower().replace(" ", "_")
    if wanted not in VERDICTS_TEXT:
        raise ScenarioFailure(
            f"Problem in the scenario: '{verdict}' is not a verdict (the verdicts are "
            f"{', '.join(VERDICTS_TEXT)})."
        )
    mid = state.resolve(text, ("measurement",))
    state.outcome()
    result: RetestResult | None = state.retest
    if result is None:
        raise ScenarioFailure(
            "Problem in the scenario: no value was given 'before' and 'after', so there is "
            "no re-test to check."
        )
    where = f"{side} {mid}" if side else mid
    got = result.change(mid, side)  # type: ignore[arg-type]
    if got is None:
        raise state.fail(f"the change in {where} is {wanted}", f"{where} was not re-tested")
    if got.verdict != wanted:
        raise state.fail(
            f"the change in {where} is {wanted}",
            f"it is {got.verdict}: {fmt(got.before)} -> {fmt(got.after)} (change "
            f"{fmt(got.change)}, MDC {fmt(got.mdc)})",
        )
