"""Dutch scenario steps: every English step has a Dutch mirror that does the same, Dutch
labels stand for ids, and a Dutch feature file runs as a coach writes it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

from hamtriage import Engine
from hamtriage.bdd.steps import STEP_PHRASES
from hamtriage.bdd.steps_nl import MIRRORS, STEP_PHRASES_NL
from tests.support.scenarios import CONFTEST, _no_traceback, _run

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"Given": "given", "When": "when", "Then": "then"}
KEYWORDS_NL = {"Gegeven": "given", "Als": "when", "Dan": "then"}
EXAMPLES = {
    "symptom": "low_back_spasms",
    "activity": "deadlift",
    "measurement": "knee_to_wall_cm",
    "history": "cancer_history",
    "recommendation": "inner_hamstring_opener",
    "hypothesis": "inner_hamstring_weakness",
    "hypothesis or recommendation": "calf_stretch",
    "activity or drill": "deadlift",
    "rule or symptom": "saddle_numbness",
    "rule id": "saddle_numbness",
    "level": "emergency",
    "text": "unknown",
    "verdict": "improved",
    "improved, no_real_change or worse": "improved",
    "verbeterd, geen echte verandering of verslechterd": "improved",
}


def contexts(module: str) -> list[StepFunctionContext]:
    return [
        ctx
        for ctx in step_function_context_registry.values()
        if ctx.step_func.__module__ == f"hamtriage.bdd.{module}"
    ]


def example(phrase: str) -> tuple[str, str]:
    """(keyword, step text) of a phrase with every placeholder filled with an example."""
    keyword, text = phrase.split(" ", 1)
    text = re.sub(r"\s+\(.*\)$", "", text).strip()
    text = re.sub(r'"<([^>]+)>"', lambda m: f'"{EXAMPLES[m.group(1)]}"', text)
    return keyword, text.replace("<number>", "5")


def calls(ctx: StepFunctionContext, text: str, table: list[list[str]]) -> list[str]:
    """What the step does to a scenario: the calls it makes on a recording state."""
    state = MagicMock()
    state.engine = Engine.default()
    args = ctx.parser.parse_arguments(text) or {}
    if "datatable" in ctx.step_func.__code__.co_varnames:
        args["datatable"] = table
    try:
        ctx.step_func(hamtriage_scenario=state, **args)
    except Exception as exc:  # noqa: BLE001 - a recording state cannot answer every check
        return [*_shown(state.mock_calls), type(exc).__name__]
    return _shown(state.mock_calls)


def _shown(recorded: Any) -> list[str]:
    # values the recording state returns differ only by their object ids
    return [re.sub(r" id='\d+'", "", repr(c)) for c in recorded]


def test_every_english_step_has_one_dutch_mirror() -> None:
    assert list(MIRRORS) == list(STEP_PHRASES)
    assert len(set(STEP_PHRASES_NL)) == len(STEP_PHRASES_NL) == len(STEP_PHRASES)
    english, dutch = contexts("steps"), contexts("steps_nl")
    for en_phrase, nl_phrase in MIRRORS.items():
        en_key, en_text = example(en_phrase)
        nl_key, nl_text = example(nl_phrase)
        (en_ctx,) = [c for c in english if c.parser.is_matching(en_text)]
        matching = [c for c in dutch if c.parser.is_matching(nl_text)]
        assert [c.type for c in matching] == [KEYWORDS_NL[nl_key]], nl_phrase
        assert en_ctx.type == KEYWORDS[en_key]
        en_calls = calls(en_ctx, en_text, [["kind", "id"], ["symptom", "low_back_spasms"]])
        nl_calls = calls(matching[0], nl_text, [["soort", "id"], ["symptoom", "low_back_spasms"]])
        assert nl_calls == en_calls, (en_phrase, nl_phrase)
        assert en_calls, en_phrase  # the comparison means something


def test_dutch_numbers_take_a_decimal_comma_and_words_for_sides_and_levels() -> None:
    (measure,) = [
        c
        for c in contexts("steps_nl")
        if c.parser.is_matching('de "knee_to_wall_cm" van de atleet is rechts 6,5')
    ]
    state = MagicMock()
    state.engine = Engine.default()
    text = 'de "knee_to_wall_cm" van de atleet is rechts 6,5'
    measure.step_func(hamtriage_scenario=state, **(measure.parser.parse_arguments(text) or {}))
    state.measure.assert_called_once_with("knee_to_wall_cm", 6.5, "right")


DUTCH_PACK = """\
pack:
  name: pols
  version: 1.0.0
  referrals: {see_clinician: naar_fysio}
sources:
  W1: {title: "Onze aantekeningen over polsen"}
symptoms:
  - {id: sore_wrist, label: Sore wrist}
  - {id: stiff_wrist, label: Stiff wrist}
  - {id: tingling_fingers, label: Tingling fingers, source: [W1]}
activities:
  - {id: handstand, label: Handstand}
hypotheses:
  - {id: wrist_overload, label: Wrist overload, evidence: expert_opinion}
recommendations:
  - {id: wrist_warmup, label: Wrist warm-up, kind: drill}
  - {id: naar_fysio, label: See a physiotherapist, kind: referral}
