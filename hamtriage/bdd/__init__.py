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

from .._bdd_deps import MISSING_MESSAGE, bdd_available

if not bdd_available():
    raise ImportError(MISSING_MESSAGE, name="pytest_bdd")

# the hooks, fixtures and step modules pytest looks for on a plugin module: listed once,
# in _plugin, and reachable here (and from the entry point) without being public names
from ._plugin import *  # noqa: F403 - only once the dependencies are known to exist
from ._scenario import ScenarioFailure, ScenarioState
from .steps import STEP_PHRASES

__all__ = ["MISSING_MESSAGE", "STEP_PHRASES", "ScenarioFailure", "ScenarioState", "bdd_available"]
"""What a user of the plugin imports: writing steps of their own, or checking for it."""
