"""What a question could change: red-flag screens, the possible answers and their effect.

:func:`hamtriage.flows.interview.next_questions` triages the report again with each
answer these helpers propose and scores how far the result moves.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from ..catalog import message
from ..levels import TriageLevel
from ..report import Facts, Report, SidedValue
from ..results import TriageResult
from ..rules.loader import iter_conditions
from ..rules.logic import FactKind, dnf
from ..rules.pack import RulePack
from ..rules.schema import EscalateAction, HistoryCond, SymptomCond
from ._interview_models import Question
from ._phrasing import number

__all__ = [
    "answers",
    "effect_of",
    "patched",
    "red_flag_items",
    "regions_of",
    "rule_level",
    "to_confirm",
]


def red_flag_items(pack: RulePack) -> dict[str, tuple[str, ...]]:
    """Symptom and history ids used by red-flag rules -> the ids of those rules, in pack order."""
    out: dict[str, list[str]] = {}
    for rule in pack.rules:
        if not rule.red_flag:
            continue
        for cond, _ in iter_conditions(rule.when):
            if isinstance(cond, SymptomCond | HistoryCond):
                vid = cond.symptom if isinstance(cond, SymptomCond) else cond.history
                rules = out.setdefault(vid, [])
                if rule.id not in rules:
                    rules.append(rule.id)
    return {k: tuple(v) for k, v in out.items()}


def to_confirm(result: TriageResult) -> tuple[Question, ...]:
    """The suspected red-flag items a result counted for its level: asked first."""
    return tuple(
        Question(
            id=s.id,
            kind="history" if s.kind == "history" else "symptom",
            label=s.label,
            text=s.question,
            red_flag=True,
            region=s.region,
            why=message(
                result.lang,
                "interview.suspected_why",
                rules=", ".join(s.rules) or message(result.lang, "interview.no_rule"),
                level=s.level.value,
            ),
            rules=s.rules,
            score=200.0 + s.level.rank,
        )
        for s in result.to_confirm
    )


def regions_of(pack: RulePack, facts: Facts) -> set[str]:
    regions: set[str] = set()
    for vid in (*facts.present, *facts.measurements):
        item = pack.item(vid)
        if item is not None and item.region not in (None, "any"):
            regions.add(str(item.region))
    return regions


def rule_level(pack: RulePack, rule_id: str) -> TriageLevel:
    rule = pack.rule(rule_id)
    return max(
        (a.escalate for a in rule.then if isinstance(a, EscalateAction)),
        default=TriageLevel.SELF_CARE,
    )


def answers(
    pack: RulePack, vid: str, kind: str, lang: str = "en"
) -> list[tuple[str, dict[str, Any]]]:
    """Possible answers to a question: (description in ``lang``, report patch)."""
    if kind in ("symptom", "history"):
        yes, no = message(lang, "answer.if_yes"), message(lang, "answer.if_no")
        return [(yes, {"present": vid}), (no, {"absent": vid})]
    if kind == "activity":
        return [(message(lang, "answer.if_does"), {"activity": vid})]
    item = pack.measurements[vid]
    lo, hi = item.range
    unit = item.unit
    bounds: set[float] = set()
    for rule in pack.rules:
        for conj in dnf(rule.when):
            for atom in conj:
                if atom.key[0] == FactKind.MEASUREMENT and atom.key[1] == vid:
                    bounds.update(float(v) for _, v in atom.tests if lo <= float(v) <= hi)
    cuts = sorted(bounds)
    # one value per region between the thresholds the rules use, and each threshold
    regions: list[tuple[str, float]] = []

    def said(key: str, value: float, **more: str) -> str:
        return message(lang, f"answer.{key}", value=number(lang, value), unit=unit, **more)

    if not cuts:
        regions.append((said("at", (lo + hi) / 2), (lo + hi) / 2))
    else:
        if lo < cuts[0]:
            regions.append((said("below", cuts[0]), (lo + cuts[0]) / 2))
        for a, b in itertools.pairwise(cuts):
            between = said("between", a, a=number(lang, a), b=number(lang, b))
            regions.append((between, (a + b) / 2))
        if cuts[-1] < hi:
            regions.append((said("above", cuts[-1]), (cuts[-1] + hi) / 2))
        regions += [(said("exactly", c), c) for c in cuts]
    out: list[tuple[str, dict[str, Any]]] = [
        (words, {"measure": (vid, round(v, 4))}) for words, v in regions
    ]
    if item.sided and item.mdc is not None:
        gap = item.mdc * 1.5
        for words, v in regions:
            other = round(v + gap, 4) if item.worse == "lower" else round(v - gap, 4)
            if lo <= other <= hi:
                out.append(
                    (
                        message(
                            lang,
                            "answer.sided",
                            words=words,
                            gap=number(lang, gap),
                            unit=unit,
                            more=message(lang, "answer.more" if other > v else "answer.less"),
                        ),
                        {"measure": (vid, SidedValue(left=round(v, 4), right=other))},
                    )
                )
    return out


def patched(report: Report, patch: Mapping[str, Any]) -> Report:
    data = report.model_dump(exclude_defaults=True)
    if "present" in patch:
        key = "symptoms"
        data[key] = [*data.get(key, []), patch["present"]]
    if "absent" in patch:
        data["absent"] = [*data.get("absent", []), patch["absent"]]
    if "activity" in patch:
        data["activities"] = [*data.get("activities", []), patch["activity"]]
    if "measure" in patch:
        vid, value = patch["measure"]
        data.setdefault("measurements", {})[vid] = value
    return Report.model_validate(data)


def effect_of(
    base: TriageResult, new: TriageResult, leading: tuple[str, ...]
) -> tuple[float, bool, str]:
    """(score, whether the level or top hypothesis changed, what changed in words).

    The score weighs confidence changes of the leading hypotheses fully and of the
    others by a quarter, and adds half a point for a new top hypothesis and half a
    point per level of change.
    """
    changed = False
    parts: list[str] = []
    score = 0.0
    if new.level != base.level:
        changed = True
        score += 0.5 * abs(new.level.rank - base.level.rank)
        parts.append(message(new.lang, "effect.level", level=new.level.value))
    top_before = base.hypotheses[0].id if base.hypotheses else None
    top_after = new.hypotheses[0].id if new.hypotheses else None
    if top_after != top_before:
        changed = True
        score += 0.5
        if top_after is not None:
            parts.append(message(new.lang, "effect.top", label=new.hypotheses[0].label))
    before = {h.id: h.confidence for h in base.hypotheses}
    after = {h.id: h.confidence for h in new.hypotheses}
    deltas: list[tuple[float, str]] = []
    for hid in before.keys() | after.keys():
        delta = after.get(hid, 0.0) - before.get(hid, 0.0)
        if abs(delta) < 1e-9:
            continue
        weight = 1.0 if hid in leading or not leading else 0.25
        score += weight * abs(delta)
        deltas.append((-weight * abs(delta), hid))
    for _, hid in sorted(deltas)[:2]:
        label = next((h.label for h in (*new.hypotheses, *base.hypotheses) if h.id == hid), hid)
        b, a = before.get(hid, 0.0), after.get(hid, 0.0)
        key = "effect.raise" if a > b else "effect.lower"
        shown = {"before": number(new.lang, b, ".2f"), "after": number(new.lang, a, ".2f")}
        parts.append(message(new.lang, key, label=label, **shown))
    return score, changed, ", ".join(parts)
