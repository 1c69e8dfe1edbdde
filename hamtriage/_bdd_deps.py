"""Whether the scenario plugin's optional dependencies (pytest, pytest-bdd) are installed.

The one check for :mod:`hamtriage.bdd` and for its ``pytest11`` entry point
(:mod:`hamtriage._pytest_entry`); it imports neither dependency.
"""

from __future__ import annotations

from importlib.util import find_spec

__all__ = ["MISSING_MESSAGE", "bdd_available"]

MISSING_MESSAGE = (
    "hamtriage.bdd needs pytest and pytest-bdd, which are not installed; "
    "install them with: pip install pytest 'pytest-bdd>=8' (what the bdd extra holds: "
    "pip install -e '.[bdd]' in a hamtriage checkout)"
)


def bdd_available() -> bool:
    """Whether pytest and pytest-bdd can be imported (without importing them)."""
    try:
        return find_spec("pytest") is not None and find_spec("pytest_bdd") is not None
    except (ImportError, ValueError):
        return False
