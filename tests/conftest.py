"""The test suite never touches the user's pack snapshot cache (``~/.cache/hamtriage``).

``HAMTRIAGE_CACHE_DIR`` points at a temporary directory for the whole run, set before
any test module is collected so that subprocesses, worker processes and engines built
at import time all use it too.
"""

from __future__ import annotations

import shutil
import tempfile

import pytest

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
