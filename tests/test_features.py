"""The bundled feature suite (``features/*.feature``) on the bundled rule pack.

The steps come from the :mod:`hamtriage.bdd` plugin (enabled in the root ``conftest.py``).
"""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("../features")
