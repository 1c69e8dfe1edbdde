"""The oracle: an independent plain-Python evaluation of a pack's rules, with no rule engine.

:class:`PlainEvaluator` evaluates the rules directly over the normalised facts, stratum
by stratum, with its own certainty-factor combination (:func:`_cf`, deliberately not
:mod:`hamtriage.scoring`'s). The engine must agree with it on the level, the fired rules
and the hypotheses' confidences (``tests/test_fuzz.py``, ``tests/test_baselines.py``);
the benchmarks time it as the floor of this logic in plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from hamtriage.levels import TriageLevel
from hamtriage.report import Facts
from hamtriage.rules.logic import change_key
from hamtriage.rules.pack import RulePack
from hamtriage.rules.schema import (
    AbsentCond,
    ActivityCond,
    AgainstAction,
    AgeCond,
    AllCond,
    AnyCond,
    AsymmetryCond,
    ChangeCond,
    Condition,
    EscalateAction,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    NotCond,
    Rule,
    SexCond,
    SupportAction,
    SymptomCond,
)

__all__ = ["Outcome", "PlainEvaluator"]

Test = Callable[[Facts, dict[str, float]], bool]


@dataclass(frozen=True)
class Outcome:
    """What the plain evaluator concludes: comparable with a :class:`TriageResult`."""

    level: TriageLevel
    fired: frozenset[str]
    confidences: tuple[tuple[str, float], ...]  # listed hypotheses (>= 0.3), sorted by id


def _cf(supporting: list[float], opposing: list[float]) -> float:
    p = 0.0
    for a in sorted(supporting):  # the engine's canonical order (float rounding)
        p += a * (1.0 - p)
    n = 0.0
    for b in sorted(opposing):
        n += b * (1.0 - n)
    if p == 0.0 and n == 0.0:
        return 0.0
    d = 1.0 - min(p, n)
    if d < 1e-9:  # both near certain: the direct form cancels; use the doubts
        dp = math.prod(1.0 - a for a in sorted(supporting))
        dn = math.prod(1.0 - b for b in sorted(opposing))
        return max(0.0, min(1.0, (dn - dp) / max(dp, dn))) if max(dp, dn) > 0 else 0.0
    return max(0.0, min(1.0, (p - n) / d))


_CMP: dict[str, Callable[[float, float], bool]] = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


_LEVEL_OF_RANK = {level.rank: level for level in TriageLevel}


class PlainEvaluator:
    """Evaluate a pack's rules in plain Python, stratum by stratum (no rule engine)."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self._capped = {h for h, i in pack.hypotheses.items() if i.max_likelihood == "possible"}
        self._strata = [
            [(r, self._compile(r.when), self._effects(r)) for r in stratum]
            for stratum in self._stratify(pack.rules)
        ]

    @staticmethod
    def _effects(rule: Rule) -> tuple[list[tuple[str, float]], list[tuple[str, float]], int]:
        pro = [(a.support, a.certainty) for a in rule.then if isinstance(a, SupportAction)]
        con = [(a.against, a.certainty) for a in rule.then if isinstance(a, AgainstAction)]
        levels = [a.escalate for a in rule.then if isinstance(a, EscalateAction)]
        return pro, con, max(levels, default=TriageLevel.SELF_CARE).rank

    @staticmethod
    def _reads(cond: Condition) -> set[str]:
        if isinstance(cond, HypothesisCond):
            return {cond.hypothesis}
        if isinstance(cond, AllCond):
            return set().union(*(PlainEvaluator._reads(c) for c in cond.all))
        if isinstance(cond, AnyCond):
            return set().union(*(PlainEvaluator._reads(c) for c in cond.any))
        if isinstance(cond, NotCond):
            return PlainEvaluator._reads(cond.negated)
        return set()

    @classmethod
    def _stratify(cls, rules: tuple[Rule, ...]) -> list[list[Rule]]:
        concludes: dict[str, list[Rule]] = {}
        for r in rules:
            for a in r.then:
                if isinstance(a, SupportAction):
                    concludes.setdefault(a.support, []).append(r)
                elif isinstance(a, AgainstAction):
                    concludes.setdefault(a.against, []).append(r)
        level: dict[str, int] = {}

        def of(rule: Rule) -> int:
            if rule.id not in level:
                level[rule.id] = 0  # packs are acyclic (the loader checks)
                reads = cls._reads(rule.when)
                level[rule.id] = max(
                    (1 + of(w) for h in reads for w in concludes.get(h, [])), default=0
                )
            return level[rule.id]

        strata: dict[int, list[Rule]] = {}
        for r in rules:
            strata.setdefault(of(r), []).append(r)
        return [strata[k] for k in sorted(strata)]

    @classmethod
    def _compile(cls, cond: Condition) -> Test:
        """A closure evaluating ``cond`` (built once: the evaluator's hot path is plain calls)."""
        if isinstance(cond, AllCond):
            parts = [cls._compile(c) for c in cond.all]
            return lambda f, h: all(p(f, h) for p in parts)
        if isinstance(cond, AnyCond):
            parts = [cls._compile(c) for c in cond.any]
            return lambda f, h: any(p(f, h) for p in parts)
        if isinstance(cond, NotCond):
            inner = cls._compile(cond.negated)
            return lambda f, h: not inner(f, h)
        if isinstance(cond, SymptomCond | HistoryCond):
            item = cond.symptom if isinstance(cond, SymptomCond) else cond.history
            return lambda f, h: item in f.present
        if isinstance(cond, AbsentCond):
            absent = cond.absent
            return lambda f, h: absent in f.absent
        if isinstance(cond, ActivityCond):
            activity = cond.activity
            return lambda f, h: activity in f.activities
        if isinstance(cond, MeasurementCond):
            mid = cond.measurement
            tests = [(_CMP[op], round(bound, 4)) for op, bound in cond.bounds()]

            def measured(f: Facts, h: dict[str, float]) -> bool:
                value = f.measurements.get(mid)
                return value is not None and all(cmp(value, b) for cmp, b in tests)

            return measured
        if isinstance(cond, AsymmetryCond):
            asym = cond.asymmetry
            return lambda f, h: asym in f.asymmetries
        if isinstance(cond, AgeCond):
            ages = [(_CMP[op], bound) for op, bound in cond.age.bounds()]
            return lambda f, h: f.age is not None and all(cmp(f.age, b) for cmp, b in ages)
        if isinstance(cond, SexCond):
            sex = cond.sex
            return lambda f, h: f.sex == sex
        if isinstance(cond, HypothesisCond):
            hyp, least = cond.hypothesis, cond.min_confidence
            return lambda f, h: h.get(hyp, -1.0) >= least
        if isinstance(cond, ChangeCond):  # only a re-test's facts carry changes
            key, verdict, after = change_key(cond.change, cond.side), cond.verdict, cond.after
            return lambda f, h: (
                f.changes.get(key) == verdict and (after is None or after in f.interventions)
            )
        raise TypeError(cond)  # pragma: no cover

    def evaluate(self, facts: Facts) -> Outcome:
        """The level, the fired rule ids and the listed hypotheses' confidences."""
        fired: list[str] = []
        pro: dict[str, list[float]] = {}
        con: dict[str, list[float]] = {}
        concluded: dict[str, float] = {}
        rank = TriageLevel.SELF_CARE.rank
        for stratum in self._strata:
            for rule, holds, (supports, against, level) in stratum:
                if holds(facts, concluded):
                    fired.append(rule.id)
                    for h, c in supports:
                        pro.setdefault(h, []).append(c)
                    for h, c in against:
                        con.setdefault(h, []).append(c)
                    rank = max(rank, level)
            concluded = {}
            for h in pro.keys() | con.keys():
                c = _cf(pro.get(h, []), con.get(h, []))
                if h in self._capped:
                    c = min(c, 0.59)
                c = round(c, 4)
                if c > 0:
                    concluded[h] = c
        listed = tuple(sorted((h, c) for h, c in concluded.items() if c >= 0.3))
        return Outcome(_LEVEL_OF_RANK[rank], frozenset(fired), listed)
