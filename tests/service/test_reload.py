"""--reload-rules: an edited pack is swapped in; a broken one is refused, the old one serves."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")

import hamtriage

from ._server import Server


def wait_for(check: object, timeout: float = 30.0) -> bool:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_reload_rules_swaps_a_good_pack_and_refuses_a_broken_one(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(hamtriage.bundled_rules_path(), rules)
    server = Server.start(["--rules", str(rules), "--reload-rules"])
    try:
        before = server.client.get("/v1/pack").json()
        pack_file = rules / "pack.yaml"
        text = pack_file.read_text()
        assert f"version: {before['version']}" in text or f'version: "{before["version"]}"' in text
        pack_file.write_text(text.replace(before["version"], "9.9.9", 1))
        assert wait_for(lambda: server.client.get("/v1/pack").json()["version"] == "9.9.9")
        (rules / "broken.yaml").write_text("rules:\n  - id: [not, an, id]\n")
        assert wait_for(lambda: "refused" in server.log())
        after = server.client.post("/v1/triage", json={"symptoms": ["tight_calves"]})
        assert after.status_code == 200
        assert after.json()["pack"]["version"] == "9.9.9"  # the old (good) pack still serves
    finally:
        server.stop()
