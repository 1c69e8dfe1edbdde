"""Group commit (hamtriage.service.writer) in-process, on a real SQLite store (no engine)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="needs the server extra")

from hamtriage.service.store import AuditStore
from hamtriage.service.writer import GroupCommitter

from .test_store import ROW


class CountingStore(AuditStore):
    """Records the size of every transaction; the first ``commit`` waits for ``gate``."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.groups: list[int] = []
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.fail = False

    def commit(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        self.entered.set()
        self.gate.wait(10)
        if self.fail:
            raise RuntimeError("disk full")
        ids = super().commit(rows)
        self.groups.append(len(rows))
        return ids


@pytest.fixture
def store(tmp_path: Path) -> CountingStore:
    return CountingStore(f"sqlite:///{tmp_path}/audit.sqlite3")


def test_waiting_requests_share_one_commit_and_get_their_own_ids(store: CountingStore) -> None:
    committer = GroupCommitter(store)
    try:
        first = committer.submit([{**ROW, "level": "first"}])
        assert store.entered.wait(10)
        # the writer is held in the first commit; these queue up meanwhile
        rest = [committer.submit([{**ROW, "level": f"r{i}"}] * (i % 3 + 1)) for i in range(20)]
        assert not any(f.done() for f in [first, *rest])  # nothing acknowledged before commit
        store.gate.set()
        ids = [f.result(timeout=10) for f in [first, *rest]]
    finally:
        committer.close()
    assert [len(i) for i in ids] == [1] + [i % 3 + 1 for i in range(20)]
    assert store.groups[0] == 1
    assert sum(store.groups) == 1 + sum(i % 3 + 1 for i in range(20))
    assert len(store.groups) < 21  # the queued requests were committed together
    for n, group in enumerate(ids[1:]):
        for record_id in group:
            record = store.get(record_id)
            assert record is not None
            assert record.level == f"r{n}"


def test_a_failed_commit_fails_every_request_in_it(store: CountingStore) -> None:
    store.fail = True
    committer = GroupCommitter(store)
    try:
        futures = [committer.submit([ROW]) for _ in range(5)]
        store.gate.set()
        for future in futures:
            with pytest.raises(RuntimeError, match="disk full"):
                future.result(timeout=10)
    finally:
        committer.close()
    assert store.ids() == set()


def test_close_commits_what_is_queued_and_refuses_more(store: CountingStore) -> None:
    committer = GroupCommitter(store)
    futures = [committer.submit([ROW]) for _ in range(10)]
    store.gate.set()
    committer.close()
    assert {i for f in futures for i in f.result(timeout=0)} == store.ids()
    with pytest.raises(RuntimeError, match="closed"):
        committer.submit([ROW]).result(timeout=1)


def test_async_add_awaits_the_commit(store: CountingStore) -> None:
    store.gate.set()
    committer = GroupCommitter(store)

    async def many() -> list[list[str]]:
        return await asyncio.gather(*(committer.add([ROW]) for _ in range(16)))

    try:
        ids = asyncio.run(many())
        assert asyncio.run(committer.add([])) == []
    finally:
        committer.close()
    assert {i for group in ids for i in group} == store.ids()
    assert len(store.ids()) == 16


def test_workers_sharing_a_sqlite_file_take_turns(tmp_path: Path) -> None:
    """Two stores on one file stand for two worker processes (flock is per open file)."""
    url = f"sqlite:///{tmp_path}/audit.sqlite3"
    other = AuditStore(url)
    mine = CountingStore(url)
    mine.gate.set()
    committer = GroupCommitter(mine)
    try:
        with other.writer_turn():  # the other worker is committing
            waiting = [committer.submit([ROW]) for _ in range(5)]
            time.sleep(0.3)
            assert not any(f.done() for f in waiting)  # its turn has not come
            assert mine.groups == []
        started = time.monotonic()
        ids = [i for f in waiting for i in f.result(timeout=10)]
        assert time.monotonic() - started < 2  # woken when the turn was released
    finally:
        committer.close()
        other.close()
    assert set(ids) == mine.ids()
    assert mine.groups == [5]  # what queued meanwhile went in one commit
    assert (tmp_path / "audit.sqlite3.write-lock").exists()


def test_async_waiters_of_one_commit_are_woken_by_one_callback(store: CountingStore) -> None:
    """One thread-safe wake-up of the loop per commit, not per request; a waiter whose
    request was cancelled is skipped and its records are committed all the same."""
    committer = GroupCommitter(store)
    wakeups: list[object] = []

    async def many() -> list[list[str] | BaseException]:
        loop = asyncio.get_running_loop()
        plain = loop.call_soon_threadsafe

        def counting(callback: Any, *args: Any) -> Any:
            wakeups.append(callback)
            return plain(callback, *args)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign, assignment]
        first = asyncio.ensure_future(committer.add([ROW]))
        while not store.entered.is_set():  # the writer holds the first commit
            await asyncio.sleep(0.005)
        rest = [asyncio.ensure_future(committer.add([ROW])) for _ in range(15)]
        await asyncio.sleep(0.05)
        rest[0].cancel()  # its client left while the commit was waiting
        store.gate.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    try:
        outcomes = asyncio.run(many())
    finally:
        committer.close()
    assert isinstance(outcomes[1], asyncio.CancelledError)
    acknowledged = [o for o in outcomes if isinstance(o, list)]
    assert len(acknowledged) == 15
    assert len(store.ids()) == 16  # the cancelled request's record is stored too
    assert store.groups == [1, 15]
    assert len(wakeups) == 2  # one per commit, not 16


def test_async_add_raises_when_its_commit_fails(store: CountingStore) -> None:
    store.fail = True
    store.gate.set()
    committer = GroupCommitter(store)

    async def many() -> list[list[str] | BaseException]:
        return await asyncio.gather(
            *(committer.add([ROW]) for _ in range(4)), return_exceptions=True
        )

    try:
        outcomes = asyncio.run(many())
    finally:
        committer.close()
    assert all(isinstance(o, RuntimeError) and "disk full" in str(o) for o in outcomes)
    assert store.ids() == set()


def test_the_requests_of_one_turn_of_the_loop_reach_the_writer_together(
    store: CountingStore,
) -> None:
    """Requests that reach their commit in the same turn of the event loop are handed to
    the writer as one queue item, so they share one commit however fast the writer is."""
    store.gate.set()
    committer = GroupCommitter(store)

    async def many() -> list[list[str]]:
        return await asyncio.gather(*(committer.add([ROW] * (i % 2 + 1)) for i in range(16)))

    try:
        ids = asyncio.run(many())
    finally:
        committer.close()
    assert store.groups == [24]
    assert [len(group) for group in ids] == [i % 2 + 1 for i in range(16)]
    assert {i for group in ids for i in group} == store.ids()


def test_requests_still_waiting_for_their_turn_when_the_store_closes_fail(
    store: CountingStore,
) -> None:
    store.gate.set()
    committer = GroupCommitter(store)

    async def closing() -> None:
        waiting = asyncio.ensure_future(committer.add([ROW]))
        await asyncio.sleep(0)  # its rows wait for the end of this turn of the loop
        committer.close()
        with pytest.raises(RuntimeError, match="closed"):
            await waiting
        with pytest.raises(RuntimeError, match="closed"):
            await committer.add([ROW])

    asyncio.run(closing())
    assert store.ids() == set()  # nothing acknowledged, nothing stored
