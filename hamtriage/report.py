"""The input report (public JSON contract) and its normalisation against a pack."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)

from .errors import ReportError, a_or_an, suggest
from .rules.pack import RulePack

__all__ = [
    "MAX_ITEMS",
    "MAX_MEASUREMENTS",
    "MAX_TEXT",
    "Facts",
    "Report",
    "SidedValue",
    "coerce_report",
    "normalize",
    "validate_report",
]

MAX_ITEMS = 100
"""At most this many ids in each of ``symptoms``, ``absent``, ``activities``, ``history``."""
MAX_MEASUREMENTS = 50
"""At most this many measurements in one report."""
MAX_TEXT = 120
"""At most this many characters in one id or synonym."""

IdText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
if TYPE_CHECKING:  # callers may pass any sequence of ids (a list, typically)
    IdList = Sequence[str]
else:
    IdList = Annotated[tuple[IdText, ...], Field(max_length=MAX_ITEMS)]
"""A list of ids (a tuple or set is accepted too); stored as a tuple so that a report is
immutable. Validated in pydantic-core: a ``Sequence`` type would run a Python-level check
per field and report."""
Value = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class SidedValue(BaseModel):
    """A sided test's result: ``{"left": n, "right": n}`` (one side may be missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    left: Value | None = None
    right: Value | None = None

    @model_validator(mode="after")
    def _one_side(self) -> SidedValue:
        if self.left is None and self.right is None:
            raise ValueError("give at least one of left, right")
        return self


def _value_kind(v: Any) -> str:
    return "sided" if isinstance(v, dict | SidedValue) else "number"


MeasurementValue = Annotated[
    Annotated[Value, Tag("number")] | Annotated[SidedValue, Tag("sided")],
    Discriminator(_value_kind),
]


class Report(BaseModel):
    """What the athlete reports. Unknown keys are rejected; ids may be given as synonyms.

    * ``symptoms``: ids reported present; ``absent``: ids the athlete explicitly denies;
    * ``measurements``: id -> number, or id -> ``{"left": n, "right": n}`` for sided tests;
    * ``activities``, ``history``: ids; ``age`` in years and ``sex`` are optional;
    * ``suspected``: symptom or history ids that free text hinted at but did not settle
      (see :func:`hamtriage.parse_text`). They count as present for the triage level
      (over-triage rather than under-triage) and the result lists them under
      ``to_confirm`` with their questions until the report confirms or denies them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    symptoms: IdList = ()
    absent: IdList = ()
    measurements: Annotated[dict[IdText, MeasurementValue], Field(max_length=MAX_MEASUREMENTS)] = (
        Field(default_factory=dict)
    )
    activities: IdList = ()
    history: IdList = ()
    age: Annotated[int, Field(ge=0, le=120, strict=True)] | None = None
    sex: Literal["female", "male"] | None = None
    suspected: IdList = ()


_UNION_LABELS = {"number", "sided"}


def _field_name(loc: tuple[int | str, ...]) -> str:
    """``('measurements', 'k', 'SidedValue', 'left')`` -> ``measurements.k.left``."""
    out = ""
    for seg in loc:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif seg not in _UNION_LABELS:
            out += f".{seg}" if out else seg
    return out


def coerce_report(report: Report | Mapping[str, Any]) -> Report:
    """Validate a mapping (e.g. parsed JSON) into a :class:`Report`, raising :class:`ReportError`."""
    if isinstance(report, Report):
        return report
    if not isinstance(report, Mapping):
        raise ReportError(
            f"a report must be a mapping or a Report, not {type(report).__name__}", value=report
        )
    try:
        return Report.model_validate(dict(report))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        field = _field_name(tuple(first["loc"]))
        msg = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "tuple_type" and len(first["loc"]) == 1:
            msg = 'expected a list of ids, e.g. ["tight_calves"]'
        if first["type"] == "extra_forbidden":
            msg = f"unknown key (allowed: {', '.join(Report.model_fields)})"
        more = (
            f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
            if len(errors) > 1
            else ""
        )
        raise ReportError(msg + more, field=field, value=first.get("input")) from None


@dataclass(frozen=True, slots=True)
class Facts:
    """A report resolved against a pack: ids only, sided tests reduced to their worse side."""

    present: frozenset[str]
    absent: frozenset[str]
    activities: frozenset[str]
    measurements: Mapping[str, float]
    sides: Mapping[str, tuple[float | None, float | None]]
    asymmetries: Mapping[str, float]
    age: int | None
    sex: str | None
    report: Report
    suspected: frozenset[str] = frozenset()
    """Suspected ids the report did not confirm (they are in ``present`` too)."""
    changes: Mapping[str, str] = field(default_factory=dict)
    """A re-test's verdicts by change key (``knee_to_wall_cm:left``); empty otherwise."""
    interventions: frozenset[str] = frozenset()
    """The recommendation done between a re-test's two reports (``after:`` facts)."""


_FINDINGS = ("symptom", "history")
_HISTORY = ("history", "symptom")
_ACTIVITIES = ("activity",)


