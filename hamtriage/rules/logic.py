"""The logic of conditions: fact kinds, atoms (one test on one fact) and the DNF of a ``when`` tree.

One home for what a condition means, shared by the compiler, the lint, the explanation
and the interview; none of them spells a fact kind as a string of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .schema import (
    AbsentCond,
    ActivityCond,
    AgeCond,
    AllCond,
    AnyCond,
    AsymmetryCond,
    ChangeCond,
    Condition,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    NotCond,
    SexCond,
    SymptomCond,
)

__all__ = ["MAX_EXPANSION", "Atom", "FactKind", "change_key", "describe_tests", "dnf"]


class FactKind(StrEnum):
    """What a fact states. The value is the short code that prefixes the fact's name on
    the engine (``y:low_back_spasms``); ``kind_name`` is the word results use."""

    PRESENT = "y"
    """A symptom or history item the athlete reports."""
    ABSENT = "n"
    """A symptom or history item the athlete denies."""
    ACTIVITY = "act"
    MEASUREMENT = "m"
    ASYMMETRY = "asym"
    AGE = "age"
    SEX = "sex"
    HYPOTHESIS = "h"
    """A concluded hypothesis, with its confidence (forward chaining)."""
    STAGE = "st"
    """A stage marker (internal: rules with a negation wait for it)."""
    CHANGE = "chg"
    """A re-test's verdict on a measurement (or one side of it), as a string."""
    INTERVENTION = "after"
    """The recommendation done between a re-test's two reports."""

    @property
    def kind_name(self) -> str:
        """The ``MatchedFact.kind`` of a fact of this kind."""
        return _KIND_NAMES[self]

    @property
    def valueless(self) -> bool:
        """Facts of this kind carry the value 1: their presence is the information."""
        return self in _VALUELESS

    @property
    def keyed(self) -> bool:
        """Facts of this kind name a vocabulary id (``age`` and ``sex`` do not)."""
        return self not in (FactKind.AGE, FactKind.SEX, FactKind.STAGE)


_KIND_NAMES = {
    FactKind.PRESENT: "symptom",
    FactKind.ABSENT: "absent",
    FactKind.ACTIVITY: "activity",
    FactKind.MEASUREMENT: "measurement",
    FactKind.ASYMMETRY: "asymmetry",
    FactKind.AGE: "age",
    FactKind.SEX: "sex",
    FactKind.HYPOTHESIS: "hypothesis",
    FactKind.STAGE: "stage",
    FactKind.CHANGE: "change",
    FactKind.INTERVENTION: "intervention",
}
_VALUELESS = frozenset(
    {FactKind.PRESENT, FactKind.ABSENT, FactKind.ACTIVITY, FactKind.INTERVENTION}
)


def change_key(measurement: str, side: str | None = None) -> str:
    """The key of a change fact: ``knee_to_wall_cm`` or ``knee_to_wall_cm:left``."""
    return measurement if side is None else f"{measurement}:{side}"


@dataclass(frozen=True)
class Atom:
    """One test on one fact: ``key`` is ``(kind, id)`` (or ``(kind,)`` for age and sex),
    ``tests`` are (op, value) pairs, all of which must hold."""

    negated: bool
    key: tuple[str, ...]
    tests: tuple[tuple[str, float | str], ...] = ()
    loc: tuple[str | int, ...] = field(default=("when",), compare=False)
    """Where the condition stands in its rule (for messages; not part of equality)."""

    @property
    def kind(self) -> FactKind:
        return FactKind(self.key[0])

    @property
    def id(self) -> str | None:
        """The vocabulary id the atom tests (``None`` for age and sex)."""
        return self.key[1] if len(self.key) > 1 else None

    def negate(self) -> Atom:
        return Atom(not self.negated, self.key, self.tests, self.loc)


def _leaf(cond: Condition) -> Atom:
    match cond:
        case SymptomCond(symptom=i) | HistoryCond(history=i):
            return Atom(False, (FactKind.PRESENT, i))
        case AbsentCond(absent=i):
            return Atom(False, (FactKind.ABSENT, i))
        case ActivityCond(activity=i):
            return Atom(False, (FactKind.ACTIVITY, i))
        case MeasurementCond():
            return Atom(False, (FactKind.MEASUREMENT, cond.measurement), tuple(cond.bounds()))
        case AsymmetryCond(asymmetry=i):
            return Atom(False, (FactKind.ASYMMETRY, i))
        case AgeCond(age=cmp):
            return Atom(False, (FactKind.AGE,), tuple(cmp.bounds()))
        case SexCond(sex=s):
            return Atom(False, (FactKind.SEX,), (("eq", s),))
        case HypothesisCond(hypothesis=h, min_confidence=c):
            return Atom(False, (FactKind.HYPOTHESIS, h), (("ge", c),))
        case ChangeCond(change=i, verdict=v, side=side):
            return Atom(False, (FactKind.CHANGE, change_key(i, side)), (("eq", v),))
    raise TypeError(f"not a leaf condition: {cond!r}")  # pragma: no cover


MAX_EXPANSION = 4096
"""``dnf`` stops expanding once it has more alternatives than this (such rules are refused)."""


def dnf(
    cond: Condition, negate: bool = False, loc: tuple[str | int, ...] = ("when",)
) -> list[list[Atom]]:
    """Disjunctive normal form of a ``when`` tree: a list of conjunctions of atoms.

    Each atom carries its position in the rule. The expansion stops as soon as it passes
    :data:`MAX_EXPANSION` alternatives, so a hostile rule cannot exhaust memory: a result
    longer than that means "too many".
    """
    if isinstance(cond, NotCond):
        return dnf(cond.negated, not negate, (*loc, "not"))
    if isinstance(cond, AllCond | AnyCond):
        key = "all" if isinstance(cond, AllCond) else "any"
        subs = cond.all if isinstance(cond, AllCond) else cond.any
        parts = [dnf(c, negate, (*loc, key, i)) for i, c in enumerate(subs)]
        if isinstance(cond, AllCond) == negate:  # a disjunction
            return [conj for part in parts for conj in part][: MAX_EXPANSION + 1]
        out: list[list[Atom]] = [[]]
        for part in parts:
            grown: list[list[Atom]] = []
            for conj in out:
                for extra in part:
                    grown.append(conj + extra)
                    if len(grown) > MAX_EXPANSION:
                        return grown
            out = grown
        return out
    atom = replace(_leaf(cond), loc=loc)
    if isinstance(cond, ChangeCond) and cond.after is not None:
        # "changed this way after REC": two facts, so a conjunction (negated: a disjunction)
        after = Atom(False, (FactKind.INTERVENTION, cond.after), (), loc)
        return [[atom.negate()], [after.negate()]] if negate else [[atom, after]]
    return [[atom.negate() if negate else atom]]


_OP_TEXT = {"lt": "below", "le": "at or below", "gt": "above", "ge": "at or above"}


def describe_tests(tests: Iterable[tuple[str, float | str]], unit: str = "") -> str:
    """``(("le", 10),)`` -> ``"at or below 10 cm"``; several tests are joined with "and"."""
    suffix = f" {unit}" if unit else ""
    parts = []
    for op, value in tests:
        if op == "eq":
            parts.append(f"{value}")
        else:
            parts.append(f"{_OP_TEXT[op]} {float(value):g}{suffix}")
    return " and ".join(parts)
