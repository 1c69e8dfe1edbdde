"""hamtriage: rule-based triage of athletes' movement complaints.

Results are triage suggestions, never a diagnosis; red flags always win.

>>> import hamtriage
>>> result = hamtriage.triage({"symptoms": ["cannot_touch_floor"]})
>>> result.level
<TriageLevel.SELF_CARE: 'self_care'>
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .api import retest, triage
from .errors import (
    EngineError,
    EngineUnavailableError,
    HamtriageError,
    ReportError,
    RuleIssue,
    RulePackError,
)
from .levels import EvidenceLevel, Likelihood, RecommendationKind, TriageLevel
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
from .rules.loader import bundled_rules_path, load_pack
from .rules.pack import RulePack
from .runtime.engine import Engine

if TYPE_CHECKING:
    from .flows.batch import BatchReportError
    from .flows.explain import Explanation, HypothesisExplanation
    from .flows.intake import ParsedText, parse_text
    from .flows.interview import Interview, Question
    from .flows.retesting import MeasurementChange, RetestResult

__version__ = "0.1.0"

# imported on first use: they are not on the triage path, and cold start counts
_LAZY = {
    "BatchReportError": "flows.batch",
    "Explanation": "flows.explain",
    "HypothesisExplanation": "flows.explain",
    "Interview": "flows.interview",
    "MeasurementChange": "flows.retesting",
    "ParsedText": "flows.intake",
    "Question": "flows.interview",
    "RetestResult": "flows.retesting",
    "parse_text": "flows.intake",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hamtriage' has no attribute {name!r}")
    return getattr(importlib.import_module(f"hamtriage.{module}"), name)


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
    "MeasurementChange",
    "PackInfo",
    "ParsedText",
    "Question",
    "Recommendation",
    "RecommendationKind",
    "RedFlag",
    "Report",
    "ReportError",
    "RetestResult",
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
    "retest",
    "triage",
)
