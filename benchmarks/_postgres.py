"""A throwaway PostgreSQL for benchmarks/load.py, started as .ci/run starts one.

Debian's server binaries (``/usr/lib/postgresql/*/bin``), a fresh cluster in a temporary
directory listening on 127.0.0.1 only, with fsync on (durable commits, as in production);
as root it runs as Debian's ``postgres`` user, since PostgreSQL refuses to run as root.
Stopped and removed on exit; ``None`` (with the reason on stderr) where it cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["throwaway_postgres"]


def _server_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    return found[-1] if found and (found[-1] / "initdb").is_file() else None


def _as_pg(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """The SQLAlchemy URL of a new empty database, or ``None``."""
    pg_bin = _server_bin()
    if pg_bin is None:
        print("load.py: no PostgreSQL server installed: its rows are skipped", file=sys.stderr)
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="hamtriage-load-pg-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp / "data"
    steps = [
        [str(pg_bin / "initdb"), "-D", str(data), "-U", "hamtriage", "--auth=trust", "-E", "UTF8"],
        [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "-t", "60",
         "-o", f"-h 127.0.0.1 -p {port} -k {tmp} -c fsync=on", "start"],
        [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hamtriage",
         "hamtriage_load"],
    ]  # fmt: skip
    started = False
    try:
        for number, step in enumerate(steps):
            run = subprocess.run(_as_pg(step), capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                print(f"load.py: PostgreSQL did not start: {run.stderr[-500:]}", file=sys.stderr)
                yield None
                return
            started = started or number == 1  # pg_ctl start: stop it in any case
        yield f"postgresql+psycopg://hamtriage@127.0.0.1:{port}/hamtriage_load"
    finally:
        if started:
            subprocess.run(
                _as_pg([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(tmp, ignore_errors=True)
