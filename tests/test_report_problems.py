"""Reports as a web back end meets them: every problem at once, as data, never pydantic's
own error from the model; invisible characters refused; folded ids noted."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

import hamtriage
from hamtriage import Engine, HamtriageError, Report, ReportError, SidedValue
from hamtriage.errors import ReportProblem
from tests.support.packs import ONE_RULE, tiny_pack


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.from_path(tiny_pack(tmp_path_factory.mktemp("pack"), ONE_RULE))


def test_validate_returns_the_normalised_report(engine: Engine) -> None:
    report = engine.validate(
        {"symptoms": ["AA Thing"], "activities": ["Lifting"], "measurements": {"K test": 7}}
    )
    assert isinstance(report, Report)
    assert report.symptoms == ("a",)
    assert report.activities == ("lift",)
    assert report.measurements == {"k": 7.0}
    assert report.notes == ()
    assert engine.triage(report) == engine.triage({"symptoms": ["a"], "measurements": {"k": 7}})


def test_validate_reports_every_problem_at_once(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.validate(
            {
                "symptoms": ["aa", "lift"],
                "activities": ["a"],
                "measurements": {"k": 25, "w": {"left": 1}},
            }
        )
    error = info.value
    assert [p.field for p in error.problems] == [
        "symptoms[0]",
        "symptoms[1]",
        "activities[0]",
        "measurements.k",
        "measurements.w",
    ]
    assert error.problems[0] == ReportProblem(
        "symptoms[0]", "unknown symptom or history 'aa'", ("a",)
    )
    # the first problem is the error's own field, message and suggestions, as before
    assert (error.field, error.suggestions) == ("symptoms[0]", ("a",))
    assert str(error).endswith("(did you mean 'a'?) (and 4 more problems)")
    assert error.value == "aa"


def test_shape_problems_are_all_listed_too(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.validate({"symptoms": [1, "a", 2], "age": 300, "colour": "red"})
    assert [p.field for p in info.value.problems] == [
        "symptoms[0]",
        "symptoms[2]",
        "age",
        "colour",
    ]
    assert "unknown key" in info.value.problems[3].message


def test_error_and_problems_survive_pickling(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.validate({"symptoms": ["aa", "b", "bb"]})
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is ReportError
    assert copy.problems == info.value.problems
    assert (copy.field, copy.message, copy.suggestions, copy.value) == (
        info.value.field,
        info.value.message,
        info.value.suggestions,
        info.value.value,
    )
    assert str(copy) == str(info.value)
    problem = pickle.loads(pickle.dumps(info.value.problems[0]))
    assert problem == info.value.problems[0]
    with pytest.raises(AttributeError):
        problem.field = "x"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Report(symptoms=[1]), "symptoms[0]"),  # type: ignore[list-item]
        (lambda: Report(symptoms="a"), "symptoms"),
        (lambda: Report(age=-1), "age"),
        (lambda: SidedValue(), ""),
        (lambda: SidedValue(left="x"), "left"),  # type: ignore[arg-type]
    ],
)
def test_building_the_models_in_code_raises_report_error(build: object, field: str) -> None:
    with pytest.raises(ReportError) as info:
        build()  # type: ignore[operator]
    assert isinstance(info.value, HamtriageError)
    assert info.value.field == field


def test_model_validate_still_raises_pydantic_errors_for_web_frameworks() -> None:
    with pytest.raises(ValidationError):
        Report.model_validate({"symptoms": [1]})
    assert Report.model_validate({"symptoms": ["a"]}).symptoms == ("a",)


def test_model_construct_garbage_is_a_report_error(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.triage(Report.model_construct(symptoms=5))
    assert info.value.field == "symptoms"
    with pytest.raises(ReportError):
        engine.validate(Report.model_construct(measurements={"k": "deep"}))


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ("a\x00", "U+0000"),
        ("a\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\ufeffa", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("a\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("aa\nthing", "U+000A"),
    ],
)
def test_invisible_and_control_characters_are_refused_where_they_are(
    engine: Engine, text: str, char: str
) -> None:
    with pytest.raises(ReportError) as info:
        engine.triage({"activities": ["lift"], "absent": ["b", text]})
    assert info.value.field == "absent[1]"
    assert char in info.value.message
    with pytest.raises(ReportError) as measured:
        engine.triage({"measurements": {f"k{text}": 5}})
    assert measured.value.field.startswith("measurements.k")
    assert char in measured.value.message


def test_an_id_read_after_folding_says_so(engine: Engine) -> None:
    report = engine.validate({"symptoms": ["ａ"], "measurements": {"ｋ": 5}})
    assert report.symptoms == ("a",)
    assert report.measurements == {"k": 5.0}
    assert report.notes == (
        "symptoms[0]: 'ａ' was read as 'a' (fullwidth or other compatibility characters folded)",
        "measurements.ｋ: 'ｋ' was read as 'k' (fullwidth or other compatibility characters folded)",
    )
    assert engine.normalize({"symptoms": ["ａ"]}).notes == report.notes[:1]


def test_bundled_fullwidth_id_is_read_whole_not_by_its_ascii_tail() -> None:
    engine = Engine.default()
    report = engine.validate({"symptoms": ["ｌｏｗ_back_spasms"]})
    assert report.symptoms == ("low_back_spasms",)
    assert len(report.notes) == 1
    assert "'ｌｏｗ_back_spasms' was read as 'low_back_spasms'" in report.notes[0]


def test_suspected_ids_are_checked_and_reported_with_the_other_problems(engine: Engine) -> None:
    with pytest.raises(ReportError) as info:
        engine.validate(
            {"symptoms": ["aa"], "absent": ["b"], "suspected": ["AA Thing", "b", "zzz", "lift"]}
        )
    problems = info.value.problems
    assert [p.field for p in problems] == [
        "symptoms[0]",
        "suspected[2]",
        "suspected[3]",
        "suspected",
    ]
    assert "unknown symptom or history 'zzz'" in problems[1].message
    assert "'lift' is an activity" in problems[2].message
    assert "both suspected and absent" in problems[3].message
    report = engine.validate({"suspected": ["AA Thing", "ｂ"]})
    assert report.suspected == ("a", "b")
    assert report.notes == (
        "suspected[1]: 'ｂ' was read as 'b' (fullwidth or other compatibility characters folded)",
    )


def test_a_batch_error_places_every_problem_at_its_report(engine: Engine) -> None:
    results = engine.triage_many(
        [{"symptoms": ["a"]}, {"symptoms": ["aa"], "suspected": ["zzz"]}], on_error="return"
    )
    error = results[1]
    assert isinstance(error, hamtriage.BatchReportError)
    assert [p.field for p in error.problems] == [
        "reports[1].symptoms[0]",
        "reports[1].suspected[0]",
    ]
    assert error.field == "reports[1].symptoms[0]"
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.index, again.problems) == (type(error), 1, error.problems)


def test_the_printable_fast_path_skips_no_invisible_character() -> None:
    # hamtriage._report_check.invisible returns early for printable text: exact only if
    # no printable character is of a refused category, on this Python's Unicode tables
    import sys
    import unicodedata

    from hamtriage._report_check import _INVISIBLE, invisible

    leaks = [
        c
        for c in range(sys.maxunicode + 1)
        if chr(c).isprintable() and unicodedata.category(chr(c)) in _INVISIBLE
    ]
    assert leaks == []
    assert invisible("tight calves") is None
    assert invisible("tight\u2028calves") == (5, "U+2028 LINE SEPARATOR")
