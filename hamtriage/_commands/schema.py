"""``hamtriage schema``: JSON Schema of the report, the result and the rule file format."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["SCHEMA_FILES", "add_parser", "run", "schemas"]

SCHEMA_FILES = {
    "report": "report.schema.json",
    "result": "result.schema.json",
    "rules": "rule-file.schema.json",
}
"""The committed schema files under ``schemas/``, by name."""

_TITLES = {
    "report": "hamtriage report (the input of a triage)",
    "result": "hamtriage triage result",
    "rules": "hamtriage rule file (one YAML file of a rule pack)",
}


def schemas() -> dict[str, dict[str, Any]]:
    """The three JSON Schemas (draft 2020-12), keyed ``report``, ``result``, ``rules``."""
    from ..report import Report
    from ..results import TriageResult
    from ..rules.schema import RuleFile

    out: dict[str, dict[str, Any]] = {}
    bodies = {
        "report": Report.model_json_schema(mode="validation"),
        "result": TriageResult.model_json_schema(mode="serialization"),
        "rules": RuleFile.model_json_schema(mode="validation"),
    }
    for name, body in bodies.items():
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://hamtriage.invalid/schemas/{SCHEMA_FILES[name]}",
            **body,
            "title": _TITLES[name],
        }
    return out


def render(name: str | None = None) -> str:
    """One schema (or all three in one document) as indented JSON with a final newline."""
    data: Any = schemas() if name is None else schemas()[name]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="print JSON Schema of the report, the result or the rule file format",
        description=(
            "Print the JSON Schema of the report, the result or the rule file format "
            "(for editors to validate and complete rule files). With no argument, one "
            "JSON document holding all three."
        ),
    )
    p.add_argument("name", nargs="?", choices=tuple(SCHEMA_FILES), help="which schema")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(render(args.name), end="")
    return 0
