"""The library's own exception hierarchy.

Every error the library raises is a :class:`HamtriageError`. Third-party errors
(PyYAML, pydantic, durable-rules) are translated at the boundary where they occur and
chained as ``__cause__``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BatchReportError",
    "EngineError",
    "EngineUnavailableError",
    "HamtriageError",
    "ReportError",
    "RuleIssue",
    "RulePackError",
    "a_or_an",
    "suggest",
]


def suggest(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Return up to ``n`` known ids close to ``word`` (for "did you mean")."""
    return tuple(difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6))


def a_or_an(noun: str) -> str:
    """``"activity"`` -> ``"an activity"``, ``"symptom"`` -> ``"a symptom"``."""
    return f"an {noun}" if noun[:1] in {"a", "e", "i", "o", "u"} else f"a {noun}"


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    quoted = ", ".join(f"'{s}'" for s in suggestions)
    return f" (did you mean {quoted}?)"


class HamtriageError(Exception):
    """Base class of every error raised by hamtriage."""


@dataclass(frozen=True)
class RuleIssue:
    """One problem in a rule pack, located as ``file:line:col``."""

    path: str
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"
    code: str = "invalid"
    rule_id: str | None = None
    suggestions: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: "
            f"{self.message}{_did_you_mean(self.suggestions)}"
        )


class RulePackError(HamtriageError):
    """A rule pack could not be loaded; :attr:`issues` lists every problem found."""

    def __init__(self, issues: Iterable[RuleIssue], *, pack: str = "") -> None:
        self.issues: tuple[RuleIssue, ...] = tuple(issues)
        self.pack = pack
        super().__init__(self._render())

    def _render(self) -> str:
        errors = [i for i in self.issues if i.severity == "error"]
        where = f" in rule pack {self.pack}" if self.pack else ""
        head = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}{where}:"
        return "\n".join([head, *(str(i) for i in self.issues)])


class ReportError(HamtriageError, ValueError):
    """A report is invalid: :attr:`field` names the place, :attr:`suggestions` close ids."""

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        value: object = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.field = field
        self.value = value
        self.suggestions = suggestions
        self.message = message
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{message}{_did_you_mean(suggestions)}")


class EngineError(HamtriageError):
    """The rule engine failed at run time; :attr:`code` is durable-rules' error code."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        self.code = code
        super().__init__(message if code is None else f"{message} (engine error code {code})")


class EngineUnavailableError(HamtriageError, ImportError):
    """The durable-rules C extension cannot be imported on this interpreter."""


class BatchReportError(ReportError):
    """Report ``index`` of a batch is invalid; ``field`` is ``reports[index].<field>``."""

    def __init__(
        self,
        message: str,
        *,
        index: int,
        field: str = "",
        value: object = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.index = index
        where = f"reports[{index}]" + (f".{field}" if field and field[0] != "[" else field)
        super().__init__(message, field=where, value=value, suggestions=suggestions)

    @classmethod
    def at(cls, index: int, error: ReportError) -> BatchReportError:
        """``error`` (about one report) placed at ``index`` of a batch."""
        return cls(
            error.message,
            index=index,
            field=error.field,
            value=error.value,
            suggestions=error.suggestions,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (self.message, self.index, self.field, self.suggestions))


def _rebuild_error(
    message: str, index: int, field: str, suggestions: tuple[str, ...]
) -> BatchReportError:
    error = BatchReportError(message, index=index, suggestions=suggestions)
    error.field = field
    return error
