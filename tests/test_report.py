"""Report validation: every bad input is a ReportError naming the field, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamtriage import Engine, Report, ReportError, SidedValue
from tests.support.packs import ONE_RULE, tiny_pack


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.from_path(tiny_pack(tmp_path_factory.mktemp("pack"), ONE_RULE))


@pytest.mark.parametrize(
    ("report", "field", "message"),
    [
        ({"symptoms": ["aa"]}, "symptoms[0]", "unknown symptom or history 'aa'"),
        ({"symptoms": ["lift"]}, "symptoms[0]", "'lift' is an activity, not a symptom or history"),
        ({"symptoms": ["a", "aa thing"]}, "symptoms[1]", "'aa thing' is listed twice (as 'a')"),
        ({"symptoms": ["a"], "absent": ["a"]}, "absent", "'a' is reported both present and absent"),
        ({"activities": ["a"]}, "activities[0]", "'a' is a symptom, not an activity"),
        (
            {"measurements": {"k": 25}},
            "measurements.k",
            "25 cm is outside the valid range of k [0, 20] cm",
        ),
        (
            {"measurements": {"k": {"left": -1}}},
            "measurements.k.left",
            "-1 cm is outside the valid range",
        ),
        (
            {"measurements": {"w": {"left": 1, "right": 2}}},
            "measurements.w",
            "w is not a sided test",
        ),
        ({"measurements": {"kk": 5}}, "measurements.kk", "unknown measurement 'kk'"),
        ({"measurements": {"k": float("nan")}}, "measurements.k", "finite number"),
        ({"measurements": {"k": float("inf")}}, "measurements.k", "finite number"),
        ({"measurements": {"k": "5"}}, "measurements.k", "valid number"),
        ({"measurements": {"k": True}}, "measurements.k", "valid number"),
        ({"measurements": {"k": {}}}, "measurements.k", "give at least one of left, right"),
        ({"measurements": {"k": {"left": 1, "top": 2}}}, "measurements.k.top", "unknown key"),
        ({"symptoms": "a"}, "symptoms", 'expected a list of ids, e.g. ["tight_calves"]'),
        ({"history": {"x": 1}}, "history", "expected a list of ids"),
        ({"symptoms": [["a"]]}, "symptoms[0]", "valid string"),
        ({"symptoms": ["x" * 121]}, "symptoms[0]", "at most 120 characters"),
        ({"symptoms": ["a"] * 101}, "symptoms", "at most 100 symptoms"),
        ({"age": 130}, "age", "less than or equal to 120"),
        ({"age": 52.5}, "age", "valid integer"),
        ({"sex": "x"}, "sex", "'female' or 'male'"),
        ({"symptom": ["a"]}, "symptom", "unknown key (allowed: symptoms, absent, measurements"),
    ],
)
def test_bad_reports_name_the_field(
    engine: Engine, report: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ReportError) as info:
        engine.triage(report)
    assert info.value.field == field
    assert message in str(info.value)


def test_unknown_id_offers_close_ids(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.triage({"measurements": {"kk": 5}})
    assert info.value.suggestions == ("k",)
    assert str(info.value) == "measurements.kk: unknown measurement 'kk' (did you mean 'k'?)"


def test_synonyms_and_labels_normalise_to_ids(engine: Engine) -> None:
    facts = engine.normalize(
        {"symptoms": ["AA Thing"], "activities": ["Lifting"], "measurements": {"K test": 7}}
    )
    assert facts.present == {"a"}
    assert facts.activities == {"lift"}
    assert facts.measurements == {"k": 7.0}


def test_sided_values_worse_side_and_single_side(engine: Engine) -> None:
    facts = engine.normalize(Report(measurements={"k": SidedValue(left=8.0, right=12.0)}))
    assert facts.measurements == {"k": 8.0}
    assert facts.sides == {"k": (8.0, 12.0)}
    assert facts.asymmetries == {"k": 4.0}
    one = engine.normalize({"measurements": {"k": {"right": 9}}})
    assert one.measurements == {"k": 9.0}
    assert one.asymmetries == {}


def test_non_mapping_report_is_refused(engine: Engine) -> None:
    with pytest.raises(ReportError, match="a report must be a mapping or a Report, not list"):
        engine.triage(["a"])  # type: ignore[arg-type]


def test_report_is_frozen_and_rejects_unknown_keys() -> None:
    report = Report(symptoms=("a",))
    with pytest.raises(Exception, match="frozen"):
        report.age = 3
    assert Report.model_validate_json('{"symptoms": ["a"], "age": 40}').age == 40


def test_tiny_pack_fixture_is_independent(tmp_path: Path) -> None:
    # a second engine over another copy answers the same: no shared state between engines
    other = Engine.from_path(tiny_pack(tmp_path, ONE_RULE))
    assert other.triage({"symptoms": ["a"]}).fired_rules == ("r_a",)
    other.close()


def test_id_lists_are_stored_as_tuples_from_any_list_like(engine: Engine) -> None:
    listed = engine.triage({"symptoms": ["a"], "activities": ["lift"]})
    assert Report.model_validate({"symptoms": ["a", "b"]}).symptoms == ("a", "b")
    assert Report.model_validate({"symptoms": ("a",)}).symptoms == ("a",)
    assert Report.model_validate({"symptoms": {"a"}}).symptoms == ("a",)
    assert engine.triage({"symptoms": {"a"}, "activities": ("lift",)}) == listed
    with pytest.raises(ReportError) as info:
        engine.triage({"symptoms": b"a"})
    assert info.value.field == "symptoms"
    assert "expected a list of ids" in str(info.value)
