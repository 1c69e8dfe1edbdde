"""Ordered enumerations shared by rule files, reports and results."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EvidenceLevel", "Likelihood", "RecommendationKind", "TriageLevel"]


class TriageLevel(StrEnum):
    """How urgently the athlete should act, ordered from least to most urgent.

    Members compare by urgency, not alphabetically, and also compare with their
    string values: ``TriageLevel.SAME_DAY > "see_clinician"`` is true.
    """

    SELF_CARE = "self_care"
    MODIFY_TRAINING = "modify_training"
    SEE_CLINICIAN = "see_clinician"
    SAME_DAY = "same_day"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        """0 for ``self_care`` up to 4 for ``emergency``."""
        return _LEVEL_RANK[self]

    @staticmethod
    def _coerce(other: object) -> TriageLevel | None:
        if isinstance(other, TriageLevel):
            return other
        if isinstance(other, str):
            try:
                return TriageLevel(other)
            except ValueError:
                return None
        return None

    def __lt__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self.rank < o.rank

    def __le__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self.rank <= o.rank

    def __gt__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self.rank > o.rank

    def __ge__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self.rank >= o.rank

    __hash__ = StrEnum.__hash__

    @property
    def is_referral(self) -> bool:
        """True from ``see_clinician`` up: no drill is recommended at these levels."""
        return self.rank >= _LEVEL_RANK[TriageLevel.SEE_CLINICIAN]


_LEVEL_RANK = {level: i for i, level in enumerate(TriageLevel)}


class Likelihood(StrEnum):
    """How a listed hypothesis is worded: ``likely`` (confidence >= 0.6) or ``possible`` (>= 0.3)."""

    LIKELY = "likely"
    POSSIBLE = "possible"


class EvidenceLevel(StrEnum):
    """How well a rule or hypothesis is supported, from weakest to strongest."""

    COACHING_LORE = "coaching_lore"
    EXPERT_OPINION = "expert_opinion"
    RESEARCH = "research"
    GUIDELINE = "guideline"


class RecommendationKind(StrEnum):
    """What a recommendation asks the athlete to do."""

    DRILL = "drill"
    EDUCATION = "education"
    REFERRAL = "referral"
