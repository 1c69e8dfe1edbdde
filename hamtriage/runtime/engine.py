"""The triage engine: a compiled pack on durable-rules, and the result it builds."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import EngineError, HamtriageError, ReportError
from ..report import Facts, Report, normalize
from ..results import MatchedFact, PackInfo, TriageResult
from ..rules.loader import bundled_rules_path, load_pack
from ..rules.pack import RulePack
from ._construct import trusted
from ._durable import Ruleset
from .assemble import CACHE_LIMIT, LIKELY, POSSIBLE, POSSIBLE_CAP, Assembler, combine
from .compiler import (
    BOOT_RULE,
    CompiledPack,
    compile_pack,
    engine_number,
    fact_json,
    fact_name,
    marker_json,
)

if TYPE_CHECKING:
    from ..flows.explain import Explanation
    from ..flows.interview import Interview
    from ..flows.retesting import RetestResult

__all__ = ["LIKELY", "POSSIBLE", "POSSIBLE_CAP", "Engine", "combine"]

_new_matched = trusted(MatchedFact)

_KIND_OF_T = {
    "y": "symptom",
    "n": "absent",
    "act": "activity",
    "m": "measurement",
    "asym": "asymmetry",
    "age": "age",
    "sex": "sex",
    "h": "hypothesis",
    "chg": "change",
    "after": "intervention",
}


def _matched(matched: dict[str, dict[str, Any]]) -> tuple[MatchedFact, ...]:
    """The matched facts of one action, decoded from the engine's echo of them."""
    out: list[MatchedFact] = []
    for alias in sorted(matched):
        fact = matched[alias]
        name = fact.get("id")
        if alias == "stage" or not isinstance(name, str):
            continue
        t, _, k = name.partition(":")
        if t not in _KIND_OF_T:
            continue
        value = None if t in ("y", "n", "act", "after") else fact.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        out.append(_new_matched(kind=_KIND_OF_T[t], id=k or t, value=value))
    return tuple(out)


