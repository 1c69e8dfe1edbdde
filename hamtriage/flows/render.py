"""Every renderer in one place: results and explanations as plain text, Markdown or JSON."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from ..catalog import message
from ..levels import Likelihood
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


def _m(lang: str) -> Callable[..., str]:
    """The catalog's texts in ``lang`` (English where it has none)."""
    return functools.partial(message, lang)


def render_text(result: TriageResult, lang: str | None = None) -> str:
    """Readable plain text: level, red flags, likely causes, recommendations, blocks, why.

    Headings are in ``lang`` (default: the result's own ``lang``)."""
    m = _m(lang or result.lang)
    level = result.level.value
    lines = [f"{m('render.triage_level')}: {level}  ({m(f'level_text.{level}')})", ""]
    if result.red_flags:
        lines.append(m("render.red_flags_upper"))
        lines += [f"  ! {f.label} [{f.level.value}]: {f.reason}" for f in result.red_flags]
        lines.append("")
    lines.append(m("render.likely_causes"))
    if result.hypotheses:
        width = max(len(m(f"likelihood.{x.value}")) for x in Likelihood)
        for h in result.hypotheses:
            likelihood = m(f"likelihood.{h.likelihood.value}")
            lines.append(
                f"  {bar(h.confidence)} {h.confidence:.2f} {likelihood:<{width}} {h.label} "
                f"({h.id}; {m('render.evidence')}: {m(f'evidence.{h.evidence.value}')})"
            )
    else:
        lines.append(f"  {m('render.none_suggested')}")
    lines.append("")
    lines.append(m("render.recommendations"))
    if result.recommendations:
        for r in result.recommendations:
            lines.append(f"  - {r.label} ({r.id}, {m(f'kind.{r.kind.value}')})")
            if r.reason:
                lines.append(f"      {m('render.why')}: {r.reason}")
            if r.dosage:
                lines.append(f"      {m('render.dosage')}: {r.dosage}")
            for v in r.variants:
                dosage = f": {v.dosage}" if v.dosage else ""
                lines.append(f"      {m('render.variant')}: {v.label}{dosage}")
    else:
        lines.append(f"  {m('render.none')}")
    if result.blocked_exercises:
        lines += ["", m("render.avoid")]
        lines += [f"  x {b.label} ({b.id}): {b.reason}" for b in result.blocked_exercises]
    lines += ["", m("render.why_rules")]
    lines += [f"  {f.rule_id}: {f.title} [{', '.join(f.source)}]" for f in result.trace] or [
        f"  {m('render.none')}"
    ]
    lines += ["", result.disclaimer, f"{m('render.rule_pack')}: {result.pack.id}"]
    return "\n".join(lines)


def render_markdown(result: TriageResult, lang: str | None = None) -> str:
    """The same content as :func:`render_text`, as GitHub-flavoured Markdown."""
    m = _m(lang or result.lang)
    level = result.level.value
    out = [f"## {m('render.triage')}: `{level}`", "", f"**{m(f'level_text.{level}')}**", ""]
    if result.red_flags:
        out += [f"### {m('render.red_flags')}", ""]
        out += [f"- **{f.label}** (`{f.level.value}`): {f.reason}" for f in result.red_flags]
        out.append("")
    out += [f"### {m('render.likely_causes')}", ""]
    out += [
        f"- {h.label} (`{h.id}`): {m(f'likelihood.{h.likelihood.value}')}, "
        f"{m('render.confidence')} {h.confidence:.2f}, "
        f"{m('render.evidence')} *{m(f'evidence.{h.evidence.value}')}*"
        for h in result.hypotheses
    ] or [f"- {m('render.none_suggested')}"]
    out += ["", f"### {m('render.recommendations')}", ""]
    for r in result.recommendations:
        out.append(
            f"- **{r.label}** (`{r.id}`, {m(f'kind.{r.kind.value}')})"
            + (f": {r.dosage}" if r.dosage else "")
        )
        if r.reason:
            out.append(f"  - {m('render.why')}: {r.reason}")
    if not result.recommendations:
        out.append(f"- {m('render.none')}")
    if result.blocked_exercises:
        out += ["", f"### {m('render.avoid')}", ""]
        out += [f"- {b.label} (`{b.id}`): {b.reason}" for b in result.blocked_exercises]
    out += ["", f"### {m('render.why_heading')}", ""]
    out += [f"- `{f.rule_id}`: {f.title} ({', '.join(f.source)})" for f in result.trace] or [
        f"- {m('render.no_rule_fired')}"
    ]
    out += ["", f"> {result.disclaimer}", "", f"{m('render.rule_pack')}: `{result.pack.id}`"]
    return "\n".join(out)