def _resolve_ids(
    pack: RulePack, field: str, values: Sequence[str], allowed: tuple[str, ...]
) -> list[str]:
    out: list[str] = []
    kinds = pack.kinds
    for i, raw in enumerate(values):
        vid = raw if raw in kinds else pack.resolve(raw)
        if vid is None:
            candidates = [k for k, kind in kinds.items() if kind in allowed]
            raise ReportError(
                f"unknown {' or '.join(allowed)} '{raw}'",
                field=f"{field}[{i}]",
                value=raw,
                suggestions=suggest(raw, candidates)
                or suggest(raw.lower().replace(" ", "_"), candidates),
            )
        kind = kinds[vid]
        if kind not in allowed:
            raise ReportError(
                f"'{raw}' is {a_or_an(kind)}, not {a_or_an(' or '.join(allowed))}",
                field=f"{field}[{i}]",
                value=raw,
            )
        if vid in out:
            raise ReportError(
                f"'{raw}' is listed twice (as '{vid}')", field=f"{field}[{i}]", value=raw
            )
        out.append(vid)
    return out


def _check_value(pack: RulePack, mid: str, raw: str, side: str, value: float) -> float:
    item = pack.measurements[mid]
    lo, hi = item.range
    if not math.isfinite(value) or not lo <= value <= hi:
        field = f"measurements.{raw}{side}"
        raise ReportError(
            f"{value:g} {item.unit} is outside the valid range of {mid} [{lo:g}, {hi:g}] {item.unit}",
            field=field,
            value=value,
        )
    rounded = round(value, 4)
    return 0.0 if rounded == 0 else rounded


def normalize(report: Report | Mapping[str, Any], pack: RulePack) -> Facts:
    """Resolve ids and synonyms, check ranges, reduce sided tests. Raises :class:`ReportError`."""
    rep = coerce_report(report)
    present = _resolve_ids(pack, "symptoms", rep.symptoms, _FINDINGS) if rep.symptoms else []
    history = _resolve_ids(pack, "history", rep.history, _HISTORY) if rep.history else []
    for i, h in enumerate(history):
        if h in present:
            raise ReportError(
                f"'{h}' is listed under both symptoms and history", field=f"history[{i}]"
            )
    absent = _resolve_ids(pack, "absent", rep.absent, _FINDINGS) if rep.absent else []
    if absent:
        both = set(absent) & (set(present) | set(history))
        if both:
            name = sorted(both)[0]
            raise ReportError(
                f"'{name}' is reported both present and absent", field="absent", value=name
            )
    activities = (
        _resolve_ids(pack, "activities", rep.activities, _ACTIVITIES) if rep.activities else []
    )
    suspected: list[str] = []
    if rep.suspected:
        suspected = _resolve_ids(pack, "suspected", rep.suspected, _FINDINGS)
        denied = set(absent) & set(suspected)
        if denied:
            name = sorted(denied)[0]
            raise ReportError(
                f"'{name}' is reported both suspected and absent (a denial settles it: "
                "leave it out of suspected)",
                field="suspected",
                value=name,
            )
        # confirmed ones are simply present
        suspected = [s for s in suspected if s not in present and s not in history]

    values: dict[str, float] = {}
    sides: dict[str, tuple[float | None, float | None]] = {}
    asym: dict[str, float] = {}
    for raw, value in rep.measurements.items():
        mid = pack.resolve(raw)
        field = f"measurements.{raw}"  # for messages
        if mid is None or pack.kinds[mid] != "measurement":
            raise ReportError(
                f"unknown measurement '{raw}'",
                field=field,
                value=raw,
                suggestions=suggest(raw, pack.measurements),
            )
        if mid in values:
            raise ReportError(f"'{raw}' is given twice (as '{mid}')", field=field, value=raw)
        item = pack.measurements[mid]
        if isinstance(value, SidedValue):
            if not item.sided:
                raise ReportError(
                    f"{mid} is not a sided test; give one number, not left/right", field=field
                )
            left = None if value.left is None else _check_value(pack, mid, raw, ".left", value.left)
            right = (
                None if value.right is None else _check_value(pack, mid, raw, ".right", value.right)
            )
            known = [v for v in (left, right) if v is not None]
            values[mid] = min(known) if item.worse == "lower" else max(known)
            sides[mid] = (left, right)
            if left is not None and right is not None and item.mdc is not None:
                diff = round(abs(left - right), 4)
                if diff > item.mdc:
                    asym[mid] = diff
        else:
            values[mid] = _check_value(pack, mid, raw, "", float(value))
    return Facts(
        present=frozenset(present + history + suspected),
        absent=frozenset(absent),
        activities=frozenset(activities),
        measurements=values,
        sides=sides,
        asymmetries=asym,
        age=rep.age,
        sex=rep.sex,
        report=rep,
        suspected=frozenset(suspected),
    )


def validate_report(report: Report | Mapping[str, Any], pack: RulePack) -> Report:
    """``report`` checked against ``pack`` (every check of :func:`normalize`) and returned
    with every label and synonym replaced by its id; values and order are kept."""
    facts = normalize(report, pack)
    rep = facts.report

    def ids(items: Sequence[str]) -> list[str]:
        return [pack.resolve(item) or item for item in items]

    return Report(
        symptoms=ids(rep.symptoms),
        absent=ids(rep.absent),
        history=ids(rep.history),
        activities=ids(rep.activities),
        measurements={pack.resolve(k) or k: v for k, v in rep.measurements.items()},
        age=rep.age,
        sex=rep.sex,
    )
