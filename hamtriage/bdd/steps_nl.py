"""The Dutch Gherkin steps (``# language: nl``): one mirror of every English step.

``Gegeven een atleet meldt "low_back_spasms" tijdens "deadlift"``, ``Dan is het
triageniveau "emergency"``, ``Dan bevatten de aanbevelingen "inner_hamstring_opener"``.
Ids stay ids; where an id goes, the pack's Dutch label or synonym is accepted too (a
Dutch text naming two items is a mistake in the scenario, with the ids to choose from).
Levels, verdicts, sides and sex may be written in Dutch ("spoed", "verbeterd", "links",
"vrouw"); numbers take a decimal comma ("6,5"). The steps call the same
:class:`~hamtriage.bdd._scenario.ScenarioState` methods as the English ones.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from ..catalog import message
from ..levels import TriageLevel
from ..rules.i18n import label_index
from ..rules.pack import normalize_text
from ._retest import check_change, record_change, report_new
from ._scenario import ScenarioFailure, ScenarioState, parse_number

__all__ = ["MIRRORS", "STEP_PHRASES_NL"]

MIRRORS: dict[str, str] = {
    'Given an athlete reports "<symptom>"': 'Gegeven een atleet meldt "<symptom>"',
    'Given an athlete reports "<symptom>" during "<activity>"': (
        'Gegeven een atleet meldt "<symptom>" tijdens "<activity>"'
    ),
    'Given the athlete also reports "<symptom>"': 'Gegeven de atleet meldt ook "<symptom>"',
    "Given an athlete reports:  (a table with the columns kind, id, value and optional side)": (
        "Gegeven een atleet meldt:  (een tabel met de kolommen soort, id, waarde en eventueel kant)"
    ),
    'Given the athlete does not have "<symptom>"': 'Gegeven de atleet heeft geen "<symptom>"',
    'Given the athlete does "<activity>"': 'Gegeven de atleet doet "<activity>"',
    'Given the athlete\'s "<measurement>" is <number>': (
        'Gegeven de "<measurement>" van de atleet is <number>'
    ),
    'Given the athlete\'s left "<measurement>" is <number>   (or right)': (
        'Gegeven de "<measurement>" van de atleet is links <number>   (of rechts)'
    ),
    "Given the athlete is <number> years old": "Gegeven de atleet is <number> jaar oud",
    "Given the athlete is female   (or male)": "Gegeven de atleet is een vrouw   (of een man)",
    'Given the athlete has a history of "<history>"': (
        'Gegeven de atleet heeft een voorgeschiedenis van "<history>"'
    ),
    'Given the athlete\'s "<measurement>" was <number> before and is <number> after '
    '"<recommendation>"': (
        'Gegeven de "<measurement>" van de atleet was <number> voor en is <number> na '
        '"<recommendation>"'
    ),
    'Given the athlete\'s left "<measurement>" was <number> before and is <number> after '
    '"<recommendation>"   (or right)': (
        'Gegeven de "<measurement>" van de atleet was links <number> voor en is <number> na '
        '"<recommendation>"   (of rechts)'
    ),
    'Given the athlete\'s "<measurement>" was <number> before and is <number> now   '
    "(or left/right)": (
        'Gegeven de "<measurement>" van de atleet was <number> voor en is nu <number>   '
        "(of links/rechts)"
    ),
    'Given the athlete now reports "<symptom>"   (in the re-test only)': (
        'Gegeven de atleet meldt nu "<symptom>"   (alleen bij een hertest)'
    ),
    "When the report is triaged": "Als de melding wordt getrieerd",
    'Then the likely cause is "<hypothesis>"': 'Dan is de waarschijnlijke oorzaak "<hypothesis>"',
    'Then a possible cause is "<hypothesis>"': 'Dan is een mogelijke oorzaak "<hypothesis>"',
    'Then "<hypothesis or recommendation>" is not suggested': (
        'Dan wordt "<hypothesis or recommendation>" niet voorgesteld'
    ),
    'Then the confidence of "<hypothesis>" is at least <number>': (
        'Dan is de zekerheid van "<hypothesis>" minstens <number>'
    ),
    'Then the confidence of "<hypothesis>" is below <number>': (
        'Dan is de zekerheid van "<hypothesis>" lager dan <number>'
    ),
    "Then no cause is suggested": "Dan wordt er geen oorzaak voorgesteld",
    'Then the triage level is "<level>"': 'Dan is het triageniveau "<level>"',
    'Then the triage level is at least "<level>"': 'Dan is het triageniveau minstens "<level>"',
    'Then the recommendations include "<recommendation>"': (
        'Dan bevatten de aanbevelingen "<recommendation>"'
    ),
    'Then the recommendations do not include "<recommendation>"': (
        'Dan bevatten de aanbevelingen "<recommendation>" niet'
    ),
    "Then no exercise is recommended": "Dan wordt er geen oefening aanbevolen",
    "Then nothing is recommended": "Dan wordt er niets aanbevolen",
    'Then "<activity or drill>" is blocked': 'Dan wordt "<activity or drill>" geblokkeerd',
    'Then the red flag "<rule or symptom>" is raised': (
        'Dan gaat het alarmsignaal "<rule or symptom>" af'
    ),
    'Then rule "<rule id>" fired': 'Dan is regel "<rule id>" afgegaan',
    'Then rule "<rule id>" did not fire': 'Dan is regel "<rule id>" niet afgegaan',
    'Then the report is rejected with a message containing "<text>"': (
        'Dan wordt de melding afgewezen met een bericht dat "<text>" bevat'
    ),
    'Then the change in "<measurement>" is "<improved, no_real_change or worse>"': (
        'Dan is de verandering in "<measurement>" "<verbeterd, geen echte verandering of '
        'verslechterd>"'
    ),
    'Then the change in left "<measurement>" is "<verdict>"   (or right)': (
        'Dan is de verandering links in "<measurement>" "<verdict>"   (of rechts)'
    ),
}
"""Each English step phrase (``steps.STEP_PHRASES``) -> its Dutch mirror."""

STEP_PHRASES_NL: tuple[str, ...] = tuple(MIRRORS.values())
"""Every Dutch step phrase (shown when a step is not recognised)."""

_SIDES = {"links": "left", "rechts": "right", "left": "left", "right": "right"}
_SEX = {"vrouw": "female", "man": "male", "female": "female", "male": "male"}
_TABLE_HEADER = {"soort": "kind", "id": "id", "waarde": "value", "kant": "side"}
_TABLE_KINDS = {
    "symptoom": "symptom",
    "klacht": "symptom",
    "afwezig": "absent",
    "meting": "measurement",
    "activiteit": "activity",
    "sport": "activity",
    "voorgeschiedenis": "history",
    "leeftijd": "age",
    "geslacht": "sex",
}


def _q(name: str) -> str:
    return rf'["“](?P<{name}>[^"“”]+)["”]'


_NUM = r"-?\d+(?:[.,]\d+)?"
_NUMBER = rf"(?P<number>{_NUM})"


def _number(text: str, what: str) -> float:
    return parse_number(text.replace(",", "."), what)


def _id(state: ScenarioState, text: str) -> str:
    """``text`` as the English steps take it: an id, English label or synonym as it is; a
    Dutch label or synonym of the pack as the id it names (two ids: a ScenarioFailure)."""
    pack = state.engine.pack
    if pack.resolve(text) is not None:
        return text
    translation = pack.translations.get("nl")
    if translation is None:
        return text
    ids = label_index(translation).get(normalize_text(text), ())
    if len(ids) > 1:
        raise ScenarioFailure(
            f"Problem in the scenario: the Dutch text '{text}' names {len(ids)} items of the "
            f"rule pack ({', '.join(ids)}); write the id instead."
        )
    return ids[0] if ids else text


def _level(text: str) -> str:
    folded = text.strip().lower()
    for level in TriageLevel:
        if folded == message("nl", f"level.{level.value}").lower():
            return level.value
    return text


def _verdict(text: str) -> str:
    folded = text.strip().lower()
    for verdict in ("improved", "no_real_change", "worse"):
        if folded == message("nl", f"retest.verdict.{verdict}").lower():
            return verdict
    return text


# --------------------------------------------------------------------------- Gegeven


@given(parsers.re(rf"een atleet meldt {_q('item')}"))
@given(parsers.re(rf"de atleet meldt ook {_q('item')}"))
def _meldt(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("symptom", _id(hamtriage_scenario, item))


@given(parsers.re(rf"een atleet meldt {_q('item')} tijdens {_q('activity')}"))
def _meldt_tijdens(hamtriage_scenario: ScenarioState, item: str, activity: str) -> None:
    hamtriage_scenario.add("symptom", _id(hamtriage_scenario, item))
    hamtriage_scenario.add("activity", _id(hamtriage_scenario, activity))


@given(parsers.re(r"een atleet meldt:"))
def _meldt_tabel(hamtriage_scenario: ScenarioState, datatable: list[list[str]]) -> None:
    if not datatable:
        hamtriage_scenario.add_table(datatable)
        return
    header = [_TABLE_HEADER.get(cell.strip().lower(), cell) for cell in datatable[0]]
    rows: list[list[str]] = [header]
    for raw in datatable[1:]:
        row = dict(zip(header, raw, strict=False))
        kind = row.get("kind", "").strip().lower()
        row["kind"] = _TABLE_KINDS.get(kind, kind)
        if "side" in row:
            side = row["side"].strip().lower()
            row["side"] = _SIDES.get(side, side)
        if "value" in row:
            value = row["value"].strip()
            row["value"] = _SEX.get(value.lower(), value.replace(",", "."))
        if row.get("kind") not in ("age", "sex") and "id" in row:
            row["id"] = _id(hamtriage_scenario, row["id"].strip())
        rows.append([row.get(h, "") for h in header])
    hamtriage_scenario.add_table(rows)


@given(parsers.re(rf"de atleet heeft geen {_q('item')}"))
def _heeft_geen(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("absent", _id(hamtriage_scenario, item))


@given(parsers.re(rf"de atleet doet {_q('item')}"))
def _doet(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("activity", _id(hamtriage_scenario, item))


@given(parsers.re(rf"de {_q('item')} van de atleet is {_NUMBER}"))
def _meting(hamtriage_scenario: ScenarioState, item: str, number: str) -> None:
    mid = _id(hamtriage_scenario, item)
    hamtriage_scenario.measure(mid, _number(number, f"the value of '{item}'"))


@given(parsers.re(rf"de {_q('item')} van de atleet is (?P<side>links|rechts) {_NUMBER}"))
def _meting_kant(hamtriage_scenario: ScenarioState, item: str, side: str, number: str) -> None:
    mid = _id(hamtriage_scenario, item)
    value = _number(number, f"the value of '{item}'")
    hamtriage_scenario.measure(mid, value, _SIDES[side])


@given(parsers.re(r"de atleet is (?P<years>\d+) jaar(?: oud)?"))
def _leeftijd(hamtriage_scenario: ScenarioState, years: str) -> None:
    hamtriage_scenario.set_age(int(years))


@given(parsers.re(r"de atleet is (?:een )?(?P<sex>vrouw|man)"))
def _geslacht(hamtriage_scenario: ScenarioState, sex: str) -> None:
    hamtriage_scenario.set_sex(_SEX[sex])


@given(parsers.re(rf"de atleet heeft een voorgeschiedenis van {_q('item')}"))
def _voorgeschiedenis(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.add("history", _id(hamtriage_scenario, item))


_HERTEST = (
    rf"de {_q('item')} van de atleet was (?:(?P<side>links|rechts) )?(?P<before>{_NUM}) "
    rf"voor en is "
)


@given(parsers.re(_HERTEST + rf"(?P<after>{_NUM}) na {_q('intervention')}"))
@given(parsers.re(_HERTEST + rf"nu (?P<after>{_NUM})"))
def _hertest(
    hamtriage_scenario: ScenarioState,
    item: str,
    before: str,
    after: str,
    side: str | None = None,
    intervention: str | None = None,
) -> None:
    record_change(
        hamtriage_scenario,
        _id(hamtriage_scenario, item),
        _number(before, f"the value of '{item}' before"),
        _number(after, f"the value of '{item}' after"),
        None if intervention is None else _id(hamtriage_scenario, intervention),
        None if side is None else _SIDES[side],
    )


@given(parsers.re(rf"de atleet meldt nu {_q('item')}"))
def _meldt_nu(hamtriage_scenario: ScenarioState, item: str) -> None:
    report_new(hamtriage_scenario, _id(hamtriage_scenario, item))


# ------------------------------------------------------------------------------- Als


@when(parsers.re(r"de melding wordt (?:getrieerd|beoordeeld)"))
def _getrieerd(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.triage()


# ------------------------------------------------------------------------------- Dan


@then(parsers.re(rf"(?:is de waarschijnlijke oorzaak|de waarschijnlijke oorzaak is) {_q('item')}"))
def _waarschijnlijk(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_likely_cause(_id(hamtriage_scenario, item))


@then(parsers.re(rf"(?:is een mogelijke oorzaak|een mogelijke oorzaak is) {_q('item')}"))
def _mogelijk(hamtriage_scenario: ScenarioState, item: str) -> None:
    hamtriage_scenario.check_possible_cause(_id(hamtriage_scenario, item))


@then(parsers.re(rf"(?:wordt {_q('item')}|{_q('item2')} wordt) niet voorgesteld"))
def _niet_voorgesteld(
    hamtriage_scenario: ScenarioState, item: str | None = None, item2: str | None = None
) -> None:
    text = item or item2 or ""
    hamtriage_scenario.check_not_suggested(_id(hamtriage_scenario, text))


@then(
    parsers.re(
        rf"(?:is de zekerheid van {_q('item')}|de zekerheid van {_q('item2')} is) "
        rf"(?P<relation>minstens|lager dan) {_NUMBER}"
    )
)
def _zekerheid(
    hamtriage_scenario: ScenarioState,
    relation: str,
    number: str,
    item: str | None = None,
    item2: str | None = None,
) -> None:
    text = item or item2 or ""
    bound = _number(number, "the confidence")
    hamtriage_scenario.check_confidence(
        _id(hamtriage_scenario, text), bound, at_least=relation == "minstens"
    )


@then(parsers.re(r"(?:wordt er|er wordt) geen oorzaak voorgesteld"))
def _geen_oorzaak(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_no_cause()


@then(parsers.re(rf"(?:is het triageniveau|het triageniveau is) {_q('level')}"))
def _niveau(hamtriage_scenario: ScenarioState, level: str) -> None:
    hamtriage_scenario.check_level(_level(level), at_least=False)


@then(parsers.re(rf"(?:is het triageniveau|het triageniveau is) minstens {_q('level')}"))
def _niveau_minstens(hamtriage_scenario: ScenarioState, level: str) -> None:
    hamtriage_scenario.check_level(_level(level), at_least=True)


@then(
    parsers.re(
        rf"(?:bevatten de aanbevelingen|de aanbevelingen bevatten) {_q('item')}(?P<niet> niet)?"
    )
)
def _aanbevelingen(hamtriage_scenario: ScenarioState, item: str, niet: str | None = None) -> None:
    hamtriage_scenario.check_recommended(_id(hamtriage_scenario, item), included=not niet)


@then(parsers.re(r"(?:wordt er|er wordt) geen oefening aanbevolen"))
def _geen_oefening(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_no_exercise()


@then(parsers.re(r"(?:wordt er|er wordt) niets aanbevolen"))
def _niets(hamtriage_scenario: ScenarioState) -> None:
    hamtriage_scenario.check_nothing_recommended()


@then(parsers.re(rf"(?:wordt {_q('item')}|{_q('item2')} wordt) geblokkeerd"))
def _geblokkeerd(
    hamtriage_scenario: ScenarioState, item: str | None = None, item2: str | None = None
) -> None:
    hamtriage_scenario.check_blocked(_id(hamtriage_scenario, item or item2 or ""))


@then(parsers.re(rf"(?:gaat het alarmsignaal {_q('item')}|het alarmsignaal {_q('item2')} gaat) af"))
def _alarmsignaal(
    hamtriage_scenario: ScenarioState, item: str | None = None, item2: str | None = None
) -> None:
    hamtriage_scenario.check_red_flag(_id(hamtriage_scenario, item or item2 or ""))


@then(parsers.re(rf"(?:is regel {_q('rule')}|regel {_q('rule2')} is)(?P<niet> niet)? afgegaan"))
def _regel(
    hamtriage_scenario: ScenarioState,
    rule: str | None = None,
    rule2: str | None = None,
    niet: str | None = None,
) -> None:
    hamtriage_scenario.check_rule(rule or rule2 or "", fired=not niet)


@then(
    parsers.re(
        rf"(?:wordt de melding|de melding wordt) afgewezen met een bericht dat {_q('text')} bevat"
    )
)
def _afgewezen(hamtriage_scenario: ScenarioState, text: str) -> None:
    hamtriage_scenario.check_rejected(text)


@then(
    parsers.re(
        rf"(?:is de verandering|de verandering) (?:(?P<side>links|rechts) )?in {_q('item')} "
        rf"(?:is )?{_q('verdict')}"
    )
)
def _verandering(
    hamtriage_scenario: ScenarioState, item: str, verdict: str, side: str | None = None
) -> None:
    check_change(
        hamtriage_scenario,
        _id(hamtriage_scenario, item),
        _verdict(verdict),
        None if side is None else _SIDES[side],
    )