# ------------------------------------------------------------ explanations


def render_explanation_text(explanation: Explanation, lang: str | None = None) -> str:
    """Plain text: per hypothesis its status, evidence for, against and missing."""
    m = _m(lang or explanation.lang)
    lines = [f"{m('explain.heading')} ({m('explain.level')}: {explanation.level.value})", ""]
    if explanation.red_flags:
        lines += [f"{m('explain.red_flags_fired')}: " + ", ".join(explanation.red_flags), ""]
    if not explanation.hypotheses:
        lines += [m("explain.no_hypothesis"), ""]
    for h in explanation.hypotheses:
        lines.append(f"{h.label} ({h.id}): {m(f'explain.status.{h.status}')}")
        lines.append(f"  {h.summary}")
        for title, items, mark in (
            (m("explain.evidence_for"), h.supporting, "+"),
            (m("explain.evidence_against"), h.opposing, "-"),
        ):
            if items:
                lines.append(f"  {title}:")
                lines += [f"    {mark} {e.text}" for e in items]
        if h.missing:
            lines.append(f"  {m('explain.missing')}:")
            lines += [f"    ? {x.text}" for x in h.missing]
        lines.append("")
    lines += [explanation.disclaimer, f"{m('render.rule_pack')}: {explanation.pack}"]
    return "\n".join(lines)


def render_explanation_markdown(explanation: Explanation, lang: str | None = None) -> str:
    """The same content as :func:`render_explanation_text`, as Markdown."""
    m = _m(lang or explanation.lang)
    out = [f"## {m('explain.heading')} ({m('explain.level')} `{explanation.level.value}`)", ""]
    if explanation.red_flags:
        flags = ", ".join(f"`{r}`" for r in explanation.red_flags)
        out += [f"**{m('explain.red_flags_fired')}:** {flags}", ""]
    if not explanation.hypotheses:
        out += [m("explain.no_hypothesis"), ""]
    for h in explanation.hypotheses:
        status = m(f"explain.status.{h.status}").lower()
        out += [f"### {h.label} (`{h.id}`): {status}", "", h.summary, ""]
        for title, items in (
            (m("explain.evidence_for"), h.supporting),
            (m("explain.evidence_against"), h.opposing),
        ):
            if items:
                out.append(f"**{title}**")
                out.append("")
                out += [f"- {e.text}" for e in items]
                out.append("")
        if h.missing:
            out += [f"**{m('explain.missing')}**", ""]
            out += [f"- {x.text}" for x in h.missing]
            out.append("")
    out += [f"> {explanation.disclaimer}", "", f"{m('render.rule_pack')}: `{explanation.pack}`"]
    return "\n".join(out)


def render(thing: TriageResult | Explanation, fmt: Format = "text", lang: str | None = None) -> str:
    """``thing`` (a result or an explanation) as ``fmt``: the one switch the commands use.

    Headings and the library's words are in ``lang`` (default: ``thing.lang``, the
    language it was triaged in); the pack's texts are those of ``thing``."""
    if fmt == "json":
        return thing.model_dump_json(indent=2)
    if isinstance(thing, TriageResult):
        return render_markdown(thing, lang) if fmt == "markdown" else render_text(thing, lang)
    if fmt == "markdown":
        return render_explanation_markdown(thing, lang)
    return render_explanation_text(thing, lang)


def render_interview(interview: Interview, fmt: Format = "text", lang: str | None = None) -> str:
    """The next questions as ``fmt``."""
    if fmt == "json":
        return interview.model_dump_json(indent=2)
    if fmt == "text":
        return interview.to_text()
    m = _m(lang or interview.lang)
    out = [f"## {m('interview.heading')}", ""]
    if interview.note:
        out += [interview.note, ""]
    elif not interview.questions:
        out += [m("interview.none"), ""]
    for n, q in enumerate(interview.questions, 1):
        flag = f" **({m('interview.red_flag_screen')})**" if q.red_flag else ""
        out.append(f"{n}. {q.text}{flag}  ")
        out.append(f"   *{m('interview.why')}:* {q.why}")
    stop = m("interview.stop_short")
    keep = m("interview.keep_asking_short", n=interview.remaining)
    out += ["", stop if interview.should_stop else keep]
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
