"""Batch triage on a local Dask cluster with worker processes (optional extra)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from hamtriage import Engine, bundled_rules_path
from tests.support.reports import make_reports

dask_bag = pytest.importorskip(
    "dask.bag", reason="dask is not installed (pip install hamtriage[dask])"
)
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


def test_the_core_library_never_imports_dask() -> None:
    import subprocess

    code = (
        "import sys, hamtriage; hamtriage.Engine.default(); import hamtriage.flows.distributed; "
        "print(any(m == 'dask' or m.startswith(('dask.', 'distributed')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_triage_bag_on_a_local_cluster_equals_sequential() -> None:
    from hamtriage.flows.distributed import triage_bag

    engine = Engine.default()
    reports = make_reports(engine.pack, 400, seed=31)
    bad = {"symptoms": ["no_such_symptom"]}
    expected = [r.model_dump(mode="json") for r in engine.triage_many(reports)]
    cluster_cls: Any = distributed.LocalCluster
    client_cls: Any = distributed.Client
    from_sequence: Any = dask_bag.from_sequence
    with (
        cluster_cls(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        client_cls(cluster),
    ):
        bag = from_sequence(reports, npartitions=6)
        got = triage_bag(bag, as_dict=True).compute()
        assert got == expected
        models = triage_bag(reports[:40], rules_path=bundled_rules_path()).compute()
        assert models == engine.triage_many(reports[:40])
        mixed = triage_bag([*reports[:3], bad], as_dict=True, on_error="return").compute()
        assert mixed[:3] == expected[:3]
        assert mixed[3]["field"] == "symptoms[0]"
        with pytest.raises(Exception, match="no_such_symptom"):
            triage_bag([bad]).compute()


def test_triage_dask_sends_compact_rows_and_equals_triage_many(tmp_path: Any) -> None:
    import pickle

    from hamtriage.flows.distributed import triage_bag, triage_dask

    engine = Engine.default()
    reports = make_reports(engine.pack, 300, seed=32)
    bad = {"symptoms": ["no_such_symptom"]}
    cluster_cls: Any = distributed.LocalCluster
    client_cls: Any = distributed.Client
    with (
        cluster_cls(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        client_cls(cluster),
    ):
        got = triage_dask(reports, engine=engine, npartitions=4)
        assert got == engine.triage_many(reports)
        rows = triage_bag(reports[:50], compact=True, npartitions=2).compute()
        assert len(pickle.dumps(rows)) * 3 < len(
            pickle.dumps(engine.triage_many(reports[:50]).tolist())
        )
        mixed = triage_dask(
            [*reports[:3], bad, *reports[3:6], bad], npartitions=2, on_error="return"
        )
        assert mixed[:3] == engine.triage_many(reports[:3])
        assert mixed[4:7] == engine.triage_many(reports[3:6])
        assert [mixed[3].index, mixed[7].index] == [3, 7]  # numbered in the whole batch
        assert mixed[7].field == "reports[7].symptoms[0]"
        with pytest.raises(Exception, match="no_such_symptom"):
            triage_dask([bad])


def test_triage_dask_sends_one_blob_per_partition_and_the_pack_once() -> None:
    """The partitions travel scattered as single blobs (not as thousands of dicts in the
    task graph), the pack once per worker; a bag input and the local scheduler (no
    client) give the same rows, and an error raised in a worker is numbered in the
    whole batch."""
    from hamtriage.engine import compiled_state
    from hamtriage.flows.distributed import triage_dask

    engine = Engine.from_path(bundled_rules_path())  # a pack sent by content, not by path
    reports = make_reports(engine.pack, 600, seed=33)
    expected = engine.triage_many(reports)
    bad = {"symptoms": ["no_such_symptom"]}
    cluster_cls: Any = distributed.LocalCluster
    client_cls: Any = distributed.Client
    from_sequence: Any = dask_bag.from_sequence
    local = triage_dask(reports[:200], engine=engine, npartitions=3)  # no client yet
    assert local.rows == expected.rows[:200]
    with (
        cluster_cls(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        client_cls(cluster) as client,
    ):
        got = triage_dask(reports, engine=engine, npartitions=5)
        assert got.rows == expected.rows
        assert got._state is compiled_state(engine)
        tasks = client.run_on_scheduler(
            lambda dask_scheduler: sorted(
                {str(k).split("-")[0] for k in dask_scheduler.task_prefixes}
            )
        )
        assert tasks == ["Compiled", "bytes", "triage_blob"]  # pack, partitions, tasks
        assert triage_dask(from_sequence(reports, npartitions=4), engine=engine).rows == (
            expected.rows
        )
        with pytest.raises(Exception, match=r"reports\[401\]\.symptoms\[0\]") as caught:
            triage_dask([*reports[:401], bad, *reports[401:]], engine=engine, npartitions=4)
        assert getattr(caught.value, "index", None) == 401


def test_default_partitions_are_few_and_large() -> None:
    from hamtriage.flows.distributed import _blobs, _default_parts

    assert _default_parts(2, 50_000) == 8  # 4 per worker thread
    assert _default_parts(2, 3_000) == 3  # none under 1,000 reports
    assert _default_parts(64, 500) == 1
    assert _default_parts(None, 50_000) == 50  # no client: one per 1,000, as before
    blobs = _blobs(list(range(10)), 3)
    import pickle

    assert [pickle.loads(b) for b in blobs] == [(0, [0, 1, 2, 3]), (4, [4, 5, 6, 7]), (8, [8, 9])]


def test_rows_arrive_as_partitions_finish_and_the_first_bad_report_by_position_raises() -> None:
    """Rows are unpickled as each partition arrives, in the batch's order whatever order
    they finish in; with bad reports in two partitions, the earlier one is reported."""
    from hamtriage.flows.distributed import triage_dask

    engine = Engine.default()
    reports = make_reports(engine.pack, 900, seed=34)
    expected = engine.triage_many(reports)
    bad = {"symptoms": ["no_such_symptom"]}
    cluster_cls: Any = distributed.LocalCluster
    client_cls: Any = distributed.Client
    with (
        cluster_cls(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        client_cls(cluster),
    ):
        assert triage_dask(reports, engine=engine, npartitions=9).rows == expected.rows
        late_first = [*reports[:150], bad, *reports[150:700], bad, *reports[700:]]
        with pytest.raises(Exception, match=r"reports\[150\]\.symptoms\[0\]") as caught:
            triage_dask(late_first, engine=engine, npartitions=6)
        assert getattr(caught.value, "index", None) == 150
        got = triage_dask(late_first, engine=engine, npartitions=6, on_error="return")
        assert [i for i, r in enumerate(got.rows) if not isinstance(r, tuple)] == [150, 701]
