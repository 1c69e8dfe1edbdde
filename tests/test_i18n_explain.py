"""Explanations and interviews in Dutch: the same findings as in English, in Dutch words;
the catalog's English sentences are exactly those of the English code path."""

from __future__ import annotations

import pytest

from hamtriage import Engine
from hamtriage.flows._phrasing import evidence_text, missing_text, summary_text, unknown_text
from hamtriage.rules.logic import dnf
from tests.support.reports import make_reports


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def test_the_catalogs_english_sentences_are_the_english_explanations(engine: Engine) -> None:
    pack = engine.pack
    rules = {r.id: r for r in pack.rules}
    checked = {"evidence": 0, "missing": 0, "summary": 0}
    for report in make_reports(pack, 150, seed=11):
        for h in engine.explain(report).hypotheses:
            counts = (len(h.supporting), len(h.opposing), len(h.missing))
            assert summary_text("en", h.status, h.confidence, h.likelihood, counts) == h.summary
            checked["summary"] += 1
            for e in (*h.supporting, *h.opposing):
                text = evidence_text(
                    "en",
                    pack,
                    e.facts,
                    e.title,
                    e.rule_id,
                    e.certainty,
                    ", ".join(e.source),
                    e.origin,
                )
                assert text == e.text
                checked["evidence"] += 1
            for m in h.missing:
                rule = rules[m.rule_id]
                targets = [pack.label(t) for t in rule.conclusions()[0]]
                others = [pack.label(o) for o in m.together_with]
                texts = set()
                for conj in dnf(rule.when):
                    for atom in conj:
                        if (atom.key[1] if len(atom.key) > 1 else atom.key[0]) != m.id:
                            continue
                        _, said, condition = unknown_text("en", atom, pack)
                        texts.add(
                            missing_text(
                                "en",
                                said,
                                condition,
                                others,
                                targets,
                                m.rule_id,
                                m.certainty,
                                ", ".join(m.source),
                                m.origin,
                            )
                        )
                assert m.text in texts
                checked["missing"] += 1
    assert min(checked.values()) > 50, checked


def test_a_dutch_explanation_has_the_english_findings_in_dutch(engine: Engine) -> None:
    for report in make_reports(engine.pack, 60, seed=5):
        en = engine.explain(report)
        nl = engine.explain(report, lang="nl")
        assert nl.lang == "nl"
        assert (nl.level, nl.red_flags, nl.pack) == (en.level, en.red_flags, en.pack)
        assert len(nl.hypotheses) == len(en.hypotheses)
        for d, e in zip(nl.hypotheses, en.hypotheses, strict=True):
            assert (d.id, d.status, d.confidence, d.likelihood) == (
                e.id,
                e.status,
                e.confidence,
                e.likelihood,
            )
            assert [(x.rule_id, x.certainty, x.facts) for x in d.supporting] == [
                (x.rule_id, x.certainty, x.facts) for x in e.supporting
            ]
            assert [(x.id, x.rule_id, x.together_with) for x in d.missing] == [
                (x.id, x.rule_id, x.together_with) for x in e.missing
            ]
            assert d.summary != e.summary
            assert "zekerheid" in d.summary
            for x in d.missing:
                assert "zou dit pleiten voor" in x.text


def test_dutch_numbers_in_explanations_use_a_decimal_comma(engine: Engine) -> None:
    why = engine.explain({"symptoms": ["tight_calves"]}, lang="nl")
    calf = why.hypothesis("calf_tightness")
    assert calf is not None
    assert calf.summary.startswith("Aannemelijk (mogelijk, zekerheid 0,45)")
    (missing,) = [m for m in calf.missing if m.id == "knee_to_wall_cm"]
    assert missing.condition == "op of onder 10 cm"
    label = engine.pack.translations["nl"].item("knee_to_wall_cm", "label")
    assert missing.text.startswith(f"{label} (knee_to_wall_cm) is niet gemeten; op of onder 10 cm")
    assert "zekerheid 0,45" in missing.text


def test_a_dutch_interview_asks_the_english_questions_in_dutch(engine: Engine) -> None:
    for report in make_reports(engine.pack, 25, seed=9):
        en = engine.next_questions(report, limit=5)
        nl = engine.next_questions(report, limit=5, lang="nl")
        assert (nl.should_stop, nl.level, nl.top_hypothesis, nl.remaining) == (
            en.should_stop,
            en.level,
            en.top_hypothesis,
            en.remaining,
        )
        assert [(q.id, q.kind, q.score, q.rules, q.red_flag) for q in nl.questions] == [
            (q.id, q.kind, q.score, q.rules, q.red_flag) for q in en.questions
        ]
        for q in nl.questions:
            assert "(regels " in q.why or "(alarmregel " in q.why, q.why
        if en.note is not None:
            assert nl.note is not None
            assert nl.note != en.note
    emergency = engine.next_questions({"symptoms": ["saddle_numbness"]}, lang="nl")
    assert (
        emergency.note == "Het niveau is spoed: stop met vragen en ga nu naar de spoedeisende hulp."
    )
