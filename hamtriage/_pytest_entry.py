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

from ._bdd_deps import bdd_available

if bdd_available():
    from .bdd._plugin import *  # noqa: F403 - the plugin's hooks, fixtures and step modules
