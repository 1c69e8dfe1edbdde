"""The audit store in-process (no rule engine): SQLite and, when available, PostgreSQL."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the server extra")
pytest.importorskip("alembic", reason="needs the server extra")

from sqlalchemy import text

from hamtriage.cli import main
from hamtriage.service.store import HEAD_REVISION, MIGRATIONS, AuditStore

ROW = {
    "endpoint": "triage",
    "pack_id": "p@1#abc",
    "lang": "en",
    "level": "self_care",
    "red_flags": [],
    "recommendations": ["calf_stretch"],
    "report_sha256": "0" * 64,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/audit.sqlite3"
    url: str = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:  # a fresh database for every test
        conn.execute(text("DROP TABLE IF EXISTS triage_records, alembic_version"))
    engine.dispose()
    return url


def test_head_revision_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_records_round_trip_and_export(store_url: str) -> None:
    store = AuditStore(store_url)
    try:
        assert store.revision() == HEAD_REVISION
        (first,) = store.add([ROW])
        second, third = store.add(
            [{**ROW, "level": "emergency", "red_flags": ["saddle_numbness"]}, ROW]
        )
        record = store.get(second)
        assert record is not None
        assert record.red_flags == ("saddle_numbness",)
        assert record.level == "emergency"
        assert record.created_at.tzinfo is not None
        assert [r.id for r in store.export()] == [first, second, third]  # batch order kept
        assert list(store.export(since=datetime.now(UTC) + timedelta(days=1))) == []
        assert store.ids() == {first, second, third}
        assert store.check() == "ok"
    finally:
        store.close()
    again = AuditStore(store_url)  # opening an existing store migrates nothing
    try:
        assert again.revision() == HEAD_REVISION
        assert len(again.ids()) == 3
    finally:
        again.close()


def test_concurrent_openings_migrate_once(store_url: str) -> None:
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            AuditStore(store_url).close()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_sqlite_store_is_in_wal_mode(tmp_path: Path) -> None:
    store = AuditStore(f"sqlite:///{tmp_path}/a.sqlite3")
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            # FULL, or on POSIX NORMAL with the store's own fsync after each commit
            # (tests/service/test_store_sync.py)
            expected = 1 if os.name == "posix" else 2
            assert conn.execute(text("PRAGMA synchronous")).scalar() == expected
    finally:
        store.close()
    with pytest.raises(ValueError, match="in-memory"):
        AuditStore("sqlite://")


def test_audit_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/audit.sqlite3"
    store = AuditStore(url)
    ids = store.add([ROW, {**ROW, "level": "see_clinician"}])
    store.close()
    out = tmp_path / "audit.jsonl"
    today = datetime.now(UTC).date().isoformat()
    assert main(["audit", "export", "--db", url, "--since", today, "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ids
    assert lines[1]["level"] == "see_clinician"
    assert "2 records exported" in capsys.readouterr().err
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert main(["audit", "export", "--db", url, "--since", tomorrow]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "export", "--db", url, "--since", "last week"]) == 2
    assert "--since: 'last week' is not a date" in capsys.readouterr().err


def test_a_failed_add_stores_nothing_and_the_next_add_works(store_url: str) -> None:
    """``add`` writes on one kept connection; a failed transaction must not poison it."""
    store = AuditStore(store_url)
    try:
        with pytest.raises(
            Exception, match=r"(?i)not null|null value"
        ):  # the driver's IntegrityError
            store.add([ROW, {**ROW, "level": None}])  # NOT NULL: the whole group fails
        assert store.ids() == set()
        (record_id,) = store.add([{**ROW, "report": '{"present": ["a"]}'}])
        record = store.get(record_id)
        assert record is not None
        assert record.report == {"present": ["a"]}
        assert record.recommendations == ("calf_stretch",)
    finally:
        store.close()


def test_rows_are_stored_as_sqlalchemy_core_writes_them(tmp_path: Path) -> None:
    """The prepared insert uses SQLAlchemy's converters: the columns hold what Core's
    ``insert`` would have written (older stores and tools read them unchanged)."""
    from sqlalchemy import insert

    from hamtriage.service.store import records

    store = AuditStore(f"sqlite:///{tmp_path}/a.sqlite3")
    try:
        (fast,) = store.add([ROW])
        when = store.get(fast)
        assert when is not None
        with store.engine.begin() as conn:
            conn.execute(insert(records), [{**ROW, "id": "core", "created_at": when.created_at}])
            stored = conn.execute(
                text(
                    "SELECT id, created_at, red_flags, recommendations, report "
                    "FROM triage_records ORDER BY id"
                )
            ).all()
    finally:
        store.close()
    core, prepared = sorted(stored, key=lambda row: row[0] != "core")
    assert prepared[1:] == core[1:]  # the same text for the time and the JSON columns


def test_a_kept_connection_the_database_dropped_is_replaced_once(store_url: str) -> None:
    """``add`` keeps one connection; if the database dropped it (a restart), the insert
    fails before anything is written and is retried once on a fresh connection."""
    store = AuditStore(store_url)
    try:
        store.add([ROW])
        store._writer.dbapi_connection.close()  # as a server restart would leave it
        (record_id,) = store.add([{**ROW, "level": "after"}])
        record = store.get(record_id)
        assert record is not None
        assert record.level == "after"
        assert len(store.ids()) == 2  # stored once, not twice
    finally:
        store.close()
