"""``hamtriage lint``: every problem of a rule pack at once, as ``file:line:col``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import HamtriageError
from ..flows.lint import lint
from ..flows.render import render_issues
from ..rules.loader import bundled_rules_path
from ._output import add_format_argument

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="check a rule pack: loader errors, rules that never fire, conflicts, unused items",
        description=(
            "Check a rule pack and print every problem as file:line:col: severity: message. "
            "Exit codes: 0 no errors (warnings alone still exit 0), 1 errors, 2 bad usage."
        ),
    )
    p.add_argument(
        "rules", nargs="?", metavar="RULES_DIR", help="rule pack directory (default: bundled)"
    )
    add_format_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.rules) if args.rules else bundled_rules_path()
    if not root.is_dir():
        raise HamtriageError(f"{root}: not a rule pack directory")
    issues = lint(root)
    errors = sum(1 for i in issues if i.severity == "error")
    print(render_issues(issues, str(root), args.format))
    return 1 if errors else 0
