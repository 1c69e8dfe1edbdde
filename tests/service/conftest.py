"""Fixtures for the service's tests.

Every test that triages runs the service in a subprocess (uvicorn on 127.0.0.1 and a
free port): durable-rules' C engine can take a process down, and the tests must see
what a client sees. Only pure functions and the audit store run in-process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._server import Server

NEEDS = "the service tests need the server-test extra: pip install -e '.[server-test]'"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One service on the bundled pack, storing reports, shared by the read-only tests."""
    pytest.importorskip("fastapi", reason=NEEDS)
    from ._server import Server

    db = tmp_path_factory.mktemp("store") / "audit.sqlite3"
    srv = Server.start(["--store-reports"], db_url=f"sqlite:///{db}")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def postgres_url() -> str:
    """The throwaway PostgreSQL started by .ci/run; skipped (with the reason) without one."""
    url = os.environ.get("HAMTRIAGE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("HAMTRIAGE_REQUIRE_POSTGRES"):
            pytest.fail("HAMTRIAGE_REQUIRE_POSTGRES is set but no HAMTRIAGE_TEST_POSTGRES_URL")
        pytest.skip("no PostgreSQL: .ci/run starts one and sets HAMTRIAGE_TEST_POSTGRES_URL")
    return url


@pytest.fixture
def chromium() -> str:
    """Debian's chromium; skipped (with the reason) where it is not installed."""
    path = os.environ.get("HAMTRIAGE_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("HAMTRIAGE_REQUIRE_BROWSER"):
            pytest.fail(f"HAMTRIAGE_REQUIRE_BROWSER is set but {path} does not exist")
        pytest.skip(f"no Chromium at {path}: .ci/run installs Debian's chromium (apt-get)")
    return path


@pytest.fixture
def browser(chromium: str) -> Iterator[Any]:
    """A headless Chromium for the page tests (Playwright driving Debian's executable)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the server-test extra")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox"]
        )
        try:
            yield instance
        finally:
            instance.close()
