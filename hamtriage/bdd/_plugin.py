"""The pytest hooks and fixtures of :mod:`hamtriage.bdd`.

Per-session state (the engine under test and the rules the scenarios fired) lives in
the pytest ``Config`` stash, never in module globals.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_bdd import scenarios
from pytest_bdd.exceptions import (
    GherkinParseError,
    NoScenariosFound,
    StepDefinitionNotFoundError,
)
from pytest_bdd.feature import get_feature

from ..engine import Engine
from ..errors import HamtriageError
from ..results import TriageResult
from ..rules.pack import RulePack
from ._describe import display_path, rule_origin
from ._scenario import ScenarioFailure, ScenarioState
from .steps import STEP_PHRASES, nearest_steps

__all__ = [
    "FeatureFile",
    "hamtriage_engine",
    "hamtriage_scenario",
    "pytest_addoption",
    "pytest_bdd_before_step",
    "pytest_bdd_step_error",
    "pytest_bdd_step_func_lookup_error",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_plugins",
    "pytest_runtest_makereport",
    "pytest_terminal_summary",
    "pytest_unconfigure",
]
"""Every name pytest looks for on the plugin module. :mod:`hamtriage.bdd` and the entry
point :mod:`hamtriage._pytest_entry` both import them all from here."""

pytest_plugins = ["hamtriage.bdd.steps", "hamtriage.bdd.steps_nl"]
"""The step definitions live in their own modules, registered with this plugin."""


@dataclass
class _Run:
    """One pytest session's hamtriage state."""

    rules: Path | None
    coverage: bool
    active: bool = False  # asked for by this run (see _active); passive until then
    engine: Engine | None = None
    packs: dict[str, RulePack] = field(default_factory=dict)
    fired: dict[str, set[str]] = field(default_factory=dict)
    triages: dict[str, int] = field(default_factory=dict)

    def get_engine(self) -> Engine:
        if self.engine is None:
            self.engine = Engine.default() if self.rules is None else Engine.from_path(self.rules)
        self.packs.setdefault(self.engine.pack.pack_id, self.engine.pack)
        return self.engine

    def record(self, pack: RulePack, result: TriageResult) -> None:
        key = pack.pack_id
        self.packs.setdefault(key, pack)
        self.fired.setdefault(key, set()).update(result.fired_rules)
        self.triages[key] = self.triages.get(key, 0) + 1


_RUN = pytest.StashKey[_Run]()
_UNKNOWN_STEP = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hamtriage", "hamtriage scenarios (rule-pack tests)")
    group.addoption(
        "--hamtriage-rules",
        metavar="DIR",
        default=None,
        help="rule pack directory the scenarios run against (default: the bundled pack; "
        "ini: hamtriage_rules)",
    )
    group.addoption(
        "--hamtriage-coverage",
        action="store_true",
        default=False,
        help="after the run, list the rules of the pack that no scenario fired "
        "(ini: hamtriage_coverage)",
    )
    parser.addini(
        "hamtriage_rules",
        "rule pack directory for hamtriage scenarios, relative to the ini file",
        type="string",
        default="",
    )
    parser.addini(
        "hamtriage_coverage", "report rules no hamtriage scenario fired", type="bool", default=False
    )
    parser.addini(
        "hamtriage_collect_features",
        "collect *.feature files as hamtriage scenarios (turn off when test modules "
        "already bind them with pytest_bdd.scenarios)",
        type="bool",
        default=True,
    )


def _rules_path(config: pytest.Config) -> Path | None:
    option = config.getoption("hamtriage_rules")
    if option:
        return (config.invocation_params.dir / str(option)).resolve()
    ini = str(config.getini("hamtriage_rules")).strip()
    if ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        return (base / ini).resolve()
    return None


