"""``hamtriage serve``: the HTTP API, the intake page and the audit store (extra ``server``).

Only argparse work happens at import time: FastAPI, SQLAlchemy and the rule pack are
loaded after uvicorn has started, so ``/healthz`` answers within a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..errors import HamtriageError
from ..service.config import CONFIG_ENV, DEFAULT_DB_URL, ServiceConfig

__all__ = ["add_parser", "config_from_args", "run", "workers_advice"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the HTTP API and the web intake page (needs hamtriage[server])",
        description=(
            "Serve the triage API (/v1, OpenAPI at /openapi.json, docs at /docs) and the "
            "intake page (/) with uvicorn. Binds to 127.0.0.1 unless --host says otherwise."
        ),
    )
    p.add_argument("--rules", metavar="DIR", help="rule pack directory (default: the bundled pack)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes")
    p.add_argument(
        "--db",
        default=DEFAULT_DB_URL,
        metavar="URL",
        help=f"SQLAlchemy URL of the audit store (default {DEFAULT_DB_URL})",
    )
    p.add_argument(
        "--api-keys",
        metavar="FILE",
        help="file of SHA-256 digests of the accepted API keys (one a line); keys are then "
        "required on every /v1 route",
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin allowed to call the API from a browser (repeatable)",
    )
    p.add_argument(
        "--reload-rules",
        action="store_true",
        help="swap in the pack when its files change (a broken pack is refused and logged)",
    )
    p.add_argument(
        "--store-reports",
        action="store_true",
        help="keep each normalised report in the audit store, not only its SHA-256",
    )
    p.add_argument(
        "--sqlite-synchronous",
        choices=("full", "normal"),
        default="full",
        help="SQLite store: full (default; an fsync per record, survives power loss) or normal "
        "(survives a crash or SIGKILL of the service, not of the machine; faster)",
    )
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    p.add_argument(
        "--openapi",
        action="store_true",
        help="print the OpenAPI document and exit (as committed in schemas/openapi.json)",
    )
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> ServiceConfig:
    """The service configuration the arguments describe (raises HamtriageError)."""
    digests: tuple[str, ...] = ()
    if args.api_keys:
        from ..service.security import load_api_keys

        try:
            digests = load_api_keys(args.api_keys)
        except (OSError, ValueError) as exc:
            raise HamtriageError(f"--api-keys: {exc}") from None
    if args.rules and not os.path.isdir(args.rules):
        raise HamtriageError(f"--rules: {args.rules} is not a directory")
    return ServiceConfig(
        rules=os.path.abspath(args.rules) if args.rules else None,
        db_url=args.db,
        api_key_hashes=digests,
        cors_origins=tuple(args.cors_origin),
        reload_rules=args.reload_rules,
        store_reports=args.store_reports,
        sqlite_synchronous=args.sqlite_synchronous,
    )


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise HamtriageError(
            "hamtriage serve needs the server extra: pip install 'hamtriage[server]'"
        ) from None
    config = config_from_args(args)
    if args.openapi:
        from ..service.app import create_app

        print(json.dumps(create_app(config).openapi(), indent=2, sort_keys=True))
        return 0
    if args.workers < 1:
        raise HamtriageError("--workers must be at least 1")
    os.environ[CONFIG_ENV] = config.to_env()  # read by each worker's app factory
    advice = workers_advice(config, args.workers)
    if advice:
        print(f"hamtriage: note: {advice}", file=sys.stderr)
    print(
        f"hamtriage: serving on http://{args.host}:{args.port}/ "
        f"({args.workers} worker{'s' if args.workers > 1 else ''}, store {_safe_url(config.db_url)})",
        file=sys.stderr,
    )
    settings: dict[str, Any] = {
        "factory": True,
        "host": args.host,
        "port": args.port,
        "workers": args.workers,
        "log_level": args.log_level,
        "access_log": False,
        "server_header": False,
        "ws": "none",  # no websockets: one import less at start-up
        "lifespan": "on",
    }
    app = "hamtriage.service.app:app_from_env"
    from ..service.listen import claim_port, reuse_port_supported

    if args.workers == 1 or not reuse_port_supported():
        uvicorn.run(app, **settings)
        return 0
    # several workers: uvicorn's supervisor (restarts, signals), but each worker listens
    # on a socket of its own, so the kernel spreads connections over them
    from uvicorn.supervisors import Multiprocess

    claim = claim_port(args.host, args.port)
    try:
        Multiprocess(uvicorn.Config(app, **settings), sockets=[claim]).run()
    except KeyboardInterrupt:
        pass
    finally:
        claim.close()
    return 0


def workers_advice(config: ServiceConfig, workers: int) -> str | None:
    """What to say when several workers share one SQLite file with fsync'd commits.

    The workers commit in turn and each waits for an fsync of its commit before answering
    (outside its turn since the store syncs the WAL itself), so the disk's fsync time
    still bounds each worker's commits; on a slow disk the other stores scale further
    (docs/benchmarks.md). Durability is not weakened behind the user's back: the note
    names the two ways out instead.
    """
    if workers < 2 or not config.db_url.startswith("sqlite") or config.sqlite_synchronous != "full":
        return None
    return (
        f"{workers} workers share one SQLite file and every commit waits for an fsync; "
        "on a slow disk PostgreSQL (--db postgresql+psycopg://...) or "
        "--sqlite-synchronous normal (survives a crash of the service, not of the machine) "
        "give more throughput"
    )


def _safe_url(url: str) -> str:
    """The URL without its password, for the log."""
    head, sep, tail = url.partition("@")
    if not sep or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{tail}"
