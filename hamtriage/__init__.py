"""hamtriage: rule-based triage of athletes' movement complaints.

Results are triage suggestions, never a diagnosis; red flags always win.

>>> import hamtriage
>>> result = hamtriage.triage({"symptoms": ["cannot_touch_floor"]})
>>> result.level
<TriageLevel.SELF_CARE: 'self_care'>
"""

from __future__ import annotations

from ._api import triage
from .batch import BatchReportError
from .engine import Engine
from .errors import (
    EngineError,
    EngineUnavailableError,
    HamtriageError,
    ReportError,
    RuleIssue,
    RulePackError,
)
from .explain import Explanation, HypothesisExplanation
from .intake import ParsedText, parse_text
from .interview import Interview, Question
from .levels import EvidenceLevel, Likelihood, RecommendationKind, TriageLevel
from .loader import bundled_rules_path, load_pack
from .pack import RulePack
from .report import Report, SidedValue
from .results import (
    DISCLAIMER,
    BlockedExercise,
    FiredRule,
    Hypothesis,
    MatchedFact,
    PackInfo,
    Recommendation,
    RedFlag,
    RuleEvidence,
    TriageResult,
)

__version__ = "0.1.0"

__all__ = (
    "DISCLAIMER",
    "BatchReportError",
    "BlockedExercise",
    "Engine",
    "EngineError",
    "EngineUnavailableError",
    "EvidenceLevel",
    "Explanation",
    "FiredRule",
    "HamtriageError",
    "Hypothesis",
    "HypothesisExplanation",
    "Interview",
    "Likelihood",
    "MatchedFact",
    "PackInfo",
    "ParsedText",
    "Question",
    "Recommendation",
    "RecommendationKind",
    "RedFlag",
    "Report",
    "ReportError",
    "RuleEvidence",
    "RuleIssue",
    "RulePack",
    "RulePackError",
    "SidedValue",
    "TriageLevel",
    "TriageResult",
    "__version__",
    "bundled_rules_path",
    "load_pack",
    "parse_text",
    "triage",
)
