"""Batch triage on a Dask cluster (optional: the ``dask`` extra, ``pip install -e '.[dask]'`` in a checkout).

The core library never imports Dask; this module imports it when called.

>>> import dask.bag as db
>>> from hamtriage.flows.distributed import triage_bag
>>> results = triage_bag(db.from_sequence(reports, npartitions=8)).compute()  # doctest: +SKIP
>>> fast = triage_dask(reports, engine=engine)  # compact rows travel back  # doctest: +SKIP

Each partition is triaged with ``map_partitions``: a worker process builds the engine
for a pack once (the bundled pack, ``rules_path``, or ``engine``'s pack sent by
content) and reuses it for every partition it receives; results keep the order of the
reports. With ``compact=True`` (what :func:`triage_dask` uses) a partition's results
travel back as compact rows of ids and numbers, not pickled result trees, and
:class:`~hamtriage.flows.batch.BatchResults` builds each typed result when it is read.
"""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ..errors import BatchReportError, ReportError
from ..runtime.run import Compiled, default_compiled, process_runner
from ._collector import frozen_during
from ._compact import BatchResults
from .batch import moved, stream

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["triage_bag", "triage_dask", "triage_partition"]


def triage_partition(
    reports: Iterable[Mapping[str, Any]],
    rules_path: str | None = None,
    as_dict: bool = False,
    on_error: Literal["raise", "return"] = "raise",
    compact: bool = False,
    state: Compiled | None = None,
) -> list[Any]:
    """Triage one partition of reports with this process's engine for ``rules_path``
    (or for ``state``, a compiled pack sent by content and rebuilt once per process).

    Results are :class:`~hamtriage.TriageResult` objects, their JSON-ready dicts with
    ``as_dict``, or compact rows with ``compact``. Invalid reports raise
    (``on_error="raise"``, the default) or are replaced by ``{"error": message, "field":
    field}`` (``on_error="return"``; with ``compact``, by the ``BatchReportError``).
    """
    engine = state if state is not None else process_runner(rules_path)
    if compact:
        rows = list(stream(engine, reports, encoding="row"))
        if on_error == "raise":
            for row in rows:
                if isinstance(row, ReportError):
                    raise row
        return rows
    out: list[Any] = []
    for report in reports:
        try:
            result = engine.triage(report)
        except ReportError as exc:
            if on_error == "raise":
                raise
            out.append({"error": exc.message, "field": exc.field})
            continue
        out.append(result.model_dump(mode="json") if as_dict else result)
    return out


