"""The JSON Schemas: committed files are current, and they accept what the library accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hamtriage
from hamtriage._commands.schema import SCHEMA_FILES, render, schemas

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_files_are_current(name: str) -> None:
    committed = (SCHEMAS / SCHEMA_FILES[name]).read_text(encoding="utf-8")
    assert committed == render(name), (
        f"schemas/{SCHEMA_FILES[name]} is out of date: regenerate it with "
        f"`hamtriage schema {name} > schemas/{SCHEMA_FILES[name]}`"
    )


def test_the_combined_document_holds_all_three() -> None:
    combined = json.loads(render())
    assert sorted(combined) == ["report", "result", "rules"]
    assert combined == schemas()
    for name, schema in combined.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(SCHEMA_FILES[name])


def test_schemas_describe_the_contracts() -> None:
    s = schemas()
    report = s["report"]
    assert report["additionalProperties"] is False
    assert set(report["properties"]) == set(hamtriage.Report.model_fields)
    assert set(s["result"]["required"]) >= {"level", "pack"}
    rules = s["rules"]
    assert {"pack", "rules", "symptoms", "measurements"} <= set(rules["properties"])
    assert "Rule" in rules["$defs"]
    assert rules["$defs"]["Rule"]["properties"]["id"]["pattern"] == "^[a-z][a-z0-9_]*$"
