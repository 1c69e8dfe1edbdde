"""The audit store: every served triage, committed before its response is sent.

SQLAlchemy 2 (Core) with Alembic migrations shipped in ``hamtriage/service/migrations``.
Records are written by a prepared ``executemany`` on one DBAPI connection kept for the
writer (SQLAlchemy's Core ``insert`` cost about 0.1 ms per transaction and 15 us per row
more, measured); the statement and the column converters are SQLAlchemy's own, compiled
once for the dialect, so what is stored reads back exactly as before.
SQLite (WAL) by default; any SQLAlchemy URL otherwise (PostgreSQL:
``postgresql+psycopg://user@host/db``). SQLite's ``full`` (the default) keeps what
``synchronous=FULL`` promises, every committed record on disk before it is acknowledged;
on POSIX systems the fsync is the store's own, after the commit (:meth:`AuditStore.sync`).
Migrations run when a store is opened, under a lock (a file lock beside a SQLite file, an advisory lock on PostgreSQL), so several
workers can start at once; a store already at the latest revision skips Alembic entirely.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

__all__ = ["HEAD_REVISION", "AuditRecord", "AuditStore", "report_digest"]

_fsync = os.fsync  # the tests observe the store's fsyncs through this name

HEAD_REVISION = "0001_audit_records"
"""The newest migration; tests check that it is the head of ``migrations/versions``."""

MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

records = Table(
    "triage_records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("endpoint", String(32), nullable=False),
    Column("pack_id", String(200), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("level", String(32), nullable=False),
    Column("red_flags", JSON, nullable=False),
    Column("recommendations", JSON, nullable=False),
    Column("report_sha256", String(64), nullable=False),
    Column("report", Text, nullable=True),
    Index("ix_triage_records_created_at", "created_at"),
)


@dataclass(frozen=True)
class AuditRecord:
    """One served triage, as stored."""

    id: str
    created_at: datetime
    endpoint: str
    pack_id: str
    lang: str
    level: str
    red_flags: tuple[str, ...]
    recommendations: tuple[str, ...]
    report_sha256: str
    report: dict[str, Any] | None = None

    def to_json(self) -> str:
        """One JSON Lines line (no newline)."""
        return json.dumps(
            {
                "id": self.id,
                "created_at": self.created_at.isoformat(),
                "endpoint": self.endpoint,
                "pack_id": self.pack_id,
                "lang": self.lang,
                "level": self.level,
                "red_flags": list(self.red_flags),
                "recommendations": list(self.recommendations),
                "report_sha256": self.report_sha256,
                "report": self.report,
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def report_digest(normalised: dict[str, Any]) -> tuple[str, str]:
    """(SHA-256 hex, canonical JSON) of a normalised report."""
    canonical = json.dumps(normalised, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest(), canonical


def _sqlite_pragmas(synchronous: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return on_connect


class AuditStore:
    """An open audit store. Thread-safe (SQLAlchemy's connection pool)."""

    def __init__(self, url: str, *, migrate: bool = True, synchronous: str = "full") -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {}
        if synchronous not in ("full", "normal"):
            raise ValueError(f"synchronous must be 'full' or 'normal', not {synchronous!r}")
        self._own_fsync = self.is_sqlite and synchronous == "full" and os.name == "posix"
        """SQLite ``full`` on POSIX: commit with ``synchronous=NORMAL``, then fsync the WAL
        here (:meth:`sync`), outside the writers' turn."""
        if self.is_sqlite:
            database = parsed.database or ""
            if database in ("", ":memory:") or database.startswith("file:"):
                raise ValueError("the audit store needs a SQLite file, not an in-memory database")
            self._sqlite_path: Path | None = Path(database)
            self._sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            kwargs["pool_size"] = 8
        else:
            self._sqlite_path = None
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        self._turn_fd: int | None = None
        compiled = insert(records).compile(dialect=self.engine.dialect)
        self._insert_sql = compiled.string
        self._positional = bool(compiled.positional)
        order = compiled.positiontup if self._positional else [c.name for c in records.c]
        self._columns: tuple[tuple[str, Any], ...] = tuple(
            (name, records.c[name].type._cached_bind_processor(self.engine.dialect))
            for name in order or ()
        )
        self._write_lock = threading.Lock()
        self._writer: Any = None
        """The DBAPI connection ``add`` writes on (checked out of the pool once)."""
        if self.is_sqlite:
            pragma = "normal" if self._own_fsync else synchronous
            event.listen(self.engine, "connect", _sqlite_pragmas(pragma))
        if migrate:
            self.migrate()

    # ---------------------------------------------------------------- migrations

    def revision(self) -> str | None:
        """The store's Alembic revision, ``None`` for an empty database."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if row is None else str(row[0])

    def migrate(self) -> None:
        """Bring the store to :data:`HEAD_REVISION` (nothing to do: no Alembic import)."""
        if self.revision() == HEAD_REVISION:
            return
        with self._migration_lock():
            if self.revision() == HEAD_REVISION:  # another worker did it meanwhile
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self._sqlite_path is not None:
            import fcntl

            lock_path = self._sqlite_path.with_name(self._sqlite_path.name + ".migrate-lock")
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        elif self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(7215046330)"))
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(7215046330)"))
                    conn.commit()
        else:
            yield

    # ------------------------------------------------------------------- records

    @contextlib.contextmanager
    def writer_turn(self) -> Iterator[None]:
        """This process's turn to write, among the processes sharing a SQLite file.

        A ``flock`` beside the file: the next process waiting for it wakes as soon as it
        is released, where SQLite's own busy handler polls with sleeps of up to 100 ms
        (which left a second worker's commits waiting long after the first's were done).
        SQLite's locking still guards the data; this only orders the writers. Other
        databases: nothing to do.
        """
        if self._sqlite_path is None:
            yield
            return
        import fcntl

        if self._turn_fd is None:
            lock = self._sqlite_path.with_name(self._sqlite_path.name + ".write-lock")
            try:
                self._turn_fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
            except OSError:  # a read-only directory, say: SQLite's busy handler orders writers
                yield
                return
        fcntl.flock(self._turn_fd, fcntl.LOCK_EX)  # released by the kernel if killed
        try:
            yield
        finally:
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)

    def add(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert records in one transaction, commit and :meth:`sync`; return their ids.

        Each row has ``endpoint``, ``pack_id``, ``lang``, ``level``, ``red_flags``,
        ``recommendations``, ``report_sha256`` and optionally ``report`` (JSON text).
        """
        ids = self.commit(rows)
        self.sync()
        return ids

    def sync(self) -> None:
        """Make every record committed so far durable against a power loss.

        SQLite ``full`` on POSIX: fsync the WAL file. SQLite itself would fsync inside
        the commit, holding the file's one write lock (and the writers' turn) for the
        fsync's milliseconds, so two workers' commits could only alternate, each waiting
        for the other's fsync; here a worker syncs after its turn, and the next worker
        commits meanwhile. ``synchronous=NORMAL`` in WAL mode writes every frame of a
        commit to the WAL before the commit returns, syncs the WAL's header when the WAL
        restarts and syncs the WAL before a checkpoint copies it, so an fsync of the WAL
        after the commit makes it as durable as ``FULL`` would have. Otherwise nothing to
        do (the commit was durable already).
        """
        if not self._own_fsync or self._sqlite_path is None:
            return
        path = self._sqlite_path
        try:
            # only the WAL is opened here: closing a second descriptor of the database
            # file would drop this process's POSIX locks on it, which SQLite's own are
            fd = os.open(path.with_name(path.name + "-wal"), os.O_RDONLY)
        except FileNotFoundError:
            return  # removed by the last connection to close, after a checkpoint it synced
        try:
            _fsync(fd)
        finally:
            os.close(fd)

    def commit(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert records in one transaction and commit, without :meth:`sync`; their ids.

        Committed records survive a crash of the process; with SQLite ``full``, a power
        loss only after :meth:`sync`.
        """
        if not rows:
            return []
        now = datetime.now(UTC)
        ids = [str(uuid.uuid4()) for _ in rows]
        params = [
            # the records of one batch are 1 microsecond apart: time order is batch order
            self._bind(record_id, now + timedelta(microseconds=i), row)
            for i, (record_id, row) in enumerate(zip(ids, rows, strict=True))
        ]
        with self._write_lock:
            for attempt in (1, 2):
                conn = self._writer
                if conn is None:
                    conn = self._writer = self.engine.raw_connection()
                committing = False
                try:
                    cursor = conn.cursor()
                    try:
                        cursor.executemany(self._insert_sql, params)
                    finally:
                        cursor.close()
                    committing = True
                    conn.commit()
                    return ids
                except BaseException as exc:
                    # nothing of this transaction is acknowledged; the next add starts afresh
                    self._writer = None
                    # a kept connection the database dropped (a restart): once, before
                    # the commit (nothing written yet), on a fresh one, as a pool
                    # pre-ping would have done
                    retry = attempt == 1 and not committing and self._dropped(exc, conn)
                    with contextlib.suppress(Exception):
                        conn.invalidate()
                    if not retry:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _dropped(self, exc: BaseException, conn: Any) -> bool:
        dialect = self.engine.dialect
        return isinstance(exc, dialect.loaded_dbapi.Error) and bool(
            dialect.is_disconnect(exc, conn.dbapi_connection, None)
        )

    def _bind(self, record_id: str, created_at: datetime, row: dict[str, Any]) -> Any:
        """One row's parameters for the prepared insert, converted as SQLAlchemy would."""
        full = {"report": None, **row, "id": record_id, "created_at": created_at}
        if self._positional:
            return tuple(
                full[name] if convert is None else convert(full[name])
                for name, convert in self._columns
            )
        return {
            name: full[name] if convert is None else convert(full[name])
            for name, convert in self._columns
        }

    def get(self, record_id: str) -> AuditRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(records).where(records.c.id == record_id)).first()
        return None if row is None else _record(row._mapping)

    def ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return {str(r[0]) for r in conn.execute(select(records.c.id))}

    def export(
        self, since: datetime | date | None = None, until: datetime | None = None
    ) -> Iterator[AuditRecord]:
        """Records in time order, optionally from ``since`` (inclusive) to ``until`` (exclusive)."""
        query = select(records).order_by(records.c.created_at, records.c.id)
        if since is not None:
            query = query.where(records.c.created_at >= _aware(since))
        if until is not None:
            query = query.where(records.c.created_at < _aware(until))
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield _record(row._mapping)

    def check(self) -> str:
        """``"ok"``, or what the database's own integrity check says (SQLite only)."""
        if not self.is_sqlite:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        with self.engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar())

    def close(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                with contextlib.suppress(Exception):
                    self._writer.close()  # back to the pool, disposed below
                self._writer = None
        if self._turn_fd is not None:
            os.close(self._turn_fd)
            self._turn_fd = None
        self.engine.dispose()


def _aware(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _record(row: Any) -> AuditRecord:
    created = row["created_at"]
    if created.tzinfo is None:  # SQLite keeps no zone; the service writes UTC
        created = created.replace(tzinfo=UTC)
    report = row["report"]
    return AuditRecord(
        id=row["id"],
        created_at=created,
        endpoint=row["endpoint"],
        pack_id=row["pack_id"],
        lang=row["lang"],
        level=row["level"],
        red_flags=tuple(row["red_flags"]),
        recommendations=tuple(row["recommendations"]),
        report_sha256=row["report_sha256"],
        report=None if report is None else json.loads(report),
    )
