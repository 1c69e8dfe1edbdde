"""The re-test loop: two reports of one athlete compared against each test's measurement error.

:func:`retest` normalises a ``before`` and an ``after`` report, judges every measurement
given in both (and, for sided tests, each side and the left-right difference) against
its minimal detectable change (MDC95, pack data: ``retest:`` on the measurement), and
triages ``after`` with the verdicts as evidence: ``chg:`` facts that rules read with
``{change: ID, verdict: improved}`` (see :mod:`hamtriage.runtime.wire`). It runs on a
:class:`~hamtriage.runtime.run.Compiled` pack (:meth:`hamtriage.Engine.retest` passes its own).

A change is ``after - before`` rounded to 4 decimals (the report's precision) and is
real only if its size is *greater* than the MDC: a change exactly equal to the MDC is
``no_real_change``. The asymmetry of a sided test (``|left - right|``) is judged against
the MDC times the square root of 2: a difference of two sides carries the error of both.
The value of a sided test without a side is the one triage reads (its worse side), over
the sides measured both times, so a side tested only once never decides it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from ..catalog import LANGUAGES  # re-exported: the languages of the library's texts
from ..errors import ReportError, a_or_an, suggest
from ..report import Facts, Report
from ..results import MatchedFact, TriageResult
from ..rules.logic import change_key
from ..rules.pack import RulePack
from ..rules.schema import MeasurementItem

if TYPE_CHECKING:
    from ..runtime.run import Compiled

__all__ = [
    "DEFAULT_MDC_SHARE",
    "LANGUAGES",
    "VERDICTS_TEXT",
    "MeasurementChange",
    "MeasurementError",
    "RetestResult",
    "Side",
    "Verdict",
    "compare",
    "describe_change_fact",
    "facts_after",
    "judge",
    "measurement_error",
    "retest",
    "retest_facts",
]

Verdict = Literal["improved", "no_real_change", "worse"]
Side = Literal["left", "right", "asymmetry"]

VERDICTS_TEXT: tuple[Verdict, ...] = ("improved", "no_real_change", "worse")
"""The verdicts, in order."""
DEFAULT_MDC_SHARE = 0.1
"""A measurement whose pack gives no MDC is judged against this share of its valid range."""
_SIDES: tuple[Side, ...] = ("left", "right")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MeasurementChange(_Model):
    """One measurement (or one side of it) re-tested, judged against its MDC."""

    measurement: str
    side: Side | None = None
    before: float
    after: float
    change: float
    mdc: float
    mdc_source: str
    verdict: Verdict


class RetestResult(_Model):
    """Two triages of one athlete and what changed between them. Not a diagnosis."""

    changes: tuple[MeasurementChange, ...] = ()
    not_retested: tuple[str, ...] = ()
    before: TriageResult
    after: TriageResult
    intervention: str | None = None
    level_change: Literal["raised", "unchanged", "lowered"]
    hypotheses_gained: tuple[str, ...] = ()
    hypotheses_lost: tuple[str, ...] = ()
    recommendations_gained: tuple[str, ...] = ()
    recommendations_lost: tuple[str, ...] = ()

    def change(self, measurement: str, side: Side | None = None) -> MeasurementChange | None:
        """The change of ``measurement`` (on ``side``), or None if it was not re-tested."""
        return next(
            (c for c in self.changes if c.measurement == measurement and c.side == side), None
        )


class MeasurementError(_Model):
    """The MDC a measurement is judged against, where it comes from, and which way is better."""

    mdc: float
    source: str
    better: Literal["lower", "higher"]
    published: bool


# ------------------------------------------------------------------- judging


def _round(value: float) -> float:
    rounded = round(value, 4)
    return 0.0 if rounded == 0 else rounded


def judge(before: float, after: float, mdc: float, better: Literal["lower", "higher"]) -> Verdict:
    """The verdict on a change from ``before`` to ``after``, at 4 decimals.

    A change no larger than ``mdc`` (exactly equal included) is ``no_real_change``.
    """
    delta = _round(after - before)
    if abs(delta) <= _round(mdc):
        return "no_real_change"
    return "improved" if (delta > 0) == (better == "higher") else "worse"


def measurement_error(pack: RulePack, item: MeasurementItem) -> MeasurementError:
    """The pack's MDC for ``item``, or the documented default when the pack gives none."""
    better: Literal["lower", "higher"] = "higher" if item.worse == "lower" else "lower"
    spec = item.retest
    if spec is None:
        lo, hi = item.range
        return MeasurementError(
            mdc=_round((hi - lo) * DEFAULT_MDC_SHARE),
            source=(
                f"no MDC in the rule pack: default of {DEFAULT_MDC_SHARE:.0%} of the valid "
                f"range [{lo:g}, {hi:g}] {item.unit}"
            ),
            better=better,
            published=False,
        )
    titles = "; ".join(pack.sources[k].title if k in pack.sources else k for k in spec.source)
    source = titles if spec.published else f"no published MDC, conservative default ({titles})"
    return MeasurementError(
        mdc=_round(spec.mdc), source=source, better=better, published=spec.published
    )


