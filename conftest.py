"""Test-suite configuration: the hamtriage scenario steps and pytester."""

from __future__ import annotations

pytest_plugins = ["hamtriage.bdd", "pytester"]
