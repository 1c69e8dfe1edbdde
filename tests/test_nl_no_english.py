"""No English sentence of the library's catalog in Dutch output: triage, explanation,
interview and re-test (with its explanation), in text and Markdown, for several reports.

The English side of ``hamtriage/_catalog/en.json`` is the list of sentences to look for:
each text's literal pieces between placeholders, when they have three words or more and
the Dutch catalog does not say the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hamtriage import Engine
from hamtriage.catalog import messages
from hamtriage.engine import compiled_state
from hamtriage.flows.render import render, render_interview
from hamtriage.flows.retest_explain import (
    explain_retest_result,
    render_retest_markdown,
    render_retest_text,
)
from tests.support.reports import make_reports

ROOT = Path(__file__).resolve().parent.parent
BEFORE = json.loads((ROOT / "examples" / "retest" / "before.json").read_text(encoding="utf-8"))
AFTER = json.loads((ROOT / "examples" / "retest" / "after.json").read_text(encoding="utf-8"))
OPENER = "inner_hamstring_opener"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def english_sentences() -> list[str]:
    """The catalog's English pieces of three words or more that Dutch does not share."""
    en, nl = messages("en"), messages("nl")
    out: set[str] = set()
    for key, text in en.items():
        dutch = nl.get(key, "")
        for piece in _PLACEHOLDER.split(text):
            piece = piece.strip(" :;,.()")
            if len(re.findall(r"[A-Za-z]+", piece)) >= 3 and piece not in dutch:
                out.add(piece)
    return sorted(out)


def test_the_sentence_list_is_not_empty() -> None:
    found = english_sentences()
    assert len(found) > 40
    assert "within the measurement error, no real change" in found


def _reports(engine: Engine) -> list[dict[str, Any]]:
    drawn = make_reports(engine.pack, 6, seed=18, max_facts=8)
    back = {"symptoms": ["low_back_spasms"], "activities": ["deadlift"]}
    leg = {"symptoms": ["one_sided_calf_swelling"], "age": 51}
    return [BEFORE, AFTER, back, leg, *drawn]


def _dutch_output(engine: Engine) -> list[str]:
    out: list[str] = []
    for report in _reports(engine):
        result = engine.triage(report, lang="nl")
        out += [render(result, "text"), render(result, "markdown")]
        explanation = engine.explain(report, lang="nl")
        out += [render(explanation, "text"), render(explanation, "markdown")]
        interview = engine.next_questions(report, limit=8, lang="nl")
        out += [render_interview(interview, "text"), render_interview(interview, "markdown")]
    for intervention in (OPENER, None):
        retested = engine.retest(BEFORE, AFTER, intervention=intervention, lang="nl")
        out += [
            render_retest_text(retested, engine.pack),
            render_retest_markdown(retested, engine.pack),
        ]
        explained = explain_retest_result(compiled_state(engine), retested, AFTER)
        out += [explained.to_text(), explained.to_markdown()]
    return out


@pytest.fixture(scope="module")
def dutch() -> list[str]:
    return _dutch_output(Engine.default())


def test_dutch_output_has_no_english_sentence_of_the_catalog(dutch: list[str]) -> None:
    sentences = english_sentences()
    leaks = sorted({s for text in dutch for s in sentences if s in text})
    assert leaks == []


def test_the_dutch_re_test_speaks_dutch(dutch: list[str]) -> None:
    joined = "\n".join(dutch)
    # the example re-test has real changes, so both words must be there
    assert "Wat er veranderde" in joined
    assert "groter dan de meetfout" in joined or "binnen de meetfout" in joined
    assert "Hertest na " in joined


def test_regions_are_named_in_dutch() -> None:
    engine = Engine.default()
    shown = []
    for report in ({"symptoms": ["one_sided_calf_swelling"]}, {"symptoms": ["low_back_spasms"]}):
        interview = engine.next_questions(report, limit=30, lang="nl")
        shown += [q.why for q in interview.questions]
    regions = set(re.findall(r"Check op alarmsignalen \(([^)]*)\)", "\n".join(shown)))
    assert {"onderbeen", "onderrug"} <= regions
    assert not regions & {"lower leg", "low back", "lower_leg", "low_back"}


def test_the_english_re_test_is_unchanged_in_words() -> None:
    engine = Engine.default()
    result = engine.retest(BEFORE, AFTER, intervention=OPENER)
    text = render_retest_text(result, engine.pack)
    assert "What changed" in text
    assert "Re-test after " in text
    assert "larger than the measurement error" in text or "no real change" in text


def test_ask_takes_the_answer_words_and_problems_from_the_catalog() -> None:
    from hamtriage._commands.ask import apply_answer

    engine = Engine.default()
    question = next(
        q
        for q in engine.next_questions({"symptoms": ["low_back_spasms"]}, lang="nl").questions
        if q.kind == "symptom"
    )
    report: dict[str, Any] = {}
    assert apply_answer(report, question, "J", "nl") is None
    assert report["symptoms"] == [question.id]
    assert apply_answer(report, question, "misschien", "nl") == messages("nl")["ask.yes_or_no"]
    assert apply_answer(report, question, "misschien") == messages("en")["ask.yes_or_no"]
