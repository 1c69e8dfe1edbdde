"""The next questions to ask: red-flag screening first, then what could change the result most.

:func:`next_questions` is stateless: the caller sends the whole report each time, as a
coaching app's chat or form would, and gets back up to ``limit`` questions and a
``should_stop`` flag.

How questions are chosen:

0. **Suspected red flags.** The items a report lists under ``suspected`` (free text
   hinted at them) count for the level until answered, so they are asked first, even
   when the level they cause is ``emergency``.
1. **Red-flag screening.** Every symptom or history id that appears in a condition of
   a ``red_flag: true`` rule is a screening question. The ones of the report's body
   regions (the ``region:`` of the items reported present or measured) that have not been
   answered (neither present nor absent) come first, most urgent rule first; a
   report that names no region is screened for every region. Screens that a reported
   item names in its ``screen_first`` (pack data: a calf complaint names the DVT signs)
   come before all of them, in the order listed, whatever their region.
2. **What could change the result.** Every other unknown symptom, history item,
   activity or measurement that appears in a rule that has not fired (and whose other
   conditions the report does not contradict) is tried: the report is triaged again
   with each possible answer (yes and no; for a measurement, values on either side of
   every threshold the rules use). A question scores by how much its most telling
   answer would move the level, the top hypothesis and the confidences of the
   leading hypotheses.

``should_stop`` is true when no answer to any remaining question (red flags
included) could change the triage level or the top hypothesis, and at once when the
level is already ``emergency`` (no question is asked then: the athlete should seek
emergency care, and ``note`` says so).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from ..levels import TriageLevel
from ..report import Facts, Report, SidedValue
from ..results import TriageResult
from ..rules.loader import iter_conditions
from ..rules.logic import FactKind, dnf
from ..rules.pack import RulePack
from ..rules.schema import EscalateAction, HistoryCond, SymptomCond
from .explain import atom_state

if TYPE_CHECKING:
    from ..runtime.run import Runner

__all__ = ["Interview", "Question", "next_questions", "red_flag_items"]

QuestionKind = Literal["symptom", "history", "activity", "measurement"]

_LEADING = 3
"""How many of the top hypotheses count as leading."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Question(_Model):
    """One question about one vocabulary id."""

    id: str
    kind: QuestionKind
    label: str
    text: str
    test: str | None = None
    unit: str | None = None
    range: tuple[float, float] | None = None
    sided: bool = False
    red_flag: bool = False
    region: str | None = None
    why: str
    rules: tuple[str, ...] = ()
    score: float = 0.0


class Interview(_Model):
    """The next questions (most useful first) and whether to stop asking."""

    questions: tuple[Question, ...] = ()
    should_stop: bool
    level: TriageLevel
    top_hypothesis: str | None = None
    remaining: int = 0
    note: str | None = None
    lang: str = "en"

    def to_text(self) -> str:
        """Plain text: numbered questions with the test to run and why they matter (in
        this interview's ``lang``)."""
        from ..catalog import message

        def m(key: str, **values: object) -> str:
            return message(self.lang, key, **values)

        lines: list[str] = []
        if self.note:
            lines.append(self.note)
        elif not self.questions:
            lines.append(m("interview.none"))
        for n, q in enumerate(self.questions, 1):
            flag = f" [{m('interview.red_flag_screen')}]" if q.red_flag else ""
            lines.append(f"{n}. {q.text}{flag}")
            lines.append(f"   {m('interview.about')}: {q.label} ({q.id}, {q.kind})")
            if q.test:
                unit = " " + m("interview.record_in", unit=q.unit) if q.unit else ""
                sides = " " + m("interview.both_sides") if q.sided else ""
                lines.append(f"   {m('interview.test')}: {q.test}{unit}{sides}")
            elif q.unit:
                lines.append(f"   {m('interview.answer_in', unit=q.unit)}")
            lines.append(f"   {m('interview.why')}: {q.why}")
        lines.append("")
        if self.should_stop:
            lines.append(m("interview.stop"))
        else:
            key = "interview.keep_asking_one" if self.remaining == 1 else "interview.keep_asking"
            lines.append(m(key, n=self.remaining))
        return "\n".join(lines)


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


def _to_confirm(result: TriageResult) -> tuple[Question, ...]:
    """The suspected red-flag items a result counted for its level: asked first."""
    return tuple(
        Question(
            id=s.id,
            kind="history" if s.kind == "history" else "symptom",
            label=s.label,
            text=s.question,
            red_flag=True,
            region=s.region,
            why=(
                f"Suspected from the athlete's words and counted for the level until answered "
                f"(red-flag rule {', '.join(s.rules) or 'none'}, up to {s.level.value})."
            ),
            rules=s.rules,
            score=200.0 + s.level.rank,
        )
        for s in result.to_confirm
    )


