"""RFC 9457 problem details: every error the service answers, in one shape.

``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and
``errors``: every problem found, each with its field path, message and "did you mean"
suggestions. No stack trace or file path ever goes into a response.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hamtriage import ReportError

__all__ = [
    "PROBLEM_TYPES",
    "Problem",
    "ProblemError",
    "ProblemItem",
    "field_path",
    "problem_body",
    "report_error_items",
    "validation_items",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"

PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("malformed-request", "The request body is not valid JSON"),
    401: ("unauthorized", "A valid API key is required"),
    404: ("not-found", "No such resource"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("body-too-large", "The request body is too large"),
    415: ("unsupported-media-type", "The request body must be JSON"),
    422: ("invalid-input", "The request is not a valid input"),
    500: ("internal-error", "Internal error"),
    503: ("not-ready", "The service is not ready"),
}
"""Status code -> (the last part of ``type``, ``title``)."""

TYPE_BASE = "https://hamtriage.invalid/problems/"
"""``type`` URIs are identifiers only (RFC 9457 section 3.1.1); they are not fetched."""


class ProblemItem(BaseModel):
    """One problem of a request: where, what, and close valid values."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="path of the bad value, e.g. 'symptoms[0]'; '' for the body")
    message: str
    suggestions: list[str] = Field(default_factory=list, description="did you mean ...")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = Field(default_factory=list)


class ProblemError(Exception):
    """Raised inside the app; answered as a problem response."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[ProblemItem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = dict(headers or {})


def problem_body(status: int, detail: str, errors: Iterable[ProblemItem] = ()) -> bytes:
    """The JSON bytes of a problem response."""
    slug, title = PROBLEM_TYPES.get(status, ("error", "Error"))
    problem = Problem(
        type=TYPE_BASE + slug, title=title, status=status, detail=detail, errors=list(errors)
    )
    return problem.model_dump_json().encode()


def field_path(loc: Sequence[str | int]) -> str:
    """``("body", "symptoms", 0)`` -> ``"symptoms[0]"``; query and header names keep their place."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def report_error_items(exc: ReportError) -> list[ProblemItem]:
    """Every problem of a :class:`hamtriage.ReportError`, each with its field path.

    Uses ``exc.problems`` (:class:`hamtriage.errors.ReportProblem` items: every problem
    at once); an error without any falls back to its own ``field``, ``message`` and
    ``suggestions``.
    """
    problems = getattr(exc, "problems", None)  # a subclass may not set it
    items: list[ProblemItem] = []
    if problems:
        for problem in problems:
            field, message, suggestions = _problem_parts(problem)
            items.append(ProblemItem(field=field, message=message, suggestions=suggestions))
        return items
    return [ProblemItem(field=exc.field, message=exc.message, suggestions=list(exc.suggestions))]


def _problem_parts(problem: Any) -> tuple[str, str, list[str]]:
    if isinstance(problem, Mapping):
        field = problem.get("field", "")
        message = problem.get("message", "")
        suggestions = problem.get("suggestions", ())
    elif isinstance(problem, tuple | list):
        field, message, suggestions = ([*list(problem), "", "", ()])[:3]
    else:
        field = getattr(problem, "field", "")
        message = getattr(problem, "message", str(problem))
        suggestions = getattr(problem, "suggestions", ())
    return str(field), str(message), [str(s) for s in suggestions or ()]


def validation_items(
    errors: Iterable[Mapping[str, Any]], known_keys: Mapping[str, Sequence[str]] | None = None
) -> list[ProblemItem]:
    """Pydantic/FastAPI validation errors as problem items.

    ``known_keys`` maps a parent path ('' for the body) to its allowed keys, for "did you
    mean" on unknown keys.
    """
    items: list[ProblemItem] = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        path = field_path(loc)
        message = str(error.get("msg", "invalid value"))
        suggestions: list[str] = []
        if error.get("type") == "extra_forbidden" and loc and known_keys is not None:
            parent = field_path(loc[:-1])
            allowed = known_keys.get(parent, ())
            suggestions = difflib.get_close_matches(str(loc[-1]), list(allowed), n=3, cutoff=0.6)
            message = f"unknown key '{loc[-1]}'"
        items.append(ProblemItem(field=path, message=message, suggestions=suggestions))
    return items


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True if ``value`` nests lists and objects deeper than ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_json(body: bytes, max_depth: int) -> tuple[Any, str | None]:
    """``(value, None)``, or ``(None, why)`` when ``body`` is not acceptable JSON."""
    if not body.strip():
        return None, "the request body is empty"
    try:
        value = json.loads(body)
    except UnicodeDecodeError:
        return None, "the request body is not UTF-8"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, f"JSON nested deeper than {max_depth} levels"
    except ValueError:
        return None, "not valid JSON"
    if json_depth_exceeds(value, max_depth):
        return None, f"JSON nested deeper than {max_depth} levels"
    return value, None
