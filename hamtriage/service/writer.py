"""Group commit for the audit store: one writer thread commits the records of every
request waiting at that moment in a single transaction.

With SQLite and ``synchronous=FULL`` a commit costs an fsync (milliseconds), and commits
of concurrent requests queue on the database's one write lock; committing them together
pays one fsync for the lot. The guarantee is unchanged: a request's future resolves only
after the transaction holding its records has committed, and the response waits for it,
so an acknowledged triage is always in the store.

The requests of one event loop are handed to the writer once per turn of the loop (every
request that reached its commit in that turn, in one queue item), and the requests of a
commit are woken by one callback on their loop: thread wake-ups and GIL hand-overs per
request were a measured part of a triage's CPU time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import AuditStore

__all__ = ["GroupCommitter"]

log = logging.getLogger("hamtriage.service")

Rows = Sequence[dict[str, Any]]
_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[list[str]]"]
_Job = tuple[Rows, "Future[list[str]] | _Waiter"]
_STOP = None


def _settle(outcomes: list[tuple[asyncio.Future[list[str]], list[str] | BaseException]]) -> None:
    """On the waiters' loop: resolve every future of one commit (a cancelled one is skipped;
    its records are committed all the same, just not acknowledged)."""
    for future, outcome in outcomes:
        if future.done():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class GroupCommitter:
    """Queues record rows and commits them in groups on one thread."""

    def __init__(self, store: AuditStore, *, max_rows: int = 2000) -> None:
        self.store = store
        self.max_rows = max_rows
        """A group stops growing here (a batch request alone may exceed it)."""
        self._queue: queue.SimpleQueue[list[_Job] | None] = queue.SimpleQueue()
        self._pending: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        """Per event loop: the requests of its current turn, handed over at its end."""
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="hamtriage-audit", daemon=True)
        self._thread.start()

    def submit(self, rows: Rows) -> Future[list[str]]:
        """A future of the ids of ``rows``, set once they are committed."""
        future: Future[list[str]] = Future()
        if not self._put([(rows, future)]):
            future.set_exception(RuntimeError("the audit store is closed"))
        return future

    async def add(self, rows: Rows) -> list[str]:
        """Commit ``rows`` (with whatever else is waiting); their ids once committed."""
        if not rows:
            return []
        if self._closed:
            raise RuntimeError("the audit store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        pending = self._pending.get(loop)
        if pending is None:
            # call_soon runs after every task already scheduled in this turn of the loop
            pending = self._pending[loop] = []
            loop.call_soon(self._hand_over, loop)
        pending.append((rows, (loop, future)))
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        jobs = self._pending.pop(loop, [])
        if jobs and not self._put(jobs):
            closed = RuntimeError("the audit store is closed")
            for _, waiter in jobs:
                future = waiter[1] if isinstance(waiter, tuple) else waiter
                if not future.done():
                    future.set_exception(closed)

    def _put(self, jobs: list[_Job]) -> bool:
        with self._lock:
            if self._closed:
                return False
            self._queue.put(jobs)
        return True

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            # the group is gathered once it is this process's turn to write, so that
            # what arrived while another worker committed joins this commit
            with self.store.writer_turn():
                group: list[_Job] = list(first)
                size = sum(len(rows) for rows, _ in first)
                while size < self.max_rows:  # everything waiting joins this commit
                    try:
                        jobs = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if jobs is None:
                        stopping = True
                        break
                    group += jobs
                    size += sum(len(rows) for rows, _ in jobs)
                # RUNNING from here: a request cancelled now (its client left) cannot cancel
                # the future any more; its records are committed all the same, just not
                # acknowledged
                live = [
                    waiter.set_running_or_notify_cancel() if isinstance(waiter, Future) else True
                    for _, waiter in group
                ]
                done = self._write(group)
            # the fsync (SQLite "full") outside the turn: the next worker commits meanwhile
            if not isinstance(done, BaseException):
                try:
                    self.store.sync()
                except Exception as exc:  # noqa: BLE001  not durable: not acknowledged
                    log.error("hamtriage: audit sync failed: %s: %s", type(exc).__name__, exc)
                    done = exc
            self._acknowledge(group, live, done)

    def _write(self, group: list[_Job]) -> list[str] | BaseException:
        """Commit the rows of ``group``: their ids, or what failed."""
        try:
            return self.store.commit([row for job_rows, _ in group for row in job_rows])
        except Exception as exc:  # noqa: BLE001  any failure: no request in it is acknowledged
            log.error("hamtriage: audit commit failed: %s: %s", type(exc).__name__, exc)
            return exc

    def _acknowledge(
        self, group: list[_Job], live: list[bool], done: list[str] | BaseException
    ) -> None:
        """Acknowledge every request of a committed (and synced) group, or fail them all."""
        outcomes: list[list[str] | BaseException] = []
        if isinstance(done, BaseException):
            outcomes = [done] * len(group)
        else:
            ids = done
            start = 0
            for job_rows, _ in group:
                outcomes.append(ids[start : start + len(job_rows)])
                start += len(job_rows)
        by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        for (_, waiter), running, outcome in zip(group, live, outcomes, strict=True):
            if isinstance(waiter, Future):
                if not running:
                    continue
                if isinstance(outcome, BaseException):
                    waiter.set_exception(outcome)
                else:
                    waiter.set_result(outcome)
            else:
                loop, future = waiter
                by_loop.setdefault(loop, []).append((future, outcome))
        for loop, outcomes_here in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_settle, outcomes_here)
