"""The ``hamtriage.bdd`` pytest plugin and the ``hamtriage scenarios`` command, from the outside.

Projects are written to a temporary directory and run with pytester (in-process) or,
for the command's exit codes, in a subprocess.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytest_bdd.steps import step_function_context_registry

from hamtriage import Engine, bundled_rules_path
from hamtriage.bdd import STEP_PHRASES, ScenarioFailure, ScenarioState
from hamtriage.cli import main
from tests.support.scenarios import CONFTEST, WRIST_FEATURE, WRIST_PACK, _no_traceback, _run

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"

# Every step phrase the issue lists, exactly as written there.
CONTRACT_FEATURE = """\
Feature: The step phrases of the public contract

  Scenario: Back spasms when deadlifting with a stiff ankle
    Given an athlete reports "low_back_spasms" during "deadlift"
    Given the athlete's "knee_to_wall_cm" is 6.5
    Given the athlete is 52 years old
    Given the athlete does not have "tight_calves"
    When the report is triaged
    Then the likely cause is "inner_hamstring_weakness"
    Then a possible cause is "calf_tightness"
    Then "hamstring_strain_risk" is not suggested
    Then the confidence of "inner_hamstring_weakness" is at least 0.6
    Then the recommendations include "inner_hamstring_opener"
    Then rule "article_hinge_back_spasms" fired

  Scenario: A red flag
    Given an athlete reports "low_back_spasms"
    Given an athlete reports "saddle_numbness"
    Then the triage level is "emergency"
    Then the triage level is at least "see_clinician"
    Then no exercise is recommended
    Then the recommendations do not include "calf_stretch"

  Scenario: A table, a history and one side
    Given an athlete reports:
      | kind        | id                    | value |
      | symptom     | cannot_touch_floor    |       |
      | measurement | fingertip_to_floor_cm | 12    |
      | activity    | running               |       |
    Given the athlete's left "knee_to_wall_cm" is 6.5
    Given the athlete has a history of "prior_ankle_sprain"
    Then the likely cause is "ankle_joint_restriction"
    Then a possible cause is "inner_hamstring_weakness"
    Then rule "ankle_restriction_after_sprain" fired

  Scenario: A suspected strain blocks deadlifts
    Given an athlete reports "posterior_thigh_pain" during "sprinting"
    Then "deadlift" is blocked

  Scenario: Out of range
    Given the athlete's "knee_to_wall_cm" is 45
    Then the report is rejected with a message containing "knee_to_wall_cm"
"""

FAILING_FEATURE = """\
Feature: A coach's wrong expectation

  Scenario: Calves blamed for back spasms
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete's "knee_to_wall_cm" is 6.5
    When the report is triaged
    Then the triage level is "self_care"
    And the likely cause is "calf_tightness"
