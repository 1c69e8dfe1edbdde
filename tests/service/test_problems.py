"""Problem details in-process: the mapping of ReportError and validation errors."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")

from hamtriage import ReportError
from hamtriage.errors import ReportProblem
from hamtriage.service.problems import (
    ProblemItem,
    field_path,
    parse_json,
    report_error_items,
    validation_items,
)


def test_report_error_with_field_and_suggestions() -> None:
    exc = ReportError("unknown symptom 'x'", field="symptoms[0]", suggestions=("xx",))
    assert report_error_items(exc) == [
        ProblemItem(field="symptoms[0]", message="unknown symptom 'x'", suggestions=["xx"])
    ]


def test_report_error_with_every_problem() -> None:
    exc = ReportError.of(
        [
            ReportProblem("symptoms[0]", "unknown symptom 'a'", ("b",)),
            ReportProblem("age", "too old"),
        ]
    )
    assert [(i.field, i.message, i.suggestions) for i in report_error_items(exc)] == [
        ("symptoms[0]", "unknown symptom 'a'", ["b"]),
        ("age", "too old", []),
    ]


def test_field_paths_and_unknown_keys() -> None:
    assert field_path(("body", "symptoms", 0)) == "symptoms[0]"
    assert field_path(("body", "reports", 3, "age")) == "reports[3].age"
    assert field_path(("query", "limit")) == "query.limit"
    items = validation_items(
        [{"loc": ("body", "symtoms"), "msg": "Extra inputs", "type": "extra_forbidden"}],
        {"": ["symptoms", "absent"]},
    )
    assert items == [
        ProblemItem(field="symtoms", message="unknown key 'symtoms'", suggestions=["symptoms"])
    ]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "empty"),
        (b"{", "not valid JSON"),
        (b"\xff", "not UTF-8"),
        (b"[" * 33 + b"]" * 33, "deeper than 32"),
        (b"[" * 5000 + b"]" * 5000, "deeper than 32"),
    ],
)
def test_parse_json_refusals(body: bytes, why: str) -> None:
    value, reason = parse_json(body, 32)
    assert value is None
    assert reason is not None
    assert why in reason


def test_parse_json_accepts_depth_32() -> None:
    value, reason = parse_json(b"[" * 32 + b"]" * 32, 32)
    assert reason is None
    assert value is not None
