"""What a re-test found, in words: which changes were real, which within the measurement error.

:func:`explain_retest_result` explains a :class:`~hamtriage.flows.retesting.RetestResult`
(:func:`explain_retest` re-tests first): one :class:`ChangeNote` per change (with its MDC
and the MDC's source) and the why/why-not explanation of the second report's triage
(:mod:`hamtriage.flows.explain`), where the change facts are evidence like any other. :func:`render_retest_text` and :func:`render_retest_markdown` render a
:class:`~hamtriage.flows.retesting.RetestResult` for the ``hamtriage retest`` command.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from ..catalog import BASE, message
from ..report import Report
from ..rules.pack import RulePack
from ..rules.translated import translated_pack
from ._phrasing import number
from .explain import Explanation, build_explanation
from .render import (
    render_explanation_markdown,
    render_explanation_text,
    render_markdown,
    render_text,
)
from .retesting import MeasurementChange, RetestResult, Side, Verdict, facts_after, retest

if TYPE_CHECKING:
    from ..runtime.run import Compiled

__all__ = [
    "ChangeNote",
    "RetestExplanation",
    "change_note",
    "explain_retest",
    "explain_retest_result",
    "render_retest_markdown",
    "render_retest_text",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChangeNote(_Model):
    """One change in words: real or within the measurement error, and by which MDC."""

    measurement: str
    side: Side | None = None
    verdict: Verdict
    real: bool
    mdc: float
    mdc_source: str
    text: str


class RetestExplanation(_Model):
    """The changes, real and within error, and why the re-test's triage came out as it did."""

    changes: tuple[ChangeNote, ...] = ()
    not_retested: tuple[str, ...] = ()
    triage: Explanation

    @property
    def real(self) -> tuple[ChangeNote, ...]:
        """The changes larger than their measurement error."""
        return tuple(c for c in self.changes if c.real)

    @property
    def within_error(self) -> tuple[ChangeNote, ...]:
        """The changes no larger than their measurement error."""
        return tuple(c for c in self.changes if not c.real)

    def to_text(self) -> str:
        """Plain text: the changes, then the re-test's why and why not."""
        lang = self.triage.lang
        lines = [message(lang, "retest.what_changed"), *(f"  {c.text}" for c in self.changes)]
        if self.not_retested:
            ids = ", ".join(self.not_retested)
            lines.append("  " + message(lang, "retest.not_retested_list", ids=ids))
        return "\n".join([*lines, "", render_explanation_text(self.triage)])

    def to_markdown(self) -> str:
        """The same content as :meth:`to_text`, as Markdown."""
        lang = self.triage.lang
        lines = [f"## {message(lang, 'retest.what_changed')}", ""]
        lines += [f"- {c.text}" for c in self.changes]
        if self.not_retested:
            ids = ", ".join(f"`{m}`" for m in self.not_retested)
            lines.append("- " + message(lang, "retest.not_retested_list", ids=ids))
        return "\n".join([*lines, "", render_explanation_markdown(self.triage)])


def change_note(change: MeasurementChange, pack: RulePack, lang: str = "en") -> ChangeNote:
    """``change`` in words in ``lang`` (``pack``: the pack in ``lang``), e.g.
    "Fingertip-to-floor distance: 12 -> 5 cm (-7 cm): a real improvement, larger than the
    measurement error (MDC 4.5 cm; Ekedahl ...)"."""
    item = pack.measurements.get(change.measurement)
    unit = f" {item.unit}" if item is not None else ""
    label = pack.label(change.measurement)
    what = (
        label if change.side is None else message(lang, f"retest.what.{change.side}", label=label)
    )
    sign = "+" if change.change > 0 else ""
    head = message(
        lang,
        "retest.note.head",
        what=what,
        before=number(lang, change.before),
        after=number(lang, change.after),
        change=sign + number(lang, change.change),
        unit=unit,
    )
    error = message(
        lang, "retest.note.error", mdc=number(lang, change.mdc), unit=unit, source=change.mdc_source
    )
    if change.verdict == "no_real_change":
        text = message(lang, "retest.note.within", head=head, error=error)
    else:
        word = message(lang, f"retest.word.{change.verdict}")
        text = message(lang, "retest.note.real", head=head, word=word, error=error)
    return ChangeNote(
        measurement=change.measurement,
        side=change.side,
        verdict=change.verdict,
        real=change.verdict != "no_real_change",
        mdc=change.mdc,
        mdc_source=change.mdc_source,
        text=text,
    )


