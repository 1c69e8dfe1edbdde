"""SQLite ``full``: the store's own fsync of the WAL after each commit, outside the writers'
turn, and before any request of the commit is acknowledged (hamtriage.service.store.sync)."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="needs the server extra")

from hamtriage.service import store as store_module
from hamtriage.service.store import AuditStore
from hamtriage.service.writer import GroupCommitter

from .test_store import ROW

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the store's own fsync is POSIX only")


class Fsyncs:
    """Stands in for ``os.fsync`` in the store's module: records the file each fsync was
    for and what another connection could read at that moment, then really syncs."""

    def __init__(self, db: Path, probe: Any = None) -> None:
        self.db = db
        self.probe = probe
        self.files: list[str] = []
        self.visible: list[int] = []

    def __call__(self, fd: int) -> None:
        self.files.append(
            os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").exists() else "?"
        )
        with sqlite3.connect(self.db) as conn:
            self.visible.append(conn.execute("SELECT count(*) FROM triage_records").fetchone()[0])
        if self.probe is not None:
            self.probe()
        os.fsync(fd)


def _pragma(store: AuditStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)


def test_full_commits_then_fsyncs_the_wal_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.sqlite3"
    store = AuditStore(f"sqlite:///{db}")
    fsyncs = Fsyncs(db)
    monkeypatch.setattr(store_module, "_fsync", fsyncs)
    try:
        assert _pragma(store) == 1  # NORMAL: SQLite does not fsync inside the commit
        store.add([ROW, ROW])
        store.add([ROW])
    finally:
        store.close()
    assert len(fsyncs.files) == 2  # one per transaction
    if fsyncs.files[0] != "?":
        assert all(f == f"{db}-wal" for f in fsyncs.files)
    # each fsync came after its commit: another connection already read the records
    assert fsyncs.visible == [2, 3]


def test_normal_does_not_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "audit.sqlite3"
    store = AuditStore(f"sqlite:///{db}", synchronous="normal")
    fsyncs = Fsyncs(db)
    monkeypatch.setattr(store_module, "_fsync", fsyncs)
    try:
        assert _pragma(store) == 1
        store.add([ROW])
    finally:
        store.close()
    assert fsyncs.files == []


def test_without_a_wal_there_is_nothing_to_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last connection to close checkpoints the WAL (syncing the database) and removes
    it; the database file itself is never opened for a sync (closing a second descriptor
    of it would drop SQLite's POSIX locks in this process)."""
    db = tmp_path / "audit.sqlite3"
    store = AuditStore(f"sqlite:///{db}")
    store.add([ROW])
    store.close()
    assert not Path(f"{db}-wal").exists()
    fsyncs = Fsyncs(db)
    monkeypatch.setattr(store_module, "_fsync", fsyncs)
    opened: list[str] = []
    real_open = os.open

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    store.sync()
    assert fsyncs.files == []
    assert str(db) not in opened
    with sqlite3.connect(db) as conn:  # the record is in the database file
        assert conn.execute("SELECT count(*) FROM triage_records").fetchone()[0] == 1


def test_the_writer_syncs_after_its_turn_and_acknowledges_after_the_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.sqlite3"
    store = AuditStore(f"sqlite:///{db}")
    lock = os.open(f"{db}.write-lock", os.O_CREAT | os.O_RDWR, 0o600)
    seen: list[tuple[bool, bool]] = []
    futures: list[Any] = []
    submitted = threading.Event()

    def probe() -> None:
        submitted.wait(10)
        try:  # another worker could take the turn while this one syncs
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
            free = True
        except BlockingIOError:
            free = False
        seen.append((free, any(f.done() for f in futures)))

    monkeypatch.setattr(store_module, "_fsync", Fsyncs(db, probe))
    committer = GroupCommitter(store)
    try:
        futures.append(committer.submit([ROW]))
        submitted.set()
        (record_id,) = futures[0].result(timeout=10)
    finally:
        committer.close()
        store.close()
        os.close(lock)
    assert seen == [(True, False)]  # the turn was free and nothing acknowledged yet
    assert record_id


def test_a_failed_sync_acknowledges_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = AuditStore(f"sqlite:///{tmp_path}/audit.sqlite3")

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store_module, "_fsync", broken)
    committer = GroupCommitter(store)
    try:
        with caplog.at_level(logging.ERROR, logger="hamtriage.service"):
            futures = [committer.submit([ROW]) for _ in range(3)]
            for future in futures:
                with pytest.raises(OSError, match="Input/output error"):
                    future.result(timeout=10)
    finally:
        committer.close()
        store.close()
    assert "audit sync failed" in caplog.text
