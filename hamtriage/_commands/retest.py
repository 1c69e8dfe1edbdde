"""``hamtriage retest``: compare two reports of one athlete against each test's measurement error."""

from __future__ import annotations

import argparse
from typing import Any

from ..engine import compiled_state
from ..errors import HamtriageError, ReportError
from . import _input
from ._lang import lang_for
from ._output import add_format_argument
from .triage import engine_for

__all__ = ["add_parser", "read_report", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "retest",
        help="re-test: compare two reports and triage the second with what changed",
        description=(
            "Compare BEFORE and AFTER (report JSON files of one athlete) measurement by "
            "measurement against each test's minimal detectable change, and triage AFTER "
            "with the changes as evidence. --format json prints the RetestResult."
        ),
    )
    p.add_argument("before", metavar="BEFORE.json", help="the first report")
    p.add_argument("after", metavar="AFTER.json", help="the second report")
    p.add_argument(
        "--intervention",
        metavar="ID",
        help="the recommendation done between the two tests, e.g. inner_hamstring_opener",
    )
    add_format_argument(p)
    p.add_argument(
        "--explain",
        action="store_true",
        help="explain instead: each change real or within error, and why and why not",
    )
    p.add_argument("--rules", metavar="DIR", help="rule pack directory (default: the bundled pack)")
    p.set_defaults(func=run)


def read_report(path: str, which: str) -> dict[str, Any]:
    """The report in the JSON file ``path`` (``-`` for standard input); errors name ``which``.

    Read as ``triage`` reads one (size cap, UTF-8 only, the parser's limits in one line).
    """
    try:
        return _input.read_report(path)
    except ReportError:
        raise
    except HamtriageError as exc:
        raise ReportError(str(exc), field=which) from None


def run(args: argparse.Namespace) -> int:
    from ..flows.retest_explain import (
        explain_retest_result,
        render_retest_markdown,
        render_retest_text,
    )

    if args.before == "-" and args.after == "-":
        raise ReportError("only one of BEFORE and AFTER can be standard input", field="after")
    before = read_report(args.before, "before")
    after = read_report(args.after, "after")
    engine = engine_for(args.rules)
    lang = lang_for(args, engine.pack)
    result = engine.retest(before, after, intervention=args.intervention, lang=lang)
    if args.explain:  # the explanation of this very result: one re-test, not two
        explanation = explain_retest_result(compiled_state(engine), result, after)
        if args.format == "json":
            print(explanation.model_dump_json(indent=2))
        else:
            print(explanation.to_markdown() if args.format == "markdown" else explanation.to_text())
        return 0
    if args.format == "json":
        print(result.model_dump_json(indent=2))
    elif args.format == "markdown":
        print(render_retest_markdown(result, engine.pack))
    else:
        print(render_retest_text(result, engine.pack))
    return 0
