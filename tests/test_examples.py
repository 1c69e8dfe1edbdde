"""The example script runs on a fresh interpreter and shows what it promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hamtriage import RulePackError, load_pack

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


# ------------------------------------------------------------ the README, as written

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULE_FORMAT = (ROOT / "docs" / "rule-format.md").read_text(encoding="utf-8")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def _first_pack() -> str:
    section = RULE_FORMAT.split("## A complete first pack", 1)[1]
    return _blocks(section, "yaml")[0]


def _coach_folder(tmp_path: Path) -> Path:
    """A coach's folder: my_rules/ and coach_rules/ hold the rule-format doc's first pack."""
    for name in ("my_rules", "coach_rules"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pack.yaml").write_text(_first_pack(), encoding="utf-8")
    return tmp_path


def _claims(block: str) -> list[tuple[str, str]]:
    """``expression  # value`` lines whose comment is a Python value (checked as written)."""
    out = []
    for line in block.splitlines():
        code, sep, comment = line.partition("  # ")
        if sep and code.strip() and not code.startswith((" ", "#")) and "=" not in code:
            out.append((code.strip(), comment.strip()))
    return out


def test_the_rule_format_docs_first_pack_loads() -> None:
    import tempfile

    from hamtriage import Engine, TriageLevel

    with tempfile.TemporaryDirectory() as folder:
        root = _coach_folder(Path(folder)) / "my_rules"
        engine = Engine.from_path(root)
        assert engine.pack.meta.referrals[TriageLevel.SEE_CLINICIAN] == "see_physio"
        flagged = engine.triage({"symptoms": ["tingling_fingers"]})
        assert flagged.level == TriageLevel.SEE_CLINICIAN
        assert [r.id for r in flagged.recommendations] == ["see_physio"]
        # the two requirements the example shows are enforced: drop either, and it fails
        pack = (root / "pack.yaml").read_text(encoding="utf-8")
        for cut, message in (
            (
                "    source: [P1]                       # required: a red-flag rule reads it\n",
                "has no source",
            ),
            (
                "  referrals:\n    see_clinician: see_physio          # required once any rule escalates to see_clinician\n",
                "referral",
            ),
        ):
            assert cut in pack
            (root / "pack.yaml").write_text(pack.replace(cut, ""), encoding="utf-8")
            with pytest.raises(RulePackError, match=message):
                load_pack(root)
        engine.close()


@pytest.mark.parametrize("index", range(len(_blocks(README, "python"))))
def test_every_readme_python_snippet_runs_as_written(tmp_path: Path, index: int) -> None:
    block = _blocks(README, "python")[index]
    if block.startswith("pytest_plugins"):
        pytest.skip("a conftest.py line: run by tests/test_bdd_entry_point.py")
    checks = "".join(
        f"assert ({code}) == ({comment}), ({code!r}, {code})\n"
        for code, comment in _claims(block)
        if _evaluable(comment)
    )
    script = tmp_path / "snippet.py"
    names = "from hamtriage import Likelihood, TriageLevel\n"
    script.write_text(block + "\n" + names + checks, encoding="utf-8")
    # the explanation snippet shows a path relative to the checkout: run it there
    cwd = ROOT if "rules/differentials.yaml" in block else _coach_folder(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, block + proc.stderr


def _evaluable(comment: str) -> bool:
    try:
        compile(comment, "<comment>", "eval")
    except SyntaxError:
        return False
    # prose, an elided value ("..."), or alternatives ("a" | "b") are not a value to check
    return "..." not in comment and " | " not in comment


def test_the_readme_explanation_text_is_what_comes_out() -> None:
    import hamtriage

    block = next(b for b in _blocks(README, "python") if "calf.missing[0].text" in b)
    lines = block.split("calf.missing[0].text\n", 1)[1].splitlines()
    comment = []
    for line in lines:
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("# ").strip())
    shown = " ".join(comment)
    calf = (
        hamtriage.Engine.default()
        .explain({"symptoms": ["tight_calves"]})
        .hypothesis("calf_tightness")
    )
    assert calf is not None
    assert shown == f'"{calf.missing[0].text}"'


def _cli_lines() -> list[str]:
    lines = []
    for block in _blocks(README, "bash")[1:]:
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command.startswith("hamtriage "):
                lines.append(command)
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("command", _cli_lines())
def test_every_readme_command_line_runs_as_written(tmp_path: Path, command: str) -> None:
    # in a checkout (examples/) beside a coach's folders (my_rules/, my_features/)
    folder = _coach_folder(tmp_path)
    (folder / "examples").symlink_to(ROOT / "examples")
    (folder / "schemas").mkdir()
    (folder / "my_features").mkdir()
    (folder / "my_features" / "wrists.feature").write_text(
        "Feature: Wrists\n  Scenario: Handstand wrist\n"
        '    Given an athlete reports "wrist hurts" during "handstand"\n'
        '    Then the likely cause is "wrist_overload"\n',
        encoding="utf-8",
    )
    hamtriage = Path(sys.executable).with_name("hamtriage")
    if command.startswith("hamtriage serve"):
        _serve_as_written(f"{hamtriage} {command.removeprefix('hamtriage ')}", folder)
        return
    proc = subprocess.run(
        f"{hamtriage} {command.removeprefix('hamtriage ')}",
        shell=True,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, command + "\n" + proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def _serve_as_written(command: str, folder: Path) -> None:
    """A server runs until stopped: start it as written, wait for /healthz, stop it."""
    import signal
    import socket
    import time
    import urllib.request

    port = int(command.split("--port")[1].split()[0]) if "--port" in command else 8000
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip(f"port {port} is taken on this machine")
    proc = subprocess.Popen(
        command,
        shell=True,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.2)
        assert status == 200, f"{command}: no /healthz answer (exit {proc.poll()})"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
