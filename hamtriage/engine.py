"""The public engine: a thread-safe handle on one compiled rule pack, and what it offers.

An :class:`Engine` holds exactly one :class:`~hamtriage.runtime.run.Compiled` state at a
time; :meth:`Engine.reload` builds a new one and swaps it in with one assignment, so a
call that started on the old pack finishes on it and no result ever mixes two packs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from .errors import EngineError, HamtriageError, ReportError
from .report import Facts, Report, validate_report
from .results import TriageResult
from .rules.loader import load_pack, load_pack_from_texts
from .rules.pack import RulePack
from .runtime.run import Compiled, default_compiled

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .flows.batch import BatchResults
    from .flows.explain import Explanation
    from .flows.interview import Interview
    from .flows.retesting import RetestResult

__all__ = ["Engine"]


class Engine:
    """A rule pack compiled onto durable-rules. Thread-safe; keeps no state between calls.

    Build one per pack and reuse it: ``Engine.default()`` (the bundled pack, shared),
    ``Engine.from_path(dir)``, ``Engine.from_texts({"rules.yaml": text})`` or
    ``Engine(pack)``.
    """

    def __init__(self, pack: RulePack) -> None:
        self._state = Compiled(pack)
        self._shared = False
        self._owns = True  # False for an unpickled engine: its state is the process's

    @classmethod
    def _over(cls, state: Compiled, *, shared: bool = False) -> Engine:
        engine = cls.__new__(cls)
        engine._state = state
        engine._shared = shared
        engine._owns = False
        return engine

    # ----------------------------------------------------------------- building

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Engine:
        """Load, check and compile the rule pack in directory ``path``."""
        return cls(load_pack(path))

    @classmethod
    def from_texts(cls, texts: Mapping[str, str | bytes], *, name: str = "<texts>") -> Engine:
        """Load, check and compile a pack given as ``{file name: YAML text}``."""
        return cls(load_pack_from_texts(texts, name=name))

    @classmethod
    def default(cls) -> Engine:
        """The engine over the bundled rule pack, built once per process and shared."""
        return _default_engine()

    @property
    def pack(self) -> RulePack:
        """The rule pack this engine runs (the latest one after :meth:`reload`)."""
        return self._state.pack

    def reload(self, path: str | os.PathLike[str] | None = None) -> RulePack:
        """Load the pack in ``path`` (default: the current pack's directory) and swap it in.

        The new pack is loaded and compiled first (a :class:`RulePackError` leaves the
        engine unchanged), then replaces the old one atomically: calls already running
        finish on the old pack, later calls use the new one. Returns the new pack.
        """
        if self._shared:
            raise HamtriageError("the shared default engine cannot be reloaded")
        old = self._state
        if old.ruleset.closed:
            raise EngineError("the engine is closed")
        if path is None:
            path = old.pack.root
            if path is None:
                raise HamtriageError("this engine's pack has no directory to reload from")
        fresh = Compiled(load_pack(path))
        self._state = fresh  # one assignment: atomic for other threads
        self._owns = True
        return fresh.pack

    def close(self) -> None:
        """Free the engine's ruleset. Further triage calls raise :class:`EngineError`.

        An engine unpickled in a worker shares its process's compiled pack with every
        other engine unpickled there: closing it leaves that pack running.
        """
        if self._shared:
            raise HamtriageError("the shared default engine cannot be closed")
        if self._owns:
            self._state.close()

    def __reduce__(self) -> tuple[Any, ...]:
        """Engines pickle by content: the pack's files and content hash travel, so a worker
        process on another machine needs no shared file system. The receiving process
        compiles the pack once and shares it among all engines it unpickles."""
        return (_restore, (self._state, self._shared))

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        pack = self.pack
        return f"<Engine {pack.pack_id}: {len(pack.rules)} rules>"

    # ------------------------------------------------------------------- triage

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts:
        """The report checked and resolved, with derived facts (worse sides, asymmetries).
        Kept for 0.1 code; :meth:`validate` returns the public :class:`Report`."""
        return self._state.normalize(report)

    def validate(self, report: Report | Mapping[str, Any]) -> Report:
        """``report`` checked against the pack, with labels and synonyms resolved to ids.

        Raises :class:`~hamtriage.ReportError` naming the field (for a web framework: a
        422). Nothing is triaged.
        """
        return validate_report(report, self._state.pack)

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult:
        """Triage one report. Raises :class:`~hamtriage.ReportError` for bad input."""
        return self._state.triage(report)

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise"] = "raise",
    ) -> BatchResults[TriageResult]: ...

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["return"],
    ) -> BatchResults[TriageResult | ReportError]: ...

    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise", "return"] = "raise",
    ) -> BatchResults[TriageResult] | BatchResults[TriageResult | ReportError]:
        """Triage many reports; results come back in order (see :mod:`hamtriage.flows.batch`).

        Returns a :class:`~hamtriage.flows.batch.BatchResults`: a read-only sequence of
        typed results that holds them in a compact form and builds each when it is read
        (it compares equal to the list of the same results). ``workers=N`` spreads the
        reports over N worker processes, each building this engine's pack once. The
        first invalid report raises :class:`~hamtriage.BatchReportError` (a
        ``ReportError`` whose ``field`` starts with ``reports[i]``) and nothing is
        returned; with ``on_error="return"`` that error takes the report's place instead.
        """
        from .flows.batch import triage_many

        results: BatchResults[Any] = triage_many(
            self._state, reports, workers=workers, on_error=on_error
        )
        return results

    def triage_iter(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
    ) -> Iterator[TriageResult | ReportError]:
        """Triage a stream of reports, reading and yielding them a chunk at a time, in
        order: memory stays bounded however many there are. An invalid report yields its
        :class:`~hamtriage.BatchReportError` in its place; ``workers=N`` as for
        :meth:`triage_many`."""
        from .flows.batch import triage_iter

        return triage_iter(self._state, reports, workers=workers)

    # ------------------------------------------------- explanations and questions

    def explain(self, report: Report | Mapping[str, Any]) -> Explanation:
        """Why and why not: each hypothesis the report touches, with evidence for,
        against and missing (see :mod:`hamtriage.flows.explain`)."""
        from .flows.explain import explain_report

        return explain_report(self._state, report)  # one pack even during a reload

    def next_questions(self, report: Report | Mapping[str, Any], limit: int = 3) -> Interview:
        """The questions whose answers could change the result most, red flags first,
        and ``should_stop`` (see :mod:`hamtriage.flows.interview`). Stateless."""
        from .flows.interview import next_questions

        return next_questions(report, limit, engine=self._state)

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
        from .flows.retesting import retest

        return retest(self._state, before, after, intervention=intervention, lang=lang)


def compiled_state(engine: Engine) -> Compiled:
    """The compiled pack ``engine`` runs now. Internal: for benchmarks and tests, which
    look inside; applications use the engine's methods."""
    return engine._state


def _restore(state: Compiled, shared: bool) -> Engine:
    return _default_engine() if shared else Engine._over(state)


@functools.cache
def _default_engine() -> Engine:
    return Engine._over(default_compiled(), shared=True)
