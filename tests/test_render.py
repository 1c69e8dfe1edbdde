"""Every renderer in one place (hamtriage.flows.render) and the one --format switch."""

from __future__ import annotations

import json

import pytest

import hamtriage
from hamtriage.cli import main
from hamtriage.flows.render import (
    FORMATS,
    render,
    render_explanation_text,
    render_interview,
    render_issues,
)

REPORT = {"symptoms": ["low_back_spasms", "saddle_numbness"], "activities": ["deadlift"]}


def test_render_switches_on_the_format_for_results_and_explanations() -> None:
    engine = hamtriage.Engine.default()
    result = engine.triage(REPORT)
    explanation = engine.explain(REPORT)
    assert render(result) == hamtriage.render_text(result)
    assert render(result, "markdown") == hamtriage.render_markdown(result)
    assert hamtriage.TriageResult.model_validate_json(render(result, "json")) == result
    assert render(explanation) == render_explanation_text(explanation)
    assert json.loads(render(explanation, "json"))["level"] == "emergency"
    assert "## Why and why not" in render(explanation, "markdown")


def test_interview_and_issues_render_in_every_format() -> None:
    interview = hamtriage.Engine.default().next_questions({"symptoms": ["tight_calves"]})
    md = render_interview(interview, "markdown")
    assert md.startswith("## Next questions")
    assert "red-flag screen" in md
    assert json.loads(render_interview(interview, "json"))["questions"]
    issue = hamtriage.RuleIssue.at(("a.yaml", 2, 3), "bad | thing", code="x")
    assert render_issues([issue], "p", "text").splitlines() == [
        "a.yaml:2:3: error: bad | thing",
        "1 error, 0 warnings in p",
    ]
    assert "| `a.yaml:2:3` | error | `x` | bad / thing |" in render_issues([issue], "p", "markdown")
    assert json.loads(render_issues([issue], "p", "json"))[0]["line"] == 2


@pytest.mark.parametrize("command", ["triage", "explain", "ask", "lint", "vocab"])
def test_every_command_offers_the_same_formats(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    assert "--format {" + ",".join(FORMATS) + "}" in capsys.readouterr().out
