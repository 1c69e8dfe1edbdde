"""``hamtriage audit export``: the audit store as JSON Lines (extra ``server``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import Any

from ..errors import HamtriageError
from ..service.config import DEFAULT_DB_URL

__all__ = ["add_parser", "parse_moment", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "audit",
        help="read the service's audit store (needs hamtriage[server])",
        description="Read the audit store written by hamtriage serve.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write the records as JSON Lines",
        description="Write the audit records as JSON Lines, oldest first.",
    )
    export.add_argument(
        "--db", default=DEFAULT_DB_URL, metavar="URL", help="SQLAlchemy URL of the store"
    )
    export.add_argument(
        "--since", metavar="DATE", help="from this date or ISO time (inclusive, UTC unless given)"
    )
    export.add_argument("--until", metavar="DATE", help="up to this date or ISO time (exclusive)")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of standard output"
    )
    export.set_defaults(func=run)


def parse_moment(text: str, flag: str) -> datetime:
    """``2026-05-01`` or an ISO 8601 time; a HamtriageError naming the flag otherwise."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day)
        return datetime.fromisoformat(text)
    except ValueError:
        raise HamtriageError(f"{flag}: '{text}' is not a date (YYYY-MM-DD) or ISO time") from None


def run(args: argparse.Namespace) -> int:
    try:
        from ..service.store import AuditStore
    except ImportError:
        raise HamtriageError(
            "hamtriage audit needs the server extra: pip install 'hamtriage[server]'"
        ) from None
    since = parse_moment(args.since, "--since") if args.since else None
    until = parse_moment(args.until, "--until") if args.until else None
    store = AuditStore(args.db)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for record in store.export(since, until):
            out.write(record.to_json() + "\n")
            count += 1
    finally:
        if out is not sys.stdout:
            out.close()
        store.close()
    print(f"hamtriage: {count} record{'s' if count != 1 else ''} exported", file=sys.stderr)
    return 0
