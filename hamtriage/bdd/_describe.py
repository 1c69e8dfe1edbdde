"""A compact, coach-readable summary of a result, for failed scenarios and coverage."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..results import TriageResult
from ..rules.pack import RulePack

__all__ = ["describe_result", "display_path", "fmt", "rule_origin"]


def fmt(number: float) -> str:
    """``0.6400`` -> ``0.64``, ``0.784`` -> ``0.784``, ``6.0`` -> ``6``."""
    text = f"{number:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def display_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it, else as given."""
    if not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith(os.pardir) else relative


def rule_origin(pack: RulePack, rule_id: str) -> str:
    """``rules/article.yaml:37:5`` for a rule of ``pack`` (empty when unknown)."""
    origin = pack.origins.get(f"rule:{rule_id}")
    if origin is None:
        return ""
    return f"{display_path(origin.path)}:{origin.line}:{origin.column}"


def _listing(items: Iterable[str]) -> list[str]:
    lines = [f"    {item}" for item in items]
    return lines or ["    none"]


def describe_result(result: TriageResult, pack: RulePack) -> str:
    """Level, hypotheses with confidences, recommendations, blocks, red flags, fired rules."""
    width = max((len(h.id) for h in result.hypotheses), default=0)
    lines = [f"  Triage level: {result.level.value}", "  Causes (confidence, likelihood):"]
    lines += _listing(
        f"{h.id:<{width}}  {fmt(h.confidence):<5}  {h.likelihood.value:<8}  {h.label}"
        for h in result.hypotheses
    )
    lines.append("  Recommendations:")
    lines += _listing(f"{r.id} ({r.kind.value})" for r in result.recommendations)
    if result.blocked_exercises:
        lines.append("  Blocked until cleared:")
        lines += _listing(b.id for b in result.blocked_exercises)
    if result.red_flags:
        lines.append("  Red flags:")
        lines += _listing(f"{f.id} ({f.level.value})" for f in result.red_flags)
    lines.append("  Rules that fired:")
    lines += _listing(
        f"{rid}  ({where})" if (where := rule_origin(pack, rid)) else rid
        for rid in result.fired_rules
    )
    return "\n".join(lines)
