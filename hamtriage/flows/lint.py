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

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleIssue, RulePackError
from ..rules._yaml import YamlDocument, read_yaml
from ..rules.loader import iter_conditions, load_pack
from ..rules.logic import Atom, FactKind, describe_tests, dnf
from ..rules.pack import RulePack
from ..rules.phrases import phrase_findings
from ..rules.schema import (
    AbsentCond,
    ActivityCond,
    AgainstAction,
    AsymmetryCond,
    BlockAction,
    ChangeCond,
    Condition,
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
from ..scoring import confidence

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
)

Loc = tuple[str | int, ...]
LocAtom = tuple[Atom, Loc]


@dataclass(frozen=True)
class _Interval:
    lo: float = -math.inf
    lo_closed: bool = False
    hi: float = math.inf
    hi_closed: bool = False

    @classmethod
    def of(cls, tests: tuple[tuple[str, float | str], ...]) -> _Interval:
        iv = cls()
        for op, value in tests:
            if op == "eq":
                continue
            iv = iv.meet(cls._one(op, float(value)))
        return iv

    @staticmethod
    def _one(op: str, v: float) -> _Interval:
        if op == "lt":
            return _Interval(hi=v)
        if op == "le":
            return _Interval(hi=v, hi_closed=True)
        if op == "gt":
            return _Interval(lo=v)
        return _Interval(lo=v, lo_closed=True)  # ge

    def meet(self, other: _Interval) -> _Interval:
        if other.lo > self.lo or (other.lo == self.lo and not other.lo_closed):
            lo, lo_closed = other.lo, other.lo_closed
        else:
            lo, lo_closed = self.lo, self.lo_closed
        if other.hi < self.hi or (other.hi == self.hi and not other.hi_closed):
            hi, hi_closed = other.hi, other.hi_closed
        else:
            hi, hi_closed = self.hi, self.hi_closed
        return _Interval(lo, lo_closed, hi, hi_closed)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def within(self, other: _Interval) -> bool:
        """Whether every value of ``self`` is in ``other``."""
        lo_ok = other.lo < self.lo or (
            other.lo == self.lo and (other.lo_closed or not self.lo_closed)
        )
        hi_ok = other.hi > self.hi or (
            other.hi == self.hi and (other.hi_closed or not self.hi_closed)
        )
        return lo_ok and hi_ok


# ------------------------------------------------------------ DNF with positions


def _dnf(cond: Condition, loc: Loc, negate: bool = False) -> list[list[LocAtom]]:
    return [[(atom, atom.loc) for atom in conj] for conj in dnf(cond, negate, loc)]


def _max_confidence(pack: RulePack) -> dict[str, float]:
    """The highest confidence each hypothesis can reach (all its support, no opposition)."""
    support: dict[str, list[float]] = {}
    for rule in pack.rules:
        for a in rule.then:
            if isinstance(a, SupportAction):
                support.setdefault(a.support, []).append(a.certainty)
    out: dict[str, float] = {}
    for h, item in pack.hypotheses.items():
        out[h] = confidence(support.get(h, []), [], capped=item.max_likelihood == "possible")
    return out


def _name(pack: RulePack, atom: Atom) -> str:
    t = atom.key[0]
    if t in (FactKind.AGE, FactKind.SEX):
        return t
    return atom.key[1]


def _unit(pack: RulePack, atom: Atom) -> str:
    if atom.key[0] == FactKind.MEASUREMENT and atom.key[1] in pack.measurements:
        return pack.measurements[atom.key[1]].unit
    if atom.key[0] == FactKind.AGE:
        return "years"
    return ""


