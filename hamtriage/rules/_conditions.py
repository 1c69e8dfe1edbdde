"""The condition models of a rule's ``when``: the atoms, ``all``/``any``/``not``, and their walk.

Part of the rule file format (:mod:`hamtriage.rules.schema` exports every name).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from ._fields import Id, Number, SchemaModel, one_of, tag_of

__all__ = [
    "CONDITION_KEYS",
    "SIDES",
    "VERDICTS",
    "AbsentCond",
    "ActivityCond",
    "AgeCond",
    "AllCond",
    "AnyCond",
    "AsymmetryCond",
    "ChangeCond",
    "Comparison",
    "Condition",
    "HistoryCond",
    "HypothesisCond",
    "MeasurementCond",
    "NotCond",
    "SexCond",
    "SymptomCond",
    "iter_conditions",
]


class _Comparison(SchemaModel):
    lt: Number | None = None
    le: Number | None = None
    gt: Number | None = None
    ge: Number | None = None
    between: tuple[Number, Number] | None = None

    @model_validator(mode="after")
    def _check(self) -> Any:
        if all(v is None for v in (self.lt, self.le, self.gt, self.ge, self.between)):
            raise ValueError("give at least one of lt, le, gt, ge, between")
        if self.between is not None and self.between[0] > self.between[1]:
            raise ValueError("between: [a, b] needs a <= b")
        return self

    def bounds(self) -> list[tuple[str, float]]:
        """The comparison as (operator, value) pairs: lt, le, gt, ge."""
        out: list[tuple[str, float]] = []
        for op in ("lt", "le", "gt", "ge"):
            value = getattr(self, op)
            if value is not None:
                out.append((op, float(value)))
        if self.between is not None:
            out += [("ge", float(self.between[0])), ("le", float(self.between[1]))]
        return out


class Comparison(_Comparison):
    """``{lt, le, gt, ge, between}`` used by ``age``."""


class AllCond(SchemaModel):
    all: Annotated[list[Condition], Field(min_length=1, max_length=32)]


class AnyCond(SchemaModel):
    any: Annotated[list[Condition], Field(min_length=1, max_length=32)]


class NotCond(SchemaModel):
    negated: Condition = Field(alias="not")


class SymptomCond(SchemaModel):
    symptom: Id


class HistoryCond(SchemaModel):
    history: Id


class AbsentCond(SchemaModel):
    absent: Id


class ActivityCond(SchemaModel):
    activity: Id


class MeasurementCond(_Comparison):
    measurement: Id


class AsymmetryCond(SchemaModel):
    asymmetry: Id


class AgeCond(SchemaModel):
    age: Comparison


class SexCond(SchemaModel):
    sex: Literal["female", "male"]


class HypothesisCond(SchemaModel):
    hypothesis: Id
    min_confidence: Annotated[Number, Field(gt=0.0, le=1.0)] = 0.3


VERDICTS = ("improved", "no_real_change", "worse")
"""How a re-test judges a change against the measurement's MDC."""
SIDES = ("left", "right", "asymmetry")
"""The sides a change condition can name (none: the measurement's value as triaged)."""


class ChangeCond(SchemaModel):
    """A re-test's verdict on a measurement (asserted only when a report is re-tested)."""

    change: Id
    verdict: Annotated[
        Literal["improved", "no_real_change", "worse"],
        BeforeValidator(one_of(VERDICTS, "verdict")),
    ]
    side: (
        Annotated[Literal["left", "right", "asymmetry"], BeforeValidator(one_of(SIDES, "side"))]
        | None
    ) = None
    after: Id | None = None


CONDITION_KEYS = (
    "all",
    "any",
    "not",
    "symptom",
    "history",
    "absent",
    "activity",
    "measurement",
    "asymmetry",
    "age",
    "sex",
    "hypothesis",
    "change",
)

_COND_TYPES: dict[str, type[SchemaModel]] = {
    "all": AllCond,
    "any": AnyCond,
    "not": NotCond,
    "symptom": SymptomCond,
    "history": HistoryCond,
    "absent": AbsentCond,
    "activity": ActivityCond,
    "measurement": MeasurementCond,
    "asymmetry": AsymmetryCond,
    "age": AgeCond,
    "sex": SexCond,
    "hypothesis": HypothesisCond,
    "change": ChangeCond,
}


Condition = Annotated[
    Annotated[AllCond, Tag("all")]
    | Annotated[AnyCond, Tag("any")]
    | Annotated[NotCond, Tag("not")]
    | Annotated[SymptomCond, Tag("symptom")]
    | Annotated[HistoryCond, Tag("history")]
    | Annotated[AbsentCond, Tag("absent")]
    | Annotated[ActivityCond, Tag("activity")]
    | Annotated[MeasurementCond, Tag("measurement")]
    | Annotated[AsymmetryCond, Tag("asymmetry")]
    | Annotated[AgeCond, Tag("age")]
    | Annotated[SexCond, Tag("sex")]
    | Annotated[HypothesisCond, Tag("hypothesis")]
    | Annotated[ChangeCond, Tag("change")],
    Discriminator(
        tag_of(CONDITION_KEYS, _COND_TYPES),
        custom_error_type="invalid_condition",
        custom_error_message="a condition needs one of the keys: " + ", ".join(CONDITION_KEYS),
    ),
]

Loc = tuple[str | int, ...]


def iter_conditions(cond: Condition, loc: Loc = ("when",)) -> Iterator[tuple[Condition, Loc]]:
    """Every condition in a ``when`` tree with its data path, parents first."""
    yield cond, loc
    if isinstance(cond, AllCond):
        for i, sub in enumerate(cond.all):
            yield from iter_conditions(sub, (*loc, "all", i))
    elif isinstance(cond, AnyCond):
        for i, sub in enumerate(cond.any):
            yield from iter_conditions(sub, (*loc, "any", i))
    elif isinstance(cond, NotCond):
        yield from iter_conditions(cond.negated, (*loc, "not"))
