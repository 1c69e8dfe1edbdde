"""The convenience function over the shared default engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .engine import Engine
from .report import Report
from .results import TriageResult

if TYPE_CHECKING:
    from .flows.retesting import RetestResult

__all__ = ["retest", "triage"]


def triage(report: Report | Mapping[str, Any], *, lang: str = "en") -> TriageResult:
    """Triage ``report`` on the bundled rule pack (the engine is built on first use).

    ``report`` is a :class:`Report` or a mapping of the same shape (e.g. parsed JSON).
    Raises :class:`~hamtriage.ReportError` naming the bad field for invalid input.
    ``lang="nl"`` gives the texts in Dutch (ids, levels and numbers are the same).
    """
    return Engine.default().triage(report, lang=lang)


def retest(
    before: Report | Mapping[str, Any],
    after: Report | Mapping[str, Any],
    *,
    intervention: str | None = None,
    lang: str = "en",
) -> RetestResult:
    """Re-test on the bundled rule pack: :meth:`Engine.retest` on the default engine.

    ``intervention`` is the recommendation done between the two tests (such as
    ``inner_hamstring_opener``). Raises :class:`~hamtriage.ReportError` naming the field.
    """
    return Engine.default().retest(before, after, intervention=intervention, lang=lang)
