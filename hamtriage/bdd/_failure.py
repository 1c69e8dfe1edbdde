"""How a scenario fails: :class:`ScenarioFailure`, and the number parsing of its steps.

A failure says what was expected and what came out (or what is wrong in the scenario);
the plugin adds where and prints it without a Python traceback.
"""

from __future__ import annotations

import re

__all__ = ["ScenarioFailure", "a_noun", "parse_number"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class ScenarioFailure(AssertionError):
    """A scenario's expectation was not met, or the scenario itself is wrong.

    The message says what was expected and what came out; the plugin adds where
    (feature file, scenario, step) and prints it without a Python traceback.
    """

    def __init__(self, message: str, *, at_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = ""
        self.at_step = at_step  # the Given step to blame, when it is not the failing one

    def __str__(self) -> str:
        return f"{self.location}\n{self.message}" if self.location else self.message


def parse_number(text: str, what: str) -> float:
    """``"6.5"`` -> 6.5; anything but a plain number is a mistake in the scenario."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ScenarioFailure(f"Problem in the scenario: {what} must be a number, not '{text}'.")
    return float(cleaned)


def a_noun(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"
