"""Pydantic models of the rule file format (see ``docs/rule-format.md``).

These models check the *shape* of one file. Cross-file checks (unknown ids, cycles,
red-flag invariants) are done by :mod:`hamtriage.rules.loader` on the merged pack.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from ..errors import suggest
from ..levels import EvidenceLevel, RecommendationKind, TriageLevel

__all__ = [
    "ID_PATTERN",
    "Action",
    "ActivityItem",
    "ChangeCond",
    "Condition",
    "HistoryItem",
    "HypothesisItem",
    "MeasurementItem",
    "PackMeta",
    "RecommendationItem",
    "RetestSpec",
    "Rule",
    "RuleFile",
    "SourceItem",
    "SymptomItem",
    "iter_conditions",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
MAX_NUMBER = 1_000_000.0

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _finite(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(v, int | float) and (not math.isfinite(v) or abs(v) > MAX_NUMBER):
        raise ValueError(f"numbers must be finite and within ±{MAX_NUMBER:g}")
    return v


Number = Annotated[float, BeforeValidator(_finite)]
Certainty = Annotated[float, BeforeValidator(_finite), Field(gt=0.0, le=1.0)]


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


SourceKeys = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=64)]],
    BeforeValidator(_as_list),
    Field(min_length=1),
]


class _Model(BaseModel):
    # validators are built when a rule file is first validated, not at import (~60 ms
    # of cold start): a pack read back from its snapshot never needs them
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# --------------------------------------------------------------------- metadata


class PackMeta(_Model):
    """The ``pack`` section: identity and referral mapping."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    description: Text | None = None
    referrals: dict[TriageLevel, Id] = Field(default_factory=dict)


class SourceItem(_Model):
    """A citation that rules and vocabulary items refer to by key."""

    title: Text
    url: Annotated[str, StringConstraints(max_length=500)] | None = None
    note: Text | None = None


# ------------------------------------------------------------------- vocabulary


class _Vocab(_Model):
    id: Id
    label: ShortText
    synonyms: list[ShortText] = Field(default_factory=list)
    description: Text | None = None
    question: Text | None = None
    region: Id | None = None
    source: SourceKeys | None = None
    screen_first: list[Id] = Field(default_factory=list)
    """Red-flag items an interview asks before anything else when this item is reported."""


class _Phrased(_Vocab):
    # patterns for free-text intake (see hamtriage.rules.phrases); the loader checks them
    phrases: list[ShortText] = Field(default_factory=list)


class SymptomItem(_Phrased):
    """A symptom or observation, reported present, absent or unknown."""


class HistoryItem(_Phrased):
    """Something in the athlete's history (prior injuries, illnesses)."""


class ActivityItem(_Vocab):
    """A sport, lift or exercise the athlete does."""


class RetestSpec(_Model):
    """A measurement's error for re-testing: its minimal detectable change (MDC95).

    ``unit`` and ``better`` default to the measurement's unit and the opposite of its
    ``worse``; when given they must agree (the loader checks). ``published: false``
    marks a conservative default where no MDC is published (say why in ``note``).
    """

    mdc: Annotated[Number, Field(gt=0)]
    unit: ShortText | None = None
    better: Literal["lower", "higher"] | None = None
    source: SourceKeys
    published: bool = True
    note: Text | None = None


class MeasurementItem(_Phrased):
    """A field test with a numeric result."""

    unit: ShortText
    range: tuple[Number, Number]
    sided: bool = False
    worse: Literal["lower", "higher"] = "lower"
    mdc: Annotated[Number, Field(gt=0)] | None = None
    retest: RetestSpec | None = None
    test: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> MeasurementItem:
        lo, hi = self.range
        if lo >= hi:
            raise ValueError(f"range [{lo:g}, {hi:g}] must have min < max")
        return self


class HypothesisItem(_Vocab):
    """A likely cause that rules support or argue against."""

    evidence: EvidenceLevel
    max_likelihood: Literal["likely", "possible"] = "likely"


class Variant(_Model):
    """An equipment variant of a drill (e.g. kettlebell, barbell)."""

    id: Id
    label: ShortText
    instructions: Text | None = None
    dosage: Text | None = None


class RecommendationItem(_Vocab):
    """A drill, education item or referral."""

    kind: RecommendationKind
    instructions: Text | None = None
    dosage: Text | None = None
    variants: list[Variant] = Field(default_factory=list)
    contraindications: list[Id] = Field(default_factory=list)
    evidence: EvidenceLevel | None = None


# ------------------------------------------------------------------- conditions


class _Comparison(_Model):
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


class AllCond(_Model):
    all: Annotated[list[Condition], Field(min_length=1, max_length=32)]