"""


def _wrist_project(pytester: pytest.Pytester) -> None:
    pack = pytester.mkdir("wrist_rules")
    (pack / "pack.yaml").write_text(WRIST_PACK, encoding="utf-8")
    pytester.makefile(".feature", wrists=WRIST_FEATURE)


# ------------------------------------------------------------------ the plugin


def test_project_with_only_feature_files_and_a_one_line_conftest(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", contract=CONTRACT_FEATURE)
    result = _run(pytester)
    result.assert_outcomes(passed=5)


def test_one_line_ini_instead_of_a_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\naddopts = -p hamtriage.bdd\n")
    pytester.makefile(".feature", contract=CONTRACT_FEATURE)
    result = _run(pytester, "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*contract.feature::test_out_of_range PASSED*"])


def test_failing_scenario_prints_a_message_a_coach_can_act_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", coach=FAILING_FEATURE)
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            'Failed step: And the likely cause is "calf_tightness"  (coach.feature:8)',
            "Scenario:    Calves blamed for back spasms  (coach.feature:3)",
            "Expected: the likely cause (top-ranked, likely) is calf_tightness",
            (
                "Actual:   the likely cause is inner_hamstring_weakness (0.64); "
                "calf_tightness is possible at 0.45"
            ),
            "What came out:",
            "  Triage level: self_care",
            "  Causes (confidence, likelihood):",
            "    inner_hamstring_weakness * 0.64 * likely * Weak inner hamstrings*",
            "    calf_tightness * 0.45 * possible *",
            "  Recommendations:",
            "    inner_hamstring_opener (drill)",
            "  Rules that fired:",
            "    article_hinge_back_spasms  (*article.yaml:*)",
            'Report: {"symptoms": ?"low_back_spasms"?, "activities": ?"deadlift"?, *',
        ]
    )
    failures = result.stdout.str().split("= FAILURES =")[1].split("short test summary")[0]
    _no_traceback(failures)


def test_rejected_report_fails_with_the_reason(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature",
        typo="""\
        Feature: Typos
          Scenario: A misspelt symptom
            Given an athlete reports "low_back_spasm"
            Then a possible cause is "nonspecific_lumbar_strain"

          Scenario: A misspelt hypothesis in a negative check cannot pass by accident
            Given an athlete reports "low_back_spasms"
            Then "calf_tightnes" is not suggested
        """,
    )
    result = _run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            (
                "The report was rejected: symptoms?0?: unknown symptom or history "
                "'low_back_spasm' (did you mean 'low_back_spasms'*"
            ),
            (
                "Problem in the scenario: the rule pack has no hypothesis or recommendation "
                "'calf_tightnes' (did you mean 'calf_tightness'*"
            ),
        ]
    )
    _no_traceback(result.stdout.str().split("= FAILURES =")[1])


def test_unknown_step_lists_the_steps_hamtriage_knows(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature",
        unknown="""\
        Feature: Unknown
          Scenario: A step nobody defined
            Given an athlete reports "knee_pain"
            And the athlete feels funny
            Then no exercise is recommended
        """,
    )
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "Unknown step: And the athlete feels funny",
            "  in scenario 'A step nobody defined' (unknown.feature:4)",
            "No step definition matches this text. The steps hamtriage knows are:",
            '  Given an athlete reports "<symptom>"',
            "*Then the report is rejected with a message containing*",
        ]
    )
    _no_traceback(result.stdout.str().split("= FAILURES =")[1])


def test_project_with_its_own_rule_pack_on_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    _wrist_project(pytester)
    pytester.makefile(
        ".feature",
        flags="""\
        Feature: Flags
          Scenario: Tingling fingers
            Given an athlete reports "tingling_fingers" during "handstand"
            And the athlete also reports "sore_wrist"
            Then the triage level is "see_clinician"
            And the red flag "tingling_needs_physio" is raised
            And no exercise is recommended
            And the recommendations include "see_physio"

          Scenario: The bundled vocabulary is not in this pack
            Given an athlete reports "low_back_spasms"
            Then no cause is suggested
        """,
    )
    result = _run(pytester, "--hamtriage-rules", "wrist_rules")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*unknown symptom or history 'low_back_spasms'*"])


def test_rule_pack_in_the_ini_file_and_coverage(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\naddopts = -p hamtriage.bdd\nhamtriage_rules = wrist_rules\n"
        "hamtriage_coverage = true\n"
    )
    _wrist_project(pytester)
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= hamtriage rule coverage =*",
            "Rule pack wrist-pack@1.0.0#* 1 of 2 rules fired in 1 triaged report.",
            "1 rule no scenario fired:",
            "  tingling_needs_physio  wrist_rules/pack.yaml:49:*  Tingling fingers need a physio",
        ]
    )


def test_broken_rule_pack_is_a_usage_error_naming_file_and_line(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    _wrist_project(pytester)
    pack = pytester.path / "wrist_rules" / "pack.yaml"
    pack.write_text(WRIST_PACK.replace("certainty: 0.7", "certainty: 7"), encoding="utf-8")
    result = _run(pytester, "--hamtriage-rules", "wrist_rules")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*cannot use the rule pack*wrist_rules*", "*pack.yaml:46:*certainty*"]
    )


def test_gherkin_syntax_error_is_a_collection_error_without_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature", broken="Feature: x\n  Scenario: y\n    Given a step\nFeature: z\n"
    )
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot read broken.feature*"])
    assert "Traceback" not in result.stdout.str()


def test_tags_are_markers_even_with_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(
        ".feature",
        tagged="""\
        @ankle
        Feature: Tagged
          @red_flag
          Scenario: Saddle numbness
            Given an athlete reports "saddle_numbness"
            Then the triage level is "emergency"

          Scenario: Tight calves
            Given an athlete reports "tight_calves"
            Then a possible cause is "calf_tightness"
        """,
    )
    result = _run(pytester, "--strict-markers", "-m", "red_flag and ankle")
    result.assert_outcomes(passed=1, deselected=1)


def test_collecting_feature_files_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\naddopts = -p hamtriage.bdd\nhamtriage_collect_features = false\n")
    pytester.makefile(".feature", contract=CONTRACT_FEATURE)
    pytester.makepyfile(
        test_bound="from pytest_bdd import scenarios\n\nscenarios('contract.feature')\n"
    )
    result = _run(pytester)
    result.assert_outcomes(passed=5)  # once, through the test module, not twice


def test_bundled_features_fire_every_rule_of_the_bundled_pack(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    result = _run(pytester, str(FEATURES), "--hamtriage-coverage")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()
    assert outcomes.get("errors", 0) == 0, result.stdout.str()
    total = len(Engine.default().pack.rules)
    result.stdout.fnmatch_lines(
        [
            f"Rule pack hamtriage-bundled@* {total} of {total} rules fired in * triaged reports.",
            "Every rule of the pack fired in at least one scenario.",
        ]
    )
    bundled = {p.name for p in bundled_rules_path().glob("*.yaml")}
    assert "red_flags.yaml" in bundled


def test_the_scenarios_in_the_readme_and_the_docs_pass(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    blocks: dict[str, str] = {}
    for doc in (ROOT / "README.md", ROOT / "docs" / "scenarios.md"):
        text = doc.read_text(encoding="utf-8")
        for i, block in enumerate(
            re.findall(
                r"```gherkin\n((?:# language: nl\n)?(?:Feature|Functionaliteit):.*?)```", text, re.S
            )
        ):
            blocks[f"{doc.stem.lower()}_{i}"] = block
    assert len(blocks) >= 2
    pytester.makefile(".feature", **blocks)
    result = _run(pytester)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()
    assert outcomes["passed"] >= 4


# ------------------------------------------------------- the steps' own logic


def test_every_listed_phrase_has_a_step_and_is_documented() -> None:
    contexts = [
        ctx
        for ctx in step_function_context_registry.values()
        if ctx.step_func.__module__ == "hamtriage.bdd.steps"
    ]
    documented = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for phrase in STEP_PHRASES:
        keyword, text = phrase.split(" ", 1)
        text = re.sub(r"\s+\(.*\)$", "", text).strip()
        text = re.sub(r'"<[^>]+>"', '"x"', text).replace("<number>", "5")
        matching = [c for c in contexts if c.parser.is_matching(text)]
        assert [c.type for c in matching] == [keyword.lower()], phrase
        assert phrase in documented, f"docs/scenarios.md does not list: {phrase}"


def test_side_and_number_conflicts_are_scenario_mistakes() -> None:
    state = ScenarioState(Engine.default())
    state.measure("knee_to_wall_cm", 6.5, "left")
    with pytest.raises(ScenarioFailure, match="given both as one number and per side"):
        state.measure("knee_to_wall_cm", 7.0)
    with pytest.raises(ScenarioFailure, match="left side of 'knee_to_wall_cm' is given twice"):
        state.measure("knee_to_wall_cm", 7.0, "left")
    state.measure("knee_to_wall_cm", 12.0, "right")
    assert state.report() == {"measurements": {"knee_to_wall_cm": {"left": 6.5, "right": 12.0}}}
    with pytest.raises(ScenarioFailure, match="kind 'injury' is not one of"):
        state.add_table([["kind", "id"], ["injury", "x"]])
    with pytest.raises(ScenarioFailure, match="must be a number, not 'six'"):
        state.add_table([["kind", "id", "value"], ["measurement", "nordic_force_n", "six"]])
    with pytest.raises(ScenarioFailure, match="'hinge opener' is a recommendation"):
        state.check_likely_cause("hinge opener")
    with pytest.raises(ScenarioFailure, match="'urgent' is not a triage level"):
        state.check_level("urgent", at_least=False)


def test_adding_after_a_triage_triages_again() -> None:
    seen: list[str] = []
    state = ScenarioState(Engine.default(), on_result=lambda r: seen.append(r.level.value))
    state.add("symptom", "knee_pain")
    state.check_level("self_care", at_least=False)
    state.add("symptom", "saddle_numbness")
    state.check_level("emergency", at_least=False)
    assert seen == ["self_care", "emergency"]


# ---------------------------------------------------------- the command


def _command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hamtriage", "scenarios", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_scenarios_command_exit_codes_and_coverage(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "pack.yaml").write_text(WRIST_PACK, encoding="utf-8")
    features = tmp_path / "features"
    features.mkdir()
    (features / "wrists.feature").write_text(WRIST_FEATURE, encoding="utf-8")

    passed = _command("features", "--rules", "rules", cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "1 passed" in passed.stdout
    assert "hamtriage rule coverage" in passed.stdout
    assert "1 of 2 rules fired" in passed.stdout
    assert "tingling_needs_physio" in passed.stdout

    (features / "more.feature").write_text(
        WRIST_FEATURE.replace('"wrist_overload"', '"wrist_warmup"'), encoding="utf-8"
    )
    failed = _command("features", "--rules", "rules", cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "'wrist_warmup' is a recommendation of the rule pack, not a hypothesis" in (
        failed.stdout
    )
    assert "Traceback" not in failed.stdout + failed.stderr

    missing = _command("nowhere", cwd=tmp_path)
    assert missing.returncode == 2
    assert "nowhere is neither a folder nor a .feature file" in missing.stderr


def test_scenarios_command_bad_usage_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["scenarios", str(empty)]) == 2
    assert "no .feature files under" in capsys.readouterr().err

    bad = tmp_path / "bad_rules"
    bad.mkdir()
    (bad / "pack.yaml").write_text(WRIST_PACK.replace("certainty: 0.7", "certainty: 7"), "utf-8")
    assert main(["scenarios", str(FEATURES), "--rules", str(bad)]) == 2
    assert "pack.yaml:46:" in capsys.readouterr().err

    assert main(["scenarios"]) == 2


def test_core_import_and_cli_work_without_pytest_bdd() -> None:
    script = textwrap.dedent(
        """\
        import sys
        import hamtriage, hamtriage.cli
        assert "pytest" not in sys.modules and "pytest_bdd" not in sys.modules
        sys.modules["pytest_bdd"] = None  # as if pytest-bdd were not installed
        try:
            import hamtriage.bdd
        except ImportError as exc:
            print("plugin:", exc)
        print("exit:", hamtriage.cli.main(["scenarios", "features"]))
        print("triage:", hamtriage.cli.main(["triage", "--symptom", "knee_pain", "--format", "json"]) )
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "plugin: hamtriage.bdd needs pytest and pytest-bdd" in done.stdout
    assert "pip install pytest 'pytest-bdd>=8'" in done.stdout
    assert "exit: 2" in done.stdout
    assert "the scenarios command needs pytest and pytest-bdd" in done.stderr
    assert "triage: 0" in done.stdout
