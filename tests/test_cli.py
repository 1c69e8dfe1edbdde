"""The ``hamtriage`` command, run as a subprocess: every command, format and exit code.

The subprocesses of this module start in parallel once (a module fixture) and each
test asserts on its own run, which keeps the module to a few seconds.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hamtriage import cli
from hamtriage._commands.schema import render
from tests.support.packs import tiny_pack

ROOT = Path(__file__).resolve().parent.parent
HINGE = str(ROOT / "examples" / "reports" / "hinge_spasms.json")
TEXT = "my back seizes up when I deadlift and I can't touch my toes, no numbness down there"

BAD_PACK = """
rules:
  - id: impossible
    title: Never
    evidence: research
    source: [S1]
    when:
      all:
        - measurement: k
          lt: 5
        - measurement: k
          ge: 12
    then:
      - support: h1
        certainty: 0.5
"""

RUNS: dict[str, list[str]] = {
    "triage_text": ["triage", HINGE],
    "triage_free_text": ["triage", "--text", TEXT, "--format", "json"],
    "triage_bad_id": ["triage", "--symptom", "low_back_spasm"],
    "explain_md": ["explain", HINGE, "--format", "markdown"],
    "ask_json": ["ask", HINGE, "--format", "json", "--limit", "2"],
    "vocab_text": ["vocab", "--kind", "measurement"],
    "schema_all": ["schema"],
    "lint_bad_pack": ["lint", "{bad_pack}"],
}


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    bad = tiny_pack(tmp_path_factory.mktemp("bad"), BAD_PACK)

    def run(name: str) -> subprocess.CompletedProcess[str]:
        args = [a.replace("{bad_pack}", str(bad)) for a in RUNS[name]]
        return subprocess.run(
            [sys.executable, "-m", "hamtriage", *args],
            input="",
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        yield dict(zip(RUNS, pool.map(run, RUNS), strict=True))


@pytest.mark.slow
def test_triage_formats(
    runs: dict[str, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    text = runs["triage_text"]
    js = _proc(capsys, "triage", HINGE, "--format", "json")
    md = _proc(capsys, "triage", HINGE, "--format", "markdown")
    assert (text.returncode, js.returncode, md.returncode) == (0, 0, 0)
    assert text.stdout.startswith("Triage level: self_care")
    assert "[########--] 0.78 likely   Weak inner hamstrings" in text.stdout
    assert json.loads(js.stdout)["hypotheses"][0]["id"] == "inner_hamstring_weakness"
    assert md.stdout.startswith("## Triage: `self_care`")
    assert text.stderr == js.stderr == md.stderr == ""


@pytest.mark.slow
def test_triage_free_text(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    free = runs["triage_free_text"]
    assert free.returncode == 0
    assert (
        "from --text: low_back_spasms, deadlift, cannot_touch_floor, saddle_numbness (absent)"
        in free.stderr
    )
    result = json.loads(free.stdout)
    assert result["hypotheses"][0]["id"] == "inner_hamstring_weakness"


@pytest.mark.slow
def test_bad_input_exits_2_with_the_message_on_stderr(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    bad = runs["triage_bad_id"]
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip() == (
        "hamtriage: invalid report: symptoms[0]: unknown symptom or history 'low_back_spasm' "
        "(did you mean 'low_back_spasms', 'plain_low_back_pain'?)"
    )


def _proc(capsys: pytest.CaptureFixture[str], *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the command in-process (cli.main is what ``python -m hamtriage`` runs)."""
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(argv), code, out, err)


# The variations below run in-process through the same entry point (cli.main), which is
# what ``python -m hamtriage`` calls; the subprocess runs above cover the real process.


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_more_exit_codes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "triage", "no/such/report.json")
    assert (code, out) == (2, "")
    assert err.startswith("hamtriage: invalid report: report: cannot read no/such/report.json")
    assert _main(capsys, "ask", HINGE, "--limit", "-1")[::2] == (
        2,
        "hamtriage: --limit must be 0 or more, got -1\n",
    )
    assert _main(capsys, "lint", "no/such/dir")[::2] == (
        2,
        "hamtriage: no/such/dir: not a rule pack directory\n",
    )
    for argv in (["vocab", "--kind", "bogus"], ["frobnicate"]):
        code, _, err = _main(capsys, *argv)
        assert code == 2
        assert "invalid choice" in err