def _prefix(t: str, key: str) -> str:
    """A valued fact's JSON up to its value: ``{"id":"m:k","m:k":`` (value and ``}`` follow)."""
    name = json.dumps(fact_name(t, key), ensure_ascii=False)
    return f'{{"id":{name},{name}:'


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
        self._pack_info = trusted(PackInfo)(
            name=pack.meta.name,
            version=pack.meta.version,
            content_hash=pack.content_hash,
            id=pack.pack_id,
        )
        self._assembler = Assembler(pack, self._compiled, self._pack_info)
        self._messages: dict[str, tuple[tuple[int, tuple[MatchedFact, ...]], ...]] = {}
        self._fragments: dict[tuple[str, str], str] = {}  # one per vocabulary id at most
        self._reloaded: Engine | None = None  # the engine of the pack swapped in by reload()
        self._shapes = self._shape_table()
        compiled = self._compiled
        self._first_marker = marker_json(0) if 0 in compiled.stage_markers else None
        self._age_tested = "age" in compiled.tested
        # per later stage: the hypotheses asserted before it (with their JSON prefix), and
        # its marker if a rule waits for one
        self._stages = tuple(
            (
                tuple(
                    (hyp, _prefix("h", hyp), compiled.hypothesis_floor.get(hyp, float("-inf")))
                    for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items())
                    if hyp_stage == stage - 1 and fact_name("h", hyp) in compiled.tested
                ),
                marker_json(stage) if stage in compiled.stage_markers else None,
            )
            for stage in range(1, compiled.max_stage + 1)
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
        from ..flows.batch import restore_engine

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
        """Triage many reports; results come back in order (see :mod:`hamtriage.flows.batch`).

        ``workers=N`` spreads the reports over N worker processes, each building this
        engine's pack once. An invalid report raises :class:`~hamtriage.BatchReportError`
        (a ``ReportError`` whose ``field`` starts with ``reports[i]``) before any report is
        triaged; with ``on_error="return"`` that error takes the report's place instead.
        """
        from ..flows.batch import triage_many

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
        fired: dict[int, tuple[MatchedFact, ...]] = {}
        shapes = self._shapes
        valued: dict[tuple[str, str], MatchedFact] = {}  # this call's facts with a value
        hyps: dict[str, float | int] = {}  # confidences asserted as hypothesis facts
        last: tuple[dict[str, float], int] | None = None

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
                if index in fired:
                    continue
                if static is None:
                    got: list[MatchedFact] = []
                    for key in keys:
                        one = valued.get(key)
                        if one is None:
                            t, k = key
                            one = valued[key] = _new_matched(
                                kind=_KIND_OF_T[t], id=k, value=self._value(facts, hyps, t, k)
                            )
                        got.append(one)
                    static = tuple(got)
                fired[index] = static

        with self._ruleset.session() as session:
            # the stage-0 marker goes last in the report's own batch: durable asserts a
            # batch in order, so every fact a negation reads is in before the marker
            absorb(session.assert_json(self._input_json(facts, self._first_marker)))
            for stage_hyps, marker in self._stages:
                batch: list[str] = []
                confidences = self._assembler.confidences(fired)
                last = (confidences, len(fired))
                for hyp, prefix, floor in stage_hyps:
                    c = confidences.get(hyp)
                    if c and c >= floor:  # below the floor it would match no test
                        hyps[hyp] = number = engine_number(c)
                        batch.append(f"{prefix}{number!r}}}")
                if marker is not None:
                    batch.append(marker)
                if batch:
                    absorb(session.assert_json(batch))
        if known is not None and last is not None:
            confidences, count = last
            plans = self._assembler.plans
            if count == len(fired) or not any(plans[i].weighs for i in list(fired)[count:]):
                known.append(confidences)
        return fired

    @staticmethod
    def _value(facts: Facts, hyps: Mapping[str, float | int], t: str, k: str) -> float | str | None:
        """The value a matched fact carries, exactly as the engine echoes it back (the
        report's numbers are rounded to 4 decimals by normalize, as the engine gets them)."""
        if t == "m":
            return float(facts.measurements[k])
        if t == "asym":
            return float(facts.asymmetries[k])
        if t == "h":
            return float(hyps[k])
        if t == "age":
            return None if facts.age is None else float(facts.age)
        if t == "sex":
            return facts.sex
        if t == "chg":
            return facts.changes.get(k)
        return None

    def _shape_table(
        self,
    ) -> dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]:
        """Per engine rule: its rule index, its matched facts when they never vary (no
        value), and else the (kind, id) of each fact it matches, in alias order."""
        table: dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]
        table = {}
        for name, index in self._compiled.branch_rule.items():
            pairs = self._compiled.matches.get(name)
            if pairs is None:  # an engine rule the compiler did not describe: parse actions
                continue
            static = None
            if all(t in ("y", "n", "act", "after") for t, _ in pairs):
                static = tuple(_new_matched(kind=_KIND_OF_T[t], id=k, value=None) for t, k in pairs)
                self._assembler.prepare(index, static)  # its result objects, built once
            table[name] = (index, static, pairs)
        return table

    def _input_json(self, facts: Facts, marker: str | None = None) -> list[str]:
        """The report's facts, each encoded as compact JSON, in a fixed order (the hot path).

        Present (``y:ID``), absent (``n:ID``) and activity (``act:ID``) facts, then
        measurements (``m:ID``) and asymmetries (``asym:ID``) with their values, then
        ``age`` and ``sex`` (see :mod:`hamtriage.runtime.compiler`); then ``marker``. Facts that
        no pattern tests are left out: the engine would drop them unseen.
        """
        frag = self._fragments
        out: list[str] = []
        for t, ids in (("y", facts.present), ("n", facts.absent), ("act", facts.activities)):
            if not ids:
                continue
            for i in sorted(ids) if len(ids) > 1 else ids:
                text = frag.get((t, i))
                if text is None:
                    text = frag[(t, i)] = self._fragment(t, i, fact_json(t, i, 1))
                if text:
                    out.append(text)
        for t, values in (("m", facts.measurements), ("asym", facts.asymmetries)):
            if not values:
                continue
            for k in sorted(values) if len(values) > 1 else values:
                prefix = frag.get((t, k))
                if prefix is None:
                    prefix = frag[(t, k)] = self._fragment(t, k, _prefix(t, k))
                if prefix:
                    v = values[k]  # rounded to 4 decimals by normalize
                    out.append(f"{prefix}{int(v) if v.is_integer() else v!r}}}")
        if facts.age is not None and self._age_tested:
            out.append(f'{{"id":"age","age":{int(facts.age)}}}')
        if facts.sex is not None:
            text = frag.get(("sex", facts.sex))
            if text is None:
                text = frag[("sex", facts.sex)] = self._fragment(
                    "sex", None, fact_json("sex", None, facts.sex)
                )
            if text:
                out.append(text)
        if facts.changes or facts.interventions:  # a re-test's (hamtriage.flows.retesting)
            tested = self._compiled.tested
            out += [
                fact_json("chg", k, v)
                for k, v in facts.changes.items()
                if fact_name("chg", k) in tested
            ]
            out += [
                fact_json("after", r, 1)
                for r in sorted(facts.interventions)
                if fact_name("after", r) in tested
            ]
        if marker is not None:
            out.append(marker)
        return out

    def _fragment(self, t: str, key: str | None, text: str) -> str:
        """``text`` if some pattern tests the fact named ``t:key`` (or ``t``), else ``""``
        (such a fact is not asserted)."""
        return text if fact_name(t, key) in self._compiled.tested else ""

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
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[message] = got
        return got

    def _confidences(self, fired: Mapping[int, object]) -> dict[str, float]:
        """Each hypothesis's combined confidence over the rules that ``fired``."""
        return self._assembler.confidences(fired)

    def _result(
        self,
        facts: Facts,
        fired: dict[int, tuple[MatchedFact, ...]],
        confidences: dict[str, float] | None = None,
    ) -> TriageResult:
        """The result of a triage whose rules ``fired`` (index -> matched facts, in order)."""
        return self._assembler.result(facts, fired, confidences)

    # ------------------------------------------------- explanations and questions

    def explain(self, report: Report | Mapping[str, Any]) -> Explanation:
        """Why and why not: each hypothesis the report touches, with evidence for,
        against and missing (see :mod:`hamtriage.flows.explain`)."""
        from ..flows.explain import explain_report

        return explain_report(self._current(), report)  # one pack even during a reload

    def next_questions(self, report: Report | Mapping[str, Any], limit: int = 3) -> Interview:
        """The questions whose answers could change the result most, red flags first,
        and ``should_stop`` (see :mod:`hamtriage.flows.interview`). Stateless."""
        from ..flows.interview import next_questions

        return next_questions(report, limit, engine=self._current())

    def retest(
        self,
        before: Report | Mapping[str, Any],
        after: Report | Mapping[str, Any],
        *,
        intervention: str | None = None,
        lang: str = "en",
    ) -> RetestResult:
        """Compare two reports against each test's measurement error and triage ``after``
        with the changes as evidence (see :mod:`hamtriage.flows.retesting`)."""
        from ..flows.retesting import retest

        return retest(self._current(), before, after, intervention=intervention, lang=lang)


@functools.cache
def _default_engine() -> Engine:
    engine = Engine.from_path(bundled_rules_path())
    engine._shared = True
    return engine
