"""The convenience function over the shared default engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import Engine
from .report import Report
from .results import TriageResult

__all__ = ["triage"]


def triage(report: Report | Mapping[str, Any]) -> TriageResult:
    """Triage ``report`` on the bundled rule pack (the engine is built on first use).

    ``report`` is a :class:`Report` or a mapping of the same shape (e.g. parsed JSON).
    Raises :class:`~hamtriage.ReportError` naming the bad field for invalid input.
    """
    return Engine.default().triage(report)
