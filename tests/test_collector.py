"""Worker processes keep the cyclic collector off what they held before their work: a
pool worker freezes once its engine is built, a Dask task freezes around its own work
and gives everything back after, leaving a caller's own freeze alone. Each check runs
in a child process (the collector's state is process-wide; the tasks touch the engine)."""

from __future__ import annotations

from tests.support.hazard import run_child


def _run(code: str) -> list[str]:
    proc = run_child(code)  # a crash or a hang fails the test, with the child's stderr
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_frozen_during_freezes_for_the_block_and_respects_a_callers_freeze() -> None:
    out = _run(
        """
        import gc
        from hamtriage.flows._collector import frozen_during

        gc.unfreeze()  # CPython 3.12 starts with a few hundred of its own frozen (see below)
        kept = [[i] for i in range(1000)]  # containers that exist before the block
        with frozen_during():
            print(gc.get_freeze_count() >= 1000)
        print(gc.get_freeze_count())
        try:
            with frozen_during():
                raise KeyError("boom")
        except KeyError:
            pass
        print(gc.get_freeze_count())  # given back after an error too
        gc.freeze()  # the caller's own choice
        before = gc.get_freeze_count()
        with frozen_during():
            inside = gc.get_freeze_count()
        print(before > 0, inside == before, gc.get_freeze_count() == before)
        """
    )
    assert out == ["True", "0", "0", "True", "True", "True"]


def test_a_pool_worker_freezes_once_its_engine_is_built() -> None:
    out = _run(
        """
        import gc, multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from hamtriage import Engine
        from hamtriage.engine import compiled_state
        from hamtriage.flows import batch

        if __name__ == "__main__":
            ref = compiled_state(Engine.default()).__reduce__()[1]
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(1, ctx, batch._warm, (ref,)) as pool:
                print(pool.submit(gc.get_freeze_count).result() > 10_000)  # the pack's objects
        """
    )
    assert out == ["True"]


def test_a_dask_task_freezes_around_its_work_with_identical_rows() -> None:
    """``_triage_blob`` (the task ``triage_dask`` runs on a worker), in this process."""
    out = _run(
        """
        import gc, pickle
        from hamtriage import Engine
        from hamtriage.engine import compiled_state
        from hamtriage.flows import distributed
        from tests.support.reports import make_reports

        gc.unfreeze()  # CPython 3.12 starts with a few hundred of its own frozen (see below)
        engine = Engine.default()
        reports = make_reports(engine.pack, 300, seed=5)
        expected = engine.triage_many(reports).rows
        real = distributed.triage_partition
        seen = []

        def spy(*args, **kwargs):
            seen.append(gc.get_freeze_count())
            return real(*args, **kwargs)

        distributed.triage_partition = spy
        blob = pickle.dumps((0, reports))
        rows = pickle.loads(distributed._triage_blob(blob, compiled_state(engine), "raise"))
        print(rows == expected, seen[0] > 10_000, gc.get_freeze_count())
        """
    )
    assert out == ["True", "True", "0"]


def test_a_task_leaves_the_collector_alone_when_the_interpreter_starts_frozen() -> None:
    """CPython 3.12 starts with objects of its own frozen, which cannot be told from a
    caller's freeze: there a Dask task must not freeze or unfreeze anything."""
    out = _run(
        """
        import gc
        from hamtriage.flows._collector import frozen_during

        gc.unfreeze()
        gc.freeze()  # what 3.12 (or a pre-forking caller) starts with
        before = gc.get_freeze_count()
        kept = [[i] for i in range(1000)]
        with frozen_during():
            inside = gc.get_freeze_count()
        print(inside == before, gc.get_freeze_count() == before)
        """
    )
    assert out == ["True", "True"]
