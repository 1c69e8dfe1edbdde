"""The public API: names, the documented example, import hygiene, a broken engine extension."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import hamtriage
from hamtriage import Engine, Likelihood, Report, TriageLevel, TriageResult


def test_documented_example() -> None:
    result = hamtriage.triage(
        {
            "symptoms": ["low_back_spasms"],
            "activities": ["deadlift"],
            "measurements": {"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
        }
    )
    assert isinstance(result, TriageResult)
    assert result.level is TriageLevel.SELF_CARE
    assert result.hypotheses[0].id == "inner_hamstring_weakness"
    assert result.hypotheses[0].likelihood in (Likelihood.LIKELY, Likelihood.POSSIBLE)
    assert 0.0 <= result.hypotheses[0].confidence <= 1.0
    assert result.recommendations[0].id == "inner_hamstring_opener"
    assert '"level":"self_care"' in result.model_dump_json()
    engine = Engine.default()
    assert engine is Engine.default()
    report = Report(symptoms=["cannot_touch_floor"])
    assert engine.triage(report) == hamtriage.triage(report)
    assert engine.triage(report).pack.id == engine.pack.pack_id


def test_levels_are_ordered_and_compare_with_strings() -> None:
    order = list(TriageLevel)
    assert [lvl.value for lvl in order] == [
        "self_care",
        "modify_training",
        "see_clinician",
        "same_day",
        "emergency",
    ]
    shuffled = [order[3], order[0], order[4], order[2], order[1]]
    assert sorted(shuffled) == order  # by urgency, not alphabetically
    assert max(TriageLevel.SAME_DAY, TriageLevel.SEE_CLINICIAN) is TriageLevel.SAME_DAY
    assert TriageLevel.SAME_DAY > "see_clinician"
    assert TriageLevel.SELF_CARE < "modify_training"
    assert TriageLevel.SEE_CLINICIAN.is_referral
    assert not TriageLevel.MODIFY_TRAINING.is_referral
    assert TriageLevel("emergency") == "emergency"


def test_public_names_are_exported_and_sorted() -> None:
    # some names load on first use (hamtriage.__getattr__); all of them must resolve
    names = list(hamtriage.__all__)  # its order is kept by ruff (RUF022)
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(hamtriage, name), name
    assert issubclass(hamtriage.ReportError, hamtriage.HamtriageError)
    assert issubclass(hamtriage.RulePackError, hamtriage.HamtriageError)
    assert issubclass(hamtriage.EngineError, hamtriage.HamtriageError)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_import_pulls_in_no_test_or_cluster_libraries() -> None:
    proc = _run(
        """
        import sys, hamtriage
        hamtriage.triage({"symptoms": ["tight_calves"]})
        off_path = ("pytest", "pytest_bdd", "dask", "distributed", "durable.lang", "durable.engine",
                    "hamtriage.flows.explain", "hamtriage.flows.intake", "hamtriage.flows.interview", "hamtriage.flows.batch")
        heavy = sorted(m for m in off_path if m in sys.modules)
        print(heavy)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_broken_engine_extension_fails_import_with_reinstall_hint() -> None:
    proc = _run(
        """
        import sys
        sys.modules["durable_rules_engine"] = None  # what a failed build looks like to the importer
        try:
            import hamtriage
        except ImportError as exc:
            print(type(exc).__name__)
            print(exc)
        """
    )
    assert proc.returncode == 0, proc.stderr
    name, message = proc.stdout.split("\n", 1)
    assert name == "EngineUnavailableError"
    assert "durable-rules engine extension cannot be imported" in message
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in message
    assert "pip install --no-cache-dir --force-reinstall durable-rules==2.0.28" in message
