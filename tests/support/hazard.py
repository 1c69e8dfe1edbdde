"""Helpers for the engine-hazard tests: a child process with a timeout, and FNV-1a collisions."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hamtriage.runtime._reserved import fnv1_32

TESTS = Path(__file__).resolve().parent.parent  # tests/
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_INVERSE = pow(16777619, -1, 2**32)


def run_child(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (tests/ on its path); a hang fails the test.

    A crash shows as a negative return code, a hang as ``TimeoutExpired``: either fails
    the calling test, never the run.
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(TESTS.parent), *sys.path]))
    env.pop("PYTHONFAULTHANDLER", None)
    try:
        return subprocess.run(
            [sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the child hung for {timeout} s: {exc.stderr!r}") from None


def _unhash(h: int, suffix: str) -> int:
    for byte in reversed(suffix.encode()):
        h = ((h * _INVERSE) & 0xFFFFFFFF) ^ byte
    return h


def colliding_id(target: str, kind: str = "y", seed: str = "q") -> str:
    """A vocabulary id whose fact name ``<kind>:<id>`` hashes like ``target`` (meet in the middle)."""
    forward: dict[int, str] = {}
    for chars in itertools.product(_ALPHABET, repeat=3):
        middle = seed + "".join(chars)
        forward[fnv1_32(f"{kind}:{middle}")] = middle
    for chars in itertools.product(_ALPHABET, repeat=4):
        suffix = "".join(chars)
        found = forward.get(_unhash(fnv1_32(target), suffix))
        if found is not None:
            found += suffix
            assert fnv1_32(f"{kind}:{found}") == fnv1_32(target)
            return found
    raise AssertionError(f"no id found for {target}")  # pragma: no cover
