"""The input report (public JSON contract) and its normalisation against a pack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)

from ._report_check import Check, fold
from .errors import ReportError, ReportProblem
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

    if not TYPE_CHECKING:  # type checkers keep the typed signature pydantic synthesises

        def __init__(self, **data: Any) -> None:
            # SidedValue(...) in code raises ReportError like every other bad input;
            # model_validate keeps raising pydantic's ValidationError (web frameworks use it)
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise _translate(exc) from None

        # pydantic's own marker (RootModel sets it too): validation must not call this
        # __init__, or model_validate would see a ReportError inside a ValidationError
        __init__.__pydantic_base_init__ = True


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

    _notes: tuple[str, ...] = PrivateAttr(default=())

    if not TYPE_CHECKING:  # type checkers keep the typed signature pydantic synthesises

        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise _translate(exc) from None

        __init__.__pydantic_base_init__ = True  # as for SidedValue

    @property
    def notes(self) -> tuple[str, ...]:
        """On a report returned by :func:`validate_report` (``engine.validate``): each id that
        was read only after folding compatibility characters (fullwidth letters, ligatures),
        e.g. ``symptoms[0]: 'ｌｏｗ_back_spasms' was read as 'low_back_spasms' ...``."""
        return self._notes


_UNION_LABELS = {"number", "sided"}
_LIST_NOUNS = {
    "symptoms": "symptoms",
    "absent": "absent items",
    "activities": "activities",
    "history": "history items",
    "measurements": "measurements",
    "suspected": "suspected items",
}


def _field_name(loc: tuple[int | str, ...]) -> str:
    """``('measurements', 'k', 'SidedValue', 'left')`` -> ``measurements.k.left``."""
    out = ""
    for seg in loc:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif seg not in _UNION_LABELS:
            out += f".{seg}" if out else seg
    return out


def _problem(error: Any) -> ReportProblem:
    """One pydantic error as a problem in the terms of the report."""
    loc = tuple(error["loc"])
    msg = str(error["msg"]).removeprefix("Value error, ")
    kind = error["type"]
    if kind == "tuple_type" and len(loc) == 1:
        msg = 'expected a list of ids, e.g. ["tight_calves"]'
    elif kind == "extra_forbidden":
        msg = f"unknown key (allowed: {', '.join(Report.model_fields)})"
    elif kind == "too_long" and len(loc) == 1 and str(loc[0]) in _LIST_NOUNS:
        limit = (error.get("ctx") or {}).get("max_length")
        msg = f"at most {limit} {_LIST_NOUNS[str(loc[0])]} per report"
    return ReportProblem(_field_name(loc), msg)


def _translate(exc: ValidationError) -> ReportError:
    errors = exc.errors(include_url=False)
    return ReportError.of([_problem(e) for e in errors], value=errors[0].get("input"))


def coerce_report(report: Report | Mapping[str, Any]) -> Report:
    """Validate a mapping (e.g. parsed JSON) into a :class:`Report`, raising :class:`ReportError`.

    A :class:`Report` is validated again: ``Report.model_construct`` skips validation.
    """
    if isinstance(report, Report):
        data: Mapping[str, Any] = report.__dict__
    elif isinstance(report, Mapping):
        data = report
    else:
        raise ReportError(
            f"a report must be a mapping or a Report, not {type(report).__name__}", value=report
        )
    try:
        # pydantic reads a dict without changing it: only other mappings are copied
        return Report.model_validate(data if type(data) is dict else dict(data))
    except ValidationError as exc:
        raise _translate(exc) from None


@dataclass(frozen=True, slots=True)
class Facts:
    """A report resolved against a pack: ids only, sided tests reduced to their worse side.

    ``notes`` says which ids were read only after folding compatibility characters.
    """

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
    notes: tuple[str, ...] = ()
    changes: Mapping[str, str] = field(default_factory=dict)
    """A re-test's verdicts by change key (``knee_to_wall_cm:left``); empty otherwise."""
    interventions: frozenset[str] = frozenset()
    """The recommendation done between a re-test's two reports (``after:`` facts)."""