def _in(pack: RulePack, lang: str) -> RulePack:
    """``pack`` in ``lang`` (its translated view; the pack itself in English)."""
    return pack if lang == BASE else translated_pack(pack, lang)


def explain_retest(
    engine: Compiled,
    before: Report | Mapping[str, Any],
    after: Report | Mapping[str, Any],
    *,
    intervention: str | None = None,
    lang: str = "en",
) -> RetestExplanation:
    """Re-test ``before`` against ``after`` and explain the changes and the new triage."""
    result = retest(engine, before, after, intervention=intervention, lang=lang)
    return explain_retest_result(engine, result, after)


def explain_retest_result(
    engine: Compiled, result: RetestResult, after: Report | Mapping[str, Any]
) -> RetestExplanation:
    """Explain ``result``, the re-test whose second report is ``after``, without
    re-testing: its changes in words and why its triage came out as it did."""
    lang = result.after.lang
    pack = _in(engine.pack, lang)
    return RetestExplanation(
        changes=tuple(change_note(c, pack, lang) for c in result.changes),
        not_retested=result.not_retested,
        triage=build_explanation(pack, facts_after(engine, result, after), result.after),
    )


def _summary(result: RetestResult, pack: RulePack) -> list[str]:
    lang = result.after.lang
    pack = _in(pack, lang)
    m = functools.partial(message, lang)
    after = m("retest.after", label=pack.label(result.intervention)) if result.intervention else ""
    change = (
        result.level_change if lang == BASE else m(f"retest.level_change.{result.level_change}")
    )
    before, level = result.before.level.value, result.after.level.value
    lines = [m("retest.summary", after=after, before=before, level=level, change=change)]
    lines += ["", m("retest.what_changed")]
    notes = [f"  {change_note(c, pack, lang).text}" for c in result.changes]
    lines += notes or [f"  {m('retest.nothing')}"]
    if result.not_retested:
        lines.append("  " + m("retest.not_retested_list", ids=", ".join(result.not_retested)))
    for key, ids in (
        ("retest.gained_hypotheses", result.hypotheses_gained),
        ("retest.lost_hypotheses", result.hypotheses_lost),
        ("retest.gained_recommendations", result.recommendations_gained),
        ("retest.lost_recommendations", result.recommendations_lost),
    ):
        if ids:
            lines.append(f"{m(key)}: " + ", ".join(ids))
    return lines


def render_retest_text(result: RetestResult, pack: RulePack) -> str:
    """Plain text: the level before and after, each change (real or within error, with
    its MDC and source), what was gained and lost, then the re-test's triage."""
    return "\n".join([*_summary(result, pack), "", render_text(result.after)])


def render_retest_markdown(result: RetestResult, pack: RulePack) -> str:
    """The same content as :func:`render_retest_text`, as Markdown."""
    head, *rest = _summary(result, pack)
    out = [f"## {head}", ""]
    what_changed = message(result.after.lang, "retest.what_changed")
    for line in rest:
        if line == what_changed:
            out += [f"**{what_changed}**", ""]
        elif line.startswith("  "):
            out.append(f"- {line.strip()}")
        elif line:
            title, _, ids = line.partition(": ")
            out.append(f"- **{title}:** {ids}")
    return "\n".join([*out, "", render_markdown(result.after)])
