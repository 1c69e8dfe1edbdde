"""``hamtriage triage``: triage a report given as JSON, flags or both."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..engine import Engine
from ..errors import ReportError
from ..flows.render import render
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
        help="a measurement, e.g. knee_to_wall_cm=6.5",
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
        description="Triage a report (JSON file, - for stdin, and/or flags).",
    )
    add_report_arguments(p)
    add_format_argument(p)
    p.set_defaults(func=run)


def build_report(args: argparse.Namespace, engine: Engine | None = None) -> dict[str, Any]:
    """Merge the JSON report (if any), the flags and ``--text`` into one report mapping.

    What ``--text`` matched and what it could not use are printed on standard error.
    """
    report: dict[str, Any] = {}
    if args.report:
        try:
            if args.report == "-":
                text = sys.stdin.read()
            else:
                with open(args.report, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise ReportError(
                f"cannot read {args.report}: {exc.strerror}", field="report"
            ) from None
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReportError(
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                field=args.report,
            ) from None
        if not isinstance(loaded, dict):
            raise ReportError("the report must be a JSON object", field=args.report)
        report = loaded
    for key, flag in (
        ("symptoms", "symptom"),
        ("absent", "absent"),
        ("activities", "activity"),
        ("history", "history"),
    ):
        values = getattr(args, flag)
        if values:
            report[key] = [*report.get(key, []), *values]
    for item in args.measure:
        name, sep, value = item.partition("=")
        if not sep:
            raise ReportError(f"--measure needs ID=VALUE, got '{item}'", field="--measure")
        try:
            number = float(value)
        except ValueError:
            raise ReportError(
                f"--measure {name}: '{value}' is not a number", field="--measure"
            ) from None
        report.setdefault("measurements", {})[name] = number
    if args.age is not None:
        report["age"] = args.age
    text = getattr(args, "text", None)
    if text is not None:
        _merge_text(report, text, engine or engine_for(getattr(args, "rules", None)))
    return report


def _merge_text(report: dict[str, Any], text: str, engine: Engine) -> None:
    from ..flows.intake import parse_text

    parsed = parse_text(text, engine.pack)
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


def run(args: argparse.Namespace) -> int:
    engine = engine_for(args.rules)
    result = engine.triage(build_report(args, engine))
    print(render(result, args.format))
    return 0
