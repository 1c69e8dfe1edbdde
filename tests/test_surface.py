"""The public surface: every exported name resolves, shows in dir(), and the 0.1 import
paths still work."""

from __future__ import annotations

import importlib

import pytest

import hamtriage


def test_every_exported_name_resolves_and_is_listed_by_dir() -> None:
    listed = set(dir(hamtriage))
    for name in hamtriage.__all__:
        assert getattr(hamtriage, name) is not None, name
        assert name in listed, name


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'trige'"):
        hamtriage.trige  # noqa: B018


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hamtriage.compiler", "hamtriage.runtime.compiler"),
        ("hamtriage.distributed", "hamtriage.flows.distributed"),
        ("hamtriage.explain", "hamtriage.flows.explain"),
        ("hamtriage.interview", "hamtriage.flows.interview"),
        ("hamtriage.intake", "hamtriage.flows.intake"),
        ("hamtriage.safety", "hamtriage.rules.safety"),
    ],
)
def test_documented_0_1_module_paths_still_import(old: str, new: str) -> None:
    alias, home = importlib.import_module(old), importlib.import_module(new)
    for name in alias.__all__:
        assert getattr(alias, name) is getattr(home, name, getattr(alias, name))


def test_the_0_1_compiler_names_and_engine_path() -> None:
    from hamtriage.compiler import LIMITS, dnf
    from hamtriage.engine import Engine

    assert LIMITS["patterns_per_rule"] == 16
    assert Engine is hamtriage.Engine
    assert callable(dnf)


def test_top_level_tools_work_without_a_submodule_import() -> None:
    assert hamtriage.lint(hamtriage.bundled_rules_path()) == []
    result = hamtriage.triage({"symptoms": ["low_back_spasms"]})
    assert hamtriage.render_text(result).startswith("Triage level: ")
    assert "Triage level" in hamtriage.render_markdown(result) or "#" in hamtriage.render_markdown(
        result
    )


def test_validate_returns_the_resolved_report_without_triaging() -> None:
    engine = hamtriage.Engine.default()
    report = engine.validate({"symptoms": ["tight calves"]})
    assert isinstance(report, hamtriage.Report)
    assert tuple(report.symptoms) == ("tight_calves",)
    with pytest.raises(hamtriage.ReportError) as info:
        engine.validate({"symptoms": ["low_back_spasm"]})
    assert info.value.field == "symptoms[0]"
