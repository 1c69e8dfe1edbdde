"""The Gherkin steps hamtriage ships (pytest-bdd step definitions).

Ids, labels and synonyms go in double quotes, numbers bare. All ``Given`` steps of a
scenario add to one report; a ``Then`` triages it if no ``When`` has. The steps only
parse their text: the work is done by :class:`~hamtriage.bdd._scenario.ScenarioState`.
"""

from __future__ import annotations

import difflib
import re

from pytest_bdd import given, parsers, then, when

from ._retest import check_change, record_change, report_new
from ._scenario import ScenarioState, parse_number

__all__ = ["STEP_PHRASES", "nearest_steps"]

STEP_PHRASES: tuple[str, ...] = (
    'Given an athlete reports "<symptom>"',
    'Given an athlete reports "<symptom>" during "<activity>"',
    'Given the athlete also reports "<symptom>"',
    "Given an athlete reports:  (a table with the columns kind, id, value and optional side)",
    'Given the athlete does not have "<symptom>"',
    'Given the athlete does "<activity>"',
    'Given the athlete\'s "<measurement>" is <number>',
    'Given the athlete\'s left "<measurement>" is <number>   (or right)',
    "Given the athlete is <number> years old",
    "Given the athlete is female   (or male)",
    'Given the athlete has a history of "<history>"',
    'Given the athlete\'s "<measurement>" was <number> before and is <number> after "<recommendation>"',
    'Given the athlete\'s left "<measurement>" was <number> before and is <number> after "<recommendation>"   (or right)',
    'Given the athlete\'s "<measurement>" was <number> before and is <number> now   (or left/right)',
    'Given the athlete now reports "<symptom>"   (in the re-test only)',
    "When the report is triaged",
    'Then the likely cause is "<hypothesis>"',
    'Then a possible cause is "<hypothesis>"',
    'Then "<hypothesis or recommendation>" is not suggested',
    'Then the confidence of "<hypothesis>" is at least <number>',
    'Then the confidence of "<hypothesis>" is below <number>',
    "Then no cause is suggested",
    'Then the triage level is "<level>"',
    'Then the triage level is at least "<level>"',
    'Then the recommendations include "<recommendation>"',
    'Then the recommendations do not include "<recommendation>"',
    "Then no exercise is recommended",
    "Then nothing is recommended",
    'Then "<activity or drill>" is blocked',
    'Then the red flag "<rule or symptom>" is raised',
    'Then rule "<rule id>" fired',
    'Then rule "<rule id>" did not fire',
    'Then the report is rejected with a message containing "<text>"',
    'Then the change in "<measurement>" is "<improved, no_real_change or worse>"',
    'Then the change in left "<measurement>" is "<verdict>"   (or right)',
)
"""Every step phrase, as a coach writes it (shown when a step is not recognised)."""


def _shape(text: str) -> str:
    """A step's text with its ids and numbers blanked, for comparing it with the phrases."""
    text = re.sub(r'["“][^"“”]*["”]|"<[^>]+>"', '"…"', text)
    return re.sub(r"-?\d+(?:\.\d+)?|<number>", "#", text).lower().strip()


def nearest_steps(text: str, n: int = 3, phrases: tuple[str, ...] = STEP_PHRASES) -> list[str]:
    """The step phrases closest to ``text`` (a step no definition matched), best first
    (``phrases``: those of the feature's language, such as ``steps_nl.STEP_PHRASES_NL``)."""
    shapes: dict[str, str] = {}
    for phrase in phrases:
        body = re.sub(r"\s+\(.*\)$", "", phrase.split(" ", 1)[1])
        shapes.setdefault(_shape(body), phrase)
    close = difflib.get_close_matches(_shape(text), list(shapes), n=n, cutoff=0.6)
    return [shapes[c] for c in close]


def _quoted(name: str) -> str:
    return rf'["“](?P<{name}>[^"“”]+)["”]'


_NUMBER = r"(?P<number>-?\d+(?:\.\d+)?)"
_APOSTROPHE = "['’]"


# --------------------------------------------------------------------------- Given