def test_stdin_report_and_schema_by_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"activities": ["running"]}'))
    code, out, _ = _main(capsys, "triage", "-", "--symptom", "tight_calves")
    assert code == 0
    assert "Calf tightness" in out
    assert _main(capsys, "schema", "report")[:2] == (0, render("report"))


@pytest.mark.slow
def test_explain_formats(
    runs: dict[str, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    md = runs["explain_md"]
    text = _proc(capsys, "explain", HINGE)
    js = _proc(capsys, "explain", HINGE, "--format", "json")
    assert (text.returncode, js.returncode, md.returncode) == (0, 0, 0)
    assert (
        "Weak inner hamstrings (coaching lore) (inner_hamstring_weakness): RULED IN" in text.stdout
    )
    assert "Missing evidence:" in text.stdout
    data = json.loads(js.stdout)
    assert data["hypotheses"][0]["status"] == "ruled_in"
    assert data["hypotheses"][0]["supporting"][0]["rule_id"] == "article_hinge_back_spasms"
    assert (
        "### Weak inner hamstrings (coaching lore) (`inner_hamstring_weakness`): ruled in"
        in md.stdout
    )


@pytest.mark.slow
def test_ask_prints_questions_when_not_on_a_terminal(
    runs: dict[str, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    js = runs["ask_json"]
    text = _proc(capsys, "ask", HINGE)
    assert (text.returncode, js.returncode) == (0, 0)
    assert text.stdout.startswith("1. ")
    assert "[red-flag screen]" in text.stdout
    assert "Keep asking:" in text.stdout
    data = json.loads(js.stdout)
    assert len(data["questions"]) == 2
    assert data["should_stop"] is False
    assert all(q["red_flag"] for q in data["questions"])


@pytest.mark.slow
def test_vocab(
    runs: dict[str, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    text = runs["vocab_text"]
    js = _proc(capsys, "vocab", "--format", "json", "--kind", "activity")
    assert text.returncode == js.returncode == 0
    assert text.stdout.startswith("measurement:\n")
    assert "  knee_to_wall_cm: Knee-to-wall distance [cm, 0 to 20; sided, mdc 1.9]" in text.stdout
    items = json.loads(js.stdout)
    assert {i["kind"] for i in items} == {"activity"}
    deadlift = next(i for i in items if i["id"] == "deadlift")
    assert "deadlifts" in deadlift["synonyms"]


@pytest.mark.slow
def test_schema(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    assert runs["schema_all"].returncode == 0
    assert runs["schema_all"].stdout == render()


@pytest.mark.slow
def test_lint_exit_codes(
    runs: dict[str, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    clean = _proc(capsys, "lint")
    assert clean.returncode == 0  # warnings alone exit 0
    assert clean.stdout.rstrip().splitlines()[-1].startswith("0 errors, ")
    bad = runs["lint_bad_pack"]
    assert bad.returncode == 1
    first = next(line for line in bad.stdout.splitlines() if ": error: " in line)
    assert first.endswith(
        "rules.yaml:10:11: error: rule 'impossible' can never fire: it needs k below 5 cm and "
        "at or above 12 cm, which no value satisfies"
    )
    assert bad.stdout.rstrip().splitlines()[-1].startswith("1 error, ")


def test_commands_are_registered() -> None:
    assert set(cli.COMMANDS) >= {"triage", "explain", "ask", "lint", "vocab", "schema"}


@pytest.mark.parametrize("answers", [["n", "no", "n", "q"]])
def test_ask_is_interactive_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answers: list[str]
) -> None:
    prompts: list[str] = []
    feed = iter(answers)

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return next(feed)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr(sys, "stdin", Tty())
    screen = Tty()
    monkeypatch.setattr(sys, "stdout", screen)
    code = cli.main(["ask", "--symptom", "low_back_spasms"])
    out = screen.getvalue()
    assert code == 0
    assert len(prompts) == 4
    assert prompts[0].endswith("(y/n) ")
    assert "Triage level: self_care" in out
    del capsys


def test_output_cut_short_by_the_reader_is_not_an_error() -> None:
    # `hamtriage vocab | head -1`: the reader closes the pipe early
    proc = subprocess.Popen(
        [sys.executable, "-m", "hamtriage", "vocab"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the command has written anything: its first write fails
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