_FINDINGS = ("symptom", "history")
_HISTORY = ("history", "symptom")
_ACTIVITIES = ("activity",)


def normalize(report: Report | Mapping[str, Any], pack: RulePack) -> Facts:
    """Resolve ids and synonyms, check ranges, reduce sided tests.

    Raises :class:`ReportError` with every problem found (``problems``): all of the
    report's shape if it has any, else all of its ids and values against the pack.
    """
    rep = coerce_report(report)
    check = Check(pack)
    present = check.ids("symptoms", rep.symptoms, _FINDINGS) if rep.symptoms else []
    history = check.ids("history", rep.history, _HISTORY) if rep.history else []
    for i, h in enumerate(history):
        if h in present:
            check.add(f"history[{i}]", f"'{h}' is listed under both symptoms and history", h)
    absent = check.ids("absent", rep.absent, _FINDINGS) if rep.absent else []
    if absent:
        for name in sorted(set(absent) & (set(present) | set(history))):
            check.add("absent", f"'{name}' is reported both present and absent", name)
    activities = check.ids("activities", rep.activities, _ACTIVITIES) if rep.activities else []
    suspected: list[str] = []
    if rep.suspected:
        suspected = check.ids("suspected", rep.suspected, _FINDINGS)
        for name in sorted(set(absent) & set(suspected)):
            check.add(
                "suspected",
                f"'{name}' is reported both suspected and absent (a denial settles it: "
                "leave it out of suspected)",
                name,
            )
        # confirmed ones are simply present
        suspected = [s for s in suspected if s not in present and s not in history]

    values: dict[str, float] = {}
    sides: dict[str, tuple[float | None, float | None]] = {}
    asym: dict[str, float] = {}
    for raw, value in rep.measurements.items():
        mid = check.measurement(raw)
        if mid is None:
            continue
        if mid in values:
            check.add(f"measurements.{raw}", f"'{raw}' is given twice (as '{mid}')", raw)
            continue
        item = pack.measurements[mid]
        if isinstance(value, SidedValue):
            if not item.sided:
                check.add(
                    f"measurements.{raw}",
                    f"{mid} is not a sided test; give one number, not left/right",
                    raw,
                )
                continue
            left = None if value.left is None else check.value(mid, raw, ".left", value.left)
            right = None if value.right is None else check.value(mid, raw, ".right", value.right)
            if (left is None) != (value.left is None) or (right is None) != (value.right is None):
                continue  # a side out of range: reported
            known = [v for v in (left, right) if v is not None]
            values[mid] = min(known) if item.worse == "lower" else max(known)
            sides[mid] = (left, right)
            if left is not None and right is not None and item.mdc is not None:
                diff = round(abs(left - right), 4)
                if diff > item.mdc:
                    asym[mid] = diff
        else:
            number = check.value(mid, raw, "", float(value))
            if number is not None:
                values[mid] = number
    if check.problems:
        raise ReportError.of(check.problems, value=check.first_value)
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
        notes=tuple(check.notes),
    )


def validate_report(report: Report | Mapping[str, Any], pack: RulePack) -> Report:
    """``report`` checked against ``pack`` and normalised: every id the pack's own id,
    measurements under their ids. Raises :class:`ReportError` with every problem.

    The result's :attr:`Report.notes` says which ids were read after folding characters.
    """
    facts = normalize(report, pack)
    rep = facts.report
    measurements: dict[str, float | SidedValue] = {}
    for raw, value in rep.measurements.items():
        vid = pack.resolve(fold(raw))
        measurements[vid or raw] = value
    out = Report.model_validate(
        {
            "symptoms": _ids(pack, rep.symptoms),
            "absent": _ids(pack, rep.absent),
            "measurements": measurements,
            "activities": _ids(pack, rep.activities),
            "history": _ids(pack, rep.history),
            "age": rep.age,
            "sex": rep.sex,
            "suspected": _ids(pack, rep.suspected),
        }
    )
    out._notes = facts.notes
    return out


def _ids(pack: RulePack, values: Sequence[str]) -> list[str]:
    return [v if v in pack.kinds else pack.resolve(fold(v)) or v for v in values]
