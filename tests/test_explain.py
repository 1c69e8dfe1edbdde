"""Why / why-not explanations: statuses, evidence for and against, missing evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hamtriage
from hamtriage.flows.explain import (
    Explanation,
    render_explanation_markdown,
    render_explanation_text,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"


def _example(name: str) -> dict[str, object]:
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def engine() -> hamtriage.Engine:
    return hamtriage.Engine.default()


def test_ruled_in_lists_every_supporting_rule_with_its_source(engine: hamtriage.Engine) -> None:
    report = _example("hinge_spasms")
    explanation = engine.explain(report)
    result = engine.triage(report)
    h = explanation.hypothesis("inner_hamstring_weakness")
    assert h is not None
    assert h.status == "ruled_in"
    assert h.confidence == result.hypotheses[0].confidence
    assert [e.rule_id for e in h.supporting] == [
        "article_hinge_back_spasms",
        "article_failed_toe_touch",
        "article_limited_ankle_bend",
    ]
    first = h.supporting[0]
    origin = engine.pack.origins["rule:article_hinge_back_spasms"]
    assert first.origin == str(origin)
    assert first.source == ("S1", "S2")
    assert "Low-back spasms reported" in first.text
    assert str(origin) in first.text


def test_missing_evidence_names_the_untested_measurement_and_threshold(
    engine: hamtriage.Engine,
) -> None:
    explanation = engine.explain({"symptoms": ["tight_calves"]})
    calf = explanation.hypothesis("calf_tightness")
    assert calf is not None
    assert calf.status == "ruled_in"
    missing = {m.id: m for m in calf.missing}
    ktw = missing["knee_to_wall_cm"]
    assert ktw.kind == "measurement"
    assert ktw.condition == "at or below 10 cm"
    assert ktw.rule_id == "knee_to_wall_limited"
    assert ktw.text.startswith(
        "Knee-to-wall distance (knee_to_wall_cm) was not measured; at or below 10 cm it "
        "would support Calf tightness (gastrocnemius or soleus) (rule knee_to_wall_limited"
    )
    assert str(engine.pack.origins["rule:knee_to_wall_limited"]) in ktw.text


def test_missing_evidence_of_a_conjunction_names_the_other_unknown_facts(
    engine: hamtriage.Engine,
) -> None:
    explanation = engine.explain(_example("toe_touch_runner"))
    ankle = explanation.hypothesis("ankle_joint_restriction")
    assert ankle is not None
    by_rule = {(m.rule_id, m.id): m for m in ankle.missing}
    sprain = by_rule[("ankle_stiff_after_sprain", "prior_ankle_sprain")]
    assert sprain.together_with in (("limited_ankle_dorsiflexion",), ("heels_rise_in_squat",))
    # knee_to_wall_cm is known (13 cm): rules needing it at or below 10 cm are not missing
    assert all(m.id != "knee_to_wall_cm" for m in ankle.missing)


def test_ruled_out_when_only_opposing_evidence_fired(engine: hamtriage.Engine) -> None:
    explanation = engine.explain(_example("toe_touch_runner"))
    ankle = explanation.hypothesis("ankle_joint_restriction")
    assert ankle is not None
    assert ankle.status == "ruled_out"
    assert [e.rule_id for e in ankle.opposing] == ["knee_to_wall_normal"]
    assert ankle.supporting == ()
    assert ankle.confidence == 0.0


def test_untested_when_support_is_too_weak_and_nothing_argues_against(
    engine: hamtriage.Engine,
) -> None:
    explanation = engine.explain({"symptoms": ["knee_pain"]})
    h = explanation.hypothesis("inner_hamstring_weakness")
    assert h is not None
    assert h.status == "untested"
    assert h.confidence == pytest.approx(0.2)
    assert engine.triage({"symptoms": ["knee_pain"]}).hypotheses == ()


def test_only_hypotheses_the_report_touches_are_listed(engine: hamtriage.Engine) -> None:
    explanation = engine.explain({"symptoms": ["anterior_ankle_pinch"]})
    assert [h.id for h in explanation.hypotheses] == ["anterior_ankle_impingement"]
    assert engine.explain({}).hypotheses == ()


def test_ordering_is_ruled_in_then_ruled_out_then_untested(engine: hamtriage.Engine) -> None:
    for name in ("hinge_spasms", "ankle_after_sprain", "toe_touch_runner"):
        statuses = [h.status for h in engine.explain(_example(name)).hypotheses]
        rank = {"ruled_in": 0, "ruled_out": 1, "untested": 2}
        assert statuses == sorted(statuses, key=rank.__getitem__), name


def test_ruled_in_matches_the_triage_result(engine: hamtriage.Engine) -> None:
    for name in ("hinge_spasms", "ankle_after_sprain", "toe_touch_runner"):
        report = _example(name)
        result = engine.triage(report)
        explained = engine.explain(report)
        assert [h.id for h in explained.hypotheses if h.status == "ruled_in"] == [
            h.id for h in result.hypotheses
        ]
        assert explained.level == result.level


def test_renderings_are_plain_language(engine: hamtriage.Engine) -> None:
    explanation = engine.explain(_example("toe_touch_runner"))
    text = render_explanation_text(explanation)
    assert "Ankle joint restriction after sprain (ankle_joint_restriction): RULED OUT" in text
    assert "Evidence against:" in text
    assert "Missing evidence:" in text
    assert "Knee-to-wall distance is 13 cm" in text
    assert explanation.disclaimer in text
    md = render_explanation_markdown(explanation)
    assert "### Ankle joint restriction after sprain (`ankle_joint_restriction`): ruled out" in md
    assert "**Missing evidence**" in md
    assert explanation.to_text() == text
    assert explanation.to_markdown() == md


def test_explanation_round_trips_as_json(engine: hamtriage.Engine) -> None:
    explanation = engine.explain(_example("ankle_after_sprain"))
    again = Explanation.model_validate_json(explanation.model_dump_json())
    assert again == explanation


def test_a_bad_report_raises_report_error(engine: hamtriage.Engine) -> None:
    with pytest.raises(hamtriage.ReportError, match="low_back_spasms"):
        engine.explain({"symptoms": ["low_back_spasm"]})


def test_missing_side_age_and_sex_read_as_plain_conditions(engine: hamtriage.Engine) -> None:
    explanation = engine.explain(
        {"measurements": {"knee_to_wall_cm": 7}, "history": ["prior_ankle_sprain"]}
    )
    ankle = next(h for h in explanation.hypotheses if h.id == "ankle_joint_restriction")
    sides = next(m for m in ankle.missing if m.rule_id == "knee_to_wall_one_sided")
    assert sides.condition == "if the sides differ by more than 1.9 cm"
    assert sides.text.startswith(
        "Knee-to-wall distance (knee_to_wall_cm) was not measured on both sides; "
        "if the sides differ by more than 1.9 cm it would support Ankle joint restriction after sprain"
    )
    toe = engine.explain({"measurements": {"active_knee_extension_deficit_deg": 30}})
    extensibility = next(h for h in toe.hypotheses if h.id == "limited_hamstring_extensibility")
    by_sex = [m for m in extensibility.missing if m.kind == "sex"]
    assert by_sex
    assert all(m.condition == "if female" for m in by_sex)
