"""Batch triage: many reports in one call, in this process or in worker processes.

:meth:`Engine.triage_many <hamtriage.Engine.triage_many>` is the public entry point.

* Results come back in the order of the reports.
* Invalid reports: by default every report is checked *before* any is triaged, and the
  first invalid one raises :class:`BatchReportError`, a
  :class:`~hamtriage.ReportError` whose ``field`` is prefixed with ``reports[i]`` and
  whose ``index`` is ``i``. With ``on_error="return"`` nothing is raised: the error
  takes the invalid report's place in the returned list and the others are triaged.
* In this process, the batch runs on one snapshot of the engine (a concurrent
  :meth:`~hamtriage.Engine.reload` does not split a batch across two packs).
* Reports that state the same facts (after synonyms are resolved and sided tests
  reduced) get the same result object: results are frozen, and stored check-ins repeat
  a lot (most say the same few things). Only within one call: nothing is kept after it.
* ``workers=N`` starts N worker processes (``spawn``: safe in threaded programs), sends
  each the engine's compiled pack, pickled by content (its files and content hash, see
  ``Compiled.__reduce__``), and triages chunks of reports there; each worker loads and
  compiles the pack once, from the files it was sent (no shared file system needed). Pool start-up costs about a second, so workers pay off
  from a few thousand reports on.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Literal

from ..errors import BatchReportError, EngineError, ReportError
from ..report import Facts, Report, normalize
from ..results import TriageResult

if TYPE_CHECKING:
    from ..runtime.run import Compiled

__all__ = ["BatchReportError", "fact_key", "triage_many"]

AnyReport = Report | Mapping[str, Any]
OnError = Literal["raise", "return"]

MAX_CHUNK = 500
"""At most this many reports are sent to a worker process at a time."""


def _normalized(
    state: Compiled, reports: Sequence[AnyReport], on_error: OnError, offset: int
) -> list[Facts | BatchReportError]:
    pack = state.pack
    out: list[Facts | BatchReportError] = []
    for i, report in enumerate(reports):
        try:
            out.append(normalize(report, pack))
        except ReportError as exc:
            error = BatchReportError.at(offset + i, exc)
            if on_error == "raise":
                raise error from exc
            out.append(error)
    return out


def _triage_here(
    state: Compiled, reports: Sequence[AnyReport], on_error: OnError, offset: int = 0
) -> list[TriageResult | BatchReportError]:
    triage = state.triage_facts  # one pack for the whole batch, even during a reload
    seen: dict[tuple[Any, ...], TriageResult] = {}  # this call's results by stated facts
    out: list[TriageResult | BatchReportError] = []
    for f in _normalized(state, reports, on_error, offset):
        if isinstance(f, BatchReportError):
            out.append(f)
            continue
        key = fact_key(f)
        result = seen.get(key)
        if result is None:
            result = seen[key] = triage(f)
        out.append(result)
    return out


def fact_key(facts: Facts) -> tuple[Any, ...]:
    """What a triage result depends on: equal keys, equal results."""
    return (
        facts.present,
        facts.absent,
        facts.activities,
        tuple(sorted(facts.measurements.items())),
        tuple(sorted(facts.asymmetries.items())),
        facts.age,
        facts.sex,
        facts.suspected,
    )


def _worker_chunk(
    ref: tuple[tuple[tuple[str, bytes], ...] | None, str], reports: list[AnyReport], offset: int
) -> list[TriageResult | BatchReportError]:
    # the pack is rebuilt here from its files, not unpickled with the task: an error doing
    # so then returns to the caller as itself, where in the task's unpickling it killed
    # the worker (BrokenProcessPool)
    from ..runtime.run import restore

    return _triage_here(restore(*ref), reports, "return", offset)


def triage_many(
    state: Compiled,
    reports: Iterable[AnyReport],
    *,
    workers: int | None = None,
    on_error: OnError = "raise",
) -> list[TriageResult | BatchReportError]:
    """Triage ``reports`` on ``state`` (an engine's compiled pack); see the module
    documentation."""
    if on_error not in ("raise", "return"):
        raise ValueError(f"on_error must be 'raise' or 'return', not {on_error!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be a positive number of processes (or None), not {workers}")
    items = list(reports)
    if workers is None or workers <= 1 or len(items) < 2:
        return _triage_here(state, items, on_error)
    if on_error == "raise":
        _normalized(state, items, "raise", 0)  # fail before starting processes
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * 4))))
    starts = range(0, len(items), size)
    context = multiprocessing.get_context("spawn")
    ref = state.__reduce__()[1]  # (the pack's files, or None for the bundled one; its hash)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunks = pool.map(
                _worker_chunk,
                [ref] * len(starts),
                [items[s : s + size] for s in starts],
                list(starts),
            )
            return [result for chunk in chunks for result in chunk]
    except BrokenProcessPool as exc:
        raise EngineError(f"a worker process died during the batch: {exc}") from exc
