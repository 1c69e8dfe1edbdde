"""The triage dump/check script (benchmarks/triage_check.py): a dump checks clean against
the same code, and any changed result, error or dump_json text makes ``check`` fail."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

from benchmarks import triage_check
from hamtriage import Engine


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> None:
    monkeypatch.setattr(sys, "argv", ["triage_check.py", *argv])
    triage_check.main()


def test_a_dump_checks_clean_and_a_changed_result_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    few = triage_check.reports()[:12] + triage_check.BAD[:4]
    monkeypatch.setattr(triage_check, "reports", lambda: few)
    path = tmp_path / "dump.pkl"
    _run(monkeypatch, "dump", str(path))
    batch, results = pickle.loads(path.read_bytes())
    assert batch == few
    assert any(isinstance(r[0], tuple) and r[0][0] == "error" for r in results[: len(few)])
    _run(monkeypatch, "check", str(path))  # the same code: no exit

    first = results[0][0]
    results[0] = (first.replace('"level":"', '"level":"x'), results[0][1])
    path.write_bytes(pickle.dumps((batch, results)))
    with pytest.raises(SystemExit) as exited:
        _run(monkeypatch, "check", str(path))
    assert exited.value.code == 1


def test_a_dump_json_that_differs_is_a_difference(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine.default()
    report = triage_check.reports()[0]
    monkeypatch.setattr(Engine, "dump_json", lambda self, result: "{}")
    got = triage_check._one(engine, report, "en")
    assert got == ("dump_json differs", "{}")
