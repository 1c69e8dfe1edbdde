"""One rule pack compiled onto durable-rules: the frozen state an :class:`~hamtriage.Engine`
is a handle on, and the staged session that triages a normalised report on it.

Everything here is built once per pack and never changes afterwards, except two bounded
caches of immutable parts; a reload builds a new state and swaps it in whole.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any, Protocol

from ..errors import HamtriageError
from ..report import Facts, Report, normalize
from ..results import MatchedFact, PackInfo, TriageResult
from ..rules.loader import bundled_rules_path, load_pack, load_pack_from_texts
from ..rules.logic import FactKind
from ..rules.pack import RulePack
from ._compiled_snapshot import compile_cached
from ._construct import trusted
from ._durable import Ruleset
from .assemble import CACHE_LIMIT, Assembler
from .compiler import CompiledPack
from .partition import PARTITION_ABOVE
from .split import Split
from .tojson import ResultJson
from .wire import (
    BOOT_RULE,
    age_json,
    decode_matched,
    engine_number,
    fact_json,
    fact_name,
    marker_json,
    new_matched,
    valued_prefix,
)

__all__ = ["Compiled", "Runner", "default_compiled", "process_runner", "restore"]

_KIND_NAME = {kind.value: kind.kind_name for kind in FactKind}
# the kinds' codes as plain strings for the hot path: reading an enum member off its class
# costs about ten dict lookups on CPython 3.11, and its hash is computed on every use
_PRESENT, _ABSENT, _ACTIVITY = (
    FactKind.PRESENT.value,
    FactKind.ABSENT.value,
    FactKind.ACTIVITY.value,
)
_MEASUREMENT, _ASYMMETRY = FactKind.MEASUREMENT.value, FactKind.ASYMMETRY.value
_HYPOTHESIS, _AGE, _SEX = FactKind.HYPOTHESIS.value, FactKind.AGE.value, FactKind.SEX.value
_CHANGE, _INTERVENTION = FactKind.CHANGE.value, FactKind.INTERVENTION.value
_Shape = tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]


class Compiled:
    """A pack, its compiled ruleset on the C engine, and the tables that read its output."""

    def __init__(self, pack: RulePack, *, unit_rules: int = PARTITION_ABOVE) -> None:
        self.pack = pack
        # read back from the pack's compiled snapshot when nothing it depends on changed
        self.compiled: CompiledPack = compile_cached(pack, unit_rules=unit_rules)
        compiled = self.compiled
        units = compiled.units
        name = pack.meta.name
        rulesets: list[Ruleset] = []
        try:
            for i, unit in enumerate(units):
                rulesets.append(
                    Ruleset(name if len(units) == 1 else f"{name}#{i}", unit.definition)
                )
        except BaseException:
            for made in rulesets:  # a ruleset is never freed by durable itself
                made.close()
            raise
        self.rulesets = tuple(rulesets)
        self.ruleset = rulesets[0]
        self.pack_info = trusted(PackInfo)(
            name=pack.meta.name,
            version=pack.meta.version,
            content_hash=pack.content_hash,
            id=pack.pack_id,
        )
        self.assembler = Assembler(pack, compiled, self.pack_info)
        self._messages: dict[str, tuple[tuple[int, tuple[MatchedFact, ...]], ...]] = {}
        self._fragments: dict[tuple[str, str], str] = {}  # one per vocabulary id at most
        self._shapes = self._shape_table()
        self._first_marker = marker_json(0) if 0 in compiled.stage_markers else None
        self._age_tested = FactKind.AGE.value in compiled.tested
        # per later stage: the hypotheses asserted before it (with their JSON prefix), and
        # its marker if a rule waits for one
        h = FactKind.HYPOTHESIS
        self._stages = tuple(
            (
                tuple(
                    (hyp, valued_prefix(h, hyp), compiled.hypothesis_floor.get(hyp, float("-inf")))
                    for hyp, hyp_stage in sorted(compiled.hypothesis_stage.items())
                    if hyp_stage == stage - 1 and fact_name(h, hyp) in compiled.tested
                ),
                marker_json(stage) if stage in compiled.stage_markers else None,
            )
            for stage in range(1, compiled.max_stage + 1)
        )
        self._split = Split(self, units) if len(units) > 1 else None
        self.json = ResultJson(self.assembler.shared_parts)

    def close(self) -> None:
        """Free every ruleset of the pack in the C engine (see :meth:`Ruleset.close`)."""
        for ruleset in self.rulesets:
            ruleset.close()

    def triage_facts(self, facts: Facts) -> TriageResult:
        """Triage a normalised report on this pack (single and batch triage)."""
        known: list[dict[str, float]] = []
        fired = self.run(facts, known)
        return self.assembler.result(facts, fired, known[0] if known else None)

    def run(
        self, facts: Facts, known: list[dict[str, float]] | None = None
    ) -> dict[int, tuple[MatchedFact, ...]]:
        """Run the staged session; return each fired rule's matched facts, in firing order.

        If ``known`` is given and the confidences computed between stages are still the
        final ones (nothing that fired later supports or opposes a hypothesis), they are
        appended to it, so that the result need not compute them again.
        """
        if self._split is not None:
            return self._split.run(facts, known)
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
                    for index, matched in self.parse(message):
                        if index not in fired:
                            fired[index] = matched
                    continue
                index, static, keys = shape
                if index in fired:
                    continue
                if static is None:
                    static = self._matched(keys, valued, facts, hyps)
                fired[index] = static

        scope = self.ruleset.session()
        with scope.lock:  # a C lock: an interrupt cannot land between taking it and the block
            session = scope.open()
            # the stage-0 marker goes last in the report's own batch: durable asserts a
            # batch in order, so every fact a negation reads is in before the marker
            absorb(session.assert_json(self.input_json(facts, self._first_marker)))
            for stage_hyps, marker in self._stages:
                batch: list[str] = []
                confidences = self.assembler.confidences(fired)
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
            scope.done(session)
        if known is not None and last is not None:
            confidences, count = last
            plans = self.assembler.plans
            if count == len(fired) or not any(plans[i].weighs for i in list(fired)[count:]):
                known.append(confidences)
        return fired

    def _matched(
        self,
        keys: tuple[tuple[str, str], ...],
        valued: dict[tuple[str, str], MatchedFact],
        facts: Facts,
        hyps: Mapping[str, float | int],
    ) -> tuple[MatchedFact, ...]:
        """The matched facts of an engine rule whose facts carry values; one object per
        kind and id within a call (``valued``), shared by every rule that matched it."""
        got: list[MatchedFact] = []
        for key in keys:
            one = valued.get(key)
            if one is None:
                t, k = key
                one = valued[key] = new_matched(
                    kind=_KIND_NAME[t], id=k, value=self._value(facts, hyps, t, k)
                )
            got.append(one)
        return tuple(got)

    @staticmethod
    def _value(facts: Facts, hyps: Mapping[str, float | int], t: str, k: str) -> float | str | None:
        """The value a matched fact carries, exactly as the engine echoes it back (the
        report's numbers are rounded to 4 decimals by normalize, as the engine gets them)."""
        if t == _MEASUREMENT:
            return float(facts.measurements[k])
        if t == _ASYMMETRY:
            return float(facts.asymmetries[k])
        if t == _HYPOTHESIS:
            return float(hyps[k])
        if t == _AGE:
            return None if facts.age is None else float(facts.age)
        if t == _SEX:
            return facts.sex
        if t == _CHANGE:
            return facts.changes.get(k)
        return None

    def _shape_table(
        self,
    ) -> dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]:
        """Per engine rule: its rule index, its matched facts when they never vary (no
        value), and else the (kind, id) of each fact it matches, in alias order."""
        table: dict[str, tuple[int, tuple[MatchedFact, ...] | None, tuple[tuple[str, str], ...]]]
        table = {}
        for name, index in self.compiled.branch_rule.items():
            pairs = self.compiled.matches.get(name)
            if pairs is None:  # an engine rule the compiler did not describe: parse actions
                continue
            static = None
            if all(FactKind(t).valueless for t, _ in pairs):
                static = tuple(new_matched(kind=_KIND_NAME[t], id=k, value=None) for t, k in pairs)
                self.assembler.prepare(index, static)  # its result objects, built once
            table[name] = (index, static, pairs)
        return table

    def input_json(self, facts: Facts, marker: str | None = None) -> list[str]:
        """The report's facts, each encoded as compact JSON, in a fixed order (the hot path).

        Present (``y:ID``), absent (``n:ID``) and activity (``act:ID``) facts, then
        measurements (``m:ID``) and asymmetries (``asym:ID``) with their values, then
        ``age`` and ``sex`` (see :mod:`hamtriage.runtime.compiler`), then a re-test's
        changes (``chg:ID``) and intervention (``after:REC``); then ``marker``. Facts that
        no pattern tests are left out: the engine would drop them unseen.
        """
        frag = self._fragments
        out: list[str] = []
        for t, ids in (
            (_PRESENT, facts.present),
            (_ABSENT, facts.absent),
            (_ACTIVITY, facts.activities),
        ):
            if not ids:
                continue
            for i in sorted(ids) if len(ids) > 1 else ids:
                text = frag.get((t, i))
                if text is None:
                    text = frag[(t, i)] = self._fragment(t, i, fact_json(t, i, 1))
                if text:
                    out.append(text)
        for t, values in (
            (_MEASUREMENT, facts.measurements),
            (_ASYMMETRY, facts.asymmetries),
        ):
            if not values:
                continue
            for k in sorted(values) if len(values) > 1 else values:
                prefix = frag.get((t, k))
                if prefix is None:
                    prefix = frag[(t, k)] = self._fragment(t, k, valued_prefix(t, k))
                if prefix:
                    v = values[k]  # rounded to 4 decimals by normalize
                    out.append(f"{prefix}{int(v) if v.is_integer() else v!r}}}")
        if facts.age is not None and self._age_tested:
            out.append(age_json(int(facts.age)))
        if facts.sex is not None:
            sex = _SEX
            text = frag.get((sex, facts.sex))
            if text is None:
                text = frag[(sex, facts.sex)] = self._fragment(
                    sex, None, fact_json(sex, None, facts.sex)
                )
            if text:
                out.append(text)
        if facts.changes or facts.interventions:  # a re-test's (hamtriage.flows.retesting)
            tested = self.compiled.tested
            chg, after = _CHANGE, _INTERVENTION
            out += [
                fact_json(chg, k, v)
                for k, v in facts.changes.items()
                if fact_name(chg, k) in tested
            ]
            out += [
                fact_json(after, r, 1)
                for r in sorted(facts.interventions)
                if fact_name(after, r) in tested
            ]
        if marker is not None:
            out.append(marker)
        return out

    def _fragment(self, t: str, key: str | None, text: str) -> str:
        """``text`` if some pattern tests the fact named ``t:key`` (or ``t``), else ``""``
        (such a fact is not asserted)."""
        return text if fact_name(t, key) in self.compiled.tested else ""

    def parse(self, message: str) -> tuple[tuple[int, tuple[MatchedFact, ...]], ...]:
        """The rules (by index) and matched facts of one action of the engine, cached."""
        cache = self._messages
        got = cache.get(message)
        if got is None:
            branch = self.compiled.branch_rule
            got = tuple(
                (branch[name], decode_matched(matched))
                for name, matched in json.loads(message).items()
                if name != BOOT_RULE
            )
            if all(f.value is None for _, matched in got for f in matched):  # recurs as is
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[message] = got
        return got

    # --------------------------------------------------------- the runner surface

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts:
        """Check ``report`` against the pack and resolve synonyms (raises ReportError)."""
        return normalize(report, self.pack)

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult:
        """Triage one report on this pack."""
        return self.triage_facts(normalize(report, self.pack))

    def __reduce__(self) -> tuple[Any, ...]:
        """A compiled pack pickles by content (its files and hash), not by path: a worker
        process on any machine rebuilds it once (see :func:`restore`)."""
        pack = self.pack
        if pack.root is not None and pack.root == _bundled_root():
            return (restore, (None, pack.content_hash))
        return (restore, (pack.files, pack.content_hash))


