"""Load test of ``hamtriage serve`` on 127.0.0.1 with ``hey`` (Debian package ``hey``).

Bounded: each measurement sends a fixed number of requests (``-n``) from 16 concurrent
clients (``-c``), then stops; only 127.0.0.1 is ever targeted. For each audit store (the
default SQLite file with ``synchronous=full``; ``normal``; PostgreSQL when a URL is given
or ``HAMTRIAGE_TEST_POSTGRES_URL`` is set, as ``.ci/run`` does) and for 1 and 2 workers it
measures ``/healthz`` and ``POST /v1/triage`` in the same run. With each figure it reports
the CPU time per request of the service (all its processes, from /proc) and of ``hey``,
and the cores each kept busy, so that the split of the machine's cores is on record.
``hey`` runs with ``-cpus 1`` unless told otherwise: on a 2-core machine a load generator
using both cores takes the second worker's core away (measured: see docs/benchmarks.md).

    python benchmarks/load.py                 # 4,000 requests per figure; rewrites the
                                              # service-load block of docs/benchmarks.md
    python benchmarks/load.py --requests 500 --no-write   # a smoke run, printed only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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
    store: str = ""

    def cores(self, cpu_ms: float) -> float:
        """Cores kept busy on average by something spending ``cpu_ms`` per request."""
        return cpu_ms * self.requests / 1000 / self.wall_s if self.wall_s else 0.0


@dataclass(frozen=True)
class Store:
    """An audit store to measure with: its label, and how to make a fresh one."""

    label: str
    synchronous: str = "full"
    postgres_url: str | None = None


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


def parse_hey(out: str) -> tuple[int, float, float, float, int]:
    """(requests answered or failed, requests/s, p50 ms, p99 ms, errors) of hey's summary.

    An error is a response other than 200 or a request that failed (hey's error list)."""
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise ValueError("hey printed no summary:\n" + out[-2000:])
    rps = float(found.group(1))
    p50 = re.search(r"50% in ([\d.]+) secs", out)
    p99 = re.search(r"99% in ([\d.]+) secs", out)
    codes = {code: int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    failed_text = out.split("Error distribution:", 1)[1] if "Error distribution:" in out else ""
    failed = sum(int(n) for n in re.findall(r"\[(\d+)\]", failed_text))
    answered = sum(codes.values())  # hey sends n // c * c requests
    errors = answered - codes.get("200", 0) + failed
    return (
        answered + failed,
        rps,
        float(p50.group(1)) * 1000 if p50 else float("nan"),
        float(p99.group(1)) * 1000 if p99 else float("nan"),
        errors,
    )


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
    sent, rps, p50, p99, errors = parse_hey(out)
    per = 1000 / max(sent, 1)
    return Figures(
        url.rsplit("/", 1)[-1], 0, sent, rps, p50, p99, errors, served * per, hey_cpu * per, wall
    )


@contextmanager
def fresh_store(store: Store, tmp: Path) -> Iterator[tuple[str, list[str]]]:
    """(the store's URL, extra ``serve`` arguments) of an empty store."""
    if store.postgres_url is None:
        yield f"sqlite:///{tmp / 'audit.sqlite3'}", ["--sqlite-synchronous", store.synchronous]
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(store.postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS triage_records, alembic_version"))
    engine.dispose()
    yield store.postgres_url, []


def count_records(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM triage_records")).scalar() or 0)
    finally:
        engine.dispose()


def measure(
    store: Store,
    workers: int,
    requests: int,
    concurrency: int,
    cpus: int | None,
    endpoints: tuple[str, ...] = ("/healthz", "/v1/triage"),
) -> tuple[list[Figures], int]:
    """``endpoints`` (``/healthz`` then ``/v1/triage``) on a fresh service; the figures and
    records stored."""
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="hamtriage-load-"))
    body = tmp / "report.json"
    body.write_text(json.dumps(REPORT))
    try:
        with fresh_store(store, tmp) as (url, extra):
            server = subprocess.Popen(
                [sys.executable, "-m", "hamtriage", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(workers), "--db", url,
                 "--log-level", "warning", *extra],
                cwd=ROOT,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                wait(base + "/readyz")
                hey(base + "/v1/triage", min(requests, 400), concurrency, body)  # warm workers
                out = []
                for endpoint in endpoints:
                    payload = body if endpoint == "/v1/triage" else None
                    figures = hey(base + endpoint, requests, concurrency, payload, server.pid, cpus)
                    figures.workers = workers
                    figures.store = store.label
                    out.append(figures)
            finally:
                server.terminate()
                server.wait(timeout=30)
            return out, count_records(url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


BLOCK = (1, 2, 2, 1)
"""The workers of a block's four ``/v1/triage`` figures: a drift of the machine's speed
within a block weighs on both sides alike."""


def block_ratio(rates: dict[int, list[float]]) -> float:
    """2 workers / 1 worker in one block: the sum of each side's two requests/s."""
    return sum(rates[2]) / sum(rates[1])


def blocks_note(label: str, ratios: list[float]) -> str:
    """The line for ``--blocks``: the median of the blocks' ratios, and each."""
    each = ", ".join(f"{r:.2f}" for r in ratios)
    return (
        f"- {label}: /v1/triage with 2 workers / 1 worker in {len(ratios)} blocks of figures "
        f"run 1, 2, 2, 1 workers: median {statistics.median(ratios):.2f}x ({each})"
    )


def table(rows: list[Figures]) -> str:
    lines = [
        (
            "| store | endpoint | workers | requests | requests/s | p50 ms | p99 ms | errors "
            "| service CPU ms/req | hey CPU ms/req | cores busy (service + hey) |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.store} | {r.endpoint} | {r.workers} | {r.requests} | {r.rps:,.0f} | "
        f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.server_cpu_ms:.2f} | "
        f"{r.hey_cpu_ms:.2f} | {r.cores(r.server_cpu_ms):.2f} + {r.cores(r.hey_cpu_ms):.2f} |"
        for r in rows
    ]
    return "\n".join(lines)


def notes(store: Store, figures: list[Figures], stored: dict[int, int], sent: int) -> list[str]:
    """The targets, per store: triage/healthz per worker count, and 2 workers / 1."""
    by = {(f.workers, f.endpoint): f for f in figures}
    out = []
    for workers in (1, 2):
        health, triage = by[(workers, "healthz")], by[(workers, "triage")]
        out.append(
            f"- {store.label}, {workers} worker{'s' if workers > 1 else ''}: /v1/triage at "
            f"{triage.rps / health.rps:.0%} of /healthz's requests/s (target 60 %), its CPU "
            f"per request {triage.server_cpu_ms:.2f} ms against {health.server_cpu_ms:.2f} ms "
            f"({health.server_cpu_ms / triage.server_cpu_ms:.0%}); "
            f"{stored[workers]} of {sent} triages stored"
        )
    one, two = by[(1, "triage")], by[(2, "triage")]
    out.append(
        f"- {store.label}: /v1/triage with 2 workers at {two.rps / one.rps:.2f}x one worker "
        f"(target 1.6x); the service kept {one.cores(one.server_cpu_ms):.2f} and "
        f"{two.cores(two.server_cpu_ms):.2f} cores busy"
    )
    return out


def rewrite_block(doc: str, text: str) -> str:
    """``doc`` with the text between the two service-load markers replaced."""
    start, end = doc.find(MARK), doc.rfind(MARK)
    if start == -1 or start == end:
        raise ValueError("docs/benchmarks.md has no pair of service-load markers")
    return doc[: start + len(MARK)] + "\n" + text + "\n" + doc[end:]


def stores(args: argparse.Namespace, context: ExitStack) -> list[Store]:
    """The stores to measure; PostgreSQL: the given URL, else a throwaway server."""
    chosen = [Store(f"SQLite, synchronous={mode}", mode) for mode in args.sqlite_synchronous]
    if args.no_postgres:
        return chosen
    url = args.postgres_url or os.environ.get("HAMTRIAGE_TEST_POSTGRES_URL")
    if not url:
        if str(ROOT) not in sys.path:  # run as a script: benchmarks/ is not a package then
            sys.path.insert(0, str(ROOT))
        from benchmarks._postgres import throwaway_postgres

        url = context.enter_context(throwaway_postgres())
    if url:
        chosen.append(Store("PostgreSQL", postgres_url=url))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=4000, help="requests per figure")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone"
    )
    parser.add_argument(
        "--sqlite-synchronous",
        nargs="+",
        choices=("full", "normal"),
        default=["full", "normal"],
        help="SQLite stores to measure (default: both)",
    )
    parser.add_argument(
        "--postgres-url",
        help="the PostgreSQL to measure (its tables are dropped first); default: "
        "HAMTRIAGE_TEST_POSTGRES_URL, else a throwaway server started from Debian's package",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--hey-cpus", type=int, default=1, help="cores hey may use (0: all; default 1)"
    )
    parser.add_argument(
        "--blocks",
        type=int,
        default=0,
        help="then, per store, this many blocks of /v1/triage figures run with 1, 2, 2 and 1 "
        "workers (the 2 workers / 1 worker ratio, steadier than one pair of figures)",
    )
    args = parser.parse_args(argv)
    if args.blocks < 0:
        parser.error("--blocks must be 0 or more")
    if shutil.which("hey") is None:
        print("load.py needs hey: apt-get install hey", file=sys.stderr)
        return 2
    cpus = args.hey_cpus or None
    started = os.getloadavg()
    rows: list[Figures] = []
    lines: list[str] = []
    context = ExitStack()
    with context:
        for store in stores(args, context):
            figures: list[Figures] = []
            stored: dict[int, int] = {}
            for workers in (1, 2):
                got, stored[workers] = measure(
                    store, workers, args.requests, args.concurrency, cpus
                )
                figures += got
            rows += figures
            sent = (
                figures[1].requests + min(args.requests, 400) // args.concurrency * args.concurrency
            )
            lines += notes(store, figures, stored, sent)
            ratios: list[float] = []
            for _ in range(args.blocks):
                rates: dict[int, list[float]] = {1: [], 2: []}
                for workers in BLOCK:
                    (one,), _ = measure(
                        store, workers, args.requests, args.concurrency, cpus, ("/v1/triage",)
                    )
                    if one.errors:
                        lines.append(f"- {store.label}: {one.errors} errors in a block's figure")
                    rates[workers].append(one.rps)
                ratios.append(block_ratio(rates))
            if ratios:
                lines.append(blocks_note(store.label, ratios))
        ended = os.getloadavg()
    head = (
        f"{args.concurrency} clients, {args.requests} requests per figure, hey -cpus "
        f"{cpus or 'all'}, {os.cpu_count()} cores; load average {started[0]:.2f} / "
        f"{started[1]:.2f} / {started[2]:.2f} at the start, {ended[0]:.2f} / {ended[1]:.2f} / "
        f"{ended[2]:.2f} at the end ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}):"
    )
    text = head + "\n\n" + table(rows) + "\n\n" + "\n".join(lines)
    print(text)
    if not args.no_write:
        path = ROOT / "docs" / "benchmarks.md"
        try:
            path.write_text(rewrite_block(path.read_text(), text))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
