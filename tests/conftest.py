"""The test suite never touches the user's pack snapshot cache (``~/.cache/hamtriage``).

``HAMTRIAGE_CACHE_DIR`` points at a temporary directory for the whole run, set before
any test module is collected so that subprocesses, worker processes and engines built
at import time all use it too.

PyYAML is imported here, before any test runs: hamtriage imports it only when it parses
a pack, and pytester's in-process runs (``tests/test_bdd_plugin.py``) drop the modules
first imported during a run from ``sys.modules``. A re-imported ``yaml`` package then has
new node and error classes while its C parser, which cannot be re-imported, still
builds the old ones, and every pack parsed afterwards fails ("unsupported YAML node").
Run alone, that test file failed this way.
"""

from __future__ import annotations

import shutil
import tempfile

import pytest

import hamtriage.rules._yaml  # noqa: F401 - see the module docstring

_CACHE_DIR = pytest.StashKey[tuple[pytest.MonkeyPatch, str]]()


def pytest_configure(config: pytest.Config) -> None:
    patch = pytest.MonkeyPatch()
    directory = tempfile.mkdtemp(prefix="hamtriage-test-cache-")
    patch.setenv("HAMTRIAGE_CACHE_DIR", directory)
    patch.delenv("HAMTRIAGE_CACHE", raising=False)
    config.stash[_CACHE_DIR] = (patch, directory)


def pytest_unconfigure(config: pytest.Config) -> None:
    patch, directory = config.stash[_CACHE_DIR]
    patch.undo()
    shutil.rmtree(directory, ignore_errors=True)