class AnyCond(_Model):
    any: Annotated[list[Condition], Field(min_length=1, max_length=32)]


class NotCond(_Model):
    negated: Condition = Field(alias="not")


class SymptomCond(_Model):
    symptom: Id


class HistoryCond(_Model):
    history: Id


class AbsentCond(_Model):
    absent: Id


class ActivityCond(_Model):
    activity: Id


class MeasurementCond(_Comparison):
    measurement: Id


class AsymmetryCond(_Model):
    asymmetry: Id


class AgeCond(_Model):
    age: Comparison


class SexCond(_Model):
    sex: Literal["female", "male"]


class HypothesisCond(_Model):
    hypothesis: Id
    min_confidence: Annotated[Number, Field(gt=0.0, le=1.0)] = 0.3


VERDICTS = ("improved", "no_real_change", "worse")
"""How a re-test judges a change against the measurement's MDC."""
SIDES = ("left", "right", "asymmetry")
"""The sides a change condition can name (none: the measurement's value as triaged)."""


def _one_of(choices: tuple[str, ...], what: str) -> Any:
    def check(v: Any) -> Any:
        if isinstance(v, str) and v not in choices:
            close = suggest(v, choices)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"unknown {what} '{v}'{hint}; expected one of: {', '.join(choices)}")
        return v

    return check


class ChangeCond(_Model):
    """A re-test's verdict on a measurement (asserted only when a report is re-tested)."""

    change: Id
    verdict: Annotated[
        Literal["improved", "no_real_change", "worse"],
        BeforeValidator(_one_of(VERDICTS, "verdict")),
    ]
    side: (
        Annotated[Literal["left", "right", "asymmetry"], BeforeValidator(_one_of(SIDES, "side"))]
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

_COND_TYPES: dict[str, type[_Model]] = {
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


def _tag_of(keys: tuple[str, ...], types: dict[str, type[_Model]]) -> Any:
    def pick(v: Any) -> str | None:
        if isinstance(v, dict):
            for key in keys:
                if key in v:
                    return key
            return None
        for key, cls in types.items():
            if isinstance(v, cls):
                return key
        return None

    return pick


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
        _tag_of(CONDITION_KEYS, _COND_TYPES),
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


# ---------------------------------------------------------------------- actions


class SupportAction(_Model):
    support: Id
    certainty: Certainty


class AgainstAction(_Model):
    against: Id
    certainty: Certainty


class RecommendAction(_Model):
    recommend: Id


class EscalateAction(_Model):
    escalate: TriageLevel
    reason: Text


class BlockAction(_Model):
    block: Id
    reason: Text


ACTION_KEYS = ("support", "against", "recommend", "escalate", "block")
_ACTION_TYPES: dict[str, type[_Model]] = {
    "support": SupportAction,
    "against": AgainstAction,
    "recommend": RecommendAction,
    "escalate": EscalateAction,
    "block": BlockAction,
}

Action = Annotated[
    Annotated[SupportAction, Tag("support")]
    | Annotated[AgainstAction, Tag("against")]
    | Annotated[RecommendAction, Tag("recommend")]
    | Annotated[EscalateAction, Tag("escalate")]
    | Annotated[BlockAction, Tag("block")],
    Discriminator(
        _tag_of(ACTION_KEYS, _ACTION_TYPES),
        custom_error_type="invalid_action",
        custom_error_message="an action needs one of the keys: " + ", ".join(ACTION_KEYS),
    ),
]


class Rule(_Model):
    """One rule: conditions over the report and what follows from them."""

    id: Id
    title: ShortText
    evidence: EvidenceLevel
    source: SourceKeys
    red_flag: bool = False
    explanation: Text | None = None
    when: Condition
    then: Annotated[list[Action], Field(min_length=1, max_length=32)]

    def conclusions(self) -> tuple[dict[str, float], dict[str, float]]:
        """The hypotheses this rule supports and argues against, with their certainties."""
        pro = {a.support: a.certainty for a in self.then if isinstance(a, SupportAction)}
        con = {a.against: a.certainty for a in self.then if isinstance(a, AgainstAction)}
        return pro, con


class RuleFile(_Model):
    """One YAML file of a pack: any of the sections."""

    pack: PackMeta | None = None
    sources: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], SourceItem] = (
        Field(default_factory=dict)
    )
    symptoms: list[SymptomItem] = Field(default_factory=list)
    measurements: list[MeasurementItem] = Field(default_factory=list)
    activities: list[ActivityItem] = Field(default_factory=list)
    history: list[HistoryItem] = Field(default_factory=list)
    hypotheses: list[HypothesisItem] = Field(default_factory=list)
    recommendations: list[RecommendationItem] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
