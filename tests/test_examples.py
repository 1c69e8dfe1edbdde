"""The example script runs on a fresh interpreter and shows what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_example_script_triages_every_report_and_shows_errors() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "triage_example.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = proc.stdout
    for name in ("hinge_spasms.json", "ankle_after_sprain.json", "toe_touch_runner.json"):
        assert f"{name}: level self_care" in out
    assert "likely   0.78  Weak inner hamstrings" in out
    assert (
        "rejected: symptoms[0]: unknown symptom or history 'low back spasm' (did you mean 'low_back_spasms'?)"
        in out
    )
    assert 'from synonyms: ["calf_tightness"' in out
    assert "not a diagnosis" in out
