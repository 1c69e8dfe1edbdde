"""``hamtriage explain``: why and why not, per hypothesis the report touches."""

from __future__ import annotations

import argparse
from typing import Any

from ..flows.render import render
from ._lang import lang_for
from ._output import add_format_argument
from .triage import add_report_arguments, build_report, checked, engine_for, require_input

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="explain a triage: evidence for, against and missing, per hypothesis",
        description=(
            "Explain the triage of a report: every hypothesis the report touches, ruled in, "
            "ruled out or untested, with the evidence for and against it and the missing "
            "evidence (tests not done, questions not asked), each naming its rule and source."
        ),
    )
    add_report_arguments(p)
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require_input(args)
    engine = engine_for(args.rules)
    lang = lang_for(args, engine.pack)
    explanation = engine.explain(checked(engine, build_report(args, engine)), lang=lang)
    print(render(explanation, args.format))
    return 0
