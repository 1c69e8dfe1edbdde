"""Batch triage: many reports in one call or one stream, in this process or in worker processes.

:meth:`Engine.triage_many <hamtriage.Engine.triage_many>` and
:meth:`Engine.triage_iter <hamtriage.Engine.triage_iter>` are the public entry points;
``hamtriage triage --batch`` streams a JSON Lines file through :func:`stream`.

* Results come back in the order of the reports, as a :class:`BatchResults`: a
  read-only sequence of typed results, each built from a compact row when it is read
  (see :mod:`hamtriage.flows._compact`). A batch holds rows of ids and numbers, not
  result trees, so keeping 100,000 of them alive does not slow the garbage collector.
* Invalid reports: by default the first invalid one (by position) raises
  :class:`BatchReportError`, a :class:`~hamtriage.ReportError` whose ``field`` is
  prefixed with ``reports[i]`` and whose ``index`` is ``i``, and no results are
  returned. With ``on_error="return"`` the error takes the report's place instead.
* In this process, the batch runs on one snapshot of the engine (a concurrent
  :meth:`~hamtriage.Engine.reload` does not split a batch across two packs).
* Reports of one chunk (:data:`CHUNK` reports) that state the same facts (after
  synonyms are resolved and sided tests reduced) are triaged once and share a row.
* ``workers=N`` starts N worker processes (``spawn``: safe in threaded programs), sends
  each the engine's compiled pack, pickled by content (its files and content hash, see
  ``Compiled.__reduce__``), and chunks of reports, at most :data:`IN_FLIGHT` chunks per worker
  in flight; rows come back. Each worker loads and compiles the pack once, from the files
  it was sent (no shared file system needed), then freezes what it holds for the
  collector (``_collector``). Pool start-up costs about a second, so workers pay off
  from a few thousand reports on.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import math
import multiprocessing
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Literal

from ..errors import BatchReportError, EngineError, HamtriageError, ReportError, ReportProblem
from ..report import Facts, Report, normalize
from ..results import TriageResult
from ._collector import freeze_worker
from ._compact import BatchResults, Builder, Row, encode
from ._spawn import GUARD_HINT, check_main_guard

if TYPE_CHECKING:
    from ..runtime.run import Compiled

__all__ = [
    "CHUNK",
    "TABLE_COLUMNS",
    "BatchReportError",
    "BatchResults",
    "fact_key",
    "moved",
    "stream",
    "triage_iter",
    "triage_many",
]

AnyReport = Report | Mapping[str, Any]
OnError = Literal["raise", "return"]
Encoding = Literal["row", "json", "table"]

CHUNK = 500
"""Reports triaged together: sent to a worker at once, and the scope of sharing."""

IN_FLIGHT = 2
"""Chunks per worker sent ahead (results are taken in order; 4 measured no better)."""

TABLE_COLUMNS = (
    "level",
    "hypotheses",
    "confidences",
    "recommendations",
    "red_flags",
    "fired_rules",
    "result",
)
"""The columns of the ``table`` encoding (one tuple per result; Parquet output)."""


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


_PLACE = re.compile(r"^reports\[\d+\]\.?")


def moved(error: BatchReportError, index: int) -> BatchReportError:
    """``error`` of a report placed at ``index`` instead (a partition triaged on its own
    numbers its reports from 0)."""
    if error.index == index:
        return error
    plain = ReportError(
        error.message,
        field=_PLACE.sub("", error.field),
        value=error.value,
        suggestions=error.suggestions,
        problems=[
            ReportProblem(_PLACE.sub("", p.field), p.message, p.suggestions) for p in error.problems
        ],
    )
    return BatchReportError.at(index, plain)


def _json(state: Compiled, facts: Facts) -> str:
    return state.triage_facts(facts).model_dump_json()


def _table(state: Compiled, facts: Facts) -> tuple[Any, ...]:
    r = state.triage_facts(facts)
    return (
        r.level.value,
        tuple(h.id for h in r.hypotheses),
        tuple(h.confidence for h in r.hypotheses),
        tuple(x.id for x in r.recommendations),
        tuple(x.id for x in r.red_flags),
        r.fired_rules,
        r.model_dump_json(),
    )


_ENCODERS: Mapping[str, Callable[[Compiled, Facts], Any]] = {
    "row": encode,  # the compact row (BatchResults builds the typed result from it)
    "json": _json,  # the result as JSON text (hamtriage triage --batch, JSON Lines)
    "table": _table,  # TABLE_COLUMNS (hamtriage triage --batch, Parquet)
}


def _chunk(state: Compiled, reports: Sequence[AnyReport], offset: int, encoding: str) -> list[Any]:
    """Each report's encoded result, or its :class:`BatchReportError`, in order."""
    pack = state.pack
    enc = _ENCODERS[encoding]
    seen: dict[tuple[Any, ...], Any] = {}  # this chunk's results by stated facts
    out: list[Any] = []
    for i, report in enumerate(reports):
        try:
            facts = normalize(report, pack)
        except ReportError as exc:
            out.append(BatchReportError.at(offset + i, exc))
            continue
        key = fact_key(facts)
        got = seen.get(key)
        if got is None:
            got = seen[key] = enc(state, facts)
        out.append(got)
    return out