def _contradiction(
    pack: RulePack, conj: list[LocAtom], max_conf: dict[str, float]
) -> tuple[str, Loc] | None:
    """Why a conjunction can never hold (and where), or None if some report satisfies it."""
    positive: dict[tuple[str, ...], list[LocAtom]] = {}
    for atom, loc in conj:
        if not atom.negated:
            positive.setdefault(atom.key, []).append((atom, loc))
    for key, items in positive.items():
        t = key[0]
        loc = items[-1][1]
        atom = items[0][0]
        if t == FactKind.HYPOTHESIS:
            h = key[1]
            need = max(float(v) for a, _ in items for _, v in a.tests)
            top = max_conf.get(h, 0.0)
            if top <= 0:
                return f"no rule supports the hypothesis '{h}' it reads", loc
            if need > top + 1e-9:
                reason = (
                    f"it needs '{h}' at {need:g} or more, but its supporting rules can reach "
                    f"only {top:.2f}"
                )
                return reason, loc
        if t == FactKind.SEX:
            values = {a.tests[0][1] for a, _ in items}
            if len(values) > 1:
                return "it needs the sex to be both female and male", loc
        if t == FactKind.CHANGE:  # one verdict per change in a re-test
            verdicts = sorted({str(a.tests[0][1]) for a, _ in items})
            if len(verdicts) > 1:
                return f"it needs the change in {key[1]} to be both {' and '.join(verdicts)}", loc
        if t in (FactKind.MEASUREMENT, FactKind.AGE):
            tests = tuple(tst for a, _ in items for tst in a.tests)
            iv = _Interval.of(tests)
            valid = (
                pack.measurements[key[1]].range
                if t == FactKind.MEASUREMENT and key[1] in pack.measurements
                else None
            )
            if t == FactKind.AGE:
                valid = (0.0, 120.0)
            if valid is not None:
                iv = iv.meet(_Interval(valid[0], True, valid[1], True))
            if iv.empty:
                what = _name(pack, atom)
                shown = describe_tests(tests, _unit(pack, atom))
                extra = ""
                if valid is not None and not _Interval.of(tests).empty:
                    extra = f" within its valid range [{valid[0]:g}, {valid[1]:g}]"
                return f"it needs {what} {shown}{extra}, which no value satisfies", loc
        if t == FactKind.PRESENT and (FactKind.ABSENT, key[1]) in positive:
            return (
                f"it needs '{key[1]}' to be both reported and denied",
                max(loc, positive[(FactKind.ABSENT, key[1])][-1][1]),
            )
    for atom, loc in conj:
        if not atom.negated:
            continue
        matching = positive.get(atom.key)
        if not matching:
            continue
        if atom.key[0] in (
            FactKind.PRESENT,
            FactKind.ABSENT,
            FactKind.ACTIVITY,
            FactKind.ASYMMETRY,
            FactKind.INTERVENTION,
        ):
            what = "reported" if atom.key[0] != FactKind.ABSENT else "denied"
            return f"it needs '{atom.key[1]}' both {what} and not {what}", loc
        if atom.key[0] in (FactKind.SEX, FactKind.CHANGE):
            if any(a.tests == atom.tests for a, _ in matching):
                what = "the sex" if atom.key[0] == FactKind.SEX else f"the change in {atom.key[1]}"
                return f"it needs {what} to be both {atom.tests[0][1]} and not", loc
            continue
        pos = _Interval.of(tuple(tst for a, _ in matching for tst in a.tests))
        if pos.within(_Interval.of(atom.tests)):
            reason = (
                f"it needs {_name(pack, atom)} "
                f"{describe_tests(tuple(t for a, _ in matching for t in a.tests), _unit(pack, atom))} "
                f"and not {describe_tests(atom.tests, _unit(pack, atom))}"
            )
            return reason, loc
    return None


# --------------------------------------------------------- canonical conditions

_Canon = frozenset[tuple[bool, tuple[str, ...], tuple[object, ...]]]


def _canon(conj: list[LocAtom]) -> _Canon:
    merged: dict[tuple[bool, tuple[str, ...]], list[tuple[str, float | str]]] = {}
    for atom, _ in conj:
        merged.setdefault((atom.negated, atom.key), []).extend(atom.tests)
    out: set[tuple[bool, tuple[str, ...], tuple[object, ...]]] = set()
    for (neg, key), tests in merged.items():
        if key[0] in (FactKind.SEX, FactKind.CHANGE):  # string equalities, not intervals
            out.add((neg, key, tuple(sorted(str(v) for _, v in tests))))
        else:
            iv = _Interval.of(tuple(tests))
            out.add((neg, key, (iv.lo, iv.lo_closed, iv.hi, iv.hi_closed)))
    return frozenset(out)


