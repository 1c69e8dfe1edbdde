"""The command line on bad input: one clear line on standard error and exit 2, never a
traceback; and the input forms a new user reaches for (sided --measure, --version)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hamtriage import cli
from hamtriage._commands._input import MAX_REPORT_BYTES

ROOT = Path(__file__).resolve().parent.parent
HINGE = ROOT / "examples" / "reports" / "hinge_spasms.json"


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("hamtriage: ")
    return err.strip()


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"age": ' + b"9" * 5000 + b"}", "is not a report: Exceeds the limit (4300 digits)"),
        (b"[" * 100_000 + b"]" * 100_000, "is not a report: its JSON is nested too deeply"),
        (
            '{"symptoms": ["tight_calves"]}'.encode("utf-16"),
            "is UTF-16 text; save the report as UTF-8",
        ),
        ('{"symptoms": ["tight_calves"]}'.encode("utf-32"), "is UTF-32 text"),
        ('{"symptoms": ["Wadenkrämpfe"]}'.encode("latin-1"), "is not UTF-8 text (byte 0xe4"),
        (b'{"symptoms": [', "is not valid JSON: Expecting value at line 1 column 15"),
        (b"[1, 2]", "is not a report: the report must be a JSON object"),
    ],
)
@pytest.mark.parametrize("command", ["triage", "explain", "ask"])
def test_bad_report_files_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, data: bytes, message: str
) -> None:
    path = _write(tmp_path, "report.json", data)
    line = _one_line_error(*_main(capsys, command, path))
    assert line.startswith(f"hamtriage: {path} ")
    assert message in line


def test_the_same_bytes_on_standard_input_say_the_same(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO('{"symptoms": ["é"]}'.encode("latin-1")))
    monkeypatch.setattr(sys, "stdin", stdin)
    line = _one_line_error(*_main(capsys, "triage", "-"))
    assert line.startswith("hamtriage: standard input is not UTF-8 text (byte 0xe9")


def test_a_utf8_byte_order_mark_is_fine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.json", b"\xef\xbb\xbf" + HINGE.read_bytes())
    code, out, _ = _main(capsys, "triage", path)
    assert code == 0
    assert out.startswith("Triage level: self_care")


def test_endless_input_is_capped_not_read_into_memory() -> None:
    # /dev/zero as the report and on standard input: read until MemoryError before
    for args, stdin in ((["/dev/zero"], None), (["-"], "/dev/zero")):
        with open(stdin or "/dev/null", "rb") as feed:
            proc = subprocess.run(
                [sys.executable, "-m", "hamtriage", "triage", *args],
                stdin=feed,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        assert proc.returncode == 2
        assert proc.stdout == ""
        name = "standard input" if args == ["-"] else "/dev/zero"
        assert proc.stderr == (
            f"hamtriage: {name} holds more than {MAX_REPORT_BYTES:,} bytes; "
            "a report is a small JSON object\n"
        )


@pytest.mark.parametrize(
    ("report", "flags", "message"),
    [
        (
            {"symptoms": 3},
            ["--symptom", "tight_calves"],
            (
                'symptoms: expected a list of ids, e.g. ["tight_calves"], to add --symptom to; '
                "the report gives a number"
            ),
        ),
        (
            {"symptoms": "low_back_spasms"},
            ["--symptom", "tight_calves"],
            "the report gives a string",
        ),
        (
            {"measurements": []},
            ["--measure", "knee_to_wall_cm=6"],
            "measurements: expected an object of measurements",
        ),
        ({"history": None}, ["--history", "prior_ankle_sprain"], "the report gives null"),
    ],
)
def test_wrong_types_in_the_file_combined_with_flags(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    report: dict[str, object],
    flags: list[str],
    message: str,
) -> None:
    path = _write(tmp_path, "r.json", json.dumps(report).encode())
    line = _one_line_error(*_main(capsys, "triage", path, *flags))
    assert line.startswith("hamtriage: invalid report: ")
    assert message in line
    assert "unknown symptom or history 'l'" not in line


def test_no_input_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("triage", "explain"):
        line = _one_line_error(*_main(capsys, command))
        assert line == (
            "hamtriage: no report given: name a JSON file, - for standard input, or give "
            f'flags such as --symptom ID or --text "..." (see: hamtriage {command} --help)'
        )
    # any one flag is input enough
    assert _main(capsys, "triage", "--age", "30")[0] == 0


def test_messages_have_one_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    assert _one_line_error(*_main(capsys, "triage", "no/such/report.json")) == (
        "hamtriage: cannot read no/such/report.json: No such file or directory"
    )
    assert _one_line_error(*_main(capsys, "triage", "--measure", "knee_to_wall_cm=deep")) == (
        "hamtriage: --measure knee_to_wall_cm: 'deep' is not a number"
    )
    assert _one_line_error(*_main(capsys, "triage", "--measure", "knee_to_wall_cm")) == (
        "hamtriage: --measure needs ID=VALUE or ID=left:N,right:N, got 'knee_to_wall_cm'"
    )


def test_sided_measure_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(
        capsys, "triage", "--measure", "knee_to_wall_cm=left:6,right:11", "--format", "json"
    )
    assert code == 0
    trace = json.loads(out)["trace"]
    facts = [f for rule in trace for f in rule["facts"]]
    assert {"kind": "measurement", "id": "knee_to_wall_cm", "value": 6.0} in facts
    assert any(f["kind"] == "asymmetry" for f in facts)
    one_side = _main(capsys, "triage", "--measure", "knee_to_wall_cm=right:7", "--format", "json")
    assert one_side[0] == 0
    for bad, message in (
        ("knee_to_wall_cm=left:6,top:11", "'top:11' is not left:N or right:N"),
        ("knee_to_wall_cm=left:6,left:7", "the left side is given twice"),
        ("knee_to_wall_cm=left:x", "'x' is not a number"),
    ):
        assert message in _one_line_error(*_main(capsys, "triage", "--measure", bad))


def test_several_problems_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "triage", "--symptom", "low_back_spasm", "--activity", "dedlift")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        (
            "hamtriage: invalid report: symptoms[0]: unknown symptom or history 'low_back_spasm' "
            "(did you mean 'low_back_spasms', 'plain_low_back_pain'?)"
        ),
        (
            "hamtriage: invalid report: activities[0]: unknown activity 'dedlift' "
            "(did you mean 'deadlift'?)"
        ),
    ]


def test_limits_name_what_they_count(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _write(tmp_path, "many.json", json.dumps({"symptoms": ["x"] * 101}).encode())
    assert _one_line_error(*_main(capsys, "triage", path)) == (
        "hamtriage: invalid report: symptoms: at most 100 symptoms per report"
    )


def test_folded_ids_are_noted(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(capsys, "triage", "--symptom", "ｔｉｇｈｔ_calves")
    assert code == 0
    assert err == (
        "hamtriage: note: symptoms[0]: 'ｔｉｇｈｔ_calves' was read as 'tight_calves' "
        "(fullwidth or other compatibility characters folded)\n"
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import hamtriage

    code, out, _ = _main(capsys, "--version")
    assert (code, out) == (0, f"hamtriage {hamtriage.__version__}\n")


def test_retest_reads_its_two_reports_as_triage_reads_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"measurements": {"knee_to_wall_cm": 6}}', encoding="utf-8")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"symptoms": ["caf\xe9"]}')
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (MAX_REPORT_BYTES + 1))
    err = _one_line_error(*_main(capsys, "retest", str(latin), str(good)))
    assert err == (
        f"hamtriage: invalid report: before: {latin} is not UTF-8 text (byte 0xe9 at offset 18); "
        "save the report as UTF-8 JSON"
    )
    err = _one_line_error(*_main(capsys, "retest", str(good), str(huge)))
    assert err.startswith(f"hamtriage: invalid report: after: {huge} holds more than 1,000,000")
