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

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ..errors import BatchReportError, ReportError
from ..runtime.run import Compiled, default_compiled, process_runner
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
    travel back compact, and each typed result is built when it is read."""
    state = default_compiled() if engine is None else _state_of(engine)
    bag = triage_bag(
        reports, npartitions=npartitions, on_error=on_error, compact=True, engine=engine
    )
    rows = bag.compute()
    for i, row in enumerate(rows):
        if isinstance(row, BatchReportError):  # numbered within its partition
            rows[i] = moved(row, i)
    return BatchResults(state, rows)


def _state_of(engine: Engine) -> Compiled:
    """The engine's compiled pack now (flows sit below the API: no import of it)."""
    state: Compiled = engine._state
    return state
