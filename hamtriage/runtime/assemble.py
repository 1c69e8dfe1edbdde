"""From the rules that fired to a :class:`~hamtriage.TriageResult` (the hot path's tail).

Everything that depends only on the pack is worked out once per engine, in a
:class:`_RulePlan` per rule: labels, sources, the highest level a rule escalates to, the
hypotheses a recommendation is linked to, the text of a referral. A triage then only
combines certainties and builds the objects that carry this call's values, with the
trusted constructors of :mod:`hamtriage.runtime._construct` (no re-validation).

Objects that depend only on the vocabulary are shared between results, which are frozen:
the trace entry, evidence and red flag of a rule whose matched facts carry no value are
built once when the engine is built (:meth:`Assembler.prepare`); recommendations with
their variants and blocked exercises are kept in small per-engine caches (bounded,
cleared when full).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..levels import EvidenceLevel, Likelihood, RecommendationKind, TriageLevel
from ..report import Facts
from ..results import (
    DISCLAIMER,
    BlockedExercise,
    FiredRule,
    Hypothesis,
    MatchedFact,
    PackInfo,
    Recommendation,
    RedFlag,
    RuleEvidence,
    TriageResult,
    Variant,
)
from ..rules.pack import RulePack
from ..scoring import LIKELY, POSSIBLE, confidence
from ._construct import trusted
from .compiler import CompiledPack, CompiledRule
from .screening import Screener

__all__ = ["CACHE_LIMIT", "Assembler"]

CACHE_LIMIT = 1024
"""Entries in each per-engine cache of immutable result parts (cleared when full)."""

_new_evidence = trusted(RuleEvidence)
_new_hypothesis = trusted(Hypothesis)
_new_variant = trusted(Variant)
_new_recommendation = trusted(Recommendation)
_new_blocked = trusted(BlockedExercise)
_new_red_flag = trusted(RedFlag)
_new_fired_rule = trusted(FiredRule)
_new_result = trusted(TriageResult)

_KIND_ORDER = {
    RecommendationKind.REFERRAL: 0,
    RecommendationKind.DRILL: 1,
    RecommendationKind.EDUCATION: 2,
}
_LEVELS = sorted(TriageLevel, key=lambda level: level.rank)
_SELF_CARE = TriageLevel.SELF_CARE.rank
# members read once: on CPython 3.11 reading an enum member off its class is slow
_REFERRAL = RecommendationKind.REFERRAL
_IS_LIKELY, _IS_POSSIBLE = Likelihood.LIKELY, Likelihood.POSSIBLE
_REFERRAL_RANK = TriageLevel.SEE_CLINICIAN.rank


def _first_two(item: tuple[int, str, RedFlag]) -> tuple[int, str]:
    return item[0], item[1]


class _RulePlan:
    """What a triage needs to know about one rule, worked out once per engine."""

    __slots__ = (
        "against",
        "blocks",
        "escalations",
        "evidence",
        "flag_level",
        "flag_reason",
        "id",
        "linked",
        "rank",
        "recommends",
        "referral_text",
        "source",
        "supports",
        "title",
        "weighs",
    )

    def __init__(self, rule: CompiledRule, pack: RulePack) -> None:
        r = rule.rule
        self.id = rule.id
        self.title = r.title
        self.source = tuple(r.source)
        self.evidence = r.evidence
        self.supports = rule.supports
        self.against = rule.against
        self.weighs = bool(rule.supports or rule.against)
        self.escalations = tuple(reason for _, reason in rule.escalations)
        self.rank = max((lvl.rank for lvl, _ in rule.escalations), default=_SELF_CARE)
        self.flag_level: TriageLevel | None = None
        self.flag_reason = ""
        if r.red_flag and rule.escalations:
            self.flag_level = _LEVELS[self.rank]
            self.flag_reason = " ".join(reason for _, reason in rule.escalations)
        self.blocks = tuple((target, pack.label(target), reason) for target, reason in rule.blocks)
        self.recommends = rule.recommends
        self.linked = frozenset(h for h, _ in rule.supports) | frozenset(rule.reads)
        self.referral_text = (r.explanation or r.title).strip()


class _Parts:
    """The result objects of one fired rule with the facts it matched."""

    __slots__ = ("facts", "fired", "opposing", "plan", "red_flag", "supporting")

    def __init__(self, plan: _RulePlan, facts: tuple[MatchedFact, ...], red_flag: bool) -> None:
        self.plan = plan
        self.facts = facts
        rid = plan.id
        self.fired = _new_fired_rule(
            rule_id=rid,
            title=plan.title,
            facts=facts,
            source=plan.source,
            evidence=plan.evidence,
            red_flag=red_flag,
        )
        level = plan.flag_level
        self.red_flag = (
            None
            if level is None
            else _new_red_flag(
                id=rid,
                label=plan.title,
                level=level,
                reason=plan.flag_reason,
                facts=facts,
                source=plan.source,
            )
        )
        supporting: tuple[tuple[str, RuleEvidence], ...] = ()
        for h, c in plan.supports:
            supporting += ((h, _new_evidence(rule_id=rid, certainty=c, facts=facts)),)
        self.supporting = supporting
        opposing: tuple[tuple[str, RuleEvidence], ...] = ()
        for h, c in plan.against:
            opposing += ((h, _new_evidence(rule_id=rid, certainty=c, facts=facts)),)
        self.opposing = opposing


class Assembler:
    """Builds triage results for one compiled pack (one per engine; thread-safe)."""

    def __init__(self, pack: RulePack, compiled: CompiledPack, info: PackInfo) -> None:
        self._pack = pack
        self._info = info
        self.plans = tuple(_RulePlan(rule, pack) for rule in compiled.rules)
        self._red_flag = tuple(rule.rule.red_flag for rule in compiled.rules)
        self._capped = frozenset(
            h for h, item in pack.hypotheses.items() if item.max_likelihood == "possible"
        )
        self._hypotheses = {
            h: (item.label, EvidenceLevel(item.evidence)) for h, item in pack.hypotheses.items()
        }
        self._recs_info = {
            rec_id: (item, RecommendationKind(item.kind), _KIND_ORDER[item.kind])
            for rec_id, item in pack.recommendations.items()
        }
        self._referrals = {level.rank: rec for level, rec in pack.meta.referrals.items()}
        self.screener = Screener(pack)
        # parts of rules whose matched facts carry no value, by rule index and id of the
        # facts tuple (built by prepare() with the engine: read-only afterwards). The index
        # is part of the key: tuples can be shared (every empty tuple is the same object).
        # Bounded caches of recommendations (dict operations are atomic under the GIL).
        self._static: dict[tuple[int, int], _Parts] = {}
        self._recs: dict[tuple[Any, ...], Recommendation] = {}
        self._variants: dict[str, tuple[Variant, ...]] = {}
        self._blocks: dict[tuple[str, ...], BlockedExercise] = {}

    # ------------------------------------------------------------ confidences

    def confidences(self, fired: Mapping[int, object]) -> dict[str, float]:
        """Each hypothesis's combined confidence (rounded to 4 decimals) over ``fired``."""
        pro: dict[str, list[float]] = {}
        con: dict[str, list[float]] = {}
        plans = self.plans
        for index in fired:
            plan = plans[index]
            if not plan.weighs:
                continue
            for h, c in plan.supports:
                got = pro.get(h)
                if got is None:
                    pro[h] = [c]
                else:
                    got.append(c)
            for h, c in plan.against:
                got = con.get(h)
                if got is None:
                    con[h] = [c]
                else:
                    got.append(c)
        capped = self._capped
        return {
            h: confidence(pro.get(h, ()), con.get(h, ()), capped=h in capped)
            for h in pro.keys() | con.keys()
        }

    def shared_parts(self) -> list[object]:
        """The result objects every triage that needs them shares, built with the engine
        and kept as long as it: the screens, and the prebuilt parts of rules."""
        out: list[object] = [self._info, *self.screener.screens.values()]
        for part in self._static.values():
            out.append(part.fired)
            if part.red_flag is not None:
                out.append(part.red_flag)
            out += [ev for _, ev in part.supporting] + [ev for _, ev in part.opposing]
        return out

    # ---------------------------------------------------------------- result

    def prepare(self, index: int, facts: tuple[MatchedFact, ...]) -> None:
        """Build once the parts of rule ``index`` firing on ``facts``, facts without values
        that every triage firing it will pass (the same tuple object) again."""
        self._static[(index, id(facts))] = _Parts(self.plans[index], facts, self._red_flag[index])

    def result(
        self,
        facts: Facts,
        fired: Mapping[int, tuple[MatchedFact, ...]],
        confidences: dict[str, float] | None = None,
    ) -> TriageResult:
        """The result of a triage whose rules ``fired`` (index -> matched facts, in order)."""
        if confidences is None:
            confidences = self.confidences(fired)
        static = self._static
        plans = self.plans
        flags = self._red_flag
        parts: list[_Parts] = []
        for index, matched in fired.items():
            part = static.get((index, id(matched)))
            if part is None or part.facts is not matched:
                part = _Parts(plans[index], matched, flags[index])
            parts.append(part)

        rank = _SELF_CARE
        reasons: list[str] = []
        escalating: list[str] = []  # rules that raised the level (each fires once)
        red_flags: list[tuple[int, str, RedFlag]] = []
        blocked: dict[str, tuple[str, str, list[str]]] = {}  # target -> label, reason, rules
        evidence: dict[str, tuple[list[RuleEvidence], list[RuleEvidence]]] = {}
        for part in parts:
            plan = part.plan
            if plan.escalations:
                if plan.rank > rank:
                    rank = plan.rank
                reasons.extend(plan.escalations)
                escalating.append(plan.id)
                if part.red_flag is not None:
                    red_flags.append((-plan.rank, plan.id, part.red_flag))
            for h, ev in part.supporting:
                evidence.setdefault(h, ([], []))[0].append(ev)
            for h, ev in part.opposing:
                evidence.setdefault(h, ([], []))[1].append(ev)
            for target, label, reason in plan.blocks:
                prior = blocked.get(target)
                if prior is None:
                    blocked[target] = (label, reason, [plan.id])
                else:
                    prior[2].append(plan.id)
        level = _LEVELS[rank]
        if len(red_flags) > 1:
            red_flags.sort(key=_first_two)
        flags_found = [flag for _, _, flag in red_flags]

        hypotheses: list[Hypothesis] = []
        labels = self._hypotheses
        for h, c in confidences.items():
            if c < POSSIBLE:
                continue
            label, level_of_evidence = labels[h]
            pro, con = evidence.get(h, ((), ()))
            hypotheses.append(
                _new_hypothesis(
                    id=h,
                    label=label,
                    confidence=c,
                    likelihood=_IS_LIKELY if c >= LIKELY else _IS_POSSIBLE,
                    evidence=level_of_evidence,
                    supporting=tuple(pro),
                    opposing=tuple(con),
                )
            )
        if len(hypotheses) > 1:
            hypotheses.sort(key=lambda x: (-x.confidence, x.id))

        return _new_result(
            level=level,
            hypotheses=tuple(hypotheses),
            recommendations=self._recommendations(
                parts, facts, confidences, rank, blocked, (reasons, escalating), flags_found
            ),
            blocked_exercises=self._blocked(blocked) if blocked else (),
            red_flags=tuple(flags_found),
            trace=tuple(part.fired for part in parts),
            to_confirm=self.screener.to_confirm(facts),
            unscreened=self.screener.unscreened(facts),
            disclaimer=DISCLAIMER,
            pack=self._info,
            lang="en",  # other languages are applied to the finished result (flows.translate)
        )

    def _blocked(
        self, blocked: Mapping[str, tuple[str, str, list[str]]]
    ) -> tuple[BlockedExercise, ...]:
        """The blocked exercises, by id; each from the first rule's reason (cached)."""
        out: list[BlockedExercise] = []
        cache = self._blocks
        for target in sorted(blocked):
            label, reason, rules = blocked[target]
            key = (target, reason, *rules)
            got = cache.get(key)
            if got is None:
                got = _new_blocked(id=target, label=label, reason=reason, rules=tuple(rules))
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[key] = got
            out.append(got)
        return tuple(out)

    def _recommendations(
        self,
        parts: list[_Parts],
        facts: Facts,
        confidences: Mapping[str, float],
        rank: int,
        blocked: Mapping[str, object],
        escalated: tuple[list[str], list[str]],
        red_flags: list[RedFlag],
    ) -> tuple[Recommendation, ...]:
        found: dict[str, tuple[set[str], list[str]]] = {}
        for part in parts:
            plan = part.plan
            for rec_id in plan.recommends:
                got = found.get(rec_id)
                if got is None:
                    found[rec_id] = (set(plan.linked), [plan.id])
                else:
                    got[0].update(plan.linked)
                    got[1].append(plan.id)
        referring = rank >= _REFERRAL_RANK
        referral = self._referrals.get(rank) if referring else None
        present = facts.present
        out: list[tuple[tuple[int, float, int, str], Recommendation]] = []
        for rec_id, (hyps, by) in found.items():
            if rec_id in blocked or rec_id == referral:
                continue
            item, kind, order = self._recs_info[rec_id]
            if referring and kind is not _REFERRAL:
                continue
            if item.contraindications and any(c in present for c in item.contraindications):
                continue
            best = max((confidences.get(h, 0.0) for h in hyps), default=0.0)
            why_referral = None
            if kind is _REFERRAL:  # every referral says why
                plans = {p.plan.id: p.plan for p in parts}
                why_referral = " ".join(dict.fromkeys(plans[b].referral_text for b in by))
            out.append(
                ((1, -best, order, rec_id), self._recommendation(rec_id, hyps, by, why_referral))
            )
        if referral is not None:
            reasons, escalating = escalated
            why = [f.reason for f in red_flags] if red_flags else reasons
            rec = self._recommendation(referral, set(), escalating, " ".join(dict.fromkeys(why)))
            out.append(((0, 0.0, 0, referral), rec))
        if len(out) > 1:
            out.sort(key=lambda pair: pair[0])
        return tuple(rec for _, rec in out)

    def _recommendation(
        self, rec_id: str, hyps: set[str], by: list[str], reason: str | None
    ) -> Recommendation:
        key = (rec_id, frozenset(hyps), tuple(by), reason)
        cached = self._recs.get(key)
        if cached is not None:
            return cached
        item, kind, _ = self._recs_info[rec_id]
        variants = self._variants.get(rec_id)
        if variants is None:
            variants = self._variants[rec_id] = tuple(
                _new_variant(id=v.id, label=v.label, instructions=v.instructions, dosage=v.dosage)
                for v in item.variants
            )
        rec = _new_recommendation(
            id=rec_id,
            label=item.label,
            kind=kind,
            instructions=item.instructions,
            dosage=item.dosage,
            variants=variants,
            hypotheses=tuple(sorted(hyps)),
            rules=tuple(by),
            reason=reason,
            source=tuple(item.source or ()),
        )
        if len(self._recs) >= CACHE_LIMIT:
            self._recs.clear()
        self._recs[key] = rec
        return rec
