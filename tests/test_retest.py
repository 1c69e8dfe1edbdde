"""The re-test loop: verdicts at the MDC boundary, sides, missing values, errors, and the
article's scenarios end to end on the bundled pack."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from pydantic import ValidationError

from hamtriage import Engine, ReportError, TriageLevel
from hamtriage.flows.retesting import (
    DEFAULT_MDC_SHARE,
    MeasurementChange,
    RetestResult,
    judge,
    measurement_error,
)

ENGINE = Engine.default()
PACK = ENGINE.pack
OPENER = "inner_hamstring_opener"


def _ftf(before: float, after: float, **extra: Any) -> RetestResult:
    return ENGINE.retest(
        {"measurements": {"fingertip_to_floor_cm": before}},
        {"measurements": {"fingertip_to_floor_cm": after}},
        **extra,
    )


# ------------------------------------------------------------- the MDC boundary


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (12, 7.5, "no_real_change"),  # exactly the MDC (4.5 cm) better
        (12, 7.4999, "improved"),  # one step of the report's precision past it
        (12, 16.5, "no_real_change"),  # exactly the MDC worse
        (12, 16.5001, "worse"),
        (12, 12, "no_real_change"),
        (0.3, 4.8, "no_real_change"),  # 4.8 - 0.3 is 4.499999999999999 in floating point
        (0.3, 4.8001, "worse"),
        (-10, -14.5, "no_real_change"),  # past the floor (negative values)
        (-10, -14.51, "improved"),
    ],
)
def test_a_change_is_real_only_beyond_the_mdc(before: float, after: float, verdict: str) -> None:
    change = _ftf(before, after).change("fingertip_to_floor_cm")
    assert change is not None
    assert change.mdc == 4.5
    assert change.verdict == verdict
    assert change.change == round(after - before, 4)
    assert "Ekedahl" in change.mdc_source


def test_better_direction_follows_the_measurement() -> None:
    # knee-to-wall: higher is better; fingertip-to-floor: lower is better
    assert judge(6, 9, 1.9, "higher") == "improved"
    assert judge(9, 6, 1.9, "higher") == "worse"
    assert judge(12, 5, 4.5, "lower") == "improved"
    assert judge(5, 12, 4.5, "lower") == "worse"
    # the report's precision: differences below 4 decimals do not count
    assert judge(0, 1.90004, 1.9, "higher") == "no_real_change"
    assert judge(0, 1.90006, 1.9, "higher") == "improved"


def test_every_bundled_measurement_has_an_mdc_with_unit_source_and_direction() -> None:
    for mid, item in PACK.measurements.items():
        assert item.retest is not None, mid
        assert item.retest.unit == item.unit, mid
        assert item.retest.better == ("higher" if item.worse == "lower" else "lower"), mid
        assert all(key in PACK.sources for key in item.retest.source), mid
        err = measurement_error(PACK, item)
        assert err.mdc == item.retest.mdc
    # the figures checked against their sources (docs/retest.md)
    figures = {m: i.retest.mdc for m, i in PACK.measurements.items() if i.retest}
    assert figures["fingertip_to_floor_cm"] == 4.5
    assert figures["knee_to_wall_cm"] == 1.9
    assert figures["passive_straight_leg_raise_deg"] == 7
    assert figures["nordic_force_n"] == 76
    unpublished = {m for m, i in PACK.measurements.items() if i.retest and not i.retest.published}
    assert unpublished == {
        "single_leg_bridge_reps",
        "active_straight_leg_raise_deg",
        "pain_duration_weeks",
    }
    bridge = measurement_error(PACK, PACK.measurements["single_leg_bridge_reps"])
    assert bridge.source.startswith("no published MDC, conservative default")


def test_a_measurement_without_an_mdc_gets_the_documented_default() -> None:
    item = PACK.measurements["knee_to_wall_cm"].model_copy(update={"retest": None})
    err = measurement_error(PACK, item)
    assert err.mdc == round(20 * DEFAULT_MDC_SHARE, 4)
    assert not err.published
    assert "no MDC in the rule pack" in err.source


# --------------------------------------------------------------------- sides


def test_sided_tests_judge_each_side_the_worse_side_and_the_asymmetry() -> None:
    result = ENGINE.retest(
        {"measurements": {"knee_to_wall_cm": {"left": 6, "right": 8}}},
        {"measurements": {"knee_to_wall_cm": {"left": 9, "right": 8.5}}},
        intervention=OPENER,
    )
    left = result.change("knee_to_wall_cm", "left")
    right = result.change("knee_to_wall_cm", "right")
    overall = result.change("knee_to_wall_cm")
    asym = result.change("knee_to_wall_cm", "asymmetry")
    assert left is not None
    assert left.verdict == "improved"
    assert left.change == 3
    assert right is not None
    assert right.verdict == "no_real_change"
    # the value triage reads is the worse side: 6 (left) before, 8.5 (right) after
    assert overall is not None
    assert (overall.before, overall.after) == (6, 8.5)
    assert overall.verdict == "improved"
    assert asym is not None
    assert (asym.before, asym.after) == (2, 0.5)
    assert asym.mdc == round(1.9 * math.sqrt(2), 4)
    assert asym.verdict == "no_real_change"  # 1.5 cm is within 2.687
    assert [c.side for c in result.changes] == [None, "left", "right", "asymmetry"]
    assert result.not_retested == ()


def test_a_side_measured_once_is_not_retested_and_never_decides_the_overall_change() -> None:
    result = ENGINE.retest(
        {"measurements": {"knee_to_wall_cm": {"left": 6, "right": 12}}},
        {"measurements": {"knee_to_wall_cm": {"right": 12}}},
    )
    assert result.change("knee_to_wall_cm", "left") is None
    assert result.change("knee_to_wall_cm", "asymmetry") is None
    overall = result.change("knee_to_wall_cm")
    # compared over the right side only: 12 -> 12, not the left's 6 -> the right's 12
    assert overall is not None
    assert overall.verdict == "no_real_change"
    assert overall.change == 0
    assert result.not_retested == ("knee_to_wall_cm.left",)


def test_sides_that_do_not_overlap_give_no_overall_change() -> None:
    result = ENGINE.retest(
        {"measurements": {"knee_to_wall_cm": {"left": 6}}},
        {"measurements": {"knee_to_wall_cm": {"right": 12}}},
    )
    assert result.changes == ()
    assert result.not_retested == ("knee_to_wall_cm.left", "knee_to_wall_cm.right")


def test_a_sided_test_given_as_one_number_compares_the_values_triage_reads() -> None:
    result = ENGINE.retest(
        {"measurements": {"knee_to_wall_cm": 6}},
        {"measurements": {"knee_to_wall_cm": {"left": 9, "right": 10}}},
    )
    assert [(c.side, c.before, c.after, c.verdict) for c in result.changes] == [
        (None, 6, 9, "improved")
    ]


def test_measurements_in_one_report_only_are_not_retested_and_not_an_error() -> None:
    result = ENGINE.retest(
        {"measurements": {"fingertip_to_floor_cm": 12, "nordic_force_n": 250}},
        {"measurements": {"fingertip_to_floor_cm": 12, "knee_to_wall_cm": 9}},
    )
    assert result.not_retested == ("knee_to_wall_cm", "nordic_force_n")  # pack order
    assert result.change("nordic_force_n") is None
    assert result.change("knee_to_wall_cm") is None
    assert result.change("fingertip_to_floor_cm") is not None


# -------------------------------------------------------------------- errors


def test_an_invalid_report_names_which_report_and_field() -> None:
    with pytest.raises(ReportError) as bad:
        ENGINE.retest({"measurements": {"knee_to_wal_cm": 6}}, {})
    assert bad.value.field == "before.measurements.knee_to_wal_cm"
    assert "knee_to_wall_cm" in bad.value.suggestions
    with pytest.raises(ReportError) as bad:
        ENGINE.retest({}, {"measurements": {"knee_to_wall_cm": 99}})
    assert bad.value.field == "after.measurements.knee_to_wall_cm"
    with pytest.raises(ReportError) as bad:
        ENGINE.retest({}, [])  # type: ignore[arg-type]
    assert bad.value.field == "after"


def test_an_unknown_intervention_names_the_field_with_did_you_mean() -> None:
    with pytest.raises(ReportError) as bad:
        _ftf(12, 5, intervention="inner_hamstring_openr")
    assert bad.value.field == "intervention"
    assert bad.value.suggestions[0] == OPENER
    assert "did you mean 'inner_hamstring_opener'" in str(bad.value)
    with pytest.raises(ReportError) as bad:
        _ftf(12, 5, intervention="inner_hamstring_weakness")  # a hypothesis, not a drill
    assert bad.value.field == "intervention"
    assert "('inner_hamstring_weakness' is a hypothesis)" in bad.value.message
    with pytest.raises(ReportError) as bad:
        _ftf(12, 5, intervention=3)
    assert bad.value.field == "intervention"
    # a synonym of the recommendation is accepted and resolved to its id
    assert _ftf(12, 5, intervention="hinge opener").intervention == OPENER


def test_an_unknown_language_names_lang() -> None:
    with pytest.raises(ReportError) as bad:
        _ftf(12, 5, lang="fr")
    assert bad.value.field == "lang"
    assert _ftf(12, 5, lang="en").change("fingertip_to_floor_cm") is not None


# ---------------------------------------------------------------- the result


def test_the_result_is_frozen_and_round_trips_as_json() -> None:
    result = _ftf(12, 5, intervention=OPENER)
    with pytest.raises(ValidationError):
        result.intervention = None
    change = result.changes[0]
    with pytest.raises(ValidationError):
        change.verdict = "worse"
    again = RetestResult.model_validate_json(result.model_dump_json())
    assert again == result
    data = json.loads(result.model_dump_json())
    assert set(data["changes"][0]) == set(MeasurementChange.model_fields)
    assert {"changes", "not_retested", "before", "after", "level_change"} <= set(data)


def test_hamtriage_retest_is_the_function_even_after_the_module_is_imported() -> None:
    import hamtriage.flows.retesting

    assert callable(hamtriage.retest)
    assert hamtriage.retest.__module__ == "hamtriage.api"
    result = hamtriage.retest({"symptoms": ["tight_calves"]}, {"symptoms": ["tight_calves"]})
    assert isinstance(result, hamtriage.RetestResult)
    assert hamtriage.MeasurementChange is MeasurementChange


def test_identical_reports_change_nothing_real() -> None:
    report = {
        "symptoms": ["low_back_spasms"],
        "activities": ["deadlift"],
        "measurements": {"fingertip_to_floor_cm": 12, "knee_to_wall_cm": {"left": 6, "right": 9}},
    }
    result = ENGINE.retest(report, report)
    assert {c.verdict for c in result.changes} == {"no_real_change"}
    assert result.level_change == "unchanged"
    assert result.hypotheses_gained == result.hypotheses_lost == ()
    # with no intervention named, no rule about the opener fires
    assert not any(r.startswith("retest_") for r in result.after.fired_rules)
    assert result.before == ENGINE.triage(report)


def test_change_facts_never_reach_an_ordinary_triage() -> None:
    report = {"measurements": {"fingertip_to_floor_cm": 5}}
    _ftf(12, 5, intervention=OPENER)
    assert not any(r.startswith("retest_") for r in ENGINE.triage(report).fired_rules)


# ------------------------------------------------------ the article, end to end


def test_improvement_after_openers_lists_the_article_idea_even_with_normal_values() -> None:
    before = {"measurements": {"fingertip_to_floor_cm": 6, "knee_to_wall_cm": 8}}
    after = {"measurements": {"fingertip_to_floor_cm": -2, "knee_to_wall_cm": 12}}
    assert ENGINE.triage(after).hypothesis("inner_hamstring_weakness") is None
    result = ENGINE.retest(before, after, intervention=OPENER)
    hyp = result.after.hypothesis("inner_hamstring_weakness")
    assert hyp is not None
    assert hyp.likelihood.value == "possible"
    assert hyp.evidence.value == "coaching_lore"
    assert "retest_opener_improved_toe_touch_or_ankle" in result.after.fired_rules
    assert "inner_hamstring_weakness" not in result.hypotheses_lost  # listed before too
    # the same improvement without the opener says nothing about the article's idea
    plain = ENGINE.retest(before, after)
    assert plain.after.hypothesis("inner_hamstring_weakness") is None


def test_no_real_change_after_openers_lowers_it_and_recommends_the_breakout_tests() -> None:
    before = {
        "symptoms": ["low_back_spasms"],
        "activities": ["deadlift"],
        "measurements": {"fingertip_to_floor_cm": 12, "knee_to_wall_cm": 6.5},
    }
    after = {**before, "measurements": {"fingertip_to_floor_cm": 10, "knee_to_wall_cm": 7.5}}
    alone = ENGINE.triage(after).hypothesis("inner_hamstring_weakness")
    result = ENGINE.retest(before, after, intervention=OPENER)
    retested = result.after.hypothesis("inner_hamstring_weakness")
    assert alone is not None
    assert retested is not None
    assert retested.confidence < alone.confidence
    assert [e.rule_id for e in retested.opposing] == ["retest_opener_no_real_change"]
    recs = [r.id for r in result.after.recommendations]
    assert {"toe_touch_breakout_tests", "ankle_breakout_tests", "calf_stretch"} <= set(recs)


def test_getting_worse_escalates_and_stops_the_opener() -> None:
    before = {"measurements": {"fingertip_to_floor_cm": 8}}
    after = {"measurements": {"fingertip_to_floor_cm": 15}}
    result = ENGINE.retest(before, after, intervention=OPENER)
    assert result.after.level == TriageLevel.MODIFY_TRAINING
    assert result.level_change == "raised"
    assert OPENER in [b.id for b in result.after.blocked_exercises]
    assert OPENER not in [r.id for r in result.after.recommendations]
    # worse on one side only is a new finding too
    sided = ENGINE.retest(
        {"measurements": {"nordic_force_n": {"left": 300, "right": 250}}},
        {"measurements": {"nordic_force_n": {"left": 200, "right": 260}}},
    )
    assert sided.change("nordic_force_n", "left").verdict == "worse"  # type: ignore[union-attr]
    assert "retest_measurement_worse" in sided.after.fired_rules
    assert sided.after.level >= TriageLevel.MODIFY_TRAINING


def test_pain_appearing_escalates_at_least_as_the_after_report_alone() -> None:
    before = {"measurements": {"fingertip_to_floor_cm": 12}}
    after = {
        "symptoms": ["posterior_thigh_pain"],
        "activities": ["sprinting"],
        "measurements": {"fingertip_to_floor_cm": 5},
    }
    result = ENGINE.retest(before, after, intervention=OPENER)
    assert result.after.level >= ENGINE.triage(after).level > TriageLevel.SELF_CARE
    assert OPENER not in [r.id for r in result.after.recommendations]  # contraindicated


def test_red_flags_in_the_after_report_win() -> None:
    before = {"measurements": {"fingertip_to_floor_cm": 12}}
    after = {"symptoms": ["saddle_numbness"], "measurements": {"fingertip_to_floor_cm": 5}}
    result = ENGINE.retest(before, after, intervention=OPENER)
    assert result.after.level == TriageLevel.EMERGENCY
    assert result.after.red_flags
    assert all(r.kind.value == "referral" for r in result.after.recommendations)


# ------------------------------------------------------ the C engine, isolated


def test_every_change_fact_on_the_c_engine_in_a_subprocess() -> None:
    """Every measurement, side and verdict asserted at once, many times: a crash of the C
    engine fails this test instead of the run."""
    code = textwrap.dedent(
        """
        import hamtriage
        engine = hamtriage.Engine.default()
        ms = engine.pack.measurements
        def values(shift):
            out = {}
            for mid, item in ms.items():
                lo, hi = item.range
                mid_value = (lo + hi) / 2
                v = min(hi, max(lo, mid_value + shift * item.retest.mdc * 1.5))
                out[mid] = {"left": v, "right": mid_value} if item.sided else v
            return {"measurements": out}
        fired = set()
        for shift in (-1, 0, 1):
            for _ in range(50):
                r = engine.retest(values(0), values(shift), intervention="inner_hamstring_opener")
                fired.update(x for x in r.after.fired_rules if x.startswith("retest_"))
        print(sorted(fired))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    fired = set(json.loads(proc.stdout.strip().replace("'", '"')))
    assert {"retest_measurement_worse", "retest_opener_improved_toe_touch_or_ankle"} <= fired
