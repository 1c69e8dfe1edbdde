"""The triage engine: a compiled pack on durable-rules, and the result it builds."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from ._durable import Fired, Ruleset
from .compiler import BOOT_RULE, CompiledPack, CompiledRule, compile_pack, engine_number
from .errors import HamtriageError
from .levels import EvidenceLevel, Likelihood, RecommendationKind, TriageLevel
from .loader import bundled_rules_path, load_pack
from .pack import RulePack
from .report import Facts, Report, normalize
from .results import (
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

__all__ = ["LIKELY", "POSSIBLE", "POSSIBLE_CAP", "Engine", "combine"]

LIKELY = 0.6
POSSIBLE = 0.3
POSSIBLE_CAP = 0.59
"""Highest confidence of a hypothesis whose ``max_likelihood`` is ``possible``."""

_KIND_OF_T = {
    "y": "symptom",
    "n": "absent",
    "act": "activity",
    "m": "measurement",
    "asym": "asymmetry",
    "age": "age",
    "sex": "sex",
    "h": "hypothesis",
}
_KIND_ORDER = {
    RecommendationKind.REFERRAL: 0,
    RecommendationKind.DRILL: 1,
    RecommendationKind.EDUCATION: 2,
}


def combine(supporting: list[float], opposing: list[float]) -> float:
    """MYCIN certainty-factor combination, clamped to [0, 1].

    Positive certainties combine as ``a + b(1 - a)``, negative ones likewise, and the
    two as ``(P - N) / (1 - min(P, N))``.
    """
    p = 0.0
    for a in supporting:
        p = p + a * (1.0 - p)
    n = 0.0
    for b in opposing:
        n = n + b * (1.0 - n)
    if p == 0.0 and n == 0.0:
        return 0.0
    denominator = 1.0 - min(p, n)
    cf = (p - n) / denominator if denominator > 0 else 0.0
    return max(0.0, min(1.0, cf))


def _matched(matched: dict[str, dict[str, Any]]) -> tuple[MatchedFact, ...]:
    out: list[MatchedFact] = []
    for alias in sorted(matched):
        fact = matched[alias]
        t = fact.get("t")
        if alias == "stage" or t not in _KIND_OF_T:
            continue
        value = fact.get("c") if t == "h" else fact.get("v")
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        fid = fact.get("k", t)
        out.append(MatchedFact.model_construct(kind=_KIND_OF_T[t], id=str(fid), value=value))
    return tuple(out)


class Engine:
    """A rule pack compiled onto durable-rules. Thread-safe; keeps no state between calls.

    Build one per pack and reuse it: ``Engine.default()`` (the bundled pack, shared),
    ``Engine.from_path(dir)`` or ``Engine(pack)``.
    """

    def __init__(self, pack: RulePack) -> None:
        self._pack = pack
        self._compiled: CompiledPack = compile_pack(pack)
        self._ruleset = Ruleset(pack.meta.name, self._compiled.definition)
        self._shared = False
        self._pack_info = PackInfo(
            name=pack.meta.name,
            version=pack.meta.version,
            content_hash=pack.content_hash,
            id=pack.pack_id,
        )

    # ----------------------------------------------------------------- building

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Engine:
        """Load, check and compile the rule pack in directory ``path``."""
        return cls(load_pack(path))

    @classmethod
    def default(cls) -> Engine:
        """The engine over the bundled rule pack, built once per process and shared."""
        return _default_engine()

    @property
    def pack(self) -> RulePack:
        """The rule pack this engine runs."""
        return self._pack

    @property
    def compiled(self) -> CompiledPack:
        """The compiled form of the pack (the durable-rules definition and its tables)."""
        return self._compiled

    def close(self) -> None:
        """Free the engine's ruleset. Further triage calls raise :class:`EngineError`."""
        if self._shared:
            raise HamtriageError("the shared default engine cannot be closed")
        self._ruleset.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Engine {self._pack.pack_id}: {len(self._pack.rules)} rules>"

    # ------------------------------------------------------------------- triage

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts:
        """Check ``report`` against the pack and resolve synonyms (raises ReportError)."""
        return normalize(report, self._pack)

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult:
        """Triage one report. Raises :class:`~hamtriage.ReportError` for bad input."""
        facts = normalize(report, self._pack)
        fired = self._run(facts)
        return self._result(facts, fired)

    def _input_facts(self, facts: Facts) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"t": "y", "k": i} for i in sorted(facts.present)]
        out += [{"t": "n", "k": i} for i in sorted(facts.absent)]
        out += [{"t": "act", "k": i} for i in sorted(facts.activities)]
        out += [
            {"t": "m", "k": k, "v": engine_number(facts.measurements[k])}
            for k in sorted(facts.measurements)
        ]
        out += [
            {"t": "asym", "k": k, "v": engine_number(facts.asymmetries[k])}
            for k in sorted(facts.asymmetries)
        ]
        if facts.age is not None:
            out.append({"t": "age", "v": facts.age})
        if facts.sex is not None:
            out.append({"t": "sex", "v": facts.sex})
        return out

    def _run(self, facts: Facts) -> dict[int, tuple[MatchedFact, ...]]:
        """Run the staged session; return each fired rule's matched facts, in firing order."""
        compiled = self._compiled
        fired: dict[int, tuple[MatchedFact, ...]] = {}

        def absorb(batch: list[Fired]) -> None:
            for name, matched in batch:
                if name == BOOT_RULE:
                    continue
                index = compiled.branch_rule[name]
                if index not in fired:
                    fired[index] = _matched(matched)

        with self._ruleset.session() as session:
            absorb(session.assert_facts(self._input_facts(facts)))
            for stage in range(compiled.max_stage + 1):
                batch: list[dict[str, Any]] = []
                if stage > 0:
                    confidences = self._confidences(fired)
                    for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items()):
                        c = confidences.get(hyp, 0.0)
                        if hyp_stage == stage - 1 and c > 0:
                            batch.append({"t": "h", "k": hyp, "c": engine_number(c)})
                if stage in compiled.stage_markers:
                    batch.append({"t": "st", "n": stage})
                if batch:
                    absorb(session.assert_facts(batch))
        return fired

    def _confidences(self, fired: Mapping[int, object]) -> dict[str, float]:
        pro: dict[str, list[float]] = {}
        con: dict[str, list[float]] = {}
        for index in fired:
            rule = self._compiled.rules[index]
            for h, c in rule.supports:
                pro.setdefault(h, []).append(c)
            for h, c in rule.against:
                con.setdefault(h, []).append(c)
        out: dict[str, float] = {}
        for h in pro.keys() | con.keys():
            c = combine(pro.get(h, []), con.get(h, []))
            if self._pack.hypotheses[h].max_likelihood == "possible":
                c = min(c, POSSIBLE_CAP)
            out[h] = round(c, 4)
        return out

    def _result(self, facts: Facts, fired: dict[int, tuple[MatchedFact, ...]]) -> TriageResult:
        pack = self._pack
        rules = [self._compiled.rules[i] for i in fired]
        confidences = self._confidences(fired)

        hypotheses = self._hypotheses(rules, fired, confidences)
        level = TriageLevel.SELF_CARE
        red_flags: list[RedFlag] = []
        reasons: list[tuple[str, str]] = []
        blocked: dict[str, BlockedExercise] = {}
        for r in rules:
            for lvl, reason in r.escalations:
                level = max(level, lvl)
                reasons.append((r.id, reason))
            if r.rule.red_flag and r.escalations:
                red_flags.append(
                    RedFlag.model_construct(
                        id=r.id,
                        label=r.rule.title,
                        level=max(lvl for lvl, _ in r.escalations),
                        reason=" ".join(reason for _, reason in r.escalations),
                        facts=fired[r.index],
                        source=tuple(r.rule.source),
                    )
                )
            for target, reason in r.blocks:
                prior = blocked.get(target)
                blocked[target] = BlockedExercise.model_construct(
                    id=target,
                    label=pack.label(target),
                    reason=reason if prior is None else prior.reason,
                    rules=(r.id,) if prior is None else (*prior.rules, r.id),
                )
        red_flags.sort(key=lambda f: (-f.level.rank, f.id))
        recommendations = self._recommendations(
            rules, facts, confidences, level, blocked, reasons, red_flags
        )
        trace = tuple(
            FiredRule.model_construct(
                rule_id=r.id,
                title=r.rule.title,
                facts=fired[r.index],
                source=tuple(r.rule.source),
                evidence=r.rule.evidence,
                red_flag=r.rule.red_flag,
            )
            for r in rules
        )
        return TriageResult.model_construct(
            level=level,
            hypotheses=hypotheses,
            recommendations=recommendations,
            blocked_exercises=tuple(sorted(blocked.values(), key=lambda b: b.id)),
            red_flags=tuple(red_flags),
            trace=trace,
            disclaimer=DISCLAIMER,
            pack=self._pack_info,
        )

    def _hypotheses(
        self,
        rules: list[CompiledRule],
        fired: dict[int, tuple[MatchedFact, ...]],
        confidences: dict[str, float],
    ) -> tuple[Hypothesis, ...]:
        out: list[Hypothesis] = []
        for h, c in confidences.items():
            if c < POSSIBLE:
                continue
            item = self._pack.hypotheses[h]
            out.append(
                Hypothesis.model_construct(
                    id=h,
                    label=item.label,
                    confidence=c,
                    likelihood=Likelihood.LIKELY if c >= LIKELY else Likelihood.POSSIBLE,
                    evidence=EvidenceLevel(item.evidence),
                    supporting=tuple(
                        RuleEvidence.model_construct(
                            rule_id=r.id, certainty=cert, facts=fired[r.index]
                        )
                        for r in rules
                        for hid, cert in r.supports
                        if hid == h
                    ),
                    opposing=tuple(
                        RuleEvidence.model_construct(
                            rule_id=r.id, certainty=cert, facts=fired[r.index]
                        )
                        for r in rules
                        for hid, cert in r.against
                        if hid == h
                    ),
                )
            )
        out.sort(key=lambda x: (-x.confidence, x.id))
        return tuple(out)

    def _recommendations(
        self,
        rules: list[CompiledRule],
        facts: Facts,
        confidences: dict[str, float],
        level: TriageLevel,
        blocked: Mapping[str, BlockedExercise],
        reasons: list[tuple[str, str]],
        red_flags: list[RedFlag],
    ) -> tuple[Recommendation, ...]:
        pack = self._pack
        found: dict[str, tuple[set[str], list[str]]] = {}
        for r in rules:
            linked = {h for h, _ in r.supports} | set(r.reads)
            for rec_id in r.recommends:
                hyps, by = found.setdefault(rec_id, (set(), []))
                hyps.update(linked)
                by.append(r.id)
        referral = pack.meta.referrals.get(level) if level.is_referral else None
        out: list[tuple[tuple[int, float, int, str], Recommendation]] = []
        for rec_id, (hyps, by) in found.items():
            item = pack.recommendations[rec_id]
            if rec_id in blocked or rec_id == referral:
                continue
            if level.is_referral and item.kind != RecommendationKind.REFERRAL:
                continue
            if any(c in facts.present for c in item.contraindications):
                continue
            rank = max((confidences.get(h, 0.0) for h in hyps), default=0.0)
            out.append(
                (
                    (1, -rank, _KIND_ORDER[item.kind], rec_id),
                    self._recommendation(rec_id, hyps, by, None),
                )
            )
        if referral is not None:
            why = [f.reason for f in red_flags] or [reason for _, reason in reasons]
            escalating = tuple(dict.fromkeys(rid for rid, _ in reasons))
            rec = self._recommendation(
                referral, set(), list(escalating), " ".join(dict.fromkeys(why))
            )
            out.append(((0, 0.0, 0, referral), rec))
        out.sort(key=lambda pair: pair[0])
        return tuple(rec for _, rec in out)

    def _recommendation(
        self, rec_id: str, hyps: set[str], by: list[str], reason: str | None
    ) -> Recommendation:
        item = self._pack.recommendations[rec_id]
        return Recommendation.model_construct(
            id=rec_id,
            label=item.label,
            kind=RecommendationKind(item.kind),
            instructions=item.instructions,
            dosage=item.dosage,
            variants=tuple(
                Variant.model_construct(
                    id=v.id, label=v.label, instructions=v.instructions, dosage=v.dosage
                )
                for v in item.variants
            ),
            hypotheses=tuple(sorted(hyps)),
            rules=tuple(by),
            reason=reason,
            source=tuple(item.source or ()),
        )


@functools.cache
def _default_engine() -> Engine:
    engine = Engine.from_path(bundled_rules_path())
    engine._shared = True
    return engine