@given(parsers.re(rf"an athlete reports {_quoted('item')}"))
@given(parsers.re(rf"the athlete also reports {_quoted('item')}"))
def _reports(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("symptom", item)


@given(parsers.re(rf"an athlete reports {_quoted('item')} during {_quoted('activity')}"))
def _reports_during(hamtriage_scenario: ScenarioState, item: str, activity: str) -> None:
    hamtriage_scenario.add("symptom", item)
    hamtriage_scenario.add("activity", activity)


@given(parsers.re(r"an athlete reports:"))
def _reports_table(hamtriage_scenario: ScenarioState, datatable: list[list[str]]) -> None:
    hamtriage_scenario.add_table(datatable)


@given(parsers.re(rf"the athlete does not have {_quoted('item')}"))
def _does_not_have(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("absent", item)


@given(parsers.re(rf"the athlete does {_quoted('item')}"))
def _does(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("activity", item)


@given(parsers.re(rf"the athlete{_APOSTROPHE}s {_quoted('item')} is {_NUMBER}"))
def _measures(hamtriage_scenario: ScenarioState, item: str, number: str) -> None:
    hamtriage_scenario.measure(item, parse_number(number, f"the value of '{item}'"))


@given(
    parsers.re(rf"the athlete{_APOSTROPHE}s (?P<side>left|right) {_quoted('item')} is {_NUMBER}")
)
def _measures_side(hamtriage_scenario: ScenarioState, side: str, item: str, number: str) -> None:
    hamtriage_scenario.measure(item, parse_number(number, f"the value of '{item}'"), side)


@given(parsers.re(r"the athlete is (?P<years>\d+) years? old"))
def _age(hamtriage_scenario: ScenarioState, years: str) -> None:
    hamtriage_scenario.set_age(int(years))


@given(parsers.re(r"the athlete is (?P<sex>female|male)"))
def _sex(hamtriage_scenario: ScenarioState, sex: str) -> None:
    hamtriage_scenario.set_sex(sex)


@given(parsers.re(rf"the athlete has a history of {_quoted('item')}"))
def _history(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("history", item)


_RETEST = (
    rf"the athlete{_APOSTROPHE}s (?:(?P<side>left|right) )?{_quoted('item')} was "
    rf"(?P<before>-?\d+(?:\.\d+)?) before and is (?P<after>-?\d+(?:\.\d+)?) "
)


@given(parsers.re(_RETEST + rf"after {_quoted('intervention')}"))
@given(parsers.re(_RETEST + "now"))
def _retested(
    hamtriage_scenario: ScenarioState,
    item: str,
    before: str,
    after: str,
    side: str | None = None,
    intervention: str | None = None,
) -> None:
    record_change(
        hamtriage_scenario,
        item,
        parse_number(before, f"the value of '{item}' before"),
        parse_number(after, f"the value of '{item}' after"),
        intervention,
        side,
    )


@given(parsers.re(rf"the athlete now reports {_quoted('item')}"))
def _now_reports(hamtriage_scenario: ScenarioState, item: str) -> None:
    report_new(hamtriage_scenario, item)


# ---------------------------------------------------------------------------- When


@when("the report is triaged")
def _triaged(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.triage()


# ---------------------------------------------------------------------------- Then


@then(parsers.re(rf"the likely cause is {_quoted('item')}"))
def _likely(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_likely_cause(item)


@then(parsers.re(rf"a possible cause is {_quoted('item')}"))
def _possible(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_possible_cause(item)


@then(parsers.re(rf"{_quoted('item')} is not suggested"))
def _not_suggested(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_not_suggested(item)


@then(parsers.re(rf"the confidence of {_quoted('item')} is (?P<relation>at least|below) {_NUMBER}"))
def _confidence(hamtriage_scenario: ScenarioState, item: str, relation: str, number: str) -> None:
    bound = parse_number(number, "the confidence")
    hamtriage_scenario.check_confidence(item, bound, at_least=relation == "at least")


@then("no cause is suggested")
def _no_cause(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_no_cause()


@then(parsers.re(rf"the triage level is {_quoted('level')}"))
def _level(hamtriage_scenario: ScenarioState, level: str) -> None:
    hamtriage_scenario.check_level(level, at_least=False)


@then(parsers.re(rf"the triage level is at least {_quoted('level')}"))
def _level_at_least(hamtriage_scenario: ScenarioState, level: str) -> None:
    hamtriage_scenario.check_level(level, at_least=True)


@then(parsers.re(rf"the recommendations (?P<verb>include|do not include) {_quoted('item')}"))
def _recommendations(hamtriage_scenario: ScenarioState, verb: str, item: str) -> None:
    hamtriage_scenario.check_recommended(item, included=verb == "include")


@then("no exercise is recommended")
def _no_exercise(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_no_exercise()


@then("nothing is recommended")
def _nothing_recommended(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_nothing_recommended()


@then(parsers.re(rf"{_quoted('item')} is blocked"))
def _blocked(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_blocked(item)


@then(parsers.re(rf"the red flag {_quoted('item')} is raised"))
def _red_flag(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_red_flag(item)


@then(parsers.re(rf"rule {_quoted('rule')} (?P<verb>fired|did not fire)"))
def _rule(hamtriage_scenario: ScenarioState, rule: str, verb: str) -> None:
    hamtriage_scenario.check_rule(rule, fired=verb == "fired")


@then(
    parsers.re(
        rf"the change in (?:(?P<side>left|right) )?{_quoted('item')} is {_quoted('verdict')}"
    )
)
def _change(
    hamtriage_scenario: ScenarioState, item: str, verdict: str, side: str | None = None
) -> None:
    check_change(hamtriage_scenario, item, verdict, side)


@then(parsers.re(rf"the report is rejected with a message containing {_quoted('text')}"))
def _rejected(hamtriage_scenario: ScenarioState, text: str) -> None:
    hamtriage_scenario.check_rejected(text)
