"""The ``hamtriage`` command (also ``python -m hamtriage``).

Exit codes: 0 success (lint warnings alone still exit 0), 1 lint errors or failed
scenarios, 2 bad usage or bad input (the message goes to standard error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .errors import HamtriageError, LanguageError, ReportError, RulePackError

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[str, ...] = (
    "triage",
    "explain",
    "retest",
    "ask",
    "lint",
    "vocab",
    "schema",
    "scenarios",
    "diff",
    "serve",
    "audit",
)
"""Sub-command modules under ``hamtriage._commands``, in help order."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hamtriage",
        description="Rule-based triage of athletes' movement complaints. Suggestions, not a diagnosis.",
    )
    parser.add_argument("--version", action="version", version=f"hamtriage {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from ._commands._lang import add_lang_argument

    for name in COMMANDS:
        importlib.import_module(f"hamtriage._commands.{name}").add_parser(sub)
    for command in sub.choices.values():  # --lang on every command
        add_lang_argument(command)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hamtriage")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from . import __version__

        return __version__


def _did_you_mean(exc: LanguageError) -> str:
    quoted = ", ".join(f"'{s}'" for s in exc.suggestions)
    return f" (did you mean {quoted}?)" if quoted else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        code: int = args.func(args)
    except LanguageError as exc:
        print(f"hamtriage: --lang: {exc.message}{_did_you_mean(exc)}", file=sys.stderr)
        return 2
    except ReportError as exc:
        # one line per problem, so that a report with several mistakes is fixed in one go
        lines = [str(exc)] if len(exc.problems) == 1 else [str(p) for p in exc.problems]
        for line in lines:
            print(f"hamtriage: invalid report: {line}", file=sys.stderr)
        return 2
    except RulePackError as exc:
        print(f"hamtriage: {exc}", file=sys.stderr)
        return 2
    except HamtriageError as exc:
        print(f"hamtriage: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `hamtriage vocab | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # keep the interpreter's final flush quiet
        return 0
    return code
