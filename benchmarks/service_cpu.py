"""The service's own CPU time per request, in-process (no HTTP, no load generator).

Drives the ASGI app of ``hamtriage serve`` directly with 16 concurrent requests on one
event loop, with the audit store on (a SQLite file, ``synchronous=full``), and reads the
CPU clocks of the event loop's thread and of the audit writer's thread. CPU time, not
wall time, so the figures hold on a shared machine far better than requests/s do. Rows:

- ``/healthz``: the floor every request pays (the app's middleware and routing);
- ``/v1/triage``: the whole triage request;
- ``/v1/triage, engine result precomputed``: everything but the engine's triage (the
  service's own cost: body checks, validation, the audit row and its digest, the commit,
  serialising the result); the engine's ``triage`` is replaced, in this process only, by
  a function returning a result computed beforehand;
- ``/v1/triage, result written by model_dump_json`` and the same with the engine result
  precomputed: the fast path writing the response with pydantic's ``model_dump_json``
  instead of ``Engine.dump_json`` (the text is the same), interleaved with the others
  and compared round by round;
- ``engine.triage`` alone, for reference.

Each is measured in ``--rounds`` interleaved rounds; the median round is reported.

    python benchmarks/service_cpu.py              # 3 rounds of 2,000 requests each
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORT = {
    "symptoms": ["low_back_spasms"],
    "activities": ["deadlift"],
    "measurements": {"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
}
BODY = json.dumps(REPORT).encode()
CONCURRENCY = 16

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(app: App, path: str, body: bytes | None) -> None:
    method = "GET" if body is None else "POST"
    headers = [(b"host", b"127.0.0.1")]
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body or b"", "more_body": False}
        await asyncio.Event().wait()  # no disconnect: the response is awaited in full
        raise AssertionError("unreachable")

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    if status != [200]:
        raise RuntimeError(f"{method} {path} answered {status}")


async def load(app: App, requests: int, path: str, body: bytes | None) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with gate:
            await call(app, path, body)

    await asyncio.gather(*(one() for _ in range(requests)))


def thread_clock(name: str) -> int:
    for thread in threading.enumerate():
        if thread.name == name and thread.ident is not None:
            return time.pthread_getcpuclockid(thread.ident)
    raise RuntimeError(f"no thread {name}")


async def measure(rounds: int, requests: int) -> dict[str, list[tuple[float, float]]]:
    from hamtriage.service.app import create_app
    from hamtriage.service.config import ServiceConfig

    tmp = Path(tempfile.mkdtemp(prefix="hamtriage-cpu-"))
    app = create_app(ServiceConfig(db_url=f"sqlite:///{tmp / 'audit.sqlite3'}"))
    out: dict[str, list[tuple[float, float]]] = {}
    async with app.router.lifespan_context(app):
        service = app.state.service
        await asyncio.to_thread(service.ready.wait, 60)
        engine = service.engine
        await load(app, 400, "/v1/triage", BODY)  # warm caches and the store
        writer = thread_clock("hamtriage-audit")
        fixed = engine.triage(REPORT)
        real_triage = engine.triage

        def precomputed(_report: Any, *, lang: str = "en") -> Any:
            return fixed

        cases: list[tuple[str, str, bytes | None, bool]] = [
            ("/healthz", "/healthz", None, False),
            ("/v1/triage", "/v1/triage", BODY, False),
            ("/v1/triage, engine result precomputed", "/v1/triage", BODY, True),
        ]
        pydantic_json = None
        if hasattr(engine, "dump_json"):  # the fast path's writer, against pydantic's own
            cases.append(
                ("/v1/triage, result written by model_dump_json", "/v1/triage", BODY, False)
            )
            cases.append(
                (
                    "/v1/triage, engine result precomputed, written by model_dump_json",
                    "/v1/triage",
                    BODY,
                    True,
                )
            )

            def pydantic_json(result: Any) -> str:
                return str(result.model_dump_json())

        for _ in range(rounds):
            for label, path, body, stub in cases:
                engine.triage = precomputed if stub else real_triage
                if pydantic_json is not None:
                    if "model_dump_json" in label:
                        engine.dump_json = pydantic_json
                    elif "dump_json" in vars(engine):
                        del engine.dump_json
                loop0, writer0 = time.thread_time(), time.clock_gettime(writer)
                await load(app, requests, path, body)
                loop1, writer1 = time.thread_time(), time.clock_gettime(writer)
                out.setdefault(label, []).append(
                    (1000 * (loop1 - loop0) / requests, 1000 * (writer1 - writer0) / requests)
                )
            engine.triage = real_triage
            start = time.thread_time()
            for _ in range(requests):
                engine.triage(REPORT)
            out.setdefault("engine.triage alone", []).append(
                (1000 * (time.thread_time() - start) / requests, 0.0)
            )
        del engine.triage  # the instance attribute: back to the method
        if "dump_json" in vars(engine):
            del engine.dump_json
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    figures = asyncio.run(measure(args.rounds, args.requests))
    print(f"{args.rounds} rounds of {args.requests} requests, {CONCURRENCY} concurrent; median:")
    print()
    print("| request | CPU ms/req | event loop | audit writer |")
    print("|---|---:|---:|---:|")
    medians: dict[str, float] = {}
    for label, per_round in figures.items():
        loop = statistics.median(r[0] for r in per_round)
        writer = statistics.median(r[1] for r in per_round)
        medians[label] = statistics.median(r[0] + r[1] for r in per_round)
        print(f"| {label} | {medians[label]:.3f} | {loop:.3f} | {writer:.3f} |")
    for fast, slow in (
        ("/v1/triage", "/v1/triage, result written by model_dump_json"),
        (
            "/v1/triage, engine result precomputed",
            "/v1/triage, engine result precomputed, written by model_dump_json",
        ),
    ):
        if slow not in figures:
            continue
        # paired by round: the load of the minute cancels out
        pairs = [
            (a[0] + a[1]) / (b[0] + b[1]) for a, b in zip(figures[fast], figures[slow], strict=True)
        ]
        print()
        print(
            f"{fast}: with Engine.dump_json / with model_dump_json, per round: "
            + ", ".join(f"{x:.3f}" for x in pairs)
            + f" (median {statistics.median(pairs):.3f})"
        )
    own = medians["/v1/triage, engine result precomputed"]
    health = medians["/healthz"]
    print()
    print(
        f"service's own cost per triage: {own:.3f} ms, {own / health:.1f}x /healthz's "
        f"{health:.3f} ms; a whole triage request {medians['/v1/triage'] / health:.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
