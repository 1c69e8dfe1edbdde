"""hamtriage: rule-based triage of athletes' movement complaints.

Results are triage suggestions, never a diagnosis; red flags always win.

(PYTEST_DONT_REWRITE: pytest, loading the ``hamtriage.bdd`` entry point, would warn
that this package was imported before it could rewrite its asserts; it has none.)

>>> import hamtriage
>>> result = hamtriage.triage({"symptoms": ["cannot_touch_floor"]})
>>> result.level
<TriageLevel.SELF_CARE: 'self_care'>
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .api import retest, triage
from .engine import Engine
from .errors import (
    BatchReportError,
    EngineError,
    EngineUnavailableError,
    HamtriageError,
    LanguageError,
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
    Screen,
    TriageResult,
    Variant,
)
from .rules.loader import bundled_rules_path, load_pack, load_pack_from_texts
from .rules.pack import RulePack

if TYPE_CHECKING:
    from .flows.distributed import triage_bag
    from .flows.explain import Explanation, HypothesisExplanation
    from .flows.intake import ParsedText, parse_text
    from .flows.interview import Interview, Question
    from .flows.lint import lint
    from .flows.render import render_markdown, render_text
    from .flows.retesting import MeasurementChange, RetestResult

from ._version import __version__

# imported on first use: they are not on the triage path, and cold start counts
_LAZY = {
    "Explanation": "flows.explain",
    "HypothesisExplanation": "flows.explain",
    "Interview": "flows.interview",
    "MeasurementChange": "flows.retesting",
    "ParsedText": "flows.intake",
    "Question": "flows.interview",
    "RetestResult": "flows.retesting",
    "parse_text": "flows.intake",
    "lint": "flows.lint",
    "render_markdown": "flows.render",
    "render_text": "flows.render",
    "triage_bag": "flows.distributed",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hamtriage' has no attribute {name!r}")
    return getattr(importlib.import_module(f"hamtriage.{module}"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
    "LanguageError",
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
    "Screen",
    "SidedValue",
    "TriageLevel",
    "TriageResult",
    "Variant",
    "__version__",
    "bundled_rules_path",
    "lint",
    "load_pack",
    "load_pack_from_texts",
    "parse_text",
    "render_markdown",
    "render_text",
    "retest",
    "triage",
    "triage_bag",
)