rules:
  - id: wrist_from_handstands
    title: A sore wrist from handstands is overload
    evidence: expert_opinion
    source: [W1]
    when: {all: [{symptom: sore_wrist}, {activity: handstand}]}
    then: [{support: wrist_overload, certainty: 0.7}, {recommend: wrist_warmup}]
  - id: tingling_needs_physio
    title: Tingling fingers need a physio
    evidence: expert_opinion
    source: [W1]
    red_flag: true
    when: {symptom: tingling_fingers}
    then: [{escalate: see_clinician, reason: Tingling fingers can come from a nerve.}]
"""

DUTCH_TEXTS = """\
lang: nl
language: Nederlands
items:
  sore_wrist: {label: Pijnlijke pols}
  stiff_wrist: {label: Stijve pols, synonyms: [pols doet pijn]}
  tingling_fingers: {label: Tintelende vingers}
  handstand: {label: Handstand}
  wrist_overload: {label: Overbelaste pols}
  wrist_warmup: {label: Polswarming-up}
"""

DUTCH_FEATURE = """\
# language: nl
Functionaliteit: Polsen
  Scenario: Pols bij handstanden, met Nederlandse labels
    Gegeven een atleet meldt "Pijnlijke pols" tijdens "Handstand"
    Dan is de waarschijnlijke oorzaak "Overbelaste pols"
    En bevatten de aanbevelingen "Polswarming-up"
    En is regel "wrist_from_handstands" afgegaan

  Scenario: Een alarmsignaal in het Nederlands
    Gegeven een atleet meldt "sore_wrist"
    En de atleet meldt ook "tintelende vingers"
    Dan is het triageniveau "Naar een zorgverlener"
    En wordt er geen oefening aanbevolen
"""


def test_a_dutch_feature_runs_on_a_coachs_pack_with_dutch_labels(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pack = pytester.mkdir("pols")
    (pack / "pack.yaml").write_text(DUTCH_PACK, encoding="utf-8")
    (pack / "i18n").mkdir()
    (pack / "i18n" / "nl.yaml").write_text(DUTCH_TEXTS, encoding="utf-8")
    pytester.makefile(".feature", polsen=DUTCH_FEATURE)
    result = _run(pytester, "--hamtriage-rules", "pols")
    result.assert_outcomes(passed=2)


def test_a_dutch_label_naming_two_items_is_a_clear_mistake(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pack = pytester.mkdir("pols")
    (pack / "pack.yaml").write_text(DUTCH_PACK, encoding="utf-8")
    (pack / "i18n").mkdir()
    texts = DUTCH_TEXTS.replace(
        "sore_wrist: {label: Pijnlijke pols}", "sore_wrist: {label: Pols doet pijn}"
    )
    (pack / "i18n" / "nl.yaml").write_text(texts, encoding="utf-8")
    feature = '# language: nl\nFunctionaliteit: P\n  Scenario: Dubbel\n    Gegeven een atleet meldt "pols doet pijn"\n    Dan is het triageniveau "self_care"\n'
    pytester.makefile(".feature", dubbel=feature)
    result = _run(pytester, "--hamtriage-rules", "pols")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert (
        "the Dutch text 'pols doet pijn' names 2 items of the rule pack (sore_wrist, "
        "stiff_wrist); write the id instead" in out
    )
    _no_traceback(out.split("short test summary")[0].split("___ test_dubbel ___")[-1])


def test_an_unknown_dutch_step_lists_the_dutch_steps(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    feature = '# language: nl\nFunctionaliteit: P\n  Scenario: Tikfout\n    Gegeven een atleet meldde "low_back_spasms"\n    Dan is het triageniveau "self_care"\n'
    pytester.makefile(".feature", tikfout=feature)
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert 'Did you mean:\n  Gegeven een atleet meldt "<symptom>"' in out
    assert 'Dan is het triageniveau "<level>"' in out


def test_the_bundled_dutch_feature_covers_every_red_flag_rule() -> None:
    """features/nl: every red-flag rule of rules/red_flags*.yaml is named in a Dutch step
    that checks it fired (the feature suite itself checks that it does)."""
    pack = Engine.default().pack
    text = "\n".join(p.read_text("utf-8") for p in (ROOT / "features" / "nl").glob("*.feature"))
    assert text.startswith("# language: nl")
    named = set(re.findall(r'(?:is regel|gaat het alarmsignaal) "([a-z0-9_]+)"', text))
    named |= set(
        re.findall(
            r"\|\s*[^|]+\|\s*([a-z0-9_]+)\s*\|\s*(?:emergency|same_day|see_clinician)\s*\|", text
        )
    )
    flags = {
        r.id
        for r in pack.rules
        if r.red_flag and Path(pack.origins[f"rule:{r.id}"].path).name.startswith("red_flags")
    }
    assert len(flags) >= 40
    assert flags - named == set()


def test_every_dutch_phrase_is_documented() -> None:
    documented = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for phrase in STEP_PHRASES_NL:
        assert phrase in documented, f"docs/scenarios.md does not list: {phrase}"
