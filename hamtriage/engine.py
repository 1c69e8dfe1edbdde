"""The triage engine: a compiled pack on durable-rules, and the result it builds."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from ._construct import trusted
from ._durable import Ruleset
from .compiler import BOOT_RULE, CompiledPack, CompiledRule, compile_pack, engine_number
from .errors import EngineError, HamtriageError, ReportError
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

if TYPE_CHECKING:
    from .explain import Explanation
    from .interview import Interview

__all__ = ["LIKELY", "POSSIBLE", "POSSIBLE_CAP", "Engine", "combine"]

LIKELY = 0.6
POSSIBLE = 0.3
POSSIBLE_CAP = 0.59
"""Highest confidence of a hypothesis whose ``max_likelihood`` is ``possible``."""

_CACHE_LIMIT = 1024
"""Entries in each per-engine cache of immutable result parts (cleared when full)."""

_new_matched = trusted(MatchedFact)
_new_evidence = trusted(RuleEvidence)
_new_hypothesis = trusted(Hypothesis)
_new_variant = trusted(Variant)
_new_recommendation = trusted(Recommendation)
_new_blocked = trusted(BlockedExercise)
_new_red_flag = trusted(RedFlag)
_new_fired_rule = trusted(FiredRule)
_new_result = trusted(TriageResult)

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
    two as ``(P - N) / (1 - min(P, N))``. The certainties are combined in sorted order:
    the formula does not depend on the order, but floating point does in the last bit,
    and rounding to 4 decimals must not depend on which rule happened to fire first.
    """
    p = 0.0
    for a in sorted(supporting):
        p = p + a * (1.0 - p)
    n = 0.0
    for b in sorted(opposing):
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
        out.append(_new_matched(kind=_KIND_OF_T[t], id=str(fid), value=value))
    return tuple(out)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class _RuleParts:
    """The result objects that depend only on one fired rule and the facts it matched."""

    __slots__ = ("facts", "fired", "index", "opposing", "red_flag", "supporting")

    def __init__(self, rule: CompiledRule, facts: tuple[MatchedFact, ...]) -> None:
        self.facts = facts
        self.index = rule.index
        r = rule.rule
        source = tuple(r.source)
        self.fired = _new_fired_rule(
            rule_id=rule.id,
            title=r.title,
            facts=facts,
            source=source,
            evidence=r.evidence,
            red_flag=r.red_flag,
        )
        self.red_flag = (
            _new_red_flag(
                id=rule.id,
                label=r.title,
                level=max(lvl for lvl, _ in rule.escalations),
                reason=" ".join(reason for _, reason in rule.escalations),
                facts=facts,
                source=source,
            )
            if r.red_flag and rule.escalations
            else None
        )
        self.supporting = tuple(
            (h, _new_evidence(rule_id=rule.id, certainty=c, facts=facts)) for h, c in rule.supports
        )
        self.opposing = tuple(
            (h, _new_evidence(rule_id=rule.id, certainty=c, facts=facts)) for h, c in rule.against
        )


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
        # caches of immutable result parts (bounded; shared by results, which are frozen)
        self._capped = frozenset(
            h for h, item in pack.hypotheses.items() if item.max_likelihood == "possible"
        )
        self._messages: dict[str, tuple[tuple[int, tuple[MatchedFact, ...]], ...]] = {}
        self._parts: dict[int, _RuleParts] = {}
        self._recs: dict[tuple[Any, ...], Recommendation] = {}
        self._variants: dict[str, tuple[Variant, ...]] = {}
        self._fragments: dict[tuple[str, str], str] = {}  # one per vocabulary id at most
        self._reloaded: Engine | None = None  # the engine of the pack swapped in by reload()
        self._shapes = self._shape_table()

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
        """The rule pack this engine runs (the latest one after :meth:`reload`)."""
        return self._current()._pack

    @property
    def compiled(self) -> CompiledPack:
        """The compiled form of the pack (the durable-rules definition and its tables)."""
        return self._current()._compiled

    def _current(self) -> Engine:
        """The engine holding the current pack: this one, or the one :meth:`reload` built.

        A triage takes it once and runs wholly on it, so a reload never mixes two packs
        in one result; the replaced engine's ruleset is freed when its last call ends.
        """
        reloaded = self._reloaded
        return self if reloaded is None else reloaded

    def reload(self, path: str | os.PathLike[str] | None = None) -> RulePack:
        """Load the pack in ``path`` (default: the current pack's directory) and swap it in.

        The new pack is loaded and compiled first (a :class:`RulePackError` leaves the
        engine unchanged), then replaces the old one atomically: calls already running
        finish on the old pack, later calls use the new one. Returns the new pack.
        """
        if self._shared:
            raise HamtriageError("the shared default engine cannot be reloaded")
        if self._ruleset.closed:
            raise EngineError("the engine is closed")
        if path is None:
            path = self.pack.root
            if path is None:
                raise HamtriageError("this engine's pack has no directory to reload from")
        fresh = Engine.from_path(path)
        self._reloaded = fresh  # one assignment: atomic for other threads
        return fresh._pack

    def close(self) -> None:
        """Free the engine's ruleset. Further triage calls raise :class:`EngineError`."""
        if self._shared:
            raise HamtriageError("the shared default engine cannot be closed")
        self._ruleset.close()
        reloaded = self._reloaded
        if reloaded is not None:
            reloaded._ruleset.close()

    def __reduce__(self) -> tuple[Any, ...]:
        """Engines pickle by reference to their pack directory (for worker processes).

        The receiving process loads and compiles the pack once and checks that its
        content hash is unchanged.
        """
        from .batch import restore_engine

        pack = self.pack
        if self._shared:
            return (restore_engine, (None, pack.content_hash))
        if pack.root is None:
            raise TypeError("an engine over a pack with no directory cannot be pickled")
        return (restore_engine, (pack.root, pack.content_hash))

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        pack = self.pack
        return f"<Engine {pack.pack_id}: {len(pack.rules)} rules>"

    # ------------------------------------------------------------------- triage

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts:
        """Check ``report`` against the pack and resolve synonyms (raises ReportError)."""
        return normalize(report, self._current()._pack)

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult:
        """Triage one report. Raises :class:`~hamtriage.ReportError` for bad input."""
        core = self._current()
        return core._triage_facts(normalize(report, core._pack))

    def _triage_facts(self, facts: Facts) -> TriageResult:
        """Triage a normalised report on this engine's pack (single and batch triage)."""
        known: list[dict[str, float]] = []
        fired = self._run(facts, known)
        return self._result(facts, fired, known[0] if known else None)

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise"] = "raise",
    ) -> list[TriageResult]: ...

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["return"],
    ) -> list[TriageResult | ReportError]: ...

    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise", "return"] = "raise",
    ) -> list[TriageResult] | list[TriageResult | ReportError]:
        """Triage many reports; results come back in order (see :mod:`hamtriage.batch`).

        ``workers=N`` spreads the reports over N worker processes, each building this
        engine's pack once. An invalid report raises :class:`~hamtriage.BatchReportError`
        (a ``ReportError`` whose ``field`` starts with ``reports[i]``) before any report is
        triaged; with ``on_error="return"`` that error takes the report's place instead.
        """
        from .batch import triage_many

        results: list[Any] = triage_many(self, reports, workers=workers, on_error=on_error)
        return results

    def _run(
        self, facts: Facts, known: list[dict[str, float]] | None = None
    ) -> dict[int, tuple[MatchedFact, ...]]:
        """Run the staged session; return each fired rule's matched facts, in firing order.

        If ``known`` is given and the confidences computed between stages are still the
        final ones (nothing that fired later supports or opposes a hypothesis), they are
        appended to it, so that the result need not compute them again.
        """
        compiled = self._compiled
        fired: dict[int, tuple[MatchedFact, ...]] = {}
        shapes = self._shapes
        valued: dict[tuple[str, str], MatchedFact] = {}  # this call's facts with a value
        hyps: dict[str, float | int] = {}  # confidences asserted as hypothesis facts

        def fact(t: str, k: str) -> MatchedFact:
            got = valued.get((t, k))
            if got is None:
                got = valued[(t, k)] = _new_matched(
                    kind=_KIND_OF_T[t], id=k, value=self._value(facts, hyps, t, k)
                )
            return got

        def absorb(batch: list[str]) -> None:
            for message in batch:
                # an action is {"<rule>": {<alias>: <fact>, ...}}: the rule's name says
                # which facts it matched (one fact per kind and id in a session)
                shape = shapes.get(message[2 : message.index('"', 2)])
                if shape is None:
                    for index, matched in self._parse(message):
                        if index not in fired:
                            fired[index] = matched
                    continue
                index, static, keys = shape
                if index not in fired:
                    fired[index] = static if static is not None else tuple(fact(*k) for k in keys)

        with self._ruleset.session() as session:
            # the stage-0 marker goes last in the report's own batch: durable asserts a
            # batch in order, so every fact a negation reads is in before the marker
            first = self._input_json(facts)
            if 0 in compiled.stage_markers:
                first.append('{"t":"st","n":0}')
            absorb(session.assert_json(first))
            last: tuple[dict[str, float], int] | None = None
            for stage in range(1, compiled.max_stage + 1):
                batch: list[str] = []
                confidences = self._confidences(fired)
                last = (confidences, len(fired))
                for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items()):
                    c = confidences.get(hyp, 0.0)
                    if hyp_stage == stage - 1 and c > 0:
                        hyps[hyp] = number = engine_number(c)
                        batch.append(f'{{"t":"h","k":{_text(hyp)},"c":{number!r}}}')
                if stage in compiled.stage_markers:
                    batch.append(f'{{"t":"st","n":{stage}}}')
                if batch:
                    absorb(session.assert_json(batch))
        if known is not None and last is not None:
            confidences, count = last
            rules = compiled.rules
            if not any(rules[i].supports or rules[i].against for i in list(fired)[count:]):
                known.append(confidences)
        return fired

    @staticmethod
    def _value(facts: Facts, hyps: Mapping[str, float | int], t: str, k: str) -> float | str | None:
        """The value a matched fact carries, exactly as the engine echoes it back."""
        if t == "m":
            return float(engine_number(facts.measurements[k]))
        if t == "asym":
            return float(engine_number(facts.asymmetries[k]))
        if t == "h":
            return float(hyps[k])
        if t == "age":
            return None if facts.age is None else float(facts.age)
        if t == "sex":
            return facts.sex
        return None

    def _shape_table(
        self,
    ) -> dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]:
        """Per engine rule: its rule index, its matched facts when they never vary (no
        value), and else the (type, id) of each fact it matches, in alias order."""
        table: dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]
        table = {}
        for name, index in self._compiled.branch_rule.items():
            keys: list[tuple[str, str, str]] = []
            for pattern in self._compiled.definition[name]["all"]:
                ((alias, expr),) = pattern.items()
                terms = expr["$and"]
                t = terms[0]["t"]
                if alias == "stage" or alias.endswith("$not") or t not in _KIND_OF_T:
                    continue
                k = terms[1]["k"] if len(terms) > 1 and "k" in terms[1] else t
                keys.append((alias, t, str(k)))
            keys.sort()
            pairs = tuple((t, k) for _, t, k in keys)
            static = None
            if all(t in ("y", "n", "act") for t, _ in pairs):
                static = tuple(_new_matched(kind=_KIND_OF_T[t], id=k, value=None) for t, k in pairs)
            table[name] = (index, static, pairs)
        return table

    def _input_json(self, facts: Facts) -> list[str]:
        """The report's facts, each encoded as compact JSON, in a fixed order (the hot path).

        ``{"t": "y", "k": ID}`` present, ``"n"`` absent, ``"act"`` activity, ``"m"`` and
        ``"asym"`` with their value ``"v"``, then ``"age"`` and ``"sex"``.
        """
        frag = self._fragments
        out: list[str] = []
        for t, ids in (("y", facts.present), ("n", facts.absent), ("act", facts.activities)):
            for i in sorted(ids):
                text = frag.get((t, i))
                if text is None:
                    text = frag[(t, i)] = f'{{"t":"{t}","k":{_text(i)}}}'
                out.append(text)
        for t, values in (("m", facts.measurements), ("asym", facts.asymmetries)):
            out.extend(
                f'{{"t":"{t}","k":{_text(k)},"v":{engine_number(values[k])!r}}}'
                for k in sorted(values)
            )
        if facts.age is not None:
            out.append(f'{{"t":"age","v":{facts.age!r}}}')
        if facts.sex is not None:
            out.append(f'{{"t":"sex","v":{_text(facts.sex)}}}')
        return out

    def _parse(self, message: str) -> tuple[tuple[int, tuple[MatchedFact, ...]], ...]:
        """The rules (by index) and matched facts of one action of the engine, cached."""
        cache = self._messages
        got = cache.get(message)
        if got is None:
            branch = self._compiled.branch_rule
            got = tuple(
                (branch[name], _matched(matched))
                for name, matched in json.loads(message).items()
                if name != BOOT_RULE
            )
            if '"v":' not in message and '"c":' not in message:  # no measured value: recurs
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[message] = got
        return got

    def _rule_parts(self, rule: CompiledRule, facts: tuple[MatchedFact, ...]) -> _RuleParts:
        cache = self._parts
        got = cache.get(id(facts))
        if got is None or got.facts is not facts or got.index != rule.index:
            got = _RuleParts(rule, facts)
            if all(f.value is None for f in facts):  # cached facts recur; measured ones do not
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[id(facts)] = got  # the entry keeps ``facts`` alive: its id stays unique
        return got

    def _confidences(self, fired: Mapping[int, object]) -> dict[str, float]:
        pro: dict[str, list[float]] = {}
        con: dict[str, list[float]] = {}
        rules = self._compiled.rules
        for index in fired:
            rule = rules[index]
            for h, c in rule.supports:
                pro.setdefault(h, []).append(c)
            for h, c in rule.against:
                con.setdefault(h, []).append(c)
        out: dict[str, float] = {}
        capped = self._capped
        for h in pro.keys() | con.keys():
            c = combine(pro.get(h, []), con.get(h, []))
            if h in capped:
                c = min(c, POSSIBLE_CAP)
            out[h] = round(c, 4)
        return out

    def _result(
        self,
        facts: Facts,
        fired: dict[int, tuple[MatchedFact, ...]],
        confidences: dict[str, float] | None = None,
    ) -> TriageResult:
        pack = self._pack
        rules = [self._compiled.rules[i] for i in fired]
        if confidences is None:
            confidences = self._confidences(fired)
        parts = {r.index: self._rule_parts(r, fired[r.index]) for r in rules}

        hypotheses = self._hypotheses(rules, fired, confidences, parts)
        level = TriageLevel.SELF_CARE
        red_flags: list[RedFlag] = []
        reasons: list[tuple[str, str]] = []
        blocked: dict[str, BlockedExercise] = {}
        for r in rules:
            for lvl, reason in r.escalations:
                level = max(level, lvl)
                reasons.append((r.id, reason))
            red_flag = parts[r.index].red_flag
            if red_flag is not None:
                red_flags.append(red_flag)
            for target, reason in r.blocks:
                prior = blocked.get(target)
                blocked[target] = _new_blocked(
                    id=target,
                    label=pack.label(target),
                    reason=reason if prior is None else prior.reason,
                    rules=(r.id,) if prior is None else (*prior.rules, r.id),
                )
        red_flags.sort(key=lambda f: (-f.level.rank, f.id))
        recommendations = self._recommendations(
            rules, facts, confidences, level, blocked, reasons, red_flags
        )
        trace = tuple(parts[r.index].fired for r in rules)
        return _new_result(
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
        parts: Mapping[int, _RuleParts] | None = None,
    ) -> tuple[Hypothesis, ...]:
        out: list[Hypothesis] = []
        if parts is None:
            parts = {r.index: self._rule_parts(r, fired[r.index]) for r in rules}
        for h, c in confidences.items():
            if c < POSSIBLE:
                continue
            item = self._pack.hypotheses[h]
            out.append(
                _new_hypothesis(
                    id=h,
                    label=item.label,
                    confidence=c,
                    likelihood=Likelihood.LIKELY if c >= LIKELY else Likelihood.POSSIBLE,
                    evidence=EvidenceLevel(item.evidence),
                    supporting=tuple(
                        ev for r in rules for hid, ev in parts[r.index].supporting if hid == h
                    ),
                    opposing=tuple(
                        ev for r in rules for hid, ev in parts[r.index].opposing if hid == h
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
            why_referral = None
            if item.kind == RecommendationKind.REFERRAL:  # every referral says why
                said = {r.id: r.rule.explanation or r.rule.title for r in rules}
                why_referral = " ".join(dict.fromkeys(said[b].strip() for b in by))
            out.append(
                (
                    (1, -rank, _KIND_ORDER[item.kind], rec_id),
                    self._recommendation(rec_id, hyps, by, why_referral),
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
        key = (rec_id, frozenset(hyps), tuple(by), reason)
        cached = self._recs.get(key)
        if cached is not None:
            return cached
        item = self._pack.recommendations[rec_id]
        variants = self._variants.get(rec_id)
        if variants is None:
            variants = self._variants[rec_id] = tuple(
                _new_variant(id=v.id, label=v.label, instructions=v.instructions, dosage=v.dosage)
                for v in item.variants
            )
        rec = _new_recommendation(
            id=rec_id,
            label=item.label,
            kind=RecommendationKind(item.kind),
            instructions=item.instructions,
            dosage=item.dosage,
            variants=variants,
            hypotheses=tuple(sorted(hyps)),
            rules=tuple(by),
            reason=reason,
            source=tuple(item.source or ()),
        )
        if len(self._recs) >= _CACHE_LIMIT:
            self._recs.clear()
        self._recs[key] = rec
        return rec

    # ------------------------------------------------- explanations and questions

    def explain(self, report: Report | Mapping[str, Any]) -> Explanation:
        """Why and why not: each hypothesis the report touches, with evidence for,
        against and missing (see :mod:`hamtriage.explain`)."""
        from .explain import explain_report

        return explain_report(self._current(), report)  # one pack even during a reload

    def next_questions(self, report: Report | Mapping[str, Any], limit: int = 3) -> Interview:
        """The questions whose answers could change the result most, red flags first,
        and ``should_stop`` (see :mod:`hamtriage.interview`). Stateless."""
        from .interview import next_questions

        return next_questions(report, limit, engine=self._current())


@functools.cache
def _default_engine() -> Engine:
    engine = Engine.from_path(bundled_rules_path())
    engine._shared = True
    return engine
