"""``hamtriage diff``: the release check for a new pack version, over a corpus of reports.

Exit codes: 0 no report's level went down, 1 some level went down (review those reports
before releasing), 2 bad usage or bad input (a pack that does not load, a line of the
reports file that is not a JSON object).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..engine import Engine
from ..errors import HamtriageError, ReportError
from ..flows.packdiff import LEVELS, LevelChange, PackDiff, diff_numbered, diff_on_dask

__all__ = ["add_parser", "read_jsonl", "render_diff", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="triage a corpus on two packs and report what changed",
        description=(
            "Triage every report of a JSON Lines file on OLD_RULES and on NEW_RULES and report "
            "the level transitions, every report whose level went down (listed first), the "
            "hypotheses and recommendations gained and lost, and the rules responsible. "
            "Exits 1 when any level went down: the release check for a new pack version."
        ),
    )
    p.add_argument("old_rules", metavar="OLD_RULES", help="the released rule pack directory")
    p.add_argument("new_rules", metavar="NEW_RULES", help="the candidate rule pack directory")
    p.add_argument(
        "--reports",
        required=True,
        metavar="FILE",
        help="reports, one JSON object per line (- for standard input)",
    )
    p.add_argument("--json", action="store_true", help="print the diff as JSON (for CI)")
    p.add_argument(
        "--png", metavar="FILE", help="also draw the transition matrix (needs matplotlib)"
    )
    p.add_argument(
        "--dask", metavar="ADDRESS", help="run on this Dask scheduler (needs hamtriage[dask])"
    )
    p.set_defaults(func=run)


def read_jsonl(handle: IO[str], name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(line number, report)`` for each non-blank line, read one line at a time.

    Raises :class:`ReportError` naming ``name:line`` for a line that is not a JSON object.
    """
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            loaded = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReportError(
                f"not valid JSON: {exc.msg} at column {exc.colno}", field=f"{name}:{number}"
            ) from None
        if not isinstance(loaded, dict):
            raise ReportError(
                f"a report must be a JSON object, got {type(loaded).__name__}",
                field=f"{name}:{number}",
            )
        yield number, loaded


class _Progress:
    """A count of reports on standard error, redrawn in place (only on a terminal)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.on = stream.isatty()
        self.done = 0

    def __call__(self, n: int) -> None:
        self.done += n
        # redraw every 100 reports: a write per report would cost more than the triage
        if self.on and (self.done % 100 < n or n > 1):
            self.stream.write(f"\rhamtriage diff: {self.done:,} reports")
            self.stream.flush()

    def close(self) -> None:
        if self.on and self.done:
            self.stream.write(f"\rhamtriage diff: {self.done:,} reports\n")
            self.stream.flush()


def _change_line(c: LevelChange) -> str:
    rules = []
    if c.fired_only_on_old:
        rules.append("no longer fired: " + ", ".join(c.fired_only_on_old))
    if c.fired_only_on_new:
        rules.append("newly fired: " + ", ".join(c.fired_only_on_new))
    return f"  line {c.index}: {c.old} -> {c.new}" + (f" ({'; '.join(rules)})" if rules else "")


def render_diff(diff: PackDiff) -> str:
    """The diff as a text table: transitions, then the lowered reports first."""
    o, n = diff.old_pack, diff.new_pack
    out = [
        f"old: {o.name} {o.version} ({o.content_hash[:12]})",
        f"new: {n.name} {n.version} ({n.content_hash[:12]})",
        f"{diff.reports} reports, {diff.compared} compared, {len(diff.invalid)} invalid",
        "",
        "level transitions (rows: old level, columns: new level)",
    ]
    width = max(len(level) for level in LEVELS)
    out.append(" " * width + "".join(f" {level:>{width}}" for level in LEVELS))
    for level, row in zip(LEVELS, diff.matrix(), strict=True):
        out.append(f"{level:<{width}}" + "".join(f" {count:>{width}}" for count in row))
    out += ["", f"level went DOWN: {len(diff.lowered)} (review these before releasing)"]
    out += [_change_line(c) for c in diff.lowered]
    out += ["", f"level went up: {len(diff.raised)}"]
    out += [_change_line(c) for c in diff.raised]
    for title, changes in (
        ("hypotheses", diff.hypotheses),
        ("recommendations", diff.recommendations),
    ):
        out += ["", f"{title} gained / lost (reports)"]
        out += [f"  {c.id}: +{c.gained} -{c.lost}" for c in changes] or ["  none"]
    if diff.invalid:
        out += ["", "invalid reports"]
        out += [
            f"  line {e.index} ({'both packs' if e.pack == 'both' else e.pack + ' pack'}): "
            + (f"{e.field}: " if e.field else "")
            + e.message
            for e in diff.invalid
        ]
    return "\n".join(out)


def _engine(path: str) -> Engine:
    return Engine.from_path(path)


def run(args: argparse.Namespace) -> int:
    if args.png is not None:
        from ._plot import require_matplotlib

        require_matplotlib()  # before the corpus is triaged, not after
    old, new = _engine(args.old_rules), _engine(args.new_rules)
    try:
        handle: IO[str] = (
            sys.stdin if args.reports == "-" else open(args.reports, encoding="utf-8")  # noqa: SIM115
        )
    except OSError as exc:
        raise ReportError(
            f"cannot read {args.reports}: {exc.strerror}", field="--reports"
        ) from None
    name = "<stdin>" if args.reports == "-" else args.reports
    progress = _Progress(sys.stderr)
    try:
        with handle:
            reports = read_jsonl(handle, name)
            if args.dask is None:
                diff = diff_numbered(old, new, reports, progress)
            else:
                diff = _on_dask(args.dask, old, new, reports, progress)
    finally:
        progress.close()
    print(diff.model_dump_json(indent=2) if args.json else render_diff(diff))
    if args.png is not None:
        from ._plot import write_matrix

        write_matrix(diff, args.png)
    return 1 if diff.went_down else 0


def _on_dask(
    address: str,
    old: Engine,
    new: Engine,
    reports: Iterator[tuple[int, Mapping[str, Any]]],
    progress: _Progress,
) -> PackDiff:
    try:
        from distributed import Client as _Client
    except ImportError:
        raise HamtriageError(
            "--dask needs dask.distributed: pip install 'hamtriage[dask]'"
        ) from None
    client_cls: Any = _Client  # distributed is not fully typed
    try:
        client = client_cls(address, timeout="10s")
    except OSError as exc:
        raise HamtriageError(f"--dask: cannot reach the scheduler at {address}: {exc}") from None
    with client:
        return diff_on_dask(client, old, new, reports, progress=progress)
