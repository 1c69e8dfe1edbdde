"""Checks across a pack's files: ids referred to, value ranges, red-flag actions, cycles, phrases.

Run by :mod:`hamtriage.rules.loader` once every file is validated and every id is known;
each problem is located at the key that names it (``file:line:col``), with "did you mean".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import RuleIssue, a_or_an, suggest
from ..levels import RecommendationKind, TriageLevel
from ._graph import find_cycle
from ._retest_checks import change_condition_issues
from ._validate import SECTIONS, Collector, Loc
from .pack import VocabKind, normalize_text
from .phrases import PhraseSyntaxError, parse_phrase
from .schema import (
    AbsentCond,
    ActivityCond,
    AgainstAction,
    AgeCond,
    AsymmetryCond,
    BlockAction,
    ChangeCond,
    EscalateAction,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    PackMeta,
    RecommendAction,
    Rule,
    SupportAction,
    SymptomCond,
    iter_conditions,
)

if TYPE_CHECKING:
    from ._yaml import YamlDocument

__all__ = [
    "check_actions",
    "check_condition_refs",
    "check_cycles",
    "check_phrases",
    "check_referrals",
    "check_screen_refs",
    "check_sources",
    "index_synonyms",
]


def check_condition_refs(
    doc: YamlDocument, rule: Rule, base: Loc, col: Collector, pack: dict[str, Any]
) -> None:
    expect: dict[type, tuple[str, tuple[VocabKind, ...]]] = {
        SymptomCond: ("symptom", ("symptom",)),
        HistoryCond: ("history", ("history",)),
        AbsentCond: ("absent", ("symptom", "history")),
        ActivityCond: ("activity", ("activity",)),
        MeasurementCond: ("measurement", ("measurement",)),
        AsymmetryCond: ("asymmetry", ("measurement",)),
        HypothesisCond: ("hypothesis", ("hypothesis",)),
        ChangeCond: ("change", ("measurement",)),
    }
    for cond, loc in iter_conditions(rule.when):
        spec = expect.get(type(cond))
        if spec is None:
            if isinstance(cond, AgeCond):
                _check_range(
                    doc, (*base, *loc, "age"), cond.age.bounds(), (0, 120), "age", col, rule
                )
            continue
        key, allowed = spec
        ref = getattr(cond, key)
        _check_ref(doc, (*base, *loc, key), ref, allowed, key, col, rule.id)
        if isinstance(cond, ChangeCond):  # the re-test loop (hamtriage.flows.retesting)
            if cond.after is not None:
                where = (*base, *loc, "after")
                _check_ref(doc, where, cond.after, ("recommendation",), "after", col, rule.id)
            for at, message in change_condition_issues(cond, rule.id, pack["measurements"]):
                col.add(doc, (*base, *loc, *at), message, code="not_sided", rule_id=rule.id)
            continue
        if isinstance(cond, MeasurementCond | AsymmetryCond) and ref in pack["measurements"]:
            item = pack["measurements"][ref]
            if isinstance(cond, MeasurementCond):
                _check_range(doc, (*base, *loc), cond.bounds(), item.range, ref, col, rule)
            elif not item.sided or item.mdc is None:
                col.add(
                    doc,
                    (*base, *loc, key),
                    f"rule '{rule.id}': asymmetry needs a sided measurement with an mdc; "
                    f"'{ref}' is not one",
                    code="not_sided",
                    rule_id=rule.id,
                )


def _check_range(
    doc: YamlDocument,
    loc: Loc,
    bounds: list[tuple[str, float]],
    valid: tuple[float, float],
    what: str,
    col: Collector,
    rule: Rule,
) -> None:
    lo, hi = valid
    for op, value in bounds:
        if not lo <= value <= hi:
            col.add(
                doc,
                (*loc, op),
                f"rule '{rule.id}': {op} {value:g} is outside the valid range of "
                f"{what} [{lo:g}, {hi:g}]",
                code="out_of_range",
                rule_id=rule.id,
            )


def _check_ref(
    doc: YamlDocument,
    loc: Loc,
    ref: str,
    allowed: tuple[VocabKind, ...],
    what: str,
    col: Collector,
    rule_id: str | None,
) -> None:
    kind = col.kinds.get(ref)
    if kind in allowed:
        return
    where = f"rule '{rule_id}': " if rule_id else ""
    if kind is not None:
        col.add(
            doc,
            loc,
            f"{where}'{ref}' is {a_or_an(kind)}, not {a_or_an(' or '.join(allowed))} (check the key '{what}')",
            code="wrong_kind",
            rule_id=rule_id,
        )
        return
    candidates = [i for i, k in col.kinds.items() if k in allowed]
    col.add(
        doc,
        loc,
        f"{where}unknown {' or '.join(allowed)} '{ref}'",
        code="unknown_id",
        rule_id=rule_id,
        suggestions=suggest(ref, candidates),
    )


def check_actions(
    doc: YamlDocument, rule: Rule, base: Loc, col: Collector, pack: dict[str, Any]
) -> None:
    for i, action in enumerate(rule.then):
        loc = (*base, "then", i)
        if isinstance(action, SupportAction | AgainstAction):
            key = "support" if isinstance(action, SupportAction) else "against"
            _check_ref(doc, (*loc, key), getattr(action, key), ("hypothesis",), key, col, rule.id)
        elif isinstance(action, RecommendAction):
            _check_ref(
                doc,
                (*loc, "recommend"),
                action.recommend,
                ("recommendation",),
                "recommend",
                col,
                rule.id,
            )
            rec = pack["recommendations"].get(action.recommend)
            if rule.red_flag and rec is not None and rec.kind == RecommendationKind.DRILL:
                col.add(
                    doc,
                    (*loc, "recommend"),
                    f"red-flag rule '{rule.id}' must not recommend the drill '{rec.id}'",
                    code="red_flag_drill",
                    rule_id=rule.id,
                )
        elif isinstance(action, BlockAction):
            _check_ref(
                doc,
                (*loc, "block"),
                action.block,
                ("activity", "recommendation"),
                "block",
                col,
                rule.id,
            )
    if rule.red_flag:
        levels = [a.escalate for a in rule.then if isinstance(a, EscalateAction)]
        if not levels or max(levels) < TriageLevel.SEE_CLINICIAN:
            col.add(
                doc,
                (*base, "then"),
                f"red-flag rule '{rule.id}' must escalate to see_clinician or higher",
                code="red_flag_level",
                rule_id=rule.id,
            )


def check_cycles(rules: list[tuple[YamlDocument, Rule, Loc]], col: Collector) -> None:
    """Chaining must be acyclic: hypothesis -> rules that read it -> hypotheses they conclude."""
    edges: dict[str, set[str]] = {}
    for _, rule, _ in rules:
        reads = {
            c.hypothesis for c, _ in iter_conditions(rule.when) if isinstance(c, HypothesisCond)
        }
        pro, con = rule.conclusions()
        concludes = pro.keys() | con.keys()
        for h in reads:
            edges.setdefault(h, set()).update(concludes)
    cycle = find_cycle(edges)  # iterative: chains may be long
    if cycle:
        for doc, rule, loc in rules:
            reads = {
                c.hypothesis for c, _ in iter_conditions(rule.when) if isinstance(c, HypothesisCond)
            }
            if reads & set(cycle):
                col.add(
                    doc,
                    (*loc, "when"),
                    f"rule '{rule.id}' is part of a chaining cycle: {' -> '.join(cycle)}",
                    code="cycle",
                    rule_id=rule.id,
                )
                break


def check_phrases(doc: YamlDocument, loc: Loc, item: Any, col: Collector) -> None:
    """Each ``phrases:`` and ``denials:`` entry must be readable and able to match
    (file:line:col)."""
    for key in ("phrases", "denials"):
        for j, phrase in enumerate(getattr(item, key, ())):
            try:
                parse_phrase(phrase)
            except PhraseSyntaxError as exc:
                col.add(
                    doc,
                    (*loc, key, j),
                    f"'{item.id}': {key[:-1]} '{phrase}', column {exc.column}: {exc}",
                    code="bad_phrase",
                )


def index_synonyms(tables: dict[str, dict[str, Any]], col: Collector) -> dict[str, str]:
    """Map folded ids, labels and synonyms to ids. Ids win; two items sharing a text is an error."""
    index = {normalize_text(i): i for i in col.kinds}
    id_keys = set(index)
    for section, _ in SECTIONS:
        for item in tables[section].values():
            for text in (item.label, *item.synonyms):
                key = normalize_text(text)
                owner = index.get(key)
                if owner is None:
                    index[key] = item.id
                elif owner != item.id and key not in id_keys:
                    origin = col.origins[item.id]
                    col.issues.append(
                        RuleIssue(
                            origin.path,
                            origin.line,
                            origin.column,
                            f"'{item.id}': synonym or label '{text}' also names '{owner}' "
                            f"(defined at {col.origins[owner]})",
                            code="synonym_clash",
                        )
                    )
    return index


def check_sources(
    sources: Mapping[str, Any], cited: Iterable[tuple[YamlDocument, Loc, list[str]]], col: Collector
) -> None:
    """Every citation key a rule or item gives names a source of the pack."""
    for doc, loc, keys in cited:
        for j, k in enumerate(keys):
            if k not in sources:
                col.add(
                    doc,
                    (*loc, j),
                    f"unknown source '{k}'",
                    code="unknown_source",
                    suggestions=suggest(k, sources),
                )


def check_screen_refs(tables: Mapping[str, Mapping[str, Any]], col: Collector) -> None:
    """A recommendation's contraindications and an item's ``screen_first`` name symptoms or history."""
    for rec in tables["recommendations"].values():
        for c in rec.contraindications:
            what = f"recommendation '{rec.id}': contraindication '{c}'"
            _check_screen_ref(rec.id, c, what, col)
    for section, _ in SECTIONS:
        for item in tables[section].values():
            for c in item.screen_first:
                _check_screen_ref(item.id, c, f"'{item.id}': screen_first '{c}'", col)


def _check_screen_ref(owner: str, ref: str, what: str, col: Collector) -> None:
    if col.kinds.get(ref) in ("symptom", "history"):
        return
    origin = col.origins[owner]
    col.issues.append(
        RuleIssue(
            origin.path,
            origin.line,
            origin.column,
            f"{what} is not a symptom or history item",
            code="unknown_id",
            suggestions=suggest(
                ref, [i for i, k in col.kinds.items() if k in ("symptom", "history")]
            ),
        )
    )


def check_referrals(
    meta: PackMeta, meta_doc: YamlDocument, recommendations: Mapping[str, Any], col: Collector
) -> None:
    """The pack's referral for each level is a recommendation of kind referral."""
    for level, rec_id in meta.referrals.items():
        rec = recommendations.get(rec_id)
        if rec is None or rec.kind != RecommendationKind.REFERRAL:
            col.add(
                meta_doc,
                ("pack", "referrals", level.value),
                f"referral for '{level.value}' must be a recommendation of kind referral, got '{rec_id}'",
                code="unknown_id",
                suggestions=() if rec is not None else suggest(rec_id, recommendations),
            )