def triage_bag(
    reports: Any,
    rules_path: str | os.PathLike[str] | None = None,
    *,
    npartitions: int | None = None,
    as_dict: bool = False,
    on_error: Literal["raise", "return"] = "raise",
    compact: bool = False,
    engine: Engine | None = None,
) -> Any:
    """A lazy ``dask.bag.Bag`` of triage results for ``reports``.

    ``reports`` is a ``dask.bag.Bag`` of report mappings, or any iterable of them (it is
    turned into a bag of ``npartitions`` partitions, default one per 1,000 reports).
    Call ``.compute()`` on the result; see :func:`triage_partition` for the options.
    ``engine`` sends that engine's pack by content (no shared file system needed).
    """
    import dask.bag as db

    if not isinstance(reports, db.Bag):
        items = list(reports)
        parts = npartitions or max(1, len(items) // 1000)
        from_sequence: Any = db.from_sequence  # dask is not fully typed
        reports = from_sequence(items, npartitions=parts)
    root = None if rules_path is None else os.fspath(os.path.abspath(rules_path))
    state = None if engine is None else _state_of(engine)
    return reports.map_partitions(
        triage_partition,
        rules_path=root,
        as_dict=as_dict,
        on_error=on_error,
        compact=compact,
        state=state,
    )


def triage_dask(
    reports: Any,
    *,
    engine: Engine | None = None,
    npartitions: int | None = None,
    on_error: Literal["raise", "return"] = "raise",
) -> BatchResults[Any]:
    """Triage ``reports`` (a bag or an iterable) on the current Dask client and return
    the results as :meth:`Engine.triage_many <hamtriage.Engine.triage_many>` does: rows
    travel back compact, and each typed result is built when it is read.

    Each partition travels as one pickled blob each way, and the pack once per worker:
    Dask then has one opaque object per task to move, not thousands of small dicts to
    walk and pickle one by one (which cost more than the triage itself).
    """
    from dask.delayed import delayed

    state = default_compiled() if engine is None else _state_of(engine)
    client = _current_client()
    if client is not None and not _is_bag(reports):
        parts = _on_client(client, state, list(reports), npartitions, on_error)
    else:
        pack: Any = delayed(state, name=f"hamtriage-pack-{state.pack.content_hash[:16]}")
        if _is_bag(reports):
            bag = reports
        else:
            items = list(reports)
            bag = _blob_bag(items, npartitions or _default_parts(None, len(items)))
        blobs = bag.map_partitions(_rows_blob, state=pack, on_error=on_error).compute()
        parts = [pickle.loads(blob) for blob in blobs]
    rows: list[Any] = [row for part in parts for row in part]
    for i, row in enumerate(rows):
        if isinstance(row, BatchReportError):  # numbered within its partition
            rows[i] = moved(row, i)
    return BatchResults(state, rows)


def _rows_blob(part: Iterable[Any], state: Compiled, on_error: str) -> list[bytes]:
    """One partition's rows as one pickled blob (its reports, or one blob of them)."""
    items = list(part)
    if len(items) == 1 and isinstance(items[0], bytes):
        return [_triage_blob(items[0], state, on_error)]
    return [_triage_blob_of((0, items), state, on_error)]


def _triage_blob(blob: bytes, state: Compiled, on_error: str) -> bytes:
    """A partition sent as one pickled list of reports, its rows returned as one blob."""
    return _triage_blob_of(pickle.loads(blob), state, on_error)


def _triage_blob_of(part: tuple[int, list[Any]], state: Compiled, on_error: str) -> bytes:
    offset, reports = part
    with frozen_during():  # Dask's state and the pack are not rescanned by the task's collections
        rows = triage_partition(reports, on_error="return", compact=True, state=state)
    if on_error == "raise":
        for i, row in enumerate(rows):
            if isinstance(row, ReportError):  # numbered in the whole batch
                raise moved(row, offset + i) if isinstance(row, BatchReportError) else row
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def _on_client(
    client: Any, state: Compiled, items: list[Any], npartitions: int | None, on_error: str
) -> list[list[Any]]:
    """Each partition's rows, computed on a ``distributed`` client: the partitions are
    scattered to the workers (not embedded in a task graph the scheduler must hold) and
    the pack is broadcast once (a worker rebuilds it once, from its content). A blob of
    rows is unpickled as soon as it arrives, while later partitions still run (all at
    the end cost 0.3 s of one core per 50,000 reports after the workers were done)."""
    from distributed import as_completed as _as_completed

    as_completed: Any = _as_completed  # distributed is not fully typed

    threads = sum(client.nthreads().values())  # every worker (scheduler_info lists a few)
    parts = npartitions or _default_parts(threads, len(items))
    blobs = _blobs(items, parts)
    if not blobs:
        return []
    pack = client.scatter(state, broadcast=True, hash=False)
    futures = client.map(
        _triage_blob, client.scatter(blobs, hash=False), state=pack, on_error=on_error, pure=False
    )
    place = {future.key: i for i, future in enumerate(futures)}
    got: list[list[Any]] = [[] for _ in futures]
    failed: list[int] = []
    for future in as_completed(futures):
        if future.status == "error":
            failed.append(place[future.key])
        else:
            got[place[future.key]] = pickle.loads(future.result())
            future.release()  # the worker may drop the blob now
    if failed:  # the first invalid report by position, as in one process
        futures[min(failed)].result()  # raises the partition's error
    return got


def _default_parts(threads: int | None, count: int) -> int:
    """Few large partitions: about 4 per worker thread (the last ones finish close
    together), none smaller than 1,000 reports."""
    if threads is None:
        return max(1, count // 1000)
    return max(1, min(4 * threads, math.ceil(count / 1000)))


def _blobs(items: list[Any], parts: int) -> list[bytes]:
    """``items`` in about ``parts`` pickled ``(offset, reports)`` blobs."""
    size = max(1, math.ceil(len(items) / max(1, parts)))
    return [
        pickle.dumps((i, items[i : i + size]), protocol=pickle.HIGHEST_PROTOCOL)
        for i in range(0, len(items), size)
    ]


def _blob_bag(items: list[Any], parts: int) -> Any:
    import dask.bag as db

    from_sequence: Any = db.from_sequence  # dask is not fully typed
    blobs = _blobs(items, parts) or [pickle.dumps((0, []))]
    return from_sequence(blobs, npartitions=len(blobs))


def _is_bag(reports: Any) -> bool:
    import dask.bag as db

    return isinstance(reports, db.Bag)


def _current_client() -> Any:
    """The current ``distributed`` client, or ``None`` (no client: Dask's local scheduler)."""
    try:
        from distributed import default_client as _default_client
    except ImportError:
        return None
    default_client: Any = _default_client  # distributed is not fully typed
    try:
        return default_client()
    except ValueError:
        return None


def _state_of(engine: Engine) -> Compiled:
    """The engine's compiled pack now (flows sit below the API: no import of it)."""
    state: Compiled = engine._state
    return state
