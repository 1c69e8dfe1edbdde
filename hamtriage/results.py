"""Typed, frozen triage results.

Results built by the engine are trusted: they are assembled with ``model_construct``
(no re-validation on the hot path). Parsing a stored result back with
``TriageResult.model_validate_json`` validates it fully.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .levels import EvidenceLevel, Likelihood, RecommendationKind, TriageLevel

__all__ = [
    "DISCLAIMER",
    "BlockedExercise",
    "FiredRule",
    "Hypothesis",
    "MatchedFact",
    "PackInfo",
    "Recommendation",
    "RedFlag",
    "RuleEvidence",
    "Screen",
    "TriageResult",
    "Variant",
]

DISCLAIMER = (
    "This is a triage suggestion from a rule-based coaching tool, not a diagnosis. "
    "It does not replace an assessment by a qualified clinician. If symptoms are severe, "
    "getting worse, or you are worried, see a doctor or physiotherapist."
)


class _Result(BaseModel):
    # the engine builds results without validation (hamtriage.runtime._construct): the
    # validators and serialisers are built on first use, not at import (cold start)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MatchedFact(_Result):
    """A fact of the report that a rule matched."""

    kind: str = Field(
        description="symptom, absent, activity, measurement, asymmetry, age, sex or hypothesis"
    )
    id: str
    value: float | str | None = None


class RuleEvidence(_Result):
    """A fired rule's contribution to a hypothesis."""

    rule_id: str
    certainty: float
    facts: tuple[MatchedFact, ...] = ()


class Hypothesis(_Result):
    """A likely cause, ranked by confidence."""

    id: str
    label: str
    confidence: float = Field(ge=0.0, le=1.0)
    likelihood: Likelihood
    evidence: EvidenceLevel
    supporting: tuple[RuleEvidence, ...] = ()
    opposing: tuple[RuleEvidence, ...] = ()


class Variant(_Result):
    """An equipment variant of a drill."""

    id: str
    label: str
    instructions: str | None = None
    dosage: str | None = None


class Recommendation(_Result):
    """A drill, education item or referral, with what led to it."""

    id: str
    label: str
    kind: RecommendationKind
    instructions: str | None = None
    dosage: str | None = None
    variants: tuple[Variant, ...] = ()
    hypotheses: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    reason: str | None = None
    source: tuple[str, ...] = ()


class BlockedExercise(_Result):
    """An exercise to avoid until cleared, and why."""

    id: str
    label: str
    reason: str
    rules: tuple[str, ...] = ()


class RedFlag(_Result):
    """A red-flag rule that fired: the level it demands and a plain-language reason."""

    id: str
    label: str
    level: TriageLevel
    reason: str
    facts: tuple[MatchedFact, ...] = ()
    source: tuple[str, ...] = ()


class Screen(_Result):
    """A red-flag item to ask about before training: its question and the level it brings."""

    id: str
    kind: str = Field(description="symptom or history")
    label: str
    question: str
    level: TriageLevel = Field(description="the highest level its red-flag rules reach")
    region: str | None = None
    rules: tuple[str, ...] = ()


class FiredRule(_Result):
    """One entry of the trace: a rule that fired, in firing order."""

    rule_id: str
    title: str
    facts: tuple[MatchedFact, ...] = ()
    source: tuple[str, ...] = ()
    evidence: EvidenceLevel
    red_flag: bool = False


class PackInfo(_Result):
    """Which rule pack produced a result."""

    name: str
    version: str
    content_hash: str
    id: str


class TriageResult(_Result):
    """The outcome of one triage. A suggestion, never a diagnosis."""

    level: TriageLevel
    hypotheses: tuple[Hypothesis, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    blocked_exercises: tuple[BlockedExercise, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    trace: tuple[FiredRule, ...] = ()
    to_confirm: tuple[Screen, ...] = Field(
        default=(),
        description="suspected red-flag items counted in the level until the athlete answers",
    )
    unscreened: tuple[Screen, ...] = Field(
        default=(),
        description="red-flag items of the regions in play neither confirmed nor denied",
    )
    disclaimer: str = DISCLAIMER
    pack: PackInfo
    lang: str = Field(
        default="en",
        description="the language of the texts (ids, levels and numbers are the same in all)",
    )

    @property
    def screened(self) -> bool:
        """True when no red-flag question is open (nothing to confirm, nothing unscreened)."""
        return not self.to_confirm and not self.unscreened

    def hypothesis(self, hypothesis_id: str) -> Hypothesis | None:
        """The listed hypothesis with this id, if any."""
        return next((h for h in self.hypotheses if h.id == hypothesis_id), None)

    @property
    def fired_rules(self) -> tuple[str, ...]:
        """Ids of the rules that fired, in firing order."""
        return tuple(f.rule_id for f in self.trace)
