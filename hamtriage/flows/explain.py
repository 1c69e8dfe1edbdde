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

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from ..levels import EvidenceLevel, Likelihood, TriageLevel
from ..report import Facts, Report
from ..results import DISCLAIMER, MatchedFact, TriageResult
from ..rules.logic import Atom, FactKind, describe_tests, dnf
from ..rules.pack import RulePack
from ..rules.schema import Rule
from ..scoring import POSSIBLE, confidence
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

Status = Literal["ruled_in", "ruled_out", "untested"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceItem(_Model):
    """A rule that fired for or against a hypothesis, with the facts it matched."""

    rule_id: str
    title: str
    certainty: float
    facts: tuple[MatchedFact, ...] = ()
    source: tuple[str, ...] = ()
    origin: str
    evidence: EvidenceLevel
    text: str


class MissingEvidence(_Model):
    """A condition of a supporting rule whose fact the report does not give."""

    id: str
    kind: str
    condition: str
    rule_id: str
    title: str
    certainty: float
    together_with: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    origin: str
    text: str


class HypothesisExplanation(_Model):
    """One hypothesis: its status and the evidence for, against and missing."""

    id: str
    label: str
    status: Status
    confidence: float
    likelihood: Likelihood | None = None
    evidence: EvidenceLevel
    supporting: tuple[EvidenceItem, ...] = ()
    opposing: tuple[EvidenceItem, ...] = ()
    missing: tuple[MissingEvidence, ...] = ()
    summary: str


class Explanation(_Model):
    """Why (and why not) for every hypothesis the report touches. Not a diagnosis."""

    level: TriageLevel
    hypotheses: tuple[HypothesisExplanation, ...] = ()
    red_flags: tuple[str, ...] = ()
    disclaimer: str = DISCLAIMER
    pack: str
    lang: str = "en"

    def hypothesis(self, hypothesis_id: str) -> HypothesisExplanation | None:
        """The explanation of one hypothesis, if the report touched it."""
        return next((h for h in self.hypotheses if h.id == hypothesis_id), None)

    def to_text(self) -> str:
        """Plain text for a coach (see :func:`render_explanation_text`)."""
        return render_explanation_text(self)

    def to_markdown(self) -> str:
        """Markdown for a coach (see :func:`render_explanation_markdown`)."""
        return render_explanation_markdown(self)


# ----------------------------------------------------------------- plain language


def describe_fact(fact: MatchedFact, pack: RulePack) -> str:
    """A matched fact in plain words: ``"Knee-to-wall distance is 6.5 cm"``."""
    label = pack.label(fact.id)
    if fact.kind == "symptom":
        return f"{label} reported"
    if fact.kind == "absent":
        return f"{label} denied"
    if fact.kind == "activity":
        return f"does {label.lower()}"
    if fact.kind == "measurement":
        unit = pack.measurements[fact.id].unit if fact.id in pack.measurements else ""
        return (
            f"{label} is {fact.value:g} {unit}".rstrip() if isinstance(fact.value, float) else label
        )
    if fact.kind == "asymmetry":
        unit = pack.measurements[fact.id].unit if fact.id in pack.measurements else ""
        value = f"{fact.value:g} {unit} " if isinstance(fact.value, float) else ""
        return f"{label} differs by {value}between sides"
    if fact.kind == "hypothesis":
        value = f" ({fact.value:.2f})" if isinstance(fact.value, float) else ""
        return f"{label} concluded{value}"
    if fact.kind == "age":
        return f"age {fact.value:g}" if isinstance(fact.value, float) else "age"
    if fact.kind == "sex":
        return f"sex {fact.value}"
    if fact.kind in ("change", "intervention"):
        from .retesting import describe_change_fact

        return describe_change_fact(fact, pack)
    return f"{fact.kind} {fact.id}"  # pragma: no cover - every engine kind is handled


def _unknown_phrase(atom: Atom, pack: RulePack) -> tuple[str, str, str]:
    """(kind, "was not measured"-style phrase, condition text) for an unknown leaf."""
    t = atom.key[0]
    vid = atom.key[1] if len(atom.key) > 1 else t
    label = pack.label(vid)
    if t == FactKind.MEASUREMENT:
        unit = pack.measurements[vid].unit
        return (
            "measurement",
            f"{label} ({vid}) was not measured",
            describe_tests(atom.tests, unit),
        )
    if t == FactKind.ASYMMETRY:
        unit = pack.measurements[vid].unit
        mdc = pack.measurements[vid].mdc
        cond = f"if the sides differ by more than {mdc:g} {unit}" if mdc else "if the sides differ"
        return "asymmetry", f"{label} ({vid}) was not measured on both sides", cond
    if t == FactKind.ACTIVITY:
        return "activity", f"{label} ({vid}) was not reported", "if the athlete does it"
    if t == FactKind.ABSENT:
        kind = pack.kinds.get(vid, "symptom")
        return kind, f"{label} ({vid}) was not asked about", "if the athlete denies it"
    if t == FactKind.PRESENT:
        kind = pack.kinds.get(vid, "symptom")
        return kind, f"{label} ({vid}) was not asked about", "if present"
    if t == FactKind.AGE:
        return (
            "age",
            "the athlete's age was not given",
            f"if the age is {describe_tests(atom.tests)}",
        )
    if t == FactKind.SEX:
        return "sex", "the athlete's sex was not given", f"if {describe_tests(atom.tests)}"
    return t, f"{label} is unknown", describe_tests(atom.tests)  # pragma: no cover


# ------------------------------------------------------------------ evaluation


def _compare(value: float, tests: Iterable[tuple[str, float | str]]) -> bool:
    for op, bound in tests:
        b = float(bound)
        ok = {
            "lt": value < b,
            "le": value <= b,
            "gt": value > b,
            "ge": value >= b,
        }[op]
        if not ok:
            return False
    return True


def atom_state(atom: Atom, facts: Facts, confidences: Mapping[str, float]) -> bool | None:
    """Whether a leaf test holds for the report: True, False, or None when unknown.

    Negated leaves follow the engine's closed-world reading (``not`` holds unless the
    fact is reported), so they are never unknown.
    """
    t = atom.key[0]
    vid = atom.key[1] if len(atom.key) > 1 else ""
    state: bool | None
    if t == FactKind.PRESENT:
        state = True if vid in facts.present else False if vid in facts.absent else None
    elif t == FactKind.ABSENT:
        state = True if vid in facts.absent else False if vid in facts.present else None
    elif t == FactKind.ACTIVITY:
        state = True if vid in facts.activities else None
    elif t == FactKind.MEASUREMENT:
        value = facts.measurements.get(vid)
        state = None if value is None else _compare(value, atom.tests)
    elif t == FactKind.ASYMMETRY:
        left, right = facts.sides.get(vid, (None, None))
        state = vid in facts.asymmetries if left is not None and right is not None else None
    elif t == FactKind.AGE:
        state = None if facts.age is None else _compare(float(facts.age), atom.tests)
    elif t == FactKind.SEX:
        state = None if facts.sex is None else facts.sex == atom.tests[0][1]
    elif t == FactKind.CHANGE:  # known only in a re-test, and then every change is known
        state = facts.changes.get(vid) == atom.tests[0][1]
    elif t == FactKind.INTERVENTION:
        state = vid in facts.interventions
    else:  # "h": a concluded hypothesis
        state = _compare(confidences.get(vid, 0.0), atom.tests)
    if atom.negated:
        return state is not True
    return state


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
            _evidence(pack, rule, cert, fired[rule.id].facts)
            for rule, cert in pro.get(h, [])
            if rule.id in fired
        )
        opposing = tuple(
            _evidence(pack, rule, cert, fired[rule.id].facts)
            for rule, cert in con.get(h, [])
            if rule.id in fired
        )
        missing: list[MissingEvidence] = []
        for rule, cert in pro.get(h, []):
            if rule.id not in fired:
                missing += _missing(
                    pack, rules[rule.id], cert, branches[rule.id], facts, confidences
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
                summary=_summary(status, combined, likelihood, supporting, opposing, missing),
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
    )


def _evidence(
    pack: RulePack, rule: Rule, certainty: float, facts: tuple[MatchedFact, ...]
) -> EvidenceItem:
    described = [describe_fact(f, pack) for f in facts]
    because = "; ".join(described) if described else "the rule's conditions hold"
    text = (
        f"{because[:1].upper()}{because[1:]}: {rule.title} "
        f"(rule {rule.id}, certainty {certainty:.2f}; source {_sources(rule)}; "
        f"{_origin(pack, rule.id)})"
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
        kind, unknown_text, condition = _unknown_phrase(atom, pack)
        also = ""
        if others:
            also = " together with " + ", ".join(pack.label(o) for o in others) + ","
        text = (
            f"{unknown_text}; {condition}{also} it would support {target} "
            f"(rule {rule.id}, certainty {certainty:.2f}; source {_sources(rule)}; "
            f"{_origin(pack, rule.id)})"
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
) -> str:
    n_for, n_against, n_missing = len(supporting), len(opposing), len(missing)

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
