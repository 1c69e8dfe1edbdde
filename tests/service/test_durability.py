"""Nothing acknowledged is lost: SIGKILL in the middle of a stream of triages."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
httpx = pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.service.store import AuditStore  # noqa: E402

from ._server import Server  # noqa: E402

REPORTS = [
    {"symptoms": ["tight_calves"], "measurements": {"knee_to_wall_cm": 7}},
    {"symptoms": ["low_back_spasms"], "activities": ["deadlift"]},
    {"symptoms": ["cannot_touch_floor"], "measurements": {"fingertip_to_floor_cm": 12}},
    {"symptoms": ["saddle_numbness"]},
]


def test_sigkill_loses_no_acknowledged_record() -> None:
    server = Server.start([])
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(offset: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            n = offset
            while not stop.is_set() and n < 5000:  # bounded
                try:
                    response = http.post("/v1/triage", json=REPORTS[n % len(REPORTS)])
                except httpx.HTTPError:
                    return  # the server is gone
                n += 1
                if response.status_code == 200:
                    with lock:
                        acknowledged.append(response.headers["x-hamtriage-record"])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # requests are in flight: no shutdown, no flush, no atexit
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 150
    store = AuditStore(server.db_url)  # opens cleanly: recovery of the WAL, no migration
    try:
        assert store.check() == "ok"
        stored = store.ids()
    finally:
        store.close()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged records lost"
    assert len(stored) >= len(acknowledged)  # committed, killed before the response left
