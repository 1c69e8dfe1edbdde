"""Pydantic models of the rule file format (see ``docs/rule-format.md``).

These models check the *shape* of one file. Cross-file checks (unknown ids, cycles,
red-flag invariants) are done by :mod:`hamtriage.rules.loader` on the merged pack.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from ..levels import EvidenceLevel, RecommendationKind, TriageLevel
from ._conditions import (
    CONDITION_KEYS,
    SIDES,
    VERDICTS,
    AbsentCond,
    ActivityCond,
    AgeCond,
    AllCond,
    AnyCond,
    AsymmetryCond,
    ChangeCond,
    Comparison,
    Condition,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    NotCond,
    SexCond,
    SymptomCond,
    iter_conditions,
)
from ._fields import (
    ID_PATTERN,
    MAX_NUMBER,
    Certainty,
    Id,
    Number,
    SchemaModel,
    ShortText,
    SourceKeys,
    Text,
    tag_of,
)

__all__ = [
    "ACTION_KEYS",
    "CONDITION_KEYS",
    "ID_PATTERN",
    "MAX_NUMBER",
    "SIDES",
    "VERDICTS",
    "AbsentCond",
    "Action",
    "ActivityCond",
    "ActivityItem",
    "AgainstAction",
    "AgeCond",
    "AllCond",
    "AnyCond",
    "AsymmetryCond",
    "BlockAction",
    "ChangeCond",
    "Comparison",
    "Condition",
    "EscalateAction",
    "HistoryCond",
    "HistoryItem",
    "HypothesisCond",
    "HypothesisItem",
    "MeasurementCond",
    "MeasurementItem",
    "NotCond",
    "PackMeta",
    "RecommendAction",
    "RecommendationItem",
    "RetestSpec",
    "Rule",
    "RuleFile",
    "SchemaModel",
    "SexCond",
    "SourceItem",
    "SupportAction",
    "SymptomCond",
    "SymptomItem",
    "Variant",
    "iter_conditions",
]
"""Every model of the rule file format; the condition models live in
:mod:`hamtriage.rules._conditions`, the shared field types in :mod:`hamtriage.rules._fields`."""

# --------------------------------------------------------------------- metadata


class PackMeta(SchemaModel):
    """The ``pack`` section: identity and referral mapping."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    description: Text | None = None
    referrals: dict[TriageLevel, Id] = Field(default_factory=dict)


class SourceItem(SchemaModel):
    """A citation that rules and vocabulary items refer to by key."""

    title: Text
    url: Annotated[str, StringConstraints(max_length=500)] | None = None
    note: Text | None = None


# ------------------------------------------------------------------- vocabulary


class _Vocab(SchemaModel):
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
    # patterns of statements that deny the item ("weight is stable", "can straighten it
    # fully"): a match puts it under ``absent`` (never present); same syntax as phrases
    denials: list[ShortText] = Field(default_factory=list)


class SymptomItem(_Phrased):
    """A symptom or observation, reported present, absent or unknown."""


class HistoryItem(_Phrased):
    """Something in the athlete's history (prior injuries, illnesses)."""


class ActivityItem(_Vocab):
    """A sport, lift or exercise the athlete does."""


class RetestSpec(SchemaModel):
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


class Variant(SchemaModel):
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


# ---------------------------------------------------------------------- actions


class SupportAction(SchemaModel):
    support: Id
    certainty: Certainty


class AgainstAction(SchemaModel):
    against: Id
    certainty: Certainty


class RecommendAction(SchemaModel):
    recommend: Id


class EscalateAction(SchemaModel):
    escalate: TriageLevel
    reason: Text


class BlockAction(SchemaModel):
    block: Id
    reason: Text


ACTION_KEYS = ("support", "against", "recommend", "escalate", "block")
_ACTION_TYPES: dict[str, type[SchemaModel]] = {
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
        tag_of(ACTION_KEYS, _ACTION_TYPES),
        custom_error_type="invalid_action",
        custom_error_message="an action needs one of the keys: " + ", ".join(ACTION_KEYS),
    ),
]


class Rule(SchemaModel):
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


class RuleFile(SchemaModel):
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
