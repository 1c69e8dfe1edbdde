"""The flows (explanations, next questions, re-tests, batches) in another language.

A :class:`LocalizedRunner` is an engine seen in a language: its ``pack`` is the pack's
translated view and its triage results are translated at the edge
(:func:`~hamtriage.flows.translate.localize`), while reports are read and triaged by the
English engine as always. The flows run on it unchanged, so ids, levels and numbers are
the same in every language, only text differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..catalog import BASE
from ..report import Facts, Report
from ..results import TriageResult
from ..rules.pack import RulePack
from ..rules.translated import translated_pack
from .translate import localize, resolve_lang

if TYPE_CHECKING:
    from ..runtime.run import Runner

__all__ = ["LocalizedRunner", "in_language"]


class LocalizedRunner:
    """A runner whose texts are in ``lang`` (see the module's docstring)."""

    def __init__(self, inner: Runner, lang: str) -> None:
        self.inner = inner
        self.lang = lang
        self.english = inner.pack
        self._pack = translated_pack(inner.pack, lang)

    @property
    def pack(self) -> RulePack:
        """The pack's view in this runner's language."""
        return self._pack

    def normalize(self, report: Report | Mapping[str, Any]) -> Facts:
        """The report read by the English pack (ids are the same in every language)."""
        return self.inner.normalize(report)

    def triage(self, report: Report | Mapping[str, Any]) -> TriageResult:
        """The English triage, translated."""
        return localize(self.inner.triage(report), self.english, self.lang)


def in_language(runner: Runner, lang: object) -> Runner:
    """``runner`` itself for English, else a :class:`LocalizedRunner` (``lang`` checked
    against the pack's languages, with a :class:`~hamtriage.LanguageError`)."""
    if lang == BASE:
        return runner
    return LocalizedRunner(runner, resolve_lang(lang, runner.pack))
