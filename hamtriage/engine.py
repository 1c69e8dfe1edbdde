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
        self._closed = False  # set by close() on an engine that does not own its state

    @classmethod
    def _over(cls, state: Compiled, *, shared: bool = False) -> Engine:
        engine = cls.__new__(cls)
        engine._state = state
        engine._shared = shared
        engine._owns = False
        engine._closed = False
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
        if old.ruleset.closed or self._closed:
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
        other engine unpickled there (and with those unpickled later): closing it closes
        this engine only, as its triage calls say, and leaves that pack running.
        """
        if self._shared:
            raise HamtriageError("the shared default engine cannot be closed")
        if self._owns:
            self._state.close()  # every ruleset of a split pack
        else:
            self._closed = True

    def _refuse_if_closed(self) -> None:
        # an owned state refuses by itself (its ruleset is closed); a shared one cannot
        if self._closed:
            raise EngineError("the engine is closed")

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

    def triage(self, report: Report | Mapping[str, Any], *, lang: str = "en") -> TriageResult:
        """Triage one report. Raises :class:`~hamtriage.ReportError` for bad input.

        ``lang`` (``"en"``, or a language of the pack such as ``"nl"``) chooses the
        language of the texts; ids, levels and numbers are the same in every language.
        A language the pack lacks raises :class:`~hamtriage.LanguageError`.
        """
        if self._closed:
            self._refuse_if_closed()
        state = self._state
        if lang == "en":
            return state.triage(report)
        from .flows.translate import localize, resolve_lang

        checked = resolve_lang(lang, state.pack)
        return localize(state.triage(report), state.pack, checked)

    def dump_json(self, result: TriageResult) -> str:
        """``result.model_dump_json()``, the same text, written faster for this engine's
        results: the JSON of the parts its results share (red-flag screens, prebuilt trace
        entries, recommendations) is kept and reused. Any result is accepted."""
        return self._state.json.dumps(result)

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise"] = "raise",
        lang: str = "en",
    ) -> BatchResults[TriageResult]: ...

    @overload
    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["return"],
        lang: str = "en",
    ) -> BatchResults[TriageResult | ReportError]: ...

    def triage_many(
        self,
        reports: Iterable[Report | Mapping[str, Any]],
        *,
        workers: int | None = None,
        on_error: Literal["raise", "return"] = "raise",
        lang: str = "en",
    ) -> BatchResults[TriageResult] | BatchResults[TriageResult | ReportError]:
        """Triage many reports; results come back in order (see :mod:`hamtriage.flows.batch`).

        Returns a :class:`~hamtriage.flows.batch.BatchResults`: a read-only sequence of
        typed results that holds them in a compact form and builds each when it is read
        (it compares equal to the list of the same results). ``workers=N`` spreads the
        reports over N worker processes, each building this engine's pack once. The
        first invalid report raises :class:`~hamtriage.BatchReportError` (a
        ``ReportError`` whose ``field`` starts with ``reports[i]``) and nothing is
        returned; with ``on_error="return"`` that error takes the report's place instead.
        ``lang`` as for :meth:`triage` (checked before any report is triaged; each result
        is translated when it is read).
        """
        from .flows.batch import triage_many

        self._refuse_if_closed()
        state = self._state
        checked = "en"
        if lang != "en":
            from .flows.translate import resolve_lang

            checked = resolve_lang(lang, state.pack)
        results: BatchResults[Any] = triage_many(state, reports, workers=workers, on_error=on_error)
        if checked != "en":
            results = results.in_language(checked)
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

    def explain(self, report: Report | Mapping[str, Any], *, lang: str = "en") -> Explanation:
        """Why and why not: each hypothesis the report touches, with evidence for,
        against and missing (see :mod:`hamtriage.flows.explain`); ``lang`` as for
        :meth:`triage`."""
        from .flows.explain import explain_report
        from .flows.localized import in_language

        self._refuse_if_closed()
        runner = in_language(self._state, lang)  # one pack even during a reload
        return explain_report(runner, report).model_copy(update={"lang": lang})

    def next_questions(
        self, report: Report | Mapping[str, Any], limit: int = 3, *, lang: str = "en"
    ) -> Interview:
        """The questions whose answers could change the result most, red flags first,
        and ``should_stop`` (see :mod:`hamtriage.flows.interview`). Stateless. ``lang``
        as for :meth:`triage`."""
        from .flows.interview import next_questions
        from .flows.localized import in_language

        self._refuse_if_closed()
        runner = in_language(self._state, lang)
        return next_questions(report, limit, engine=runner).model_copy(update={"lang": lang})

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

        self._refuse_if_closed()
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