def _worker_chunk(
    ref: tuple[tuple[tuple[str, bytes], ...] | None, str],
    reports: list[AnyReport],
    offset: int,
    encoding: str,
) -> list[Any]:
    # the pack is rebuilt here from its files (once per process: restore caches it), not
    # unpickled with the task: an error doing so then returns to the caller as itself,
    # where in the task's unpickling it killed the worker (BrokenProcessPool)
    from ..runtime.run import restore

    return _chunk(restore(*ref), reports, offset, encoding)


def _warm(ref: tuple[tuple[tuple[str, bytes], ...] | None, str]) -> None:
    """Build the pack as the worker starts, while the parent sends the first chunks; then
    keep the collector off what the worker holds for good (see ``_collector``)."""
    from ..runtime.run import restore

    with contextlib.suppress(HamtriageError):  # the first task reports it as itself
        restore(*ref)
    freeze_worker()


def _chunks(reports: Iterable[AnyReport], size: int) -> Iterator[list[AnyReport]]:
    it = iter(reports)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def stream(
    state: Compiled,
    reports: Iterable[AnyReport],
    *,
    workers: int | None = None,
    encoding: Encoding = "row",
    chunk_size: int = CHUNK,
) -> Generator[Any, None, None]:
    """Yield each report's encoded result, or its :class:`BatchReportError`, in order.

    ``reports`` is read a chunk at a time and results are yielded as their chunk is
    done, so memory stays bounded by a few chunks however long the stream (with
    ``workers``, at most :data:`IN_FLIGHT` chunks per worker are in flight). ``encoding``: ``"row"``
    (compact rows, see :class:`BatchResults`), ``"json"`` (each result's JSON text) or
    ``"table"`` (a tuple of :data:`TABLE_COLUMNS`).
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be a positive number of processes (or None), not {workers}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, not {chunk_size}")
    if workers is None or workers == 1:
        offset = 0
        for chunk in _chunks(reports, chunk_size):
            yield from _chunk(state, chunk, offset, encoding)
            offset += len(chunk)
        return
    check_main_guard(f"workers={workers}")
    yield from _on_workers(state, _chunks(reports, chunk_size), workers, encoding)


def _on_workers(
    state: Compiled, chunks: Iterator[list[AnyReport]], workers: int, encoding: str
) -> Generator[Any, None, None]:
    ref = state.__reduce__()[1]  # (the pack's files, or None for the bundled one; its hash)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_warm,
        initargs=(ref,),
    )
    pending: collections.deque[Future[list[Any]]] = collections.deque()
    try:
        offset = 0
        for chunk in chunks:
            pending.append(pool.submit(_worker_chunk, ref, chunk, offset, encoding))
            offset += len(chunk)
            if len(pending) >= IN_FLIGHT * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool as exc:
        raise EngineError(
            f"a worker process died during the batch ({exc}); if this runs from a script, "
            f"{GUARD_HINT}"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def triage_many(
    state: Compiled,
    reports: Iterable[AnyReport],
    *,
    workers: int | None = None,
    on_error: OnError = "raise",
) -> BatchResults[Any]:
    """Triage ``reports`` on ``state`` (an engine's compiled pack); see the module
    documentation."""
    if on_error not in ("raise", "return"):
        raise ValueError(f"on_error must be 'raise' or 'return', not {on_error!r}")
    items = reports if isinstance(reports, Sequence) else list(reports)
    size = CHUNK
    if workers is not None and workers > 1:
        if len(items) < 2:
            workers = None
        else:  # about 8 chunks per worker: the last ones finish close together
            size = max(1, min(CHUNK, math.ceil(len(items) / (workers * 8))))
    if workers is not None and workers > 1:
        check_main_guard(f"triage_many(workers={workers})")  # before any process starts
    rows: list[Row | ReportError] = []
    with contextlib.closing(stream(state, items, workers=workers, chunk_size=size)) as results:
        for row in results:
            if on_error == "raise" and isinstance(row, ReportError):
                raise row
            rows.append(row)
    return BatchResults(state, rows)


def triage_iter(
    state: Compiled, reports: Iterable[AnyReport], *, workers: int | None = None
) -> Generator[TriageResult | ReportError, None, None]:
    """Typed results of a stream of reports, in order, a chunk at a time (errors in place)."""
    if workers is not None and workers > 1:
        check_main_guard(f"triage_iter(workers={workers})")
    build = Builder(state)
    with contextlib.closing(stream(state, reports, workers=workers)) as rows:
        for row in rows:
            yield build(row)
