"""The load-time safety lint: the invariants that make red flags always win.

:func:`safety_issues` runs inside :func:`hamtriage.load_pack` on the merged pack and
refuses (as errors naming the rule and ``file:line:col``):

``red_flag_drill_chain``
    a red-flag rule that can *end* in a drill: it supports a hypothesis that a rule
    reads (directly or through further chained hypotheses) to recommend a drill. A
    red-flag rule that recommends a drill itself is refused by the loader
    (``red_flag_drill``).
``red_flag_source``
    a red flag without a source: a red-flag rule with no ``source``, or a symptom or
    history item that a red-flag rule reads but that has no ``source:`` of its own.
``red_flag_lore``
    a red-flag rule whose evidence is ``coaching_lore``.
``missing_referral``
    a rule escalating to ``see_clinician`` or higher when the pack has no referral for
    that level (``pack.referrals``): the result would send the athlete nowhere.
``level_lowered``
    any way a rule could lower the triage level. Levels combine by taking the
    highest and there is no lowering action, so a level can only fall when reporting
    *more* stops an escalating rule from firing. That happens when an escalation sits
    under a ``not:`` (closed world: ``not: {symptom: x}`` stops holding once x is
    reported) or reads a hypothesis whose confidence can fall when more is reported
    (one that some rule argues against, or that a rule with a ``not:`` supports).
    ``escalate: self_care`` is refused too: it cannot raise anything.

:func:`red_flag_triggers` lists the items that fire a red-flag rule on their own; the
property tests use it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..errors import RuleIssue
from ..levels import EvidenceLevel, RecommendationKind, TriageLevel
from ._yaml import YamlDocument
from .pack import Origin, RulePack
from .schema import (
    AbsentCond,
    ActivityCond,
    AgainstAction,
    AllCond,
    AnyCond,
    AsymmetryCond,
    Condition,
    EscalateAction,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    NotCond,
    RecommendAction,
    Rule,
    SupportAction,
    SymptomCond,
    iter_conditions,
)

__all__ = ["SAFETY_CODES", "red_flag_triggers", "safety_issues"]

SAFETY_CODES = (
    "red_flag_drill_chain",
    "red_flag_source",
    "red_flag_lore",
    "missing_referral",
    "level_lowered",
)
"""The issue codes this lint emits."""

Loc = tuple[str | int, ...]
RuleEntry = tuple[YamlDocument, Rule, Loc]


def _walk(cond: Condition, loc: Loc) -> Iterator[tuple[Condition, Loc, Loc | None]]:
    """Every condition with its data path and the path of the innermost ``not`` above it."""
    for sub, path in iter_conditions(cond, loc):
        nots = [k for k in range(len(loc), len(path)) if path[k] == "not"]
        yield sub, path, (path[: nots[-1] + 1] if nots else None)


def _describe(cond: Condition) -> str:
    for cls, key in (
        (SymptomCond, "symptom"),
        (HistoryCond, "history"),
        (AbsentCond, "absent"),
        (ActivityCond, "activity"),
        (MeasurementCond, "measurement"),
        (AsymmetryCond, "asymmetry"),
        (HypothesisCond, "hypothesis"),
    ):
        if isinstance(cond, cls):
            return f"{key} '{getattr(cond, key)}'"
    return type(cond).__name__.removesuffix("Cond").lower()


def _negated_leaves(cond: Condition) -> list[str]:
    return [
        _describe(c)
        for c, _, _ in _walk(cond, ())
        if not isinstance(c, AllCond | AnyCond | NotCond)
    ]


def _escalation(rule: Rule) -> TriageLevel | None:
    levels = [a.escalate for a in rule.then if isinstance(a, EscalateAction)]
    return max(levels) if levels else None


class _Lint:
    def __init__(self, rules: Sequence[RuleEntry], tables: Mapping[str, Mapping[str, Any]]):
        self.rules = rules
        self.tables = tables
        self.issues: list[RuleIssue] = []

    def add(
        self, doc: YamlDocument, loc: Loc, message: str, code: str, rule: Rule, *, key: bool
    ) -> None:
        line, column = doc.mark(loc, key=key)
        self.issues.append(
            RuleIssue.at((doc.path, line, column), message, code=code, rule_id=rule.id)
        )

    # ------------------------------------------------------------ red flags

    def red_flag_evidence(self, origins: Mapping[str, Origin]) -> None:
        vocab = {**self.tables.get("symptoms", {}), **self.tables.get("history", {})}
        for doc, rule, loc in self.rules:
            if not rule.red_flag:
                continue
            if not rule.source:
                self.add(
                    doc,
                    (*loc, "red_flag"),
                    f"red-flag rule '{rule.id}' has no source",
                    "red_flag_source",
                    rule,
                    key=True,
                )
            if rule.evidence == EvidenceLevel.COACHING_LORE:
                self.add(
                    doc,
                    (*loc, "evidence"),
                    f"red-flag rule '{rule.id}' rests on coaching lore; a red flag needs "
                    "guideline, research or expert-opinion evidence",
                    "red_flag_lore",
                    rule,
                    key=False,
                )
            for cond, cloc, under_not in _walk(rule.when, (*loc, "when")):
                if under_not is not None or not isinstance(cond, SymptomCond | HistoryCond):
                    continue
                ref = cond.symptom if isinstance(cond, SymptomCond) else cond.history
                item = vocab.get(ref)
                if item is not None and not item.source:
                    where = origins.get(ref)
                    at = f" (defined at {where})" if where is not None else ""
                    self.add(
                        doc,
                        (*cloc, "symptom" if isinstance(cond, SymptomCond) else "history"),
                        f"red-flag rule '{rule.id}' reads '{ref}', which has no source{at}; "
                        "every red flag needs a source",
                        "red_flag_source",
                        rule,
                        key=False,
                    )

    def drill_chains(self) -> None:
        """Follow every hypothesis a red-flag rule supports to the rules that read it."""
        recs = self.tables.get("recommendations", {})
        readers: dict[str, list[RuleEntry]] = {}
        for entry in self.rules:
            _, rule, _ = entry
            for cond, _, under_not in _walk(rule.when, ()):
                if isinstance(cond, HypothesisCond) and under_not is None:
                    readers.setdefault(cond.hypothesis, []).append(entry)
        reported: set[tuple[str, int]] = set()
        for _, flag, _ in self.rules:
            if not flag.red_flag:
                continue
            chain: dict[str, tuple[str, ...]] = {
                a.support: (flag.id, a.support) for a in flag.then if isinstance(a, SupportAction)
            }
            queue = list(chain)
            while queue:
                hyp = queue.pop(0)
                for doc, rule, loc in readers.get(hyp, []):
                    path = (*chain[hyp], rule.id)
                    for i, action in enumerate(rule.then):
                        if isinstance(action, RecommendAction):
                            rec = recs.get(action.recommend)
                            if rec is None or rec.kind != RecommendationKind.DRILL:
                                continue
                            if (rule.id, i) in reported:
                                continue
                            reported.add((rule.id, i))
                            self.add(
                                doc,
                                (*loc, "then", i, "recommend"),
                                f"rule '{rule.id}' recommends the drill '{rec.id}' on hypothesis "
                                f"'{hyp}', which red-flag rule '{flag.id}' supports: a red flag "
                                f"must never lead to a drill ({' -> '.join((*path, rec.id))})",
                                "red_flag_drill_chain",
                                rule,
                                key=False,
                            )
                        elif isinstance(action, SupportAction) and action.support not in chain:
                            chain[action.support] = (*path, action.support)
                            queue.append(action.support)

    def referrals(self, referrals: Mapping[TriageLevel, str]) -> None:
        for doc, rule, loc in self.rules:
            for i, action in enumerate(rule.then):
                level = action.escalate if isinstance(action, EscalateAction) else None
                if level is not None and level.is_referral and level not in referrals:
                    self.add(
                        doc,
                        (*loc, "then", i, "escalate"),
                        f"rule '{rule.id}' escalates to '{level.value}', but the pack has no "
                        f"referral for '{level.value}': add one under pack.referrals so the "
                        "result says where to go",
                        "missing_referral",
                        rule,
                        key=False,
                    )

    # ---------------------------------------------------------------- levels

    def _falling_hypotheses(self) -> dict[str, str]:
        """Hypotheses whose confidence can fall when more is reported, with the reason."""
        falling: dict[str, str] = {}
        for _, rule, _ in self.rules:
            for a in rule.then:
                if isinstance(a, AgainstAction):
                    falling.setdefault(a.against, f"rule '{rule.id}' argues against it")
        changed = True
        while changed:
            changed = False
            for _, rule, _ in self.rules:
                negated = any(u is not None for _, _, u in _walk(rule.when, ()))
                reads = [
                    c.hypothesis
                    for c, _, u in _walk(rule.when, ())
                    if isinstance(c, HypothesisCond) and u is None and c.hypothesis in falling
                ]
                if not negated and not reads:
                    continue
                why = (
                    f"rule '{rule.id}' supports it under a 'not:'"
                    if negated
                    else f"rule '{rule.id}' supports it from '{reads[0]}', which can fall"
                )
                for a in rule.then:
                    if isinstance(a, SupportAction) and a.support not in falling:
                        falling[a.support] = why
                        changed = True
        return falling

    def monotone_levels(self) -> None:
        falling = self._falling_hypotheses()
        for doc, rule, loc in self.rules:
            for i, action in enumerate(rule.then):
                if isinstance(action, EscalateAction) and action.escalate == TriageLevel.SELF_CARE:
                    self.add(
                        doc,
                        (*loc, "then", i, "escalate"),
                        f"rule '{rule.id}' escalates to self_care, the lowest level: a rule can "
                        "only raise the level",
                        "level_lowered",
                        rule,
                        key=False,
                    )
            level = _escalation(rule)
            if level is None or level == TriageLevel.SELF_CARE:
                continue
            seen_not: set[Loc] = set()
            for cond, cloc, under_not in _walk(rule.when, (*loc, "when")):
                if isinstance(cond, NotCond) and under_not is None and cloc not in seen_not:
                    seen_not.add(cloc)
                    what = ", ".join(_negated_leaves(cond.negated))
                    self.add(
                        doc,
                        (*cloc, "not"),
                        f"rule '{rule.id}' escalates to '{level.value}' only while {what} is "
                        "not reported: reporting more would lower the level (escalate on "
                        "reported facts only, never under 'not:')",
                        "level_lowered",
                        rule,
                        key=True,
                    )
                elif (
                    isinstance(cond, HypothesisCond)
                    and under_not is None
                    and cond.hypothesis in falling
                ):
                    self.add(
                        doc,
                        (*cloc, "hypothesis"),
                        f"rule '{rule.id}' escalates to '{level.value}' on hypothesis "
                        f"'{cond.hypothesis}', whose confidence can fall when more is reported "
                        f"({falling[cond.hypothesis]}): reporting more would lower the level",
                        "level_lowered",
                        rule,
                        key=False,
                    )


def safety_issues(
    rules: Sequence[RuleEntry],
    tables: Mapping[str, Mapping[str, Any]],
    origins: Mapping[str, Origin],
    referrals: Mapping[TriageLevel, str] | None = None,
) -> list[RuleIssue]:
    """Check the safety invariants of a merged pack; return every violation as an error.

    ``rules`` are the pack's rules with their documents and data paths, ``tables`` the
    merged vocabulary sections (``symptoms``, ``history``, ``recommendations``, ...),
    ``origins`` where each vocabulary id is defined, ``referrals`` the pack's referral
    for each level (not checked when ``None``).
    """
    lint = _Lint(rules, tables)
    lint.red_flag_evidence(origins)
    lint.drill_chains()
    if referrals is not None:
        lint.referrals(referrals)
    lint.monotone_levels()
    return lint.issues


def _sole_triggers(cond: Condition) -> set[str]:
    """Symptom or history ids whose presence alone makes ``cond`` true."""
    if isinstance(cond, SymptomCond):
        return {cond.symptom}
    if isinstance(cond, HistoryCond):
        return {cond.history}
    if isinstance(cond, AnyCond):
        return set().union(*(_sole_triggers(c) for c in cond.any))
    if isinstance(cond, AllCond) and len(cond.all) == 1:
        return _sole_triggers(cond.all[0])
    return set()


def red_flag_triggers(pack: RulePack) -> dict[str, tuple[str, ...]]:
    """Symptom and history ids that fire a red-flag rule on their own -> those rules' ids.

    Reporting any of these items present, whatever else is reported, escalates to at
    least ``see_clinician`` and removes every drill from the result.
    """
    out: dict[str, list[str]] = {}
    for rule in pack.rules:
        if rule.red_flag:
            for item in sorted(_sole_triggers(rule.when)):
                out.setdefault(item, []).append(rule.id)
    return {k: tuple(v) for k, v in sorted(out.items())}
