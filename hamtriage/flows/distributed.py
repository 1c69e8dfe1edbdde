"""Batch triage on a Dask cluster (optional: ``pip install hamtriage[dask]``).

The core library never imports Dask; this module imports it when called.

>>> import dask.bag as db
>>> from hamtriage.flows.distributed import triage_bag
>>> results = triage_bag(db.from_sequence(reports, npartitions=8)).compute()  # doctest: +SKIP

Each partition is triaged with ``map_partitions``: a worker process builds the engine
for a pack once (the bundled pack, or ``rules_path``) and reuses it for every
partition it receives; results keep the order of the reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ..errors import ReportError
from ..runtime.run import process_runner

__all__ = ["triage_bag", "triage_partition"]


def triage_partition(
    reports: Iterable[Mapping[str, Any]],
    rules_path: str | None = None,
    as_dict: bool = False,
    on_error: Literal["raise", "return"] = "raise",
) -> list[Any]:
    """Triage one partition of reports with this process's engine for ``rules_path``.

    Results are :class:`~hamtriage.TriageResult` objects, or their JSON-ready dicts
    with ``as_dict``. Invalid reports raise (``on_error="raise"``, the default) or are
    replaced by ``{"error": message, "field": field}`` (``on_error="return"``).
    """
    engine = process_runner(rules_path)
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
) -> Any:
    """A lazy ``dask.bag.Bag`` of triage results for ``reports``.

    ``reports`` is a ``dask.bag.Bag`` of report mappings, or any iterable of them (it is
    turned into a bag of ``npartitions`` partitions, default one per 1,000 reports).
    Call ``.compute()`` on the result; see :func:`triage_partition` for the options.
    """
    import dask.bag as db

    if not isinstance(reports, db.Bag):
        items = list(reports)
        parts = npartitions or max(1, len(items) // 1000)
        from_sequence: Any = db.from_sequence  # dask is not fully typed
        reports = from_sequence(items, npartitions=parts)
    root = None if rules_path is None else os.fspath(os.path.abspath(rules_path))
    return reports.map_partitions(
        triage_partition, rules_path=root, as_dict=as_dict, on_error=on_error
    )
