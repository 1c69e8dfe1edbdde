"""Re-triage stored check-ins on a local Dask cluster.

    pip install "hamtriage[dask]"
    python examples/dask_batch.py [N_REPORTS] [N_WORKERS]

Every worker process builds the engine once and triages whole partitions. On a real
cluster, pass the scheduler's address to ``Client`` instead of starting a LocalCluster,
and read the reports with ``dask.bag.read_text(...).map(json.loads)``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import dask.bag
import distributed

from hamtriage import Engine
from hamtriage.flows.distributed import triage_bag

# dask is not fully typed
LocalCluster: Any = distributed.LocalCluster
Client: Any = distributed.Client
from_sequence: Any = dask.bag.from_sequence


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    samples = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((Path(__file__).parent / "reports").glob("*.json"))
    ]
    reports = [samples[i % len(samples)] for i in range(n)]
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
        Client(cluster),
    ):
        bag = from_sequence(reports, npartitions=4 * workers)
        start = time.perf_counter()
        results = triage_bag(bag, as_dict=True).compute()
        elapsed = time.perf_counter() - start
    sequential = [r.model_dump(mode="json") for r in Engine.default().triage_many(reports[:50])]
    assert results[:50] == sequential, "distributed results differ from sequential ones"
    levels: dict[str, int] = {}
    for r in results:
        levels[r["level"]] = levels.get(r["level"], 0) + 1
    print(f"{len(results)} reports on {workers} workers in {elapsed:.1f} s: {levels}")


if __name__ == "__main__":
    main()
