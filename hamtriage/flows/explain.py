"""Why and why-not explanations: each hypothesis ruled in, ruled out or untested.

For every hypothesis of the pack that a report touches, :func:`explain_report` lists
the evidence for it and against it (the rules that fired, with the facts they matched)
and the **missing evidence**: the conditions of supporting rules that did not fire
because the report does not say (a test not measured, a symptom not asked about).
Every item names its rule, the rule's sources and where the rule is written.

Statuses:

* ``ruled_in``: the hypothesis is listed in the triage result (confidence >= 0.3);
* ``ruled_out``: rules argued against it and it is not listed;
* ``untested``: not enough evidence either way (nothing fired, or support too weak).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..levels import EvidenceLevel, Likelihood
from ..report import Facts, Report
from ..results import MatchedFact, TriageResult
from ..rules.logic import Atom, FactKind, describe_tests, dnf
from ..rules.pack import RulePack
from ..rules.schema import Rule
from ..scoring import POSSIBLE, confidence
from ._evidence import atom_state, describe_fact, unknown_phrase
from ._explain_models import (
    EvidenceItem,
    Explanation,
    HypothesisExplanation,
    MissingEvidence,
    Status,
)
from ._phrasing import evidence_text, missing_text, summary_text
from ._phrasing import unknown_text as phrased_unknown
from .render import render_explanation_markdown, render_explanation_text

if TYPE_CHECKING:
    from ..runtime.run import Runner

__all__ = [
    "EvidenceItem",
    "Explanation",
    "HypothesisExplanation",
    "MissingEvidence",
    "Status",
    "atom_state",
    "build_explanation",
    "describe_fact",
    "describe_tests",
    "explain_report",
    "render_explanation_markdown",
    "render_explanation_text",
]


def _fact_ids(facts: Facts) -> set[str]:
    return set(facts.present) | set(facts.absent) | set(facts.activities) | set(facts.measurements)


def _origin(pack: RulePack, rule_id: str) -> str:
    origin = pack.origins.get(f"rule:{rule_id}")
    return str(origin) if origin is not None else "<pack>"


def _sources(rule: Rule) -> str:
    return ", ".join(rule.source)


def build_explanation(pack: RulePack, facts: Facts, result: TriageResult) -> Explanation:
    """Explain ``result`` (the triage of ``facts`` on ``pack``)."""
    fired = {f.rule_id: f for f in result.trace}
    rules = {r.id: r for r in pack.rules}
    pro: dict[str, list[tuple[Rule, float]]] = {}
    con: dict[str, list[tuple[Rule, float]]] = {}
    for rule in pack.rules:
        supports, against = rule.conclusions()
        for h, c in supports.items():
            pro.setdefault(h, []).append((rule, c))
        for h, c in against.items():
            con.setdefault(h, []).append((rule, c))

    confidences: dict[str, float] = {}
    for h in pro.keys() | con.keys():
        confidences[h] = confidence(
            [cert for r, cert in pro.get(h, []) if r.id in fired],
            [cert for r, cert in con.get(h, []) if r.id in fired],
            capped=pack.hypotheses[h].max_likelihood == "possible",
        )

    known = _fact_ids(facts)
    branches: dict[str, list[list[Atom]]] = {r.id: dnf(r.when) for r in pack.rules}

    def touches(rule: Rule) -> bool:
        if rule.id in fired:
            return True
        return any(
            not a.negated
            and len(a.key) > 1
            and a.key[0] != FactKind.HYPOTHESIS
            and a.key[1] in known
            for conj in branches[rule.id]
            for a in conj
        )

    out: list[HypothesisExplanation] = []
    for h, item in pack.hypotheses.items():
        related = [r for r, _ in pro.get(h, [])] + [r for r, _ in con.get(h, [])]
        if not any(touches(r) for r in related):
            continue
        supporting = tuple(
            _evidence(pack, rule, cert, fired[rule.id].facts, result.lang)
            for rule, cert in pro.get(h, [])
            if rule.id in fired
        )
        opposing = tuple(
            _evidence(pack, rule, cert, fired[rule.id].facts, result.lang)
            for rule, cert in con.get(h, [])
            if rule.id in fired
        )
        missing: list[MissingEvidence] = []
        for rule, cert in pro.get(h, []):
            if rule.id not in fired:
                missing += _missing(
                    pack, rules[rule.id], cert, branches[rule.id], facts, confidences, result.lang
                )
        combined = confidences.get(h, 0.0)
        listed = result.hypothesis(h)
        if listed is not None or combined >= POSSIBLE:
            status: Status = "ruled_in"
        elif opposing:
            status = "ruled_out"
        else:
            status = "untested"
        likelihood = listed.likelihood if listed is not None else None
        out.append(
            HypothesisExplanation(
                id=h,
                label=item.label,
                status=status,
                confidence=combined,
                likelihood=likelihood,
                evidence=EvidenceLevel(item.evidence),
                supporting=supporting,
                opposing=opposing,
                missing=tuple(missing),
                summary=_summary(
                    status, combined, likelihood, supporting, opposing, missing, result.lang
                ),
            )
        )
    order = {"ruled_in": 0, "ruled_out": 1, "untested": 2}
    out.sort(key=lambda x: (order[x.status], -x.confidence, x.id))
    return Explanation(
        level=result.level,
        hypotheses=tuple(out),
        red_flags=tuple(f.id for f in result.red_flags),
        disclaimer=result.disclaimer,
        pack=result.pack.id,
        lang=result.lang,
    )


def _evidence(
    pack: RulePack, rule: Rule, certainty: float, facts: tuple[MatchedFact, ...], lang: str = "en"
) -> EvidenceItem:
    described = [describe_fact(f, pack) for f in facts]
    because = "; ".join(described) if described else "the rule's conditions hold"
    text = (
        f"{because[:1].upper()}{because[1:]}: {rule.title} "
        f"(rule {rule.id}, certainty {certainty:.2f}; source {_sources(rule)}; "
        f"{_origin(pack, rule.id)})"
    )
    if lang != "en":  # the sentence in the result's language (the pack is its view)
        origin = _origin(pack, rule.id)
        text = evidence_text(
            lang, pack, facts, rule.title, rule.id, certainty, _sources(rule), origin
        )
    return EvidenceItem(
        rule_id=rule.id,
        title=rule.title,
        certainty=certainty,
        facts=facts,
        source=tuple(rule.source),
        origin=_origin(pack, rule.id),
        evidence=EvidenceLevel(rule.evidence),
        text=text,
    )


def _missing(
    pack: RulePack,
    rule: Rule,
    certainty: float,
    conjunctions: list[list[Atom]],
    facts: Facts,
    confidences: Mapping[str, float],
    lang: str = "en",
) -> list[MissingEvidence]:
    """Unknown leaves of the branches of ``rule`` that no known fact contradicts."""
    best: dict[str, tuple[int, Atom, tuple[str, ...]]] = {}
    order: list[str] = []
    for conj in conjunctions:
        states = [(a, atom_state(a, facts, confidences)) for a in conj]
        if any(s is False for _, s in states):
            continue
        unknown = [a for a, s in states if s is None]
        ids = [a.key[1] if len(a.key) > 1 else a.key[0] for a in unknown]
        for atom, vid in zip(unknown, ids, strict=True):
            others = tuple(dict.fromkeys(i for i in ids if i != vid))
            prior = best.get(vid)
            if prior is None:
                order.append(vid)
            if prior is None or len(others) < prior[0]:
                best[vid] = (len(others), atom, others)
    hyps = [pack.label(h) for h in rule.conclusions()[0]]
    target = " and ".join(hyps)
    out: list[MissingEvidence] = []
    for vid in order:
        _, atom, others = best[vid]
        kind, unknown_text, condition = unknown_phrase(atom, pack)
        also = ""
        if others:
            also = " together with " + ", ".join(pack.label(o) for o in others) + ","
        text = (
            f"{unknown_text}; {condition}{also} it would support {target} "
            f"(rule {rule.id}, certainty {certainty:.2f}; source {_sources(rule)}; "
            f"{_origin(pack, rule.id)})"
        )
        if lang != "en":
            kind, said, condition = phrased_unknown(lang, atom, pack)
            text = missing_text(
                lang,
                said,
                condition,
                [pack.label(o) for o in others],
                hyps,
                rule.id,
                certainty,
                _sources(rule),
                _origin(pack, rule.id),
            )
        out.append(
            MissingEvidence(
                id=vid,
                kind=kind,
                condition=condition,
                rule_id=rule.id,
                title=rule.title,
                certainty=certainty,
                together_with=others,
                source=tuple(rule.source),
                origin=_origin(pack, rule.id),
                text=text,
            )
        )
    return out


def _summary(
    status: Status,
    confidence: float,
    likelihood: Likelihood | None,
    supporting: tuple[EvidenceItem, ...],
    opposing: tuple[EvidenceItem, ...],
    missing: list[MissingEvidence],
    lang: str = "en",
) -> str:
    n_for, n_against, n_missing = len(supporting), len(opposing), len(missing)
    if lang != "en":
        return summary_text(lang, status, confidence, likelihood, (n_for, n_against, n_missing))

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''}"

    tail = (
        f"{count(n_for, 'rule')} for, {count(n_against, 'rule')} against, "
        f"{count(n_missing, 'open question')}"
    )
    if status == "ruled_in":
        word = likelihood.value if likelihood is not None else "possible"
        return f"Ruled in as {word} (confidence {confidence:.2f}): {tail}."
    if status == "ruled_out":
        return f"Ruled out for now (confidence {confidence:.2f}): {tail}."
    return f"Untested: not enough evidence either way (confidence {confidence:.2f}): {tail}."


def explain_report(engine: Runner, report: Report | Mapping[str, Any]) -> Explanation:
    """Triage ``report`` on ``engine`` and explain the result."""
    facts = engine.normalize(report)
    result = engine.triage(facts.report)
    return build_explanation(engine.pack, facts, result)