class Runner(Protocol):
    """What the flows need of an engine: its pack, and triage of a (normalised) report.
    Both :class:`Compiled` and :class:`hamtriage.Engine` are runners."""

    @property
    def pack(self) -> RulePack: ...

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts: ...

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult: ...


def _bundled_root() -> str:
    return str(bundled_rules_path().resolve())


@functools.cache
def default_compiled() -> Compiled:
    """The bundled pack compiled once per process (shared by ``Engine.default()``)."""
    return Compiled(load_pack(bundled_rules_path()))


@functools.lru_cache(maxsize=8)
def _from_files(files: tuple[tuple[str, bytes], ...]) -> Compiled:
    return Compiled(load_pack_from_texts(dict(files)))


def restore(files: tuple[tuple[str, bytes], ...] | None, content_hash: str) -> Compiled:
    """Unpickle a compiled pack: rebuilt from its files once per process (``None``: the
    bundled pack). Raises :class:`HamtriageError` if the content does not match."""
    state = default_compiled() if files is None else _from_files(files)
    if state.pack.content_hash != content_hash:
        where = "the installed package" if files is None else "the pickled files"
        raise HamtriageError(
            f"the rule pack in {where} differs from the one pickled (content hash "
            f"{state.pack.content_hash[:12]}, expected {content_hash[:12]})"
        )
    return state


@functools.lru_cache(maxsize=8)
def process_runner(root: str | None) -> Compiled:
    """This process's compiled pack for the directory ``root`` (``None``: the bundled
    pack), built once: Dask partitions given a path share it across their tasks."""
    return default_compiled() if root is None else Compiled(load_pack(root))
