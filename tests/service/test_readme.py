"""The README's service section: its curl commands and its JavaScript run against a server."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")

from ._server import Server

README = Path(__file__).resolve().parents[2] / "README.md"
BASE = "http://127.0.0.1:8000"


def section() -> str:
    text = README.read_text()
    start = text.index("## The HTTP service and the intake page")
    return text[start : text.index("\n## ", start + 1)]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(), re.S)


def test_curl_examples(server: Server) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    (commands,) = [b for b in blocks("bash") if "curl" in b]
    script = commands.replace(BASE, server.url)
    outputs = subprocess.run(
        ["bash", "-c", f"set -e\n{script}"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert outputs.startswith('{"status":"ok"}')
    assert '"level":"self_care"' in outputs
    assert '"suggestions":["low_back_spasms","plain_low_back_pain"]' in outputs


def test_javascript_example(server: Server) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (code,) = blocks("js")
    script = (
        "(async () => {\n"
        + code.replace(BASE, server.url)
        + "\n})().catch((e) => { console.error(e); process.exit(1); });"
    )
    run = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout.strip()
    assert out.startswith("emergency [ 'saddle_numbness' ]")
    assert re.search(r"[0-9a-f-]{36}$", out)
    assert "serve --port 8000" in section()
