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

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..catalog import message, region_name
from ..levels import TriageLevel
from ..report import Report
from ..rules.logic import FactKind, dnf
from ._evidence import atom_state
from ._interview_models import Interview, Question
from ._probe import answers, effect_of, patched, red_flag_items, regions_of, rule_level, to_confirm

if TYPE_CHECKING:
    from ..runtime.run import Runner

__all__ = ["Interview", "Question", "next_questions", "red_flag_items"]

_LEADING = 3
"""How many of the top hypotheses count as leading."""


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
    lang = base.lang  # a LocalizedRunner's results are in its language
    leading = tuple(h.id for h in base.hypotheses[:_LEADING])
    confirm = to_confirm(base)
    if base.level == TriageLevel.EMERGENCY and confirm:
        # the level rests on suspicions: settle them now rather than stop asking
        return Interview(
            questions=confirm[:limit],
            should_stop=False,
            level=base.level,
            top_hypothesis=base.hypotheses[0].id if base.hypotheses else None,
            remaining=len(confirm),
            note=message(lang, "interview.note_emergency_suspected"),
        )
    if base.level == TriageLevel.EMERGENCY:
        return Interview(
            should_stop=True,
            level=base.level,
            top_hypothesis=base.hypotheses[0].id if base.hypotheses else None,
            note=message(lang, "interview.note_emergency"),
        )
    answered = set(facts.present) | set(facts.absent)
    known = answered | set(facts.activities) | set(facts.measurements)

    questions: list[Question] = list(confirm)
    any_change = bool(confirm)

    # 1. red-flag screening for the report's regions
    flags = red_flag_items(pack)
    regions = regions_of(pack, facts)
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
        level = max(rule_level(pack, r) for r in rule_ids)
        kind = pack.kinds[vid]
        new = eng.triage(patched(rep, {"present": vid}))
        _, changed, effect = effect_of(base, new, leading)
        any_change = any_change or changed
        where = (
            message(lang, "interview.region", region=region_name(lang, str(region)))
            if region not in (None, "any")
            else message(lang, "interview.any_region")
        )
        listed = ", ".join(rule_ids)
        effect = effect or message(lang, "interview.rules_apply", rules=listed)
        why = message(lang, "interview.screen_why", where=where, effect=effect)
        why += message(lang, "interview.screen_tail", rules=listed, level=level.value)
        screened.append(
            (
                (first.get(vid, len(first)), 0 if region in regions else 1, -level.rank, order),
                Question(
                    id=vid,
                    kind="history" if kind == "history" else "symptom",
                    label=item.label,
                    text=item.question
                    or message(lang, "screen.question", label=item.label.lower()),
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
        for answer, patch in answers(pack, vid, kind, lang):
            new = eng.triage(patched(rep, patch))
            score, changed, effect = effect_of(base, new, leading)
            score *= relevance
            any_change = any_change or changed
            if score > best[0]:
                said = message(lang, "interview.it_would", answer=answer, effect=effect)
                best = (score, said if effect else answer)
        if best[0] <= 0:
            continue
        unit = pack.measurements[vid].unit if kind == "measurement" else None
        measurement = pack.measurements.get(vid)
        text = item.question or (
            message(lang, "interview.what_is", label=item.label.lower(), unit=unit)
            if measurement is not None
            else message(lang, "screen.question", label=item.label.lower())
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
                    why=best[1][:1].upper()
                    + best[1][1:]
                    + message(lang, "interview.rules_tail", rules=", ".join(cand_rules)),
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
