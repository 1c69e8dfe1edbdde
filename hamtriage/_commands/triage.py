"""``hamtriage triage``: triage a report given as JSON, flags or both."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..engine import Engine
from ..errors import HamtriageError
from ..flows.render import render
from ._input import has_input, merge_flags, read_report
from ._lang import lang_for
from ._output import add_format_argument

__all__ = ["add_parser", "build_report", "engine_for", "run"]


def engine_for(rules: str | None) -> Engine:
    """The engine over ``--rules DIR``, or the bundled pack."""
    return Engine.default() if rules is None else Engine.from_path(rules)


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """The report options shared by ``triage``, ``explain`` and ``ask``."""
    p.add_argument("report", nargs="?", help="report JSON file, or - for standard input")
    p.add_argument(
        "--symptom", action="append", default=[], metavar="ID", help="a symptom reported present"
    )
    p.add_argument(
        "--absent", action="append", default=[], metavar="ID", help="a symptom the athlete denies"
    )
    p.add_argument(
        "--measure",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="a measurement, e.g. knee_to_wall_cm=6.5, or per side: knee_to_wall_cm=left:6,right:11",
    )
    p.add_argument("--activity", action="append", default=[], metavar="ID", help="an activity")
    p.add_argument("--history", action="append", default=[], metavar="ID", help="a history item")
    p.add_argument("--age", type=int, help="age in years")
    p.add_argument(
        "--text",
        metavar='"..."',
        help="free text from the athlete, matched against the pack's vocabulary",
    )
    p.add_argument("--rules", metavar="DIR", help="rule pack directory (default: the bundled pack)")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "triage",
        help="triage a report",
        description="Triage a report: a JSON file, - for standard input, and/or flags.",
    )
    add_report_arguments(p)
    add_format_argument(p)
    from .batch import add_batch_arguments

    add_batch_arguments(p)
    p.set_defaults(func=run)


def build_report(args: argparse.Namespace, engine: Engine | None = None) -> dict[str, Any]:
    """Merge the JSON report (if any), the flags and ``--text`` into one report mapping.

    What ``--text`` matched and what it could not use are printed on standard error.
    """
    report: dict[str, Any] = read_report(args.report) if args.report else {}
    merge_flags(report, args)
    text = getattr(args, "text", None)
    if text is not None:
        engine = engine or engine_for(getattr(args, "rules", None))
        _merge_text(report, text, engine, lang_for(args, engine.pack))
    return report


def _merge_text(report: dict[str, Any], text: str, engine: Engine, lang: str) -> None:
    from ..flows.intake import parse_text

    parsed = parse_text(text, engine.pack, lang=lang)
    found = parsed.report.model_dump(exclude_defaults=True)
    for key in ("symptoms", "absent", "activities", "history", "suspected"):
        if key in found:
            have = list(report.get(key, []))
            report[key] = have + [v for v in found[key] if v not in have]
    for name, value in found.get("measurements", {}).items():
        report.setdefault("measurements", {}).setdefault(name, value)
    for key in ("age", "sex"):
        if key in found:
            report.setdefault(key, found[key])
    understood = ", ".join(
        f"{m.id}{' (absent)' if m.negated else ''}"
        + (f"={m.value:g}" if m.value is not None else "")
        for m in parsed.matches
    )
    print(f"hamtriage: from --text: {understood or 'nothing recognised'}", file=sys.stderr)
    if parsed.unused:
        print(f"hamtriage: --text not used: {parsed.unused_text}", file=sys.stderr)
    for note in parsed.notes:
        print(f"hamtriage: --text: {note}", file=sys.stderr)
    for sus in parsed.suspected:
        print(
            f"hamtriage: --text: suspected {sus.id} ({sus.reason}): ask: {sus.question}",
            file=sys.stderr,
        )


def require_input(args: argparse.Namespace) -> None:
    """Refuse to run on nothing: flags alone never wait on standard input."""
    if not has_input(args):
        raise HamtriageError(
            f"no report given: name a JSON file, - for standard input, or give flags such "
            f'as --symptom ID or --text "..." (see: hamtriage {args.command} --help)'
        )


def checked(engine: Engine, report: dict[str, Any]) -> dict[str, Any]:
    """``report``, once checked against the pack; ids read after folding are noted on stderr."""
    for note in engine.normalize(report).notes:
        print(f"hamtriage: note: {note}", file=sys.stderr)
    return report


def run(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if has_input(args) or getattr(args, "text", None) is not None:
            raise HamtriageError(
                "--batch reads every report from its file: give no report or flags"
            )
        from .batch import run_batch

        return run_batch(args, engine_for(args.rules))
    if args.out is not None or args.workers is not None:
        raise HamtriageError("--out and --workers go with --batch FILE (a JSON Lines file)")
    require_input(args)
    engine = engine_for(args.rules)
    lang = lang_for(args, engine.pack)
    result = engine.triage(checked(engine, build_report(args, engine)), lang=lang)
    print(render(result, args.format))
    return 0