def _worse(values: list[float], item: MeasurementItem) -> float:
    return min(values) if item.worse == "lower" else max(values)


def _one(
    mid: str, side: Side | None, before: float, after: float, mdc: float, source: str, better: Any
) -> MeasurementChange:
    return MeasurementChange(
        measurement=mid,
        side=side,
        before=before,
        after=after,
        change=_round(after - before),
        mdc=mdc,
        mdc_source=source,
        verdict=judge(before, after, mdc, better),
    )


def _changes_of(
    pack: RulePack, mid: str, before: Facts, after: Facts
) -> Iterator[MeasurementChange | str]:
    """The changes of one measurement given in both reports, and the sides given in one only
    (as ``"ID.left"``)."""
    item = pack.measurements[mid]
    err = measurement_error(pack, item)
    sb, sa = before.sides.get(mid), after.sides.get(mid)
    if sb is None or sa is None:  # a plain number in either report: compare what triage reads
        b, a = before.measurements[mid], after.measurements[mid]
        yield _one(mid, None, b, a, err.mdc, err.source, err.better)
        return
    common = [i for i in range(2) if sb[i] is not None and sa[i] is not None]
    if common:
        b = _worse([v for i in common if (v := sb[i]) is not None], item)
        a = _worse([v for i in common if (v := sa[i]) is not None], item)
        yield _one(mid, None, b, a, err.mdc, err.source, err.better)
    for i, side in enumerate(_SIDES):
        vb, va = sb[i], sa[i]
        if vb is not None and va is not None:
            yield _one(mid, side, vb, va, err.mdc, err.source, err.better)
        elif vb is not None or va is not None:
            yield f"{mid}.{side}"
    if len(common) == 2:
        lb, rb = sb
        la, ra = sa
        assert lb is not None
        assert rb is not None
        assert la is not None
        assert ra is not None
        mdc = _round(err.mdc * math.sqrt(2))
        source = f"the per-side MDC times the square root of 2 ({err.source})"
        yield _one(
            mid, "asymmetry", _round(abs(lb - rb)), _round(abs(la - ra)), mdc, source, "lower"
        )


def compare(
    pack: RulePack, before: Facts, after: Facts
) -> tuple[tuple[MeasurementChange, ...], tuple[str, ...]]:
    """The changes between two normalised reports, and what was not re-tested.

    Changes come in the pack's measurement order, each measurement's overall change
    first, then left, right and the asymmetry. ``not_retested`` names measurements given
    in one report only, and sides of a sided test given in one only (``ID.left``).
    """
    changes: list[MeasurementChange] = []
    missing: list[str] = []
    for mid in pack.measurements:
        in_before, in_after = mid in before.measurements, mid in after.measurements
        if in_before and in_after:
            for got in _changes_of(pack, mid, before, after):
                if isinstance(got, str):
                    missing.append(got)
                else:
                    changes.append(got)
        elif in_before or in_after:
            missing.append(mid)
    return tuple(changes), tuple(missing)


# ------------------------------------------------------------------- the loop


def _facts(engine: Compiled, report: Report | Mapping[str, Any], which: str) -> Facts:
    try:
        return engine.normalize(report)
    except ReportError as exc:
        field = f"{which}.{exc.field}" if exc.field else which
        raise ReportError(
            exc.message, field=field, value=exc.value, suggestions=exc.suggestions
        ) from None