def _active(config: pytest.Config) -> bool:
    """Whether this run asked for the plugin, not just has it installed (the ``pytest11``
    entry point loads it into every run): its options or ini keys, ``-p hamtriage.bdd``,
    or a ``conftest.py`` naming it (non-root conftests load during collection, so this
    is asked when needed, not once at configure)."""
    run = config.stash.get(_RUN, None)
    if run is None:
        return False
    if not run.active:
        manager = config.pluginmanager
        requested = "hamtriage.bdd" in (getattr(config.option, "plugins", None) or ())
        # imported by name rather than through the entry point (autoload disabled)
        requested |= manager.get_plugin("hamtriage.bdd") is sys.modules.get("hamtriage.bdd")
        for plugin in manager.get_plugins():
            declared = getattr(plugin, "pytest_plugins", ())
            declared = [declared] if isinstance(declared, str) else declared
            requested |= isinstance(declared, list | tuple) and "hamtriage.bdd" in declared
        run.active = requested or run.rules is not None or run.coverage
    return run.active


def pytest_configure(config: pytest.Config) -> None:
    coverage = bool(config.getoption("hamtriage_coverage")) or bool(
        config.getini("hamtriage_coverage")
    )
    run = _Run(rules=_rules_path(config), coverage=coverage)
    config.stash[_RUN] = run
    if run.rules is not None:
        try:
            run.get_engine()
        except HamtriageError as exc:
            raise pytest.UsageError(
                f"hamtriage: cannot use the rule pack {run.rules}:\n{exc}"
            ) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is not None and run.engine is not None and run.rules is not None:
        run.engine.close()
        run.engine = None


@pytest.fixture(scope="session")
def hamtriage_engine(pytestconfig: pytest.Config) -> Engine:
    """The engine the scenarios run on: ``--hamtriage-rules``/``hamtriage_rules`` or the bundled pack."""
    return pytestconfig.stash[_RUN].get_engine()


@pytest.fixture
def hamtriage_scenario(hamtriage_engine: Engine, pytestconfig: pytest.Config) -> ScenarioState:
    """The report the scenario's ``Given`` steps build, and its triage result."""
    run = pytestconfig.stash[_RUN]
    pack = hamtriage_engine.pack
    return ScenarioState(hamtriage_engine, on_result=lambda result: run.record(pack, result))


# ----------------------------------------------------------------- collection


class FeatureFile(pytest.Module):
    """A ``.feature`` file collected as a module of pytest-bdd scenarios."""

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(f"hamtriage_features.{self.path.stem}")
        module.__file__ = str(self.path)
        namespace = module.__dict__
        namespace["_hamtriage_bind"] = scenarios
        # pytest-bdd's scenarios() puts the tests into its caller's module namespace:
        # run it as if it were the first line of a test module for this feature file.
        code = compile("_hamtriage_bind(__file__)", str(self.path), "exec")
        try:
            self._register_tags()
            exec(code, namespace)
        except GherkinParseError as exc:
            raise self.CollectError(f"cannot read {self.path.name}: {exc}") from None
        except KeyError as exc:  # pytest-bdd's parser on a file without a Feature
            if exc.args != ("feature",):
                raise
            raise self.CollectError(
                f"cannot read {self.path.name}: it has no 'Feature:' line "
                "(a feature file starts with 'Feature: <name>', then its scenarios)"
            ) from None
        except NoScenariosFound:
            pass
        return module

    def _register_tags(self) -> None:
        """Declare the file's tags as markers: pytest-bdd turns tags into marks."""
        feature = get_feature(str(self.path.parent), self.path.name)
        tags = set(feature.tags)
        for template in feature.scenarios.values():
            tags |= template.tags
            if template.rule is not None:
                tags |= template.rule.tags
            for examples in template.examples:
                tags |= examples.tags
        known = {str(line).split(":", 1)[0].strip() for line in self.config.getini("markers")}
        for tag in sorted(tags - known):
            self.config.addinivalue_line("markers", f"{tag}: a tag in {self.path.name}")

    def funcnamefilter(self, name: str) -> bool:
        return name.startswith("test_")

    def classnamefilter(self, name: str) -> bool:
        return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if (
        file_path.suffix == ".feature"
        and parent.config.getini("hamtriage_collect_features")
        and _active(parent.config)
    ):
        collector: pytest.Collector = FeatureFile.from_parent(parent, path=file_path)
        return collector
    return None


# ------------------------------------------------------------------ reporting


def _where(config: pytest.Config, filename: str) -> str:
    try:
        return os.path.relpath(filename, config.invocation_params.dir)
    except ValueError:  # another drive on Windows
        return filename


