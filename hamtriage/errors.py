"""The library's own exception hierarchy.

Every error the library raises is a :class:`HamtriageError`. Third-party errors
(PyYAML, pydantic, durable-rules) are translated at the boundary where they occur and
chained as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "BatchReportError",
    "EngineError",
    "EngineUnavailableError",
    "HamtriageError",
    "LanguageError",
    "ReportError",
    "ReportProblem",
    "RuleIssue",
    "RulePackError",
    "a_or_an",
    "suggest",
]


_SHORTLIST = 64
"""Candidates rapidfuzz keeps for difflib to rank (difflib alone is quadratic: 0.3 s per
unknown id over 20,000 ids)."""


def suggest(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Return up to ``n`` known ids close to ``word`` (for "did you mean").

    difflib's ranking (ratio at least 0.6), over a shortlist that rapidfuzz picks in C:
    its Indel ratio is never below difflib's, so on vocabularies up to the shortlist's
    size the answer is exactly difflib's, and on large ones it stays fast.
    """
    pool = candidates if isinstance(candidates, list | tuple) else list(candidates)
    if len(pool) > _SHORTLIST:
        from rapidfuzz import fuzz, process  # only for large vocabularies: keeps import fast

        picked = process.extract(word, pool, scorer=fuzz.ratio, limit=_SHORTLIST, score_cutoff=59.5)
        pool = [choice for choice, _, _ in picked]
    import difflib  # only for a bad id: a start never needs it (2-5 ms of import)

    return tuple(difflib.get_close_matches(word, pool, n=n, cutoff=0.6))


def a_or_an(noun: str) -> str:
    """``"activity"`` -> ``"an activity"``, ``"symptom"`` -> ``"a symptom"``."""
    return f"an {noun}" if noun[:1] in {"a", "e", "i", "o", "u"} else f"a {noun}"


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    quoted = ", ".join(f"'{s}'" for s in suggestions)
    return f" (did you mean {quoted}?)"


class HamtriageError(Exception):
    """Base class of every error raised by hamtriage.

    Every subclass pickles with its attributes (``issues``, ``field``, ``code``, ...), so
    an error raised in a worker process (``workers=N``, Dask) reaches the caller as the
    error it is: pickle's default would call ``__init__`` with the message alone.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[HamtriageError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class Located(Protocol):
    """Anything with a place in a rule file (a pack's ``Origin``)."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


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

    @classmethod
    def at(
        cls,
        where: Located | tuple[str, int, int] | None,
        message: str,
        *,
        code: str = "invalid",
        severity: str = "error",
        rule_id: str | None = None,
        suggestions: tuple[str, ...] = (),
        fallback: str = "<pack>",
    ) -> RuleIssue:
        """The one builder of issues: at ``where`` (an origin with ``path``, ``line`` and
        ``column``, or a ``(path, line, column)`` tuple; ``None``: line 1 of ``fallback``).
        Any severity but ``"warning"`` is an error: an unknown word never weakens one."""
        if where is None:
            path, line, column = fallback, 1, 1
        elif isinstance(where, tuple):
            path, line, column = where
        else:
            path, line, column = where.path, where.line, where.column
        return cls(
            path,
            line,
            column,
            message,
            severity="warning" if severity == "warning" else "error",
            code=code,
            rule_id=rule_id,
            suggestions=suggestions,
        )

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


@dataclass(frozen=True, slots=True)
class ReportProblem:
    """One problem of a report: the field path, what is wrong, and close ids."""

    field: str
    message: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message}{_did_you_mean(self.suggestions)}"


class ReportError(HamtriageError, ValueError):
    """A report is invalid: :attr:`field` names the place, :attr:`suggestions` close ids.

    :attr:`problems` holds every problem found at once (the first is the one the
    message, :attr:`field` and :attr:`suggestions` describe), as data a web back end
    can turn into a 422 answer.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        value: object = None,
        suggestions: tuple[str, ...] = (),
        problems: Iterable[ReportProblem] = (),
    ) -> None:
        self.field = field
        self.value = value
        self.suggestions = suggestions
        self.message = message
        self.problems: tuple[ReportProblem, ...] = tuple(problems) or (
            ReportProblem(field, message, suggestions),
        )
        where = f"{field}: " if field else ""
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(f"{where}{message}{_did_you_mean(suggestions)}{tail}")

    @classmethod
    def of(cls, problems: Iterable[ReportProblem], value: object = None) -> ReportError:
        """One error for all ``problems`` (at least one), described by the first."""
        listed = tuple(problems)
        first = listed[0]
        return cls(
            first.message,
            field=first.field,
            value=value,
            suggestions=first.suggestions,
            problems=listed,
        )


class LanguageError(ReportError):
    """A ``lang`` the library or the rule pack does not have; :attr:`lang` is what was
    asked, :attr:`available` the languages there are (``field`` is ``"lang"``)."""

    def __init__(
        self,
        lang: object,
        available: Iterable[str],
        *,
        pack: str = "",
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.lang = lang
        self.available: tuple[str, ...] = tuple(available)
        listed = ", ".join(self.available)
        # a well-formed tag ("fr") is a language the pack lacks; anything else is unknown
        tag = isinstance(lang, str) and 2 <= len(lang) <= 3 and lang.isascii()
        if tag and str(lang).isalpha() and str(lang).islower() and pack:
            message = f"the rule pack {pack} has no '{lang}' translation (its languages: {listed})"
        else:
            message = f"unknown language {lang!r} (languages: {listed})"
        super().__init__(message, field="lang", value=lang, suggestions=suggestions)


class EngineError(HamtriageError):
    """The rule engine failed at run time; :attr:`code` is durable-rules' error code."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        self.code = code
        super().__init__(message if code is None else f"{message} (engine error code {code})")


class EngineUnavailableError(HamtriageError, ImportError):
    """The durable-rules C extension cannot be imported on this interpreter."""


class BatchReportError(ReportError):
    """Report ``index`` of a batch is invalid; ``field`` is ``reports[index].<field>``,
    and so is the field of each of :attr:`problems`."""

    def __init__(
        self,
        message: str,
        *,
        index: int,
        field: str = "",
        value: object = None,
        suggestions: tuple[str, ...] = (),
        problems: Iterable[ReportProblem] = (),
    ) -> None:
        self.index = index
        super().__init__(
            message,
            field=_at(index, field),
            value=value,
            suggestions=suggestions,
            problems=[
                ReportProblem(_at(index, p.field), p.message, p.suggestions) for p in problems
            ],
        )

    @classmethod
    def at(cls, index: int, error: ReportError) -> BatchReportError:
        """``error`` (about one report) placed at ``index`` of a batch."""
        return cls(
            error.message,
            index=index,
            field=error.field,
            value=error.value,
            suggestions=error.suggestions,
            problems=error.problems,
        )


def _at(index: int, field: str) -> str:
    return f"reports[{index}]" + (f".{field}" if field and field[0] != "[" else field)
