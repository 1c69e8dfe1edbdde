"""Load test of ``hamtriage serve`` on 127.0.0.1 with ``hey`` (Debian package ``hey``).

Bounded: each run sends a fixed number of requests (``-n``) from 16 concurrent clients
(``-c``), then stops; only 127.0.0.1 is ever targeted. For 1 and 2 workers, with the audit
store on (SQLite, WAL, synchronous=FULL), it measures ``/healthz`` and ``POST /v1/triage``
in the same run and prints a Markdown table (``--write`` puts it into docs/benchmarks.md).
With each figure it reports the CPU time spent per request by the service (all its
processes, from /proc) and by ``hey``, so that the split of the two cores is on record.

    python benchmarks/load.py                 # 4,000 requests per measurement
    python benchmarks/load.py --requests 500  # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = {
    "symptoms": ["low_back_spasms"],
    "activities": ["deadlift"],
    "measurements": {"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
}
MARK = "<!-- service-load -->"


@dataclass
class Figures:
    endpoint: str
    workers: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu_ms: float = 0.0
    """CPU time of the service's processes per request, in ms."""
    hey_cpu_ms: float = 0.0
    """CPU time of the load generator per request, in ms."""
    wall_s: float = 0.0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait(url: str, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and all its descendants (Linux /proc)."""
    table: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree = {pid}
    grown = True
    while grown:
        more = {p for p, (parent, _) in table.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(table[p][1] for p in tree if p in table) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hey(
    url: str,
    requests: int,
    concurrency: int,
    body: Path | None,
    server: int | None = None,
    cpus: int | None = None,
) -> Figures:
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-t", "30"]
    if cpus is not None:
        command += ["-cpus", str(cpus)]
    if body is not None:
        command += ["-m", "POST", "-T", "application/json", "-D", str(body)]
    served0 = cpu_seconds(server) if server is not None else 0.0
    hey0, wall0 = _children_cpu(), time.monotonic()
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - wall0
    hey_cpu = _children_cpu() - hey0
    served = cpu_seconds(server) - served0 if server is not None else 0.0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"50% in ([\d.]+) secs", out).group(1)) * 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"99% in ([\d.]+) secs", out).group(1)) * 1000  # type: ignore[union-attr]
    codes = {code: int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    sent = sum(codes.values())  # hey sends n // c * c requests
    failed = out.split("Error distribution:", 1)[1] if "Error distribution:" in out else ""
    errors = sent - codes.get("200", 0) + sum(int(n) for n in re.findall(r"\[(\d+)\]", failed))
    per = 1000 / max(sent, 1)
    return Figures(
        url.rsplit("/", 1)[-1], 0, sent, rps, p50, p99, errors, served * per, hey_cpu * per, wall
    )


def measure(
    workers: int, requests: int, concurrency: int, synchronous: str, cpus: int | None = None
) -> tuple[list[Figures], int]:
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="hamtriage-load-"))
    db = tmp / "audit.sqlite3"
    body = tmp / "report.json"
    body.write_text(json.dumps(REPORT))
    server = subprocess.Popen(
        [sys.executable, "-m", "hamtriage", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--db", f"sqlite:///{db}", "--log-level", "warning",
         "--sqlite-synchronous", synchronous],
        cwd=ROOT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + "/readyz")
        hey(base + "/v1/triage", min(requests, 400), concurrency, body)  # warm every worker
        out = []
        for endpoint, payload in (("/healthz", None), ("/v1/triage", body)):
            figures = hey(base + endpoint, requests, concurrency, payload, server.pid, cpus)
            figures.workers = workers
            out.append(figures)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = sqlite3.connect(db).execute("SELECT count(*) FROM triage_records").fetchone()[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return out, int(stored)


def table(rows: list[Figures]) -> str:
    lines = [
        (
            "| endpoint | workers | requests | requests/s | p50 ms | p99 ms | errors "
            "| service CPU ms/req | hey CPU ms/req | cores busy (service + hey) |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.endpoint} | {r.workers} | {r.requests} | {r.rps:,.0f} | {r.p50_ms:.1f} | "
        f"{r.p99_ms:.1f} | {r.errors} | {r.server_cpu_ms:.2f} | {r.hey_cpu_ms:.2f} | "
        f"{r.server_cpu_ms * r.requests / 1000 / r.wall_s:.2f} + "
        f"{r.hey_cpu_ms * r.requests / 1000 / r.wall_s:.2f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=4000, help="requests per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--sqlite-synchronous", choices=("full", "normal"), default="full")
    parser.add_argument("--hey-cpus", type=int, help="hey -cpus: cores the load generator uses")
    args = parser.parse_args(argv)
    if shutil.which("hey") is None:
        print("load.py needs hey: apt-get install hey", file=sys.stderr)
        return 2
    rows: list[Figures] = []
    notes: list[str] = []
    for workers in (1, 2):
        figures, stored = measure(
            workers, args.requests, args.concurrency, args.sqlite_synchronous, args.hey_cpus
        )
        rows += figures
        health, triage = figures
        notes.append(
            f"- {workers} worker{'s' if workers > 1 else ''}: /v1/triage at "
            f"{triage.rps / health.rps:.0%} of /healthz (target 60 %); {stored} records stored; "
            f"service CPU per request: /healthz {health.server_cpu_ms:.2f} ms, /v1/triage "
            f"{triage.server_cpu_ms:.2f} ms ({health.server_cpu_ms / triage.server_cpu_ms:.0%})"
        )
    one = rows[1].rps
    two = rows[3].rps
    notes.append(f"- /v1/triage with 2 workers: {two / one:.2f}x one worker (target 1.6x)")
    head = f"SQLite store, synchronous={args.sqlite_synchronous}, {args.concurrency} clients"
    head += f", hey -cpus {args.hey_cpus}:" if args.hey_cpus else ":"
    text = head + "\n\n" + table(rows) + "\n\n" + "\n".join(notes)
    print(text)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        doc = path.read_text()
        start, end = doc.find(MARK), doc.rfind(MARK)
        if start == -1 or start == end:
            print("docs/benchmarks.md has no service-load markers", file=sys.stderr)
            return 1
        path.write_text(doc[: start + len(MARK)] + "\n" + text + "\n" + doc[end:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
