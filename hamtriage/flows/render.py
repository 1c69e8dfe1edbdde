"""Every renderer in one place: results and explanations as plain text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from ..results import TriageResult

if TYPE_CHECKING:
    from ..errors import RuleIssue
    from .explain import Explanation
    from .interview import Interview

__all__ = [
    "FORMATS",
    "LEVEL_TEXT",
    "Format",
    "bar",
    "render",
    "render_explanation_markdown",
    "render_explanation_text",
    "render_interview",
    "render_issues",
    "render_markdown",
    "render_text",
]

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")
"""The output formats every command offers (``--format``)."""

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


# ------------------------------------------------------------ explanations

_STATUS_TEXT = {"ruled_in": "RULED IN", "ruled_out": "RULED OUT", "untested": "UNTESTED"}


def render_explanation_text(explanation: Explanation) -> str:
    """Plain text: per hypothesis its status, evidence for, against and missing."""
    lines = [f"Why and why not (triage level: {explanation.level.value})", ""]
    if explanation.red_flags:
        lines += ["Red flags fired: " + ", ".join(explanation.red_flags), ""]
    if not explanation.hypotheses:
        lines += ["The report touches no hypothesis of this rule pack.", ""]
    for h in explanation.hypotheses:
        lines.append(f"{h.label} ({h.id}): {_STATUS_TEXT[h.status]}")
        lines.append(f"  {h.summary}")
        for title, items, mark in (
            ("Evidence for", h.supporting, "+"),
            ("Evidence against", h.opposing, "-"),
        ):
            if items:
                lines.append(f"  {title}:")
                lines += [f"    {mark} {e.text}" for e in items]
        if h.missing:
            lines.append("  Missing evidence:")
            lines += [f"    ? {m.text}" for m in h.missing]
        lines.append("")
    lines += [explanation.disclaimer, f"Rule pack: {explanation.pack}"]
    return "\n".join(lines)


def render_explanation_markdown(explanation: Explanation) -> str:
    """The same content as :func:`render_explanation_text`, as Markdown."""
    out = [f"## Why and why not (triage level `{explanation.level.value}`)", ""]
    if explanation.red_flags:
        out += ["**Red flags fired:** " + ", ".join(f"`{r}`" for r in explanation.red_flags), ""]
    if not explanation.hypotheses:
        out += ["The report touches no hypothesis of this rule pack.", ""]
    for h in explanation.hypotheses:
        out += [f"### {h.label} (`{h.id}`): {_STATUS_TEXT[h.status].lower()}", "", h.summary, ""]
        for title, items in (("Evidence for", h.supporting), ("Evidence against", h.opposing)):
            if items:
                out.append(f"**{title}**")
                out.append("")
                out += [f"- {e.text}" for e in items]
                out.append("")
        if h.missing:
            out += ["**Missing evidence**", ""]
            out += [f"- {m.text}" for m in h.missing]
            out.append("")
    out += [f"> {explanation.disclaimer}", "", f"Rule pack: `{explanation.pack}`"]
    return "\n".join(out)


def render(thing: TriageResult | Explanation, fmt: Format = "text") -> str:
    """``thing`` (a result or an explanation) as ``fmt``: the one switch the commands use."""
    if fmt == "json":
        return thing.model_dump_json(indent=2)
    if isinstance(thing, TriageResult):
        return render_markdown(thing) if fmt == "markdown" else render_text(thing)
    if fmt == "markdown":
        return render_explanation_markdown(thing)
    return render_explanation_text(thing)


def render_interview(interview: Interview, fmt: Format = "text") -> str:
    """The next questions as ``fmt``."""
    if fmt == "json":
        return interview.model_dump_json(indent=2)
    if fmt == "text":
        return interview.to_text()
    out = ["## Next questions", ""]
    if interview.note:
        out += [interview.note, ""]
    elif not interview.questions:
        out += ["No further questions.", ""]
    for n, q in enumerate(interview.questions, 1):
        flag = " **(red-flag screen)**" if q.red_flag else ""
        out.append(f"{n}. {q.text}{flag}  ")
        out.append(f"   *why:* {q.why}")
    stop = "Stop: no answer left to ask could change the result."
    out += ["", stop if interview.should_stop else f"Keep asking: {interview.remaining} left."]
    return "\n".join(out)


def render_issues(issues: Sequence[RuleIssue], where: str, fmt: Format = "text") -> str:
    """Rule-pack issues (of ``where``) as ``fmt``; text ends with the count."""
    if fmt == "json":
        return json.dumps(
            [
                {
                    "path": i.path,
                    "line": i.line,
                    "column": i.column,
                    "severity": i.severity,
                    "code": i.code,
                    "rule": i.rule_id,
                    "message": i.message,
                    "suggestions": list(i.suggestions),
                }
                for i in issues
            ],
            indent=2,
        )
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    count = (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} in {where}"
    )
    if fmt == "text":
        return "\n".join([*(str(i) for i in issues), count])
    rows = ["| place | severity | code | message |", "|---|---|---|---|"]
    rows += [
        f"| `{i.path}:{i.line}:{i.column}` | {i.severity} | `{i.code}` | "
        f"{i.message.replace('|', '/')} |"
        for i in issues
    ]
    return "\n".join([f"## Lint of `{where}`", "", *(rows if issues else []), "", count])
