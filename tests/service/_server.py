"""Start ``hamtriage serve`` in a subprocess on 127.0.0.1 and a free port."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["Server", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    db_url: str
    started: float
    healthy_after: float = 0.0
    ready_after: float = 0.0
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.url, timeout=30.0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls,
        args: list[str] | None = None,
        *,
        db_url: str | None = None,
        wait_ready: bool = True,
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> Server:
        port = free_port()
        log = Path(tempfile.mkstemp(prefix="hamtriage-serve-", suffix=".log")[1])
        if db_url is None:
            db_url = f"sqlite:///{tempfile.mkdtemp(prefix='hamtriage-store-')}/audit.sqlite3"
        command = [
            sys.executable, "-m", "hamtriage", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--db", db_url, *(args or []),
        ]  # fmt: skip
        started = time.monotonic()
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
            )
        server = cls(process=process, port=port, log_path=log, db_url=db_url, started=started)
        server.healthy_after = server._wait("/healthz", timeout)
        if wait_ready:
            server.ready_after = server._wait("/readyz", timeout)
        return server

    def _wait(self, path: str, timeout: float) -> float:
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hamtriage serve exited:\n{self.log()}")
            if _status(self.port, path) == 200:  # a bare socket: polling must not eat the CPU
                return time.monotonic() - self.started
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{path} did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.client.close()