def _regions(pack: RulePack, facts: Facts) -> set[str]:
    regions: set[str] = set()
    for vid in (*facts.present, *facts.measurements):
        item = pack.item(vid)
        if item is not None and item.region not in (None, "any"):
            regions.add(str(item.region))
    return regions


def _rule_level(pack: RulePack, rule_id: str) -> TriageLevel:
    rule = pack.rule(rule_id)
    return max(
        (a.escalate for a in rule.then if isinstance(a, EscalateAction)),
        default=TriageLevel.SELF_CARE,
    )


def _answers(pack: RulePack, vid: str, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Possible answers to a question: (description, report patch)."""
    if kind in ("symptom", "history"):
        return [("if yes", {"present": vid}), ("if no", {"absent": vid})]
    if kind == "activity":
        return [("if the athlete does it", {"activity": vid})]
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
    if not cuts:
        regions.append((f"at {(lo + hi) / 2:g} {unit}", (lo + hi) / 2))
    else:
        if lo < cuts[0]:
            regions.append((f"below {cuts[0]:g} {unit}", (lo + cuts[0]) / 2))
        for a, b in itertools.pairwise(cuts):
            regions.append((f"between {a:g} and {b:g} {unit}", (a + b) / 2))
        if cuts[-1] < hi:
            regions.append((f"above {cuts[-1]:g} {unit}", (cuts[-1] + hi) / 2))
        regions += [(f"at exactly {c:g} {unit}", c) for c in cuts]
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
                        (
                            f"{words} on one side and {gap:g} {unit} {'more' if other > v else 'less'} "
                            "on the other"
                        ),
                        {"measure": (vid, SidedValue(left=round(v, 4), right=other))},
                    )
                )
    return out


def _patched(report: Report, patch: Mapping[str, Any]) -> Report:
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


def _effect(
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
        parts.append(f"change the level to {new.level.value}")
    top_before = base.hypotheses[0].id if base.hypotheses else None
    top_after = new.hypotheses[0].id if new.hypotheses else None
    if top_after != top_before:
        changed = True
        score += 0.5
        if top_after is not None:
            parts.append(f"make {new.hypotheses[0].label} the top hypothesis")
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
        verb = "raise" if a > b else "lower"
        parts.append(f"{verb} {label} from {b:.2f} to {a:.2f}")
    return score, changed, ", ".join(parts)


def next_questions(
    report: Report | Mapping[str, Any], limit: int = 3, *, engine: Runner | None = None
) -> Interview:
    """Up to ``limit`` questions whose answers could change the result most, red flags first.

    Raises :class:`~hamtriage.ReportError` for an invalid report (and for ``limit < 0``).
    """
    from ..errors import ReportError
    from ..runtime.run import default_compiled

    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ReportError(f"limit must be a whole number >= 0, got {limit!r}", field="limit")
    eng = engine if engine is not None else default_compiled()
    pack = eng.pack
    facts = eng.normalize(report)
    rep = facts.report
    base = eng.triage(rep)
    leading = tuple(h.id for h in base.hypotheses[:_LEADING])
    confirm = _to_confirm(base)
    if base.level == TriageLevel.EMERGENCY and confirm:
        # the level rests on suspicions: settle them now rather than stop asking
        return Interview(
            questions=confirm[:limit],
            should_stop=False,
            level=base.level,
            top_hypothesis=base.hypotheses[0].id if base.hypotheses else None,
            remaining=len(confirm),
            note=(
                "The level is emergency because of what the text suggests: ask these now; "
                "if any is confirmed, or the athlete is unsure, seek emergency care."
            ),
        )
    if base.level == TriageLevel.EMERGENCY:
        return Interview(
            should_stop=True,
            level=base.level,
            top_hypothesis=base.hypotheses[0].id if base.hypotheses else None,
            note="The level is emergency: stop asking and seek emergency care now.",
        )
    answered = set(facts.present) | set(facts.absent)
    known = answered | set(facts.activities) | set(facts.measurements)

    questions: list[Question] = list(confirm)
    any_change = bool(confirm)

    # 1. red-flag screening for the report's regions
    flags = red_flag_items(pack)
    regions = _regions(pack, facts)
    # screens a reported item names in its `screen_first` (pack data) come before all others
    first: dict[str, int] = {}
    for vid in sorted(facts.present):
        named = pack.item(vid)
        for n, sid in enumerate(named.screen_first if named is not None else ()):
            first[sid] = min(first.get(sid, n), n)
    screened: list[tuple[tuple[int, int, int, int], Question]] = []
    for order, (vid, rule_ids) in enumerate(flags.items()):
        if vid in answered:
            continue
        item = pack.item(vid)
        if item is None:  # pragma: no cover - the loader checked every reference
            continue
        region = item.region
        in_region = not regions or region in regions
        if not in_region and region not in (None, "any") and vid not in first:
            continue
        level = max(_rule_level(pack, r) for r in rule_ids)
        kind = pack.kinds[vid]
        new = eng.triage(_patched(rep, {"present": vid}))
        _, changed, effect = _effect(base, new, leading)
        any_change = any_change or changed
        where = (
            f"the {str(region).replace('_', ' ')}" if region not in (None, "any") else "any region"
        )
        why = f"Red-flag screen for {where}: if yes, {effect or 'the rules ' + ', '.join(rule_ids) + ' apply'}"
        why += f" (red-flag rule {', '.join(rule_ids)}, up to {level.value})."
        screened.append(
            (
                (first.get(vid, len(first)), 0 if region in regions else 1, -level.rank, order),
                Question(
                    id=vid,
                    kind="history" if kind == "history" else "symptom",
                    label=item.label,
                    text=item.question or f"Do you have {item.label.lower()}?",
                    red_flag=True,
                    region=region,
                    why=why,
                    rules=rule_ids,
                    score=100.0 + level.rank,
                ),
            )
        )
    screened.sort(key=lambda pair: pair[0])
    questions += [q for _, q in screened]

    # 2. unknown items of rules that have not fired and could still fire
    fired = set(base.fired_rules)
    confidences = {h.id: h.confidence for h in base.hypotheses}
    candidates: dict[str, list[str]] = {}
    for rule in pack.rules:
        if rule.id in fired:
            continue
        for conj in dnf(rule.when):
            states = [(a, atom_state(a, facts, confidences)) for a in conj]
            if any(s is False for _, s in states):
                continue
            for atom, state in states:
                if state is not None or atom.key[0] not in (
                    FactKind.PRESENT,
                    FactKind.ABSENT,
                    FactKind.ACTIVITY,
                    FactKind.MEASUREMENT,
                    FactKind.ASYMMETRY,
                ):
                    continue
                vid = atom.key[1]
                if vid in known or vid in flags:
                    continue
                rules = candidates.setdefault(vid, [])
                if rule.id not in rules:
                    rules.append(rule.id)
    scored: list[tuple[float, str, Question]] = []
    for vid, cand_rules in candidates.items():
        kind = pack.kinds[vid]
        item = pack.item(vid)
        if item is None or kind not in ("symptom", "history", "activity", "measurement"):
            continue  # pragma: no cover - conditions only name these kinds
        best = (0.0, "")
        # items of the report's regions count fully, others (and region-less ones) half
        relevance = 1.0 if not regions or item.region in regions else 0.5
        for answer, patch in _answers(pack, vid, kind):
            new = eng.triage(_patched(rep, patch))
            score, changed, effect = _effect(base, new, leading)
            score *= relevance
            any_change = any_change or changed
            if score > best[0]:
                best = (score, f"{answer}, it would {effect}" if effect else answer)
        if best[0] <= 0:
            continue
        unit = pack.measurements[vid].unit if kind == "measurement" else None
        measurement = pack.measurements.get(vid)
        text = item.question or (
            f"What is your {item.label.lower()} ({unit})?"
            if measurement is not None
            else f"Do you have {item.label.lower()}?"
        )
        scored.append(
            (
                best[0],
                vid,
                Question(
                    id=vid,
                    kind=kind,
                    label=item.label,
                    text=text,
                    test=measurement.test if measurement is not None else None,
                    unit=unit,
                    range=measurement.range if measurement is not None else None,
                    sided=measurement.sided if measurement is not None else False,
                    region=item.region,
                    why=best[1][:1].upper() + best[1][1:] + f" (rules {', '.join(cand_rules)}).",
                    rules=tuple(cand_rules),
                    score=round(best[0], 4),
                ),
            )
        )
    scored.sort(key=lambda x: (-x[0], x[1]))
    questions += [q for _, _, q in scored]
    return Interview(
        questions=tuple(questions[:limit]),
        should_stop=not any_change,
        level=base.level,
        top_hypothesis=base.hypotheses[0].id if base.hypotheses else None,
        remaining=len(questions),
    )
