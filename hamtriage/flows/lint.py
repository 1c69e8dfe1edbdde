"""Static analysis of a rule pack, beyond the loader's checks.

:func:`lint` loads a pack (every loader error is reported as is) and then looks for
what loads fine but is probably wrong:

* ``never_fires`` (error): a rule whose conditions contradict each other in every
  branch, so it can never fire (``knee_to_wall_cm`` below 5 and at or above 12; a
  symptom both required and excluded; a hypothesis no rule supports or whose
  confidence can never reach ``min_confidence``); ``dead_branch`` (warning) when only
  some branches of an ``any`` are impossible;
* ``duplicate_rule`` / ``shadowed_rule`` (warning): a rule with the same conditions and
  conclusions as another, or one that fires only when another fires and adds nothing;
* ``double_counted`` (warning): two rules concluding the same hypothesis from the same
  evidence (it is counted twice);
* ``conflict`` (warning): two rules (or one) concluding opposite things about a
  hypothesis from the same evidence;
* ``unused_vocabulary`` (warning): a symptom, history item, activity or measurement
  no rule reads, a hypothesis no rule supports, a recommendation nothing recommends;
* ``no_recommendation`` (warning): a hypothesis that never leads to a recommendation.

Each finding is a :class:`~hamtriage.RuleIssue` with ``file:line:col``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleIssue, RulePackError
from ..rules._yaml import YamlDocument, read_yaml
from ..rules.analysis import (
    Canon,
    Loc,
    canon,
    contradiction,
    max_confidence,
    positioned_dnf,
    rule_implies,
)
from ..rules.loader import iter_conditions, load_pack
from ..rules.pack import RulePack
from ..rules.phrases import phrase_findings
from ..rules.schema import (
    AbsentCond,
    ActivityCond,
    AgainstAction,
    AsymmetryCond,
    BlockAction,
    ChangeCond,
    EscalateAction,
    HistoryCond,
    HypothesisCond,
    MeasurementCond,
    RecommendAction,
    Rule,
    SupportAction,
    SymptomCond,
)
from ..runtime.compiler import compile_pack
from .lint_i18n import I18N_CODES, translation_issues

__all__ = ["LINT_CODES", "lint", "lint_pack"]

LINT_CODES = (
    "never_fires",
    "dead_branch",
    "duplicate_rule",
    "shadowed_rule",
    "double_counted",
    "conflict",
    "unused_vocabulary",
    "no_recommendation",
    *I18N_CODES,
)


# ------------------------------------------------------------------------ lint


@dataclass
class _Where:
    docs: dict[str, YamlDocument]
    index: dict[str, tuple[str, int]]  # rule id -> (path, index in its file's rules)

    def mark(self, pack: RulePack, rule: Rule, loc: Loc = ()) -> tuple[str, int, int]:
        origin = pack.origins.get(f"rule:{rule.id}")
        found = self.index.get(rule.id)
        if found is not None and found[0] in self.docs:
            path, i = found
            line, col = self.docs[path].mark(("rules", i, *loc))
            return path, line, col
        if origin is not None:
            return origin.path, origin.line, origin.column
        return "<pack>", 1, 1  # pragma: no cover - every rule has an origin

    def at(self, pack: RulePack, rule: Rule) -> str:
        """Where ``rule`` is, as ``file:line:col`` (for a finding about another rule)."""
        path, line, col = self.mark(pack, rule)
        return f"{path}:{line}:{col}"


def _locate(pack: RulePack) -> _Where:
    docs: dict[str, YamlDocument] = {}
    index: dict[str, tuple[str, int]] = {}
    for rule in pack.rules:
        origin = pack.origins.get(f"rule:{rule.id}")
        if origin is None:
            continue
        if origin.path not in docs:
            doc = read_yaml(Path(origin.path), origin.path)
            if isinstance(doc, RuleIssue):
                continue
            docs[origin.path] = doc
            rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
            if isinstance(rules, list):
                for i, r in enumerate(rules):
                    if isinstance(r, dict) and isinstance(r.get("id"), str):
                        index.setdefault(r["id"], (origin.path, i))
    return _Where(docs, index)


def _issue(
    where: tuple[str, int, int],
    message: str,
    code: str,
    severity: str = "warning",
    rule_id: str | None = None,
) -> RuleIssue:
    # lint findings are warnings unless said to be errors
    return RuleIssue.at(
        where,
        message,
        code=code,
        severity="error" if severity == "error" else "warning",
        rule_id=rule_id,
    )


def _actions(rule: Rule) -> list[str]:
    return sorted(a.model_dump_json() for a in rule.then)


def lint_pack(pack: RulePack) -> list[RuleIssue]:
    """Lint a loaded pack; return the issues sorted by file, line and column."""
    where = _locate(pack)
    max_conf = max_confidence(pack)
    issues: list[RuleIssue] = []
    canons: dict[str, list[Canon]] = {}

    for rule in pack.rules:
        branches = positioned_dnf(rule.when, ("when",))
        live: list[Canon] = []
        dead: list[tuple[int, str, Loc]] = []
        for n, conj in enumerate(branches):
            found = contradiction(pack, conj, max_conf)
            if found is None:
                live.append(canon(conj))
            else:
                dead.append((n, *found))
        canons[rule.id] = live
        if dead and not live:
            _, reason, loc = dead[0]
            issues.append(
                _issue(
                    where.mark(pack, rule, loc),
                    f"rule '{rule.id}' can never fire: {reason}",
                    "never_fires",
                    "error",
                    rule.id,
                )
            )
        else:
            issues += [
                _issue(
                    where.mark(pack, rule, loc),
                    f"rule '{rule.id}': this alternative can never match: {reason}",
                    "dead_branch",
                    rule_id=rule.id,
                )
                for _, reason, loc in dead
            ]

    rules = list(pack.rules)
    for j, b in enumerate(rules):
        if not canons[b.id]:
            continue
        b_pro, b_con = b.conclusions()
        issues += [
            _about(
                where,
                pack,
                b,
                "conflict",
                f"rule '{b.id}' both supports and argues against '{h}'",
                ("then",),
            )
            for h in sorted(b_pro.keys() & b_con.keys())
        ]
        for a in rules[:j]:
            if canons[a.id]:
                issues += _pair_findings(pack, where, canons, a, b)

    issues += _vocabulary_issues(pack)
    issues += translation_issues(pack)  # rules/i18n: missing texts, numbers, placeholders
    return sorted(issues, key=lambda i: (i.path, i.line, i.column, i.message))


def _about(
    where: _Where, pack: RulePack, rule: Rule, code: str, message: str, loc: Loc = ()
) -> RuleIssue:
    """A warning located at ``rule`` (at ``loc`` within it)."""
    return _issue(where.mark(pack, rule, loc), message, code, rule_id=rule.id)


def _pair_findings(
    pack: RulePack, where: _Where, canons: dict[str, list[Canon]], a: Rule, b: Rule
) -> list[RuleIssue]:
    """What rule ``b`` repeats of rule ``a`` (defined before it), or one of the other.

    Duplicates, conflicts and double counts are reported at ``b``, a shadowed rule at
    itself; each names where the other rule is.
    """
    same = set(canons[a.id]) == set(canons[b.id])
    at = where.at(pack, a)
    if same and _actions(a) == _actions(b):
        return [
            _about(
                where,
                pack,
                b,
                "duplicate_rule",
                f"rule '{b.id}' duplicates rule '{a.id}' (same conditions and "
                f"conclusions; defined at {at})",
            )
        ]
    out: list[RuleIssue] = []
    if same:
        (a_pro, a_con), (b_pro, b_con) = a.conclusions(), b.conclusions()
        opposite = (a_pro.keys() & b_con.keys()) | (a_con.keys() & b_pro.keys())
        twice = (a_pro.keys() & b_pro.keys()) | (a_con.keys() & b_con.keys())
        for code, hyps, says in (
            ("conflict", opposite, "conclude opposite things about '{}' from the same evidence"),
            (
                "double_counted",
                twice,
                "both conclude '{}' from the same evidence, so it is counted twice",
            ),
        ):
            out += [
                _about(
                    where,
                    pack,
                    b,
                    code,
                    f"rules '{a.id}' and '{b.id}' {says.format(h)} ('{a.id}' is at {at})",
                    ("then",),
                )
                for h in sorted(hyps)
            ]
        return out
    for narrow, broad in ((b, a), (a, b)):
        if rule_implies(canons[narrow.id], canons[broad.id]) and _covered(narrow, broad):
            out.append(
                _about(
                    where,
                    pack,
                    narrow,
                    "shadowed_rule",
                    f"rule '{narrow.id}' is shadowed by rule '{broad.id}': whenever it "
                    f"fires '{broad.id}' fires too and already does all it does "
                    f"('{broad.id}' is at {where.at(pack, broad)})",
                )
            )
    return out


def _covered(narrow: Rule, broad: Rule) -> bool:
    """Whether ``broad`` already does everything ``narrow`` does (no certainty actions)."""
    recs = {a.recommend for a in broad.then if isinstance(a, RecommendAction)}
    blocks = {a.block for a in broad.then if isinstance(a, BlockAction)}
    levels = [a.escalate for a in broad.then if isinstance(a, EscalateAction)]
    for action in narrow.then:
        if isinstance(action, SupportAction | AgainstAction):
            return False
        if isinstance(action, RecommendAction) and action.recommend not in recs:
            return False
        if isinstance(action, BlockAction) and action.block not in blocks:
            return False
        if isinstance(action, EscalateAction) and (not levels or max(levels) < action.escalate):
            return False
    return True


def _vocabulary_issues(pack: RulePack) -> list[RuleIssue]:
    read: set[str] = set()
    for rule in pack.rules:
        for cond, _ in iter_conditions(rule.when):
            if isinstance(cond, SymptomCond):
                read.add(cond.symptom)
            elif isinstance(cond, HistoryCond):
                read.add(cond.history)
            elif isinstance(cond, AbsentCond):
                read.add(cond.absent)
            elif isinstance(cond, ActivityCond):
                read.add(cond.activity)
            elif isinstance(cond, MeasurementCond):
                read.add(cond.measurement)
            elif isinstance(cond, AsymmetryCond):
                read.add(cond.asymmetry)
            elif isinstance(cond, ChangeCond):
                read.add(cond.change)
    for rec in pack.recommendations.values():
        read.update(rec.contraindications)
    supported = {a.support for r in pack.rules for a in r.then if isinstance(a, SupportAction)}
    recommended = {
        a.recommend for r in pack.rules for a in r.then if isinstance(a, RecommendAction)
    } | set(pack.meta.referrals.values())

    issues: list[RuleIssue] = []

    def at(vid: str) -> tuple[str, int, int]:
        origin = pack.origins.get(vid)
        return (origin.path, origin.line, origin.column) if origin else ("<pack>", 1, 1)

    for kind, table in (
        ("symptom", pack.symptoms),
        ("history item", pack.history),
        ("activity", pack.activities),
        ("measurement", pack.measurements),
    ):
        issues += [
            _issue(at(vid), f"{kind} '{vid}' is not used by any rule", "unused_vocabulary")
            for vid in table
            if vid not in read
        ]
    for vid in pack.hypotheses:
        if vid not in supported:
            issues.append(
                _issue(
                    at(vid), f"hypothesis '{vid}' is not supported by any rule", "unused_vocabulary"
                )
            )
    issues += [
        _issue(at(vid), f"recommendation '{vid}' is never recommended", "unused_vocabulary")
        for vid in pack.recommendations
        if vid not in recommended
    ]
    leads: set[str] = set()
    for rule in pack.rules:
        if not any(isinstance(a, RecommendAction) for a in rule.then):
            continue
        leads.update(
            c.hypothesis for c, _ in iter_conditions(rule.when) if isinstance(c, HypothesisCond)
        )
        leads.update(a.support for a in rule.then if isinstance(a, SupportAction))
    issues += [
        _issue(
            at(vid),
            f"hypothesis '{vid}' leads to no recommendation (no rule that reads or supports "
            "it recommends anything)",
            "no_recommendation",
        )
        for vid in pack.hypotheses
        if vid in supported and vid not in leads
    ]
    phrased = {
        vid: item.phrases
        for table in (pack.symptoms, pack.history, pack.measurements)
        for vid, item in table.items()
    }
    issues += [_issue(at(vid), msg, code) for vid, msg, code in phrase_findings(phrased)]
    return issues


def lint(path: str | os.PathLike[str]) -> list[RuleIssue]:
    """Load the pack in ``path`` and lint it: the loader's errors, or the compiler's
    (the C engine's limits) together with the lint's findings."""
    try:
        pack = load_pack(path)
    except RulePackError as exc:
        return sorted(exc.issues, key=lambda i: (i.path, i.line, i.column, i.message))
    try:
        compile_pack(pack)
        refused: list[RuleIssue] = []
    except RulePackError as exc:
        refused = list(exc.issues)
    issues = refused + lint_pack(pack)
    return sorted(issues, key=lambda i: (i.path, i.line, i.column, i.message))
