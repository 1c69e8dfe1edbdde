"""``--lang`` on every command; its default from HAMTRIAGE_LANG, then the locale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamtriage import cli
from hamtriage._commands._lang import default_lang
from hamtriage.catalog import message
from tests.support.packs import tiny_pack

ROOT = Path(__file__).resolve().parent.parent
HINGE = str(ROOT / "examples" / "reports" / "hinge_spasms.json")
LOCALE = ("HAMTRIAGE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in LOCALE:
        monkeypatch.delenv(var, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", cli.COMMANDS)
def test_every_command_takes_lang(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "--lang LANG" in out
    assert "HAMTRIAGE_LANG" in out


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("en", "default")),
        ({"LANG": "nl_NL.UTF-8"}, ("nl", "locale")),
        ({"LANG": "nl_BE.UTF-8"}, ("nl", "locale")),
        ({"LANG": "de_DE.UTF-8"}, ("en", "locale")),
        ({"LANG": "C.UTF-8"}, ("en", "locale")),
        ({"LANG": "nl_NL.UTF-8", "LC_ALL": "en_GB.UTF-8"}, ("en", "locale")),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nl_NL"}, ("nl", "locale")),
        ({"LANG": "en_GB.UTF-8", "HAMTRIAGE_LANG": "nl"}, ("nl", "HAMTRIAGE_LANG")),
        ({"LC_ALL": "nl_NL.UTF-8", "HAMTRIAGE_LANG": "en"}, ("en", "HAMTRIAGE_LANG")),
    ],
)
def test_the_default_language(env: dict[str, str], expected: tuple[str, str]) -> None:
    assert default_lang(env) == expected


def test_triage_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "triage", HINGE, "--lang", "nl")
    assert code == 0
    assert out.startswith("Triageniveau: ")
    assert message("nl", "disclaimer") in out
    code, out, _ = run(capsys, "triage", HINGE, "--lang", "nl", "--format", "json")
    assert json.loads(out)["lang"] == "nl"


@pytest.mark.parametrize(
    ("var", "value"), [("HAMTRIAGE_LANG", "nl"), ("LANG", "nl_NL.UTF-8"), ("LC_ALL", "nl_BE")]
)
def test_the_environment_chooses_dutch(
    var: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(var, value)
    code, out, _ = run(capsys, "triage", HINGE)
    assert code == 0
    assert out.startswith("Triageniveau: ")
    code, out, _ = run(capsys, "triage", HINGE, "--lang", "en")  # the flag wins
    assert out.startswith("Triage level: ")


def test_a_dutch_locale_with_a_pack_without_dutch_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = "rules:\n  - {id: r1, title: A, evidence: research, source: [S1], when: {symptom: a}, then: [{support: h1, certainty: 0.5}]}\n"
    pack = tiny_pack(tmp_path / "p", rules)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    code, out, _ = run(capsys, "triage", "--symptom", "a", "--rules", str(pack))
    assert code == 0
    assert out.startswith("Triage level: ")
    # asked for by name, it is an error naming the pack's languages
    code, _, err = run(capsys, "triage", "--symptom", "a", "--rules", str(pack), "--lang", "nl")
    assert code == 2
    assert "has no 'nl' translation (its languages: en)" in err


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("NL", "hamtriage: --lang: unknown language 'NL' (languages: en, nl) (did you mean 'nl'?)"),
        ("dutch", "unknown language 'dutch' (languages: en, nl) (did you mean 'nl'?)"),
        ("fr", "has no 'fr' translation (its languages: en, nl)"),
    ],
)
def test_a_bad_lang_is_a_usage_error(
    given: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ("triage", HINGE),
        ("explain", HINGE),
        ("ask", HINGE, "--list"),
        ("retest", HINGE, HINGE),
        ("vocab",),
    ):
        code, out, err = run(capsys, *argv, "--lang", given)
        assert code == 2, argv
        assert expected in err, argv
        assert out == ""
        assert "Traceback" not in err


def test_explain_ask_retest_and_vocab_speak_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", HINGE, "--lang", "nl")
    assert code == 0
    assert out.startswith("Waarom wel en waarom niet")
    code, out, _ = run(capsys, "ask", HINGE, "--list", "--lang", "nl", "--format", "json")
    assert code == 0
    assert json.loads(out)["lang"] == "nl"
    code, out, _ = run(capsys, "retest", HINGE, HINGE, "--lang", "nl", "--format", "json")
    assert code == 0
    assert json.loads(out)["after"]["lang"] == "nl"
    code, out, _ = run(capsys, "vocab", "--kind", "symptom", "--lang", "nl", "--format", "json")
    assert code == 0
    labels = {e["id"]: e["label"] for e in json.loads(out)}
    assert labels["low_back_spasms"] != "Low-back spasms"
