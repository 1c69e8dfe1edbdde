"""Results in Dutch: the same triage as in English in everything but text, and the text is
the pack's translation (no English left where the pack translates it)."""

from __future__ import annotations

from typing import Any

import pytest

import hamtriage
from hamtriage import Engine, LanguageError, ReportError
from hamtriage.catalog import message
from hamtriage.flows.translate import localize
from hamtriage.results import TriageResult
from tests.support.packs import MINIMAL_PACK
from tests.support.reports import make_reports

# every field of a result that is text (the rest must not change with the language)
TEXT_FIELDS = {
    "label",
    "reason",
    "instructions",
    "dosage",
    "title",
    "question",
    "disclaimer",
    "lang",
}


def without_text(value: Any) -> Any:
    """The result as plain data with every text field blanked."""
    if isinstance(value, dict):
        return {k: ("<text>" if k in TEXT_FIELDS else without_text(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [without_text(v) for v in value]
    return value


def texts(result: TriageResult) -> list[tuple[str, str]]:
    """(where, text) of every pack text of a result."""
    out: list[tuple[str, str]] = [(f"hypothesis {h.id}", h.label) for h in result.hypotheses]
    for r in result.recommendations:
        out += [(f"recommendation {r.id}", t) for t in (r.label, r.instructions, r.reason) if t]
        out += [(f"variant {r.id}.{v.id}", v.label) for v in r.variants]
    for b in result.blocked_exercises:
        out += [(f"blocked {b.id}", b.label), (f"blocked {b.id}", b.reason)]
    for f in result.red_flags:
        out += [(f"red flag {f.id}", f.label), (f"red flag {f.id}", f.reason)]
    for t in result.trace:
        out.append((f"rule {t.rule_id}", t.title))
    for s in (*result.to_confirm, *result.unscreened):
        out += [(f"screen {s.id}", s.label), (f"screen {s.id}", s.question)]
    return out


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def test_a_dutch_triage_equals_the_english_one_but_for_its_text(engine: Engine) -> None:
    reports = make_reports(engine.pack, 400, seed=18)
    reports += [
        {"symptoms": ["low_back_spasms", "saddle_numbness"], "activities": ["deadlift"]},
        {"symptoms": ["tight_hamstrings"], "activities": ["deadlift"], "age": 15},
    ]
    translated = 0
    # a few Dutch texts are the English words ("Box jumps"): those are in the Dutch file too
    same_in_dutch = set(engine.pack.translations["nl"].texts.values())
    for report in reports:
        en = engine.triage(report)
        nl = engine.triage(report, lang="nl")
        assert nl.lang == "nl"
        assert en.lang == "en"
        assert without_text(nl.model_dump(mode="json")) == without_text(en.model_dump(mode="json"))
        assert nl.disclaimer == message("nl", "disclaimer")
        # the bundled pack translates every text: none is left English
        for (where, dutch), (_, english) in zip(texts(nl), texts(en), strict=True):
            assert dutch != english or english in same_in_dutch, (where, english)
            translated += 1
    assert translated > 2000


def test_the_english_rebuild_of_composite_texts_is_exact(engine: Engine) -> None:
    """localize() rebuilds a referral's reason from its rules; rebuilt in English it must be
    the assembler's text exactly (else Dutch would silently stay English)."""
    from hamtriage.flows.translate import _Texts

    en_texts = _Texts(engine.pack, "en")
    checked = 0
    for report in make_reports(engine.pack, 400, seed=7):
        result = engine.triage(report)
        for rec in result.recommendations:
            if rec.kind == "referral" and rec.reason is not None:
                assert en_texts.reason(rec, result) == rec.reason
                checked += 1
        for flag in result.red_flags:
            assert en_texts.escalation(flag.id) == flag.reason
    assert checked > 20


def test_triage_many_and_the_convenience_function_take_lang(engine: Engine) -> None:
    reports = make_reports(engine.pack, 20, seed=3)
    one_by_one = [engine.triage(r, lang="nl") for r in reports]
    assert engine.triage_many(reports, lang="nl") == one_by_one
    assert hamtriage.triage(reports[0], lang="nl") == one_by_one[0]
    bad = [*reports[:2], {"symptoms": ["nope_not_a_symptom"]}]
    got = engine.triage_many(bad, lang="nl", on_error="return")
    assert got[:2] == one_by_one[:2]
    assert isinstance(got[2], ReportError)


@pytest.mark.parametrize(
    ("lang", "message_part", "suggestions"),
    [
        ("NL", "unknown language 'NL'", ("nl",)),
        ("Dutch", "unknown language 'Dutch'", ("nl",)),
        ("nl_BE", "unknown language 'nl_BE'", ("nl",)),
        ("fr", "has no 'fr' translation (its languages: en, nl)", ()),
        (None, "unknown language None", ()),
    ],
)
def test_an_unknown_language_is_a_clear_error(
    engine: Engine, lang: Any, message_part: str, suggestions: tuple[str, ...]
) -> None:
    for call in (
        lambda: engine.triage({"symptoms": ["low_back_spasms"]}, lang=lang),
        lambda: engine.triage_many([{"symptoms": ["low_back_spasms"]}], lang=lang),
        lambda: engine.explain({"symptoms": ["low_back_spasms"]}, lang=lang),
        lambda: engine.next_questions({"symptoms": ["low_back_spasms"]}, lang=lang),
    ):
        with pytest.raises(LanguageError) as caught:
            call()
        assert message_part in str(caught.value)
        assert caught.value.field == "lang"
        assert caught.value.suggestions == suggestions
        assert isinstance(caught.value, ReportError)  # a 422 for a web back end


def test_a_language_the_pack_lacks_lists_the_packs_languages() -> None:
    rules = {"pack.yaml": MINIMAL_PACK}
    engine = Engine.from_texts(rules)
    with pytest.raises(LanguageError) as caught:
        engine.triage({"symptoms": ["a"]}, lang="nl")
    assert "has no 'nl' translation (its languages: en)" in str(caught.value)
    assert caught.value.available == ("en",)


def test_texts_missing_in_a_translation_fall_back_to_english() -> None:
    nl = "lang: nl\nlanguage: Nederlands\nitems:\n  h1: {label: H een}\n"
    rules = """
rules:
  - id: r1
    title: A means H one
    evidence: research
    source: [S1]
    when: {symptom: a}
    then: [{support: h1, certainty: 0.7}, {support: h2, certainty: 0.5}, {recommend: edu1}]
"""
    engine = Engine.from_texts({"pack.yaml": MINIMAL_PACK, "rules.yaml": rules, "i18n/nl.yaml": nl})
    result = engine.triage({"symptoms": ["a"]}, lang="nl")
    assert [h.label for h in result.hypotheses] == ["H een", "H two"]
    assert result.trace[0].title == "A means H one"
    assert result.recommendations[0].label == "Education one"
    assert result.disclaimer == message("nl", "disclaimer")


def test_localize_translates_english_results_only(engine: Engine) -> None:
    nl = engine.triage({"symptoms": ["low_back_spasms"]}, lang="nl")
    assert localize(nl, engine.pack, "nl") is nl
    with pytest.raises(hamtriage.HamtriageError):
        localize(nl, engine.pack, "en")


def test_explanations_and_questions_carry_lang_and_dutch_texts(engine: Engine) -> None:
    report = {"symptoms": ["tight_calves"]}
    nl = engine.explain(report, lang="nl")
    en = engine.explain(report)
    assert (nl.lang, en.lang) == ("nl", "en")
    assert [(h.id, h.status, h.confidence) for h in nl.hypotheses] == [
        (h.id, h.status, h.confidence) for h in en.hypotheses
    ]
    calf = nl.hypothesis("calf_tightness")
    assert calf is not None
    assert calf.label == engine.pack.translations["nl"].item("calf_tightness", "label")
    assert "Waarom wel en waarom niet" in nl.to_text()
    asked_nl = engine.next_questions(report, lang="nl")
    asked_en = engine.next_questions(report)
    assert [q.id for q in asked_nl.questions] == [q.id for q in asked_en.questions]
    assert asked_nl.should_stop == asked_en.should_stop
    for q in asked_nl.questions:
        assert q.text != next(e.text for e in asked_en.questions if e.id == q.id)
    assert asked_nl.lang == "nl"
    assert "Vraag verder" in asked_nl.to_text() or "Stop:" in asked_nl.to_text()


def test_retest_in_dutch_equals_english_but_for_text(engine: Engine) -> None:
    before = {
        "measurements": {"fingertip_to_floor_cm": 12, "knee_to_wall_cm": {"left": 6, "right": 8}}
    }
    after = {
        "measurements": {"fingertip_to_floor_cm": 5, "knee_to_wall_cm": {"left": 9, "right": 8.5}}
    }
    en = engine.retest(before, after, intervention="inner_hamstring_opener")
    nl = engine.retest(before, after, intervention="inner_hamstring_opener", lang="nl")
    assert nl.changes == en.changes
    assert nl.after.lang == "nl"
    assert without_text(nl.model_dump(mode="json")) == without_text(en.model_dump(mode="json"))
