"""The re-test loop's properties (hypothesis), explanations, command and scenario steps."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamtriage import Engine, ReportError
from hamtriage.bdd._retest import before_report, check_change, record_change, report_new
from hamtriage.bdd._scenario import ScenarioFailure, ScenarioState
from hamtriage.engine import compiled_state
from hamtriage.flows.retest_explain import explain_retest, render_retest_markdown
from hamtriage.flows.retesting import RetestResult, judge

ROOT = Path(__file__).resolve().parent.parent
BEFORE = str(ROOT / "examples" / "retest" / "before.json")
AFTER = str(ROOT / "examples" / "retest" / "after.json")
ENGINE = Engine.default()
PACK = ENGINE.pack
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# values at the report's precision (4 decimals), as normalize leaves them
values = st.integers(min_value=-1_000_000, max_value=1_000_000).map(lambda v: v / 10_000)
mdcs = st.integers(min_value=1, max_value=200_000).map(lambda v: v / 10_000)
betters = st.sampled_from(["lower", "higher"])


# ------------------------------------------------------------------ properties


@SETTINGS
@given(values, mdcs, st.integers(min_value=0, max_value=10_000), betters, st.booleans())
def test_a_change_no_larger_than_the_mdc_is_never_a_real_change(
    before: float, mdc: float, share: int, better: str, down: bool
) -> None:
    step = round(mdc * share / 10_000, 4)  # from 0 up to exactly the MDC
    after = round(before - step if down else before + step, 4)
    assert judge(before, after, mdc, better) == "no_real_change"  # type: ignore[arg-type]


@SETTINGS
@given(values, values, mdcs, betters)
def test_swapping_before_and_after_swaps_improved_and_worse(
    before: float, after: float, mdc: float, better: str
) -> None:
    there = judge(before, after, mdc, better)  # type: ignore[arg-type]
    back = judge(after, before, mdc, better)  # type: ignore[arg-type]
    swapped = {"improved": "worse", "worse": "improved", "no_real_change": "no_real_change"}
    assert back == swapped[there]


def _value(mid: str) -> st.SearchStrategy[float]:
    lo, hi = PACK.measurements[mid].range
    return st.integers(min_value=int(lo) * 10, max_value=int(hi) * 10).map(lambda v: v / 10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _value("fingertip_to_floor_cm"),
    _value("fingertip_to_floor_cm"),
    _value("knee_to_wall_cm"),
    _value("knee_to_wall_cm"),
    _value("knee_to_wall_cm"),
    _value("knee_to_wall_cm"),
)
def test_swapping_the_reports_swaps_every_verdict(
    f1: float, f2: float, l1: float, r1: float, l2: float, r2: float
) -> None:
    one = {
        "measurements": {"fingertip_to_floor_cm": f1, "knee_to_wall_cm": {"left": l1, "right": r1}}
    }
    two = {
        "measurements": {"fingertip_to_floor_cm": f2, "knee_to_wall_cm": {"left": l2, "right": r2}}
    }
    there = ENGINE.retest(one, two, intervention="inner_hamstring_opener")
    back = ENGINE.retest(two, one, intervention="inner_hamstring_opener")
    swapped = {"improved": "worse", "worse": "improved", "no_real_change": "no_real_change"}
    assert [(c.measurement, c.side) for c in there.changes] == [
        (c.measurement, c.side) for c in back.changes
    ]
    for a, b in zip(there.changes, back.changes, strict=True):
        assert b.verdict == swapped[a.verdict]
        assert b.change == -a.change
        if abs(a.change) <= a.mdc:
            assert a.verdict == "no_real_change"


# ---------------------------------------------------------------- explanations


def test_the_explanation_says_which_changes_were_real_with_mdc_and_source() -> None:
    before = json.loads(Path(BEFORE).read_text(encoding="utf-8"))
    after = json.loads(Path(AFTER).read_text(encoding="utf-8"))
    explanation = explain_retest(
        compiled_state(ENGINE), before, after, intervention="inner_hamstring_opener"
    )
    real = {(c.measurement, c.side) for c in explanation.real}
    within = {(c.measurement, c.side) for c in explanation.within_error}
    assert ("fingertip_to_floor_cm", None) in real
    assert ("knee_to_wall_cm", "left") in real
    assert ("knee_to_wall_cm", "right") in within
    ftf = next(c for c in explanation.changes if c.measurement == "fingertip_to_floor_cm")
    assert ftf.text.startswith(
        "Fingertip-to-floor distance: 12 -> 5 cm (-7 cm): a real improvement"
    )
    assert "MDC 4.5 cm; Ekedahl H" in ftf.text
    right = next(c for c in explanation.changes if c.side == "right")
    assert "within the measurement error, no real change (MDC 1.9 cm; Powden CJ" in right.text
    hyp = explanation.triage.hypothesis("inner_hamstring_weakness")
    assert hyp is not None
    texts = [e.text for e in hyp.supporting]
    assert any(
        "Fingertip-to-floor distance improved beyond its measurement error; after "
        "Inner-hamstring opener (hinge opener)" in t
        for t in texts
    ), texts
    text = explanation.to_text()
    assert text.startswith("What changed\n  Fingertip-to-floor distance: 12 -> 5 cm")
    assert "## What changed" in explanation.to_markdown()


def test_a_plain_explanation_never_asks_for_change_facts() -> None:
    explanation = ENGINE.explain({"measurements": {"fingertip_to_floor_cm": 12}})
    missing = [m.rule_id for h in explanation.hypotheses for m in h.missing]
    assert not any(r.startswith("retest_") for r in missing)


def test_markdown_lists_changes_and_the_retest_triage() -> None:
    result = ENGINE.retest(
        {"measurements": {"fingertip_to_floor_cm": 12}},
        {"measurements": {"fingertip_to_floor_cm": 10}},
        intervention="inner_hamstring_opener",
    )
    md = render_retest_markdown(result, PACK)
    assert md.startswith("## Re-test after Inner-hamstring opener")
    assert "- Fingertip-to-floor distance: 12 -> 10 cm (-2 cm): within the measurement error" in md
    assert "- **New recommendations:** toe_touch_breakout_tests" not in md  # listed before too
    assert "Triage level" in md or "triage level" in md


# ------------------------------------------------------------------- command


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hamtriage", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_retest_command_in_every_format_and_its_errors(tmp_path: Path) -> None:
    text = _cli("retest", BEFORE, AFTER, "--intervention", "inner_hamstring_opener")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith(
        "Re-test after Inner-hamstring opener (hinge opener): triage level self_care -> self_care"
    )
    assert "Knee-to-wall distance, left: 6 -> 9 cm (+3 cm): a real improvement" in text.stdout
    as_json = _cli("retest", BEFORE, AFTER, "--intervention", "hinge opener", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    result = RetestResult.model_validate_json(as_json.stdout)
    assert result.intervention == "inner_hamstring_opener"
    assert result.change("fingertip_to_floor_cm").verdict == "improved"  # type: ignore[union-attr]
    md = _cli("retest", BEFORE, AFTER, "--format", "markdown", "--explain")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("## What changed")
    bad = _cli("retest", BEFORE, AFTER, "--intervention", "inner_hamstring_openr")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "hamtriage: invalid report: intervention: unknown recommendation "
        "'inner_hamstring_openr' (did you mean 'inner_hamstring_opener', "
        "'nordic_hamstring_curl'?)"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"measurements": {"knee_to_wall_cm": 99}}', encoding="utf-8")
    out = _cli("retest", BEFORE, str(broken))
    assert out.returncode == 2
    assert "invalid report: after.measurements.knee_to_wall_cm: 99 cm is outside" in out.stderr
    missing = _cli("retest", str(tmp_path / "nope.json"), AFTER)
    assert missing.returncode == 2
    assert "invalid report: before: cannot read" in missing.stderr
    assert "Traceback" not in missing.stderr + out.stderr + bad.stderr


# ------------------------------------------------------------- scenario steps


def test_scenario_steps_build_two_reports_and_check_changes() -> None:
    state = ScenarioState(ENGINE)
    state.add("symptom", "low_back_spasms")
    record_change(state, "fingertip_to_floor_cm", 12, 5, "inner_hamstring_opener")
    record_change(state, "knee_to_wall_cm", 6, 9, "inner_hamstring_opener", "left")
    state.measure("knee_to_wall_cm", 8, "right")
    report_new(state, "tight_calves")
    before = before_report(state)
    assert before == {
        "symptoms": ["low_back_spasms"],
        "measurements": {"fingertip_to_floor_cm": 12, "knee_to_wall_cm": {"left": 6, "right": 8}},
    }
    assert state.report()["measurements"]["knee_to_wall_cm"] == {"left": 9, "right": 8}
    check_change(state, "fingertip_to_floor_cm", "improved", None)
    check_change(state, "knee_to_wall_cm", "improved", "left")
    check_change(state, "knee_to_wall_cm", "no real change", "right")
    with pytest.raises(ScenarioFailure) as failed:
        check_change(state, "knee_to_wall_cm", "worse", None)
    assert "Expected: the change in knee_to_wall_cm is worse" in failed.value.message
    assert "Actual:   it is no_real_change: 6 -> 8 (change 2, MDC 1.9)" not in failed.value.message
    assert "Actual:   it is improved: 6 -> 8 (change 2, MDC 1.9)" in failed.value.message
    with pytest.raises(ScenarioFailure, match="'better' is not a verdict"):
        check_change(state, "knee_to_wall_cm", "better", None)
    with pytest.raises(ScenarioFailure, match="two interventions"):
        record_change(state, "nordic_force_n", 250, 300, "calf_stretch", "left")


def test_a_change_check_without_a_retest_is_a_scenario_problem() -> None:
    state = ScenarioState(ENGINE)
    state.measure("fingertip_to_floor_cm", 5)
    with pytest.raises(ScenarioFailure, match="no re-test to check"):
        check_change(state, "fingertip_to_floor_cm", "improved", None)


def test_a_rejected_retest_report_is_kept_for_the_then_steps() -> None:
    state = ScenarioState(ENGINE)
    record_change(state, "knee_to_wall_cm", 6, 99, "inner_hamstring_opener")
    state.triage()
    assert isinstance(state.error, ReportError)
    assert state.error.field == "after.measurements.knee_to_wall_cm"
