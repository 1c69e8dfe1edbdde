"""``hamtriage scenarios``: run a folder of Gherkin ``.feature`` files against a rule pack.

Runs pytest in this process with the :mod:`hamtriage.bdd` plugin and prints which rules
of the pack no scenario fired. Exit codes: 0 every scenario passed, 1 some failed,
2 bad usage (no feature files, unreadable feature file, broken rule pack, missing
pytest-bdd). pytest and pytest-bdd are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from ..errors import HamtriageError
from ..rules.loader import load_pack

__all__ = ["add_parser", "pytest_arguments", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "scenarios",
        help="run Gherkin scenario files against a rule pack",
        description=(
            "Run the .feature files in FEATURES (a folder, searched recursively, or one file) "
            "against a rule pack and report the rules no scenario fired. "
            "Exit codes: 0 all passed, 1 some failed, 2 bad usage."
        ),
    )
    p.add_argument("features", metavar="FEATURES", help="folder of .feature files, or one file")
    p.add_argument("--rules", metavar="DIR", help="rule pack directory (default: the bundled pack)")
    p.add_argument("-k", metavar="EXPRESSION", help="only run scenarios whose name matches")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="list every scenario with its outcome"
    )
    p.set_defaults(func=run)


def pytest_arguments(args: argparse.Namespace) -> list[str]:
    """The pytest command line the command runs (also handy to run it by hand)."""
    out = [
        str(Path(args.features)),
        "-p",
        "hamtriage.bdd",
        "-p",
        "no:cacheprovider",
        "-o",
        "hamtriage_collect_features=true",
        "--hamtriage-coverage",
        "-v" if args.verbose else "-q",
        "-rf",
    ]
    if args.rules:
        out += ["--hamtriage-rules", str(Path(args.rules).resolve())]
    if args.k:
        out += ["-k", args.k]
    return out


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    target = Path(args.features)
    if target.is_dir():
        if not any(target.rglob("*.feature")):
            raise HamtriageError(f"no .feature files under {target}")
    elif not (target.is_file() and target.suffix == ".feature"):
        raise HamtriageError(f"{target} is neither a folder nor a .feature file")
    if args.rules:
        load_pack(args.rules)  # a broken pack is reported here, all problems at once
    missing = [name for name in ("pytest", "pytest_bdd") if not _importable(name)]
    if missing:
        raise HamtriageError(
            f"the scenarios command needs pytest and pytest-bdd ({', '.join(missing)} not "
            "installed); install them with: pip install 'hamtriage[bdd]'"
        )
    # Import pytest only now, and leave hamtriage.bdd to pytest (so it can rewrite asserts).
    import pytest

    code = int(pytest.main(pytest_arguments(args)))
    if code == int(pytest.ExitCode.OK):
        return 0
    if code == int(pytest.ExitCode.TESTS_FAILED):
        return 1
    return 2
