"""A report's facts against a rule's leaf tests: in plain words, and whether each test holds.

Shared by the explanations (:mod:`hamtriage.flows.explain`) and the interview
(:mod:`hamtriage.flows.interview`), which asks about the leaves that are unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..report import Facts
from ..results import MatchedFact
from ..rules.logic import Atom, FactKind, describe_tests
from ..rules.pack import RulePack

__all__ = ["atom_state", "describe_fact", "unknown_phrase"]


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


def unknown_phrase(atom: Atom, pack: RulePack) -> tuple[str, str, str]:
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
