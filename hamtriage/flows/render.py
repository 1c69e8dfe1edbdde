"""Render a :class:`TriageResult` as plain text or Markdown for coaches and athletes."""

from __future__ import annotations

from ..results import TriageResult

__all__ = ["LEVEL_TEXT", "bar", "render_markdown", "render_text"]

LEVEL_TEXT = {
    "self_care": "Self-care: train on, with the suggestions below",
    "modify_training": "Modify training: train with the changes below",
    "see_clinician": "See a clinician: book a physiotherapist or doctor",
    "same_day": "Same day: see a clinician today",
    "emergency": "Emergency: go to emergency care now",
}


def bar(confidence: float, width: int = 10) -> str:
    """A text bar for a confidence in [0, 1]: ``[######----]``."""
    filled = round(max(0.0, min(1.0, confidence)) * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def render_text(result: TriageResult) -> str:
    """Readable plain text: level, red flags, likely causes, recommendations, blocks, why."""
    lines = [f"Triage level: {result.level.value}  ({LEVEL_TEXT[result.level.value]})", ""]
    if result.red_flags:
        lines.append("RED FLAGS")
        lines += [f"  ! {f.label} [{f.level.value}]: {f.reason}" for f in result.red_flags]
        lines.append("")
    lines.append("Likely causes")
    if result.hypotheses:
        for h in result.hypotheses:
            lines.append(
                f"  {bar(h.confidence)} {h.confidence:.2f} {h.likelihood.value:<8} {h.label} "
                f"({h.id}; evidence: {h.evidence.value})"
            )
    else:
        lines.append("  none suggested")
    lines.append("")
    lines.append("Recommendations")
    if result.recommendations:
        for r in result.recommendations:
            lines.append(f"  - {r.label} ({r.id}, {r.kind.value})")
            if r.reason:
                lines.append(f"      why: {r.reason}")
            if r.dosage:
                lines.append(f"      dosage: {r.dosage}")
            for v in r.variants:
                lines.append(f"      variant: {v.label}" + (f": {v.dosage}" if v.dosage else ""))
    else:
        lines.append("  none")
    if result.blocked_exercises:
        lines += ["", "Avoid until cleared"]
        lines += [f"  x {b.label} ({b.id}): {b.reason}" for b in result.blocked_exercises]
    lines += ["", "Why (rules that fired)"]
    lines += [f"  {f.rule_id}: {f.title} [{', '.join(f.source)}]" for f in result.trace] or [
        "  none"
    ]
    lines += ["", result.disclaimer, f"Rule pack: {result.pack.id}"]
    return "\n".join(lines)


def render_markdown(result: TriageResult) -> str:
    """The same content as :func:`render_text`, as GitHub-flavoured Markdown."""
    out = [f"## Triage: `{result.level.value}`", "", f"**{LEVEL_TEXT[result.level.value]}**", ""]
    if result.red_flags:
        out += ["### Red flags", ""]
        out += [f"- **{f.label}** (`{f.level.value}`): {f.reason}" for f in result.red_flags]
        out.append("")
    out += ["### Likely causes", ""]
    out += [
        f"- {h.label} (`{h.id}`): {h.likelihood.value}, confidence {h.confidence:.2f}, "
        f"evidence *{h.evidence.value}*"
        for h in result.hypotheses
    ] or ["- none suggested"]
    out += ["", "### Recommendations", ""]
    for r in result.recommendations:
        out.append(
            f"- **{r.label}** (`{r.id}`, {r.kind.value})" + (f": {r.dosage}" if r.dosage else "")
        )
        if r.reason:
            out.append(f"  - why: {r.reason}")
    if not result.recommendations:
        out.append("- none")
    if result.blocked_exercises:
        out += ["", "### Avoid until cleared", ""]
        out += [f"- {b.label} (`{b.id}`): {b.reason}" for b in result.blocked_exercises]
    out += ["", "### Why", ""]
    out += [f"- `{f.rule_id}`: {f.title} ({', '.join(f.source)})" for f in result.trace] or [
        "- no rule fired"
    ]
    out += ["", f"> {result.disclaimer}", "", f"Rule pack: `{result.pack.id}`"]
    return "\n".join(out)
