"""Group commit for the audit store: one writer thread commits the records of every
request waiting at that moment in a single transaction.

With SQLite and ``synchronous=FULL`` a commit costs an fsync (milliseconds), and commits
of concurrent requests queue on the database's one write lock; committing them together
pays one fsync for the lot. The guarantee is unchanged: a request's future resolves only
after the transaction holding its records has committed, and the response waits for it,
so an acknowledged triage is always in the store.
"""

from __future__ import annotations

import asyncio
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
_Job = tuple[Rows, "Future[list[str]]"]
_STOP = None


class GroupCommitter:
    """Queues record rows and commits them in groups on one thread."""

    def __init__(self, store: AuditStore, *, max_rows: int = 2000) -> None:
        self.store = store
        self.max_rows = max_rows
        """A group stops growing here (a batch request alone may exceed it)."""
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="hamtriage-audit", daemon=True)
        self._thread.start()

    def submit(self, rows: Rows) -> Future[list[str]]:
        """A future of the ids of ``rows``, set once they are committed."""
        future: Future[list[str]] = Future()
        with self._lock:
            if self._closed:
                future.set_exception(RuntimeError("the audit store is closed"))
                return future
            self._queue.put((rows, future))
        return future

    async def add(self, rows: Rows) -> list[str]:
        """Commit ``rows`` (with whatever else is waiting); their ids once committed."""
        if not rows:
            return []
        return await asyncio.wrap_future(self.submit(rows))

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
                group: list[_Job] = [first]
                size = len(first[0])
                while size < self.max_rows:  # everything waiting joins this commit
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        stopping = True
                        break
                    group.append(job)
                    size += len(job[0])
                self._commit(group)

    def _commit(self, group: list[_Job]) -> None:
        # RUNNING from here: a request cancelled now (its client left) cannot cancel the
        # future any more; its records are committed all the same, just not acknowledged
        live = [future.set_running_or_notify_cancel() for _, future in group]
        rows = [row for job_rows, _ in group for row in job_rows]
        try:
            ids = self.store.add(rows)
        except Exception as exc:  # noqa: BLE001  any failure: no request in it is acknowledged
            log.error("hamtriage: audit commit failed: %s: %s", type(exc).__name__, exc)
            for (_, future), running in zip(group, live, strict=True):
                if running:
                    future.set_exception(exc)
            return
        start = 0
        for (job_rows, future), running in zip(group, live, strict=True):
            if running:
                future.set_result(ids[start : start + len(job_rows)])
            start += len(job_rows)
