"""Gherkin scenario steps for hamtriage rule packs: a pytest plugin (pytest-bdd).

Enable it with one line, in a ``conftest.py``::

    pytest_plugins = ["hamtriage.bdd"]

or on the command line with ``pytest -p hamtriage.bdd``. Then every ``*.feature``
file pytest finds runs as scenarios on the bundled rule pack, or on the pack named by
``--hamtriage-rules DIR`` (ini: ``hamtriage_rules``). ``--hamtriage-coverage`` lists
the rules of the pack that no scenario fired. The step phrases are listed in
:data:`hamtriage.bdd.steps.STEP_PHRASES` and in ``docs/scenarios.md``.

This module needs the optional ``bdd`` extra (``pip install -e '.[bdd]'`` in a checkout:
pytest and pytest-bdd); the core library never imports it. Installed with them, pytest
loads it by itself (a ``pytest11`` entry point named ``hamtriage.bdd``), so the one-line
``conftest.py`` above is needed only where plugin autoloading is turned off.
"""

from __future__ import annotations

from importlib.util import find_spec

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


if not bdd_available():
    raise ImportError(MISSING_MESSAGE, name="pytest_bdd")

from ._plugin import (  # noqa: E402 - only once the dependencies are known to exist
    FeatureFile,
    hamtriage_engine,
    hamtriage_scenario,
    pytest_addoption,
    pytest_bdd_before_step,
    pytest_bdd_step_error,
    pytest_bdd_step_func_lookup_error,
    pytest_collect_file,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_terminal_summary,
    pytest_unconfigure,
)
from ._scenario import ScenarioFailure, ScenarioState  # noqa: E402
from .steps import STEP_PHRASES  # noqa: E402

pytest_plugins = ["hamtriage.bdd.steps", "hamtriage.bdd.steps_nl"]
"""The step definitions live in their own module, registered with this plugin."""

__all__ = [
    "MISSING_MESSAGE",
    "STEP_PHRASES",
    "FeatureFile",
    "ScenarioFailure",
    "ScenarioState",
    "bdd_available",
    "hamtriage_engine",
    "hamtriage_scenario",
    "pytest_addoption",
    "pytest_bdd_before_step",
    "pytest_bdd_step_error",
    "pytest_bdd_step_func_lookup_error",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_runtest_makereport",
    "pytest_terminal_summary",
    "pytest_unconfigure",
]
