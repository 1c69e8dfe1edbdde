"""The intake benchmark's rounds (benchmarks/intake.py): each round times every message
in both languages, alternating which language goes first, and the summary reports the
rounds as they were measured."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from benchmarks import intake
from hamtriage import Engine


def _steps(*durations: float) -> Callable[[], float]:
    """A clock whose readings advance by ``durations`` in turn (one step per reading)."""
    now = itertools.accumulate(itertools.cycle(durations), initial=0.0)
    return lambda: next(now)


def test_rounds_time_every_message_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    pack = Engine.default().pack
    texts = {"en": ["my knee is swollen", "no numbness"], "nl": ["mijn knie is dik"]}
    seen: list[str] = []
    from hamtriage import parse_text as original

    def spy(text: str, pack: object = None, *, lang: str = "en") -> object:
        seen.append(lang)
        return original(text, pack, lang=lang)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "parse_text", spy)
    # each parse: a start and an end reading, 1 ms apart; 2 ms pass between parses
    done = intake.rounds(texts, pack, 3, clock=_steps(0.001, 0.002))
    assert [r.medians for r in done] == [
        {"en": pytest.approx(0.001), "nl": pytest.approx(0.001)}
    ] * 3
    # the order of the languages alternates from round to round
    assert seen == ["en", "en", "nl", "nl", "en", "en", "en", "en", "nl"]


def test_summary_counts_rounds_under_the_target() -> None:
    done = [intake.Round({"en": m}) for m in (0.0008, 0.0012, 0.0009, 0.0011, 0.0007)]
    line = intake.summary(done, "en")
    assert "5 rounds" in line
    assert "median of the rounds' medians 0.900 ms" in line
    assert "quickest round 0.700 ms" in line
    assert "slowest 1.200 ms" in line
    assert "3 of 5 rounds under 1 ms" in line


def test_rounds_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        intake.main(["--rounds", "0"])
    assert stop.value.code == 2
    assert "--rounds must be at least 1" in capsys.readouterr().err