def _implies(b: _Canon, a: _Canon) -> bool:
    """Whether the conjunction ``b`` implies the conjunction ``a``."""
    for neg, key, spec in a:
        found = False
        for neg2, key2, spec2 in b:
            if neg2 != neg or key2 != key:
                continue
            if key[0] in (FactKind.SEX, FactKind.CHANGE):
                found = spec == spec2
            else:
                ia = _Interval(*spec)  # type: ignore[arg-type]
                ib = _Interval(*spec2)  # type: ignore[arg-type]
                found = ib.within(ia) if not neg else ia.within(ib)
            if found:
                break
        if not found:
            return False
    return True


def _rule_implies(b: list[_Canon], a: list[_Canon]) -> bool:
    return bool(b) and all(any(_implies(cb, ca) for ca in a) for cb in b)


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
    max_conf = _max_confidence(pack)
    issues: list[RuleIssue] = []
    canon: dict[str, list[_Canon]] = {}

    for rule in pack.rules:
        branches = _dnf(rule.when, ("when",))
        live: list[_Canon] = []
        dead: list[tuple[int, str, Loc]] = []
        for n, conj in enumerate(branches):
            found = _contradiction(pack, conj, max_conf)
            if found is None:
                live.append(_canon(conj))
            else:
                dead.append((n, *found))
        canon[rule.id] = live
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
        cb = canon[b.id]
        if not cb:
            continue
        b_pro, b_con = b.conclusions()
        for h in sorted(b_pro.keys() & b_con.keys()):
            issues.append(
                _issue(
                    where.mark(pack, b, ("then",)),
                    f"rule '{b.id}' both supports and argues against '{h}'",
                    "conflict",
                    rule_id=b.id,
                )
            )
        for a in rules[:j]:
            ca = canon[a.id]
            if not ca:
                continue
            same = set(ca) == set(cb)
            a_where = where.mark(pack, a)
            at = f"{a_where[0]}:{a_where[1]}:{a_where[2]}"
            if same and _actions(a) == _actions(b):
                issues.append(
                    _issue(
                        where.mark(pack, b),
                        f"rule '{b.id}' duplicates rule '{a.id}' (same conditions and "
                        f"conclusions; defined at {at})",
                        "duplicate_rule",
                        rule_id=b.id,
                    )
                )
                continue
            a_pro, a_con = a.conclusions()
            if same:
                opposite = sorted((a_pro.keys() & b_con.keys()) | (a_con.keys() & b_pro.keys()))
                issues += [
                    _issue(
                        where.mark(pack, b, ("then",)),
                        f"rules '{a.id}' and '{b.id}' conclude opposite things about '{h}' "
                        f"from the same evidence ('{a.id}' is at {at})",
                        "conflict",
                        rule_id=b.id,
                    )
                    for h in opposite
                ]
                twice = sorted((a_pro.keys() & b_pro.keys()) | (a_con.keys() & b_con.keys()))
                issues += [
                    _issue(
                        where.mark(pack, b, ("then",)),
                        f"rules '{a.id}' and '{b.id}' both conclude '{h}' from the same "
                        f"evidence, so it is counted twice ('{a.id}' is at {at})",
                        "double_counted",
                        rule_id=b.id,
                    )
                    for h in twice
                ]
            for narrow, broad in ((b, a), (a, b)):
                if same or not _rule_implies(canon[narrow.id], canon[broad.id]):
                    continue
                if _covered(narrow, broad):
                    b_where = where.mark(pack, broad)
                    issues.append(
                        _issue(
                            where.mark(pack, narrow),
                            f"rule '{narrow.id}' is shadowed by rule '{broad.id}': whenever it "
                            f"fires '{broad.id}' fires too and already does all it does "
                            f"('{broad.id}' is at {b_where[0]}:{b_where[1]}:{b_where[2]})",
                            "shadowed_rule",
                            rule_id=narrow.id,
                        )
                    )

    issues += _vocabulary_issues(pack)
    return sorted(issues, key=lambda i: (i.path, i.line, i.column, i.message))


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
