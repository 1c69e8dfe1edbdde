"""Condition analysis for the lint: intervals of measured tests, positioned DNF,
contradictions, canonical conjunctions and implication between rules.

Pure functions over a pack's conditions (no engine): the lint (``flows/lint``) reports
what they find.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..rules.logic import Atom, FactKind, describe_tests, dnf
from ..rules.pack import RulePack
from ..rules.schema import Condition, SupportAction
from ..scoring import confidence

__all__ = [
    "Canon",
    "Interval",
    "Loc",
    "LocAtom",
    "canon",
    "contradiction",
    "implies",
    "max_confidence",
    "positioned_dnf",
    "rule_implies",
]

Loc = tuple[str | int, ...]
LocAtom = tuple[Atom, Loc]


@dataclass(frozen=True)
class Interval:
    lo: float = -math.inf
    lo_closed: bool = False
    hi: float = math.inf
    hi_closed: bool = False

    @classmethod
    def of(cls, tests: tuple[tuple[str, float | str], ...]) -> Interval:
        iv = cls()
        for op, value in tests:
            if op == "eq":
                continue
            iv = iv.meet(cls._one(op, float(value)))
        return iv

    @staticmethod
    def _one(op: str, v: float) -> Interval:
        if op == "lt":
            return Interval(hi=v)
        if op == "le":
            return Interval(hi=v, hi_closed=True)
        if op == "gt":
            return Interval(lo=v)
        return Interval(lo=v, lo_closed=True)  # ge

    def meet(self, other: Interval) -> Interval:
        if other.lo > self.lo or (other.lo == self.lo and not other.lo_closed):
            lo, lo_closed = other.lo, other.lo_closed
        else:
            lo, lo_closed = self.lo, self.lo_closed
        if other.hi < self.hi or (other.hi == self.hi and not other.hi_closed):
            hi, hi_closed = other.hi, other.hi_closed
        else:
            hi, hi_closed = self.hi, self.hi_closed
        return Interval(lo, lo_closed, hi, hi_closed)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def within(self, other: Interval) -> bool:
        """Whether every value of ``self`` is in ``other``."""
        lo_ok = other.lo < self.lo or (
            other.lo == self.lo and (other.lo_closed or not self.lo_closed)
        )
        hi_ok = other.hi > self.hi or (
            other.hi == self.hi and (other.hi_closed or not self.hi_closed)
        )
        return lo_ok and hi_ok


# ------------------------------------------------------------ DNF with positions


def positioned_dnf(cond: Condition, loc: Loc, negate: bool = False) -> list[list[LocAtom]]:
    return [[(atom, atom.loc) for atom in conj] for conj in dnf(cond, negate, loc)]


def max_confidence(pack: RulePack) -> dict[str, float]:
    """The highest confidence each hypothesis can reach (all its support, no opposition)."""
    support: dict[str, list[float]] = {}
    for rule in pack.rules:
        for a in rule.then:
            if isinstance(a, SupportAction):
                support.setdefault(a.support, []).append(a.certainty)
    out: dict[str, float] = {}
    for h, item in pack.hypotheses.items():
        out[h] = confidence(support.get(h, []), [], capped=item.max_likelihood == "possible")
    return out


def _name(pack: RulePack, atom: Atom) -> str:
    t = atom.key[0]
    if t in (FactKind.AGE, FactKind.SEX):
        return t
    return atom.key[1]


def _unit(pack: RulePack, atom: Atom) -> str:
    if atom.key[0] == FactKind.MEASUREMENT and atom.key[1] in pack.measurements:
        return pack.measurements[atom.key[1]].unit
    if atom.key[0] == FactKind.AGE:
        return "years"
    return ""


def contradiction(
    pack: RulePack, conj: list[LocAtom], max_conf: dict[str, float]
) -> tuple[str, Loc] | None:
    """Why a conjunction can never hold (and where), or None if some report satisfies it."""
    positive: dict[tuple[str, ...], list[LocAtom]] = {}
    for atom, loc in conj:
        if not atom.negated:
            positive.setdefault(atom.key, []).append((atom, loc))
    for key, items in positive.items():
        t = key[0]
        loc = items[-1][1]
        atom = items[0][0]
        if t == FactKind.HYPOTHESIS:
            h = key[1]
            need = max(float(v) for a, _ in items for _, v in a.tests)
            top = max_conf.get(h, 0.0)
            if top <= 0:
                return f"no rule supports the hypothesis '{h}' it reads", loc
            if need > top + 1e-9:
                reason = (
                    f"it needs '{h}' at {need:g} or more, but its supporting rules can reach "
                    f"only {top:.2f}"
                )
                return reason, loc
        if t == FactKind.SEX:
            values = {a.tests[0][1] for a, _ in items}
            if len(values) > 1:
                return "it needs the sex to be both female and male", loc
        if t == FactKind.CHANGE:  # one verdict per change in a re-test
            verdicts = sorted({str(a.tests[0][1]) for a, _ in items})
            if len(verdicts) > 1:
                return f"it needs the change in {key[1]} to be both {' and '.join(verdicts)}", loc
        if t in (FactKind.MEASUREMENT, FactKind.AGE):
            tests = tuple(tst for a, _ in items for tst in a.tests)
            iv = Interval.of(tests)
            valid = (
                pack.measurements[key[1]].range
                if t == FactKind.MEASUREMENT and key[1] in pack.measurements
                else None
            )
            if t == FactKind.AGE:
                valid = (0.0, 120.0)
            if valid is not None:
                iv = iv.meet(Interval(valid[0], True, valid[1], True))
            if iv.empty:
                what = _name(pack, atom)
                shown = describe_tests(tests, _unit(pack, atom))
                extra = ""
                if valid is not None and not Interval.of(tests).empty:
                    extra = f" within its valid range [{valid[0]:g}, {valid[1]:g}]"
                return f"it needs {what} {shown}{extra}, which no value satisfies", loc
        if t == FactKind.PRESENT and (FactKind.ABSENT, key[1]) in positive:
            return (
                f"it needs '{key[1]}' to be both reported and denied",
                max(loc, positive[(FactKind.ABSENT, key[1])][-1][1]),
            )
    for atom, loc in conj:
        if not atom.negated:
            continue
        matching = positive.get(atom.key)
        if not matching:
            continue
        if atom.key[0] in (
            FactKind.PRESENT,
            FactKind.ABSENT,
            FactKind.ACTIVITY,
            FactKind.ASYMMETRY,
            FactKind.INTERVENTION,
        ):
            what = "reported" if atom.key[0] != FactKind.ABSENT else "denied"
            return f"it needs '{atom.key[1]}' both {what} and not {what}", loc
        if atom.key[0] in (FactKind.SEX, FactKind.CHANGE):
            if any(a.tests == atom.tests for a, _ in matching):
                what = "the sex" if atom.key[0] == FactKind.SEX else f"the change in {atom.key[1]}"
                return f"it needs {what} to be both {atom.tests[0][1]} and not", loc
            continue
        pos = Interval.of(tuple(tst for a, _ in matching for tst in a.tests))
        if pos.within(Interval.of(atom.tests)):
            reason = (
                f"it needs {_name(pack, atom)} "
                f"{describe_tests(tuple(t for a, _ in matching for t in a.tests), _unit(pack, atom))} "
                f"and not {describe_tests(atom.tests, _unit(pack, atom))}"
            )
            return reason, loc
    return None


# --------------------------------------------------------- canonical conditions

Canon = frozenset[tuple[bool, tuple[str, ...], tuple[object, ...]]]


def canon(conj: list[LocAtom]) -> Canon:
    merged: dict[tuple[bool, tuple[str, ...]], list[tuple[str, float | str]]] = {}
    for atom, _ in conj:
        merged.setdefault((atom.negated, atom.key), []).extend(atom.tests)
    out: set[tuple[bool, tuple[str, ...], tuple[object, ...]]] = set()
    for (neg, key), tests in merged.items():
        if key[0] in (FactKind.SEX, FactKind.CHANGE):  # string equalities, not intervals
            out.add((neg, key, tuple(sorted(str(v) for _, v in tests))))
        else:
            iv = Interval.of(tuple(tests))
            out.add((neg, key, (iv.lo, iv.lo_closed, iv.hi, iv.hi_closed)))
    return frozenset(out)


def implies(b: Canon, a: Canon) -> bool:
    """Whether the conjunction ``b`` implies the conjunction ``a``."""
    for neg, key, spec in a:
        found = False
        for neg2, key2, spec2 in b:
            if neg2 != neg or key2 != key:
                continue
            if key[0] in (FactKind.SEX, FactKind.CHANGE):
                found = spec == spec2
            else:
                ia = Interval(*spec)  # type: ignore[arg-type]
                ib = Interval(*spec2)  # type: ignore[arg-type]
                found = ib.within(ia) if not neg else ia.within(ib)
            if found:
                break
        if not found:
            return False
    return True


def rule_implies(b: list[Canon], a: list[Canon]) -> bool:
    return bool(b) and all(any(implies(cb, ca) for ca in a) for cb in b)
