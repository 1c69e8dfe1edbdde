"""The ``pytest11`` entry point ``hamtriage.bdd``: the scenario plugin, loaded by pytest itself.

Registered under the name ``hamtriage.bdd``, so that ``pytest --hamtriage-rules DIR``
works from any folder (pytest reads options before it imports a folder's
``conftest.py``), and a ``conftest.py`` line ``pytest_plugins = ["hamtriage.bdd"]`` or
``-p hamtriage.bdd`` finds the name taken and does not register it twice. Loaded into
every pytest run of the environment, the plugin stays passive (collects no
``.feature`` file, rewrites no report) until a run asks for it: an option or ini key
of its own, ``-p hamtriage.bdd``, or a ``conftest.py`` naming it. Without pytest-bdd
this module defines nothing, so pytest runs of other projects are unaffected.
"""

from __future__ import annotations

from importlib.util import find_spec


def _available() -> bool:
    try:
        return find_spec("pytest") is not None and find_spec("pytest_bdd") is not None
    except (ImportError, ValueError):
        return False


if _available():
    from .bdd import (
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

    pytest_plugins = ["hamtriage.bdd.steps", "hamtriage.bdd.steps_nl"]

    __all__ = [
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