def _step_text(config: pytest.Config, feature: object, step: object) -> str:
    """``Given an athlete reports "x"  (coach.feature:4)``."""
    where = _where(config, str(getattr(feature, "filename", "")))
    return (
        f"{getattr(step, 'keyword', '').strip()} {getattr(step, 'name', '')}  "
        f"({where}:{getattr(step, 'line_number', '?')})"
    )


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: object, scenario: object, step: object
) -> None:
    # tell the scenario which step runs, so a bad id is blamed on the Given that gave it
    if _active(request.config) and getattr(step, "type", "") == "given":
        state = request.getfixturevalue("hamtriage_scenario")
        if isinstance(state, ScenarioState):
            state.step = _step_text(request.config, feature, step)


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: object,
    scenario: object,
    step: object,
    exception: BaseException,
) -> None:
    if isinstance(exception, ScenarioFailure):
        where = _where(request.config, str(getattr(feature, "filename", "")))
        failed = exception.at_step or _step_text(request.config, feature, step)
        exception.location = (
            f"Failed step: {failed}\n"
            f"Scenario:    {getattr(scenario, 'name', '')}  "
            f"({where}:{getattr(scenario, 'line_number', '?')})\n"
        )


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: object, scenario: object, step: object
) -> None:
    where = _where(request.config, str(getattr(feature, "filename", "")))
    known = STEP_PHRASES
    if getattr(feature, "language", "en") == "nl":  # a `# language: nl` feature
        from .steps_nl import STEP_PHRASES_NL

        known = STEP_PHRASES_NL
    phrases = "\n".join(f"  {p}" for p in known)
    nearest = nearest_steps(str(getattr(step, "name", "")), phrases=known)
    closest = "".join(f"  {p}\n" for p in nearest)
    request.node.stash[_UNKNOWN_STEP] = (
        f"Unknown step: {getattr(step, 'keyword', '').strip()} {getattr(step, 'name', '')}\n"
        f"  in scenario '{getattr(scenario, 'name', '')}' ({where}:{getattr(step, 'line_number', '?')})\n"
        + (f"Did you mean:\n{closest}" if nearest else "")
        + "No step definition matches this text. The steps hamtriage knows are:\n"
        f"{phrases}\n"
        "Ids and synonyms go in double quotes, numbers without quotes."
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    excinfo = call.excinfo
    if report.failed and excinfo is not None and _active(item.config):
        if isinstance(excinfo.value, ScenarioFailure):
            report.longrepr = str(excinfo.value)
        elif isinstance(excinfo.value, StepDefinitionNotFoundError):
            report.longrepr = item.stash.get(_UNKNOWN_STEP, str(excinfo.value))
    return report


def _count(n: int, noun: str) -> str:
    """``1 rule``, ``2 rules``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    run = config.stash.get(_RUN, None)
    if run is None or not run.coverage:
        return
    if terminalreporter.stats.get("error"):
        # a feature file that cannot be read (or a broken pack) already said what is wrong;
        # a list of every rule "not fired" would only bury it
        terminalreporter.write_sep("=", "hamtriage rule coverage: not counted (errors above)")
        return
    tr = terminalreporter
    tr.write_sep("=", "hamtriage rule coverage")
    if not run.packs:
        try:
            run.get_engine()
        except HamtriageError as exc:
            tr.write_line(f"cannot load the rule pack: {exc}")
            return
    for key, pack in run.packs.items():
        fired = run.fired.get(key, set())
        total = len(pack.rules)
        missed = [rule for rule in pack.rules if rule.id not in fired]
        where = f" ({display_path(pack.root)})" if pack.root else ""
        triaged = run.triages.get(key, 0)
        tr.write_line(
            f"Rule pack {key}{where}: {total - len(missed)} of {_count(total, 'rule')} fired "
            f"in {_count(triaged, 'triaged report')}."
        )
        if not missed:
            tr.write_line("Every rule of the pack fired in at least one scenario.", green=True)
            continue
        tr.write_line(f"{_count(len(missed), 'rule')} no scenario fired:", yellow=True)
        width = max(len(rule.id) for rule in missed)
        for rule in missed:
            tr.write_line(f"  {rule.id:<{width}}  {rule_origin(pack, rule.id)}  {rule.title}")
