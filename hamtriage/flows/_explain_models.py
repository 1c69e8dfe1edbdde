"""The explanation models: each hypothesis ruled in, ruled out or untested, with its evidence.

Built by :func:`hamtriage.flows.explain.build_explanation`; importable from
:mod:`hamtriage.flows.explain` (and :mod:`hamtriage.explain`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..levels import EvidenceLevel, Likelihood, TriageLevel
from ..results import DISCLAIMER, MatchedFact
from .render import render_explanation_markdown, render_explanation_text

__all__ = [
    "EvidenceItem",
    "Explanation",
    "HypothesisExplanation",
    "MissingEvidence",
    "Status",
]

Status = Literal["ruled_in", "ruled_out", "untested"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceItem(_Model):
    """A rule that fired for or against a hypothesis, with the facts it matched."""

    rule_id: str
    title: str
    certainty: float
    facts: tuple[MatchedFact, ...] = ()
    source: tuple[str, ...] = ()
    origin: str
    evidence: EvidenceLevel
    text: str


class MissingEvidence(_Model):
    """A condition of a supporting rule whose fact the report does not give."""

    id: str
    kind: str
    condition: str
    rule_id: str
    title: str
    certainty: float
    together_with: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    origin: str
    text: str


class HypothesisExplanation(_Model):
    """One hypothesis: its status and the evidence for, against and missing."""

    id: str
    label: str
    status: Status
    confidence: float
    likelihood: Likelihood | None = None
    evidence: EvidenceLevel
    supporting: tuple[EvidenceItem, ...] = ()
    opposing: tuple[EvidenceItem, ...] = ()
    missing: tuple[MissingEvidence, ...] = ()
    summary: str


class Explanation(_Model):
    """Why (and why not) for every hypothesis the report touches. Not a diagnosis."""

    level: TriageLevel
    hypotheses: tuple[HypothesisExplanation, ...] = ()
    red_flags: tuple[str, ...] = ()
    disclaimer: str = DISCLAIMER
    pack: str
    lang: str = "en"

    def hypothesis(self, hypothesis_id: str) -> HypothesisExplanation | None:
        """The explanation of one hypothesis, if the report touched it."""
        return next((h for h in self.hypotheses if h.id == hypothesis_id), None)

    def to_text(self) -> str:
        """Plain text for a coach (see :func:`render_explanation_text`)."""
        return render_explanation_text(self)

    def to_markdown(self) -> str:
        """Markdown for a coach (see :func:`render_explanation_markdown`)."""
        return render_explanation_markdown(self)
