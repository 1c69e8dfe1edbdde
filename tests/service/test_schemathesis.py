"""Schemathesis against /openapi.json: no server error, no response outside its schema.

Bounded (a fixed number of examples per operation, deterministic generation) so that it
stays well under a minute.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("schemathesis", reason="needs the server-test extra")

from ._server import Server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "content_type_conformance",
        "status_code_conformance",
        "response_headers_conformance",
    ]
)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path: Path) -> None:
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli is not None
    server = Server.start([])
    try:
        run = subprocess.run(
            [
                cli,
                "run",
                f"{server.url}/openapi.json",
                "--max-examples",
                "15",
                "--generation-deterministic",
                "--checks",
                CHECKS,
                "--phases",
                "examples,coverage,fuzzing",
                "--request-timeout",
                "30",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
            cwd=tmp_path,  # schemathesis keeps a cache in its working directory
        )
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "internal error" not in server.log().lower()
