"""Scenario failures a coach can act on: the Given that holds a typo, the nearest step
phrases for an unknown step, an empty feature file, and no coverage list after an error."""

from __future__ import annotations

import pytest

from hamtriage.bdd.steps import nearest_steps
from tests.support.scenarios import CONFTEST, _no_traceback, _run


def test_a_typo_in_a_given_id_is_reported_at_the_given_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature",
        typo="""\
        Feature: Typos
          Scenario: A misspelt symptom
            Given an athlete reports "tight_calves"
            And the athlete also reports "low_back_spasm"
            And the athlete's "knee_to_wall_cm" is 6.5
            When the report is triaged
            Then a possible cause is "calf_tightness"

          Scenario: An out-of-range side
            Given the athlete's left "knee_to_wall_cm" is 45
            Then no cause is suggested
        """,
    )
    result = _run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            'Failed step: And the athlete also reports "low_back_spasm"  (typo.feature:4)',
            "Scenario:    A misspelt symptom  (typo.feature:2)",
            "The report was rejected: symptoms?1?: unknown symptom or history 'low_back_spasm'*",
            'Failed step: Given the athlete\'s left "knee_to_wall_cm" is 45  (typo.feature:10)',
        ]
    )
    _no_traceback(result.stdout.str().split("= FAILURES =")[1])


def test_an_unknown_step_gets_the_closest_phrases_first(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature",
        unknown="""\
        Feature: Unknown
          Scenario: A near miss
            Given the athletes "knee_to_wall_cm" is 6
            Then no exercise is recommended
        """,
    )
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            'Unknown step: Given the athletes "knee_to_wall_cm" is 6',
            "  in scenario 'A near miss' (unknown.feature:3)",
            "Did you mean:",
            '  Given the athlete\'s "<measurement>" is <number>',
            "No step definition matches this text. The steps hamtriage knows are:",
        ]
    )


def test_nearest_steps_compares_shapes_not_ids() -> None:
    assert nearest_steps('the tirage level is "emergency"')[0] == (
        'Then the triage level is "<level>"'
    )
    assert nearest_steps('an athlete report "low_back_spasms"')[0] == (
        'Given an athlete reports "<symptom>"'
    )
    assert nearest_steps("the moon is made of cheese") == []


def test_an_empty_feature_file_is_a_clear_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", empty="")
    result = _run(pytester, "--hamtriage-coverage")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot read empty.feature: it has no 'Feature:' line*"])
    out = result.stdout.str()
    assert "KeyError" not in out
    assert "Traceback" not in out
    assert "rules no scenario fired" not in out
    result.stdout.fnmatch_lines(["*hamtriage rule coverage: not counted (errors above)*"])


def test_invalid_gherkin_is_not_buried_under_the_coverage_list(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature", broken="Feature: x\n  Scenario: y\n    Given a step\nFeature: z\n"
    )
    result = _run(pytester, "--hamtriage-coverage")
    out = result.stdout.str()
    assert "cannot read broken.feature" in out
    assert "rules fired" not in out
    assert "no scenario fired" not in out
