"""Seeded, realistic report sets and an independent plain-Python evaluator of a pack.

Both the benchmark script and the test suite use this module:

* :func:`make_reports` draws reports of 1 to 15 facts from a pack's own vocabulary
  (ids, and sometimes a label or synonym, as athletes type them), with measurements
  inside their valid ranges, sided tests with both or one side, age and sex;
* :class:`PlainEvaluator` evaluates the pack's rules directly over the normalised
  facts, with no rule engine at all. It is the physical floor of this logic in Python
  and an oracle: the engine must agree with it on the level, the fired rules and the
  hypotheses' confidences.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hamtriage.levels import TriageLevel
from hamtriage.report import Facts
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
from hamtriage.runtime.compiler import change_key

__all__ = ["Outcome", "PlainEvaluator", "make_reports"]

Report = dict[str, Any]
Test = Callable[[Facts, dict[str, float]], bool]


def _pick_text(rng: random.Random, item_id: str, label: str, synonyms: Iterable[str]) -> str:
    """Mostly the id; sometimes the label or a synonym, as an athlete would type it."""
    roll = rng.random()
    if roll < 0.8:
        return item_id
    options = [label, *synonyms]
    return rng.choice(options)


def make_reports(pack: RulePack, n: int, seed: int, *, max_facts: int = 15) -> list[Report]:
    """``n`` valid reports of 1 to ``max_facts`` facts each, reproducible from ``seed``."""
    rng = random.Random(seed)
    symptoms: list[Any] = list(pack.symptoms.values())
    history: list[Any] = list(pack.history.values())
    activities = list(pack.activities.values())
    measurements = list(pack.measurements.values())
    out: list[Report] = []
    for _ in range(n):
        target = rng.randint(1, max_facts)
        used: set[str] = set()
        report: Report = {}
        facts = 0
        tries = 0
        while facts < target and tries < 100:
            tries += 1
            roll = rng.random()
            if roll < 0.40:
                item: Any = rng.choice(symptoms)
                key = "symptoms"
            elif roll < 0.50:
                item = rng.choice(symptoms + history)
                key = "absent"
            elif roll < 0.55 and history:
                item = rng.choice(history)
                key = "history"
            elif roll < 0.72:
                item = rng.choice(activities)
                key = "activities"
            elif roll < 0.92:
                m = rng.choice(measurements)
                if m.id in used:
                    continue
                used.add(m.id)
                lo, hi = m.range
                if m.sided:
                    sides = {
                        "left": round(rng.uniform(lo, hi), 1),
                        "right": round(rng.uniform(lo, hi), 1),
                    }
                    if rng.random() < 0.15:
                        sides.pop(rng.choice(["left", "right"]))
                    value: Any = sides
                else:
                    value = round(rng.uniform(lo, hi), 1)
                report.setdefault("measurements", {})[m.id] = value
                facts += 1
                continue
            elif roll < 0.96:
                if "age" in report:
                    continue
                report["age"] = rng.randint(12, 75)
                facts += 1
                continue
            else:
                if "sex" in report:
                    continue
                report["sex"] = rng.choice(["female", "male"])
                facts += 1
                continue
            if item.id in used:
                continue
            used.add(item.id)
            report.setdefault(key, []).append(_pick_text(rng, item.id, item.label, item.synonyms))
            facts += 1
        out.append(report)
    return out


# ---------------------------------------------------------------- plain evaluator


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
    return max(0.0, min(1.0, (p - n) / d if d > 0 else 0.0))


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