def _intervention(pack: RulePack, intervention: str | None) -> str | None:
    if intervention is None:
        return None
    if not isinstance(intervention, str):
        raise ReportError(
            "must be a recommendation id such as 'inner_hamstring_opener'",
            field="intervention",
            value=intervention,
        )
    found = pack.resolve(intervention)
    if found is not None and pack.kinds.get(found) == "recommendation":
        return found
    recs = list(pack.recommendations)
    raise ReportError(
        f"unknown recommendation '{intervention}'"
        + (f" ('{found}' is {a_or_an(pack.kinds[found])})" if found is not None else ""),
        field="intervention",
        value=intervention,
        suggestions=suggest(intervention, recs)
        or suggest(intervention.lower().replace(" ", "_"), recs),
    )


def retest(
    engine: Compiled,
    before: Report | Mapping[str, Any],
    after: Report | Mapping[str, Any],
    *,
    intervention: str | None = None,
    lang: str = "en",
) -> RetestResult:
    """Compare ``before`` and ``after`` on ``engine`` and triage ``after`` with the changes.

    Raises :class:`~hamtriage.ReportError` whose ``field`` starts with ``before.`` or
    ``after.`` for an invalid report, or is ``intervention`` (with "did you mean") or
    ``lang``.
    """
    return retest_facts(engine, before, after, intervention=intervention, lang=lang)[0]


def retest_facts(
    engine: Compiled,
    before: Report | Mapping[str, Any],
    after: Report | Mapping[str, Any],
    *,
    intervention: str | None = None,
    lang: str = "en",
) -> tuple[RetestResult, Facts]:
    """:func:`retest`, and the second report's facts with the changes (for explanations)."""
    from .translate import localize, resolve_lang

    pack = engine.pack
    lang = resolve_lang(lang, pack)  # a LanguageError (a ReportError on field "lang")
    done = _intervention(pack, intervention)
    fb = _facts(engine, before, "before")
    fa = _facts(engine, after, "after")
    changes, not_retested = compare(pack, fb, fa)
    fa = _with_changes(fa, changes, done)
    first = localize(engine.triage_facts(fb), pack, lang)
    second = localize(engine.triage_facts(fa), pack, lang)
    hyp_b = [h.id for h in first.hypotheses]
    hyp_a = [h.id for h in second.hypotheses]
    rec_b = [r.id for r in first.recommendations]
    rec_a = [r.id for r in second.recommendations]
    rank_b, rank_a = first.level.rank, second.level.rank
    result = RetestResult(
        changes=changes,
        not_retested=not_retested,
        before=first,
        after=second,
        intervention=done,
        level_change="raised" if rank_a > rank_b else "lowered" if rank_a < rank_b else "unchanged",
        hypotheses_gained=tuple(h for h in hyp_a if h not in hyp_b),
        hypotheses_lost=tuple(h for h in hyp_b if h not in hyp_a),
        recommendations_gained=tuple(r for r in rec_a if r not in rec_b),
        recommendations_lost=tuple(r for r in rec_b if r not in rec_a),
    )
    return result, fa


def facts_after(engine: Compiled, result: RetestResult, after: Report | Mapping[str, Any]) -> Facts:
    """The facts ``result.after`` was triaged with: the second report ``after`` (the one
    ``result`` re-tested) with ``result``'s changes and intervention (for explanations)."""
    return _with_changes(_facts(engine, after, "after"), result.changes, result.intervention)


def _with_changes(facts: Facts, changes: tuple[MeasurementChange, ...], done: str | None) -> Facts:
    verdicts = {change_key(c.measurement, c.side): c.verdict for c in changes}
    return replace(
        facts, changes=verdicts, interventions=frozenset({done}) if done else frozenset()
    )


def describe_change_fact(fact: MatchedFact, pack: RulePack, lang: str = "en") -> str:
    """A re-test's matched fact in plain words in ``lang`` (for explanations; ``pack``:
    the pack in ``lang``)."""
    from ..catalog import message

    if fact.kind == "intervention":
        return message(lang, "change_fact.intervention", label=pack.label(fact.id))
    mid, _, side = fact.id.partition(":")
    # English keeps the side's id ("asymmetry"), as it always has
    where = ""
    if side:
        word = side if lang == "en" else message(lang, f"retest.side.{side}").strip(" ()")
        where = f" ({word})"
    value = str(fact.value)
    key = value if value in ("improved", "worse", "no_real_change") else "other"
    return message(lang, f"change_fact.{key}", label=pack.label(mid), where=where, value=value)
