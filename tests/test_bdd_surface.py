"""The public names of hamtriage.bdd are what a user imports; the pytest hooks, fixtures
and step modules are listed once (in its _plugin module) and reachable from both plugin
modules pytest may register: hamtriage.bdd and the pytest11 entry point."""

from __future__ import annotations

import hamtriage._pytest_entry as entry
import hamtriage.bdd as bdd
from hamtriage import _bdd_deps
from hamtriage.bdd import _plugin


def test_the_public_names_are_for_users_not_pytest() -> None:
    assert sorted(bdd.__all__) == sorted(
        ["MISSING_MESSAGE", "STEP_PHRASES", "ScenarioFailure", "ScenarioState", "bdd_available"]
    )
    assert not [name for name in bdd.__all__ if name.startswith(("pytest_", "hamtriage_"))]


def test_both_plugin_modules_carry_every_hook_fixture_and_step_module() -> None:
    names = [n for n in _plugin.__all__ if n.startswith(("pytest_", "hamtriage_"))]
    assert "pytest_configure" in names
    assert "hamtriage_scenario" in names
    assert "pytest_plugins" in names
    for module in (bdd, entry):
        for name in names:
            assert getattr(module, name) is getattr(_plugin, name), (module.__name__, name)
    # every hook pytest would find on the plugin is in the one list
    hooks = {n for n in dir(_plugin) if n.startswith("pytest_")}
    assert hooks <= set(_plugin.__all__)


def test_one_dependency_check() -> None:
    assert bdd.bdd_available is _bdd_deps.bdd_available
    assert bdd.MISSING_MESSAGE is _bdd_deps.MISSING_MESSAGE
    assert bdd.bdd_available()
    assert vars(entry)["bdd_available"] is _bdd_deps.bdd_available  # the same check, imported
