"""Compile a :class:`RulePack` into a durable-rules JSON ruleset. Pure and deterministic.

How the rule language maps onto the Rete engine, and why (see docs/engine-notes in
``../shared/reference/engine-notes.md`` for the measured hazards):

* Facts are flat objects whose one property is named after what they state, kind
  and id joined by a colon, with a durable ``id`` equal to that name:
  ``{"id": "y:ID", "y:ID": 1}`` present symptom or history item, ``"n:ID"``
  explicitly absent, ``"act:ID"`` activity (value 1), ``"m:ID"`` and ``"asym:ID"``
  with the measured value or left-right difference, ``"h:ID"`` with a concluded
  hypothesis's confidence, ``"age"``, ``"sex"``, and ``{"id": "st:K", "st": K}``
  (a stage marker). A re-test adds ``"chg:ID"`` (or ``"chg:ID:left"``, ``:right``,
  ``:asymmetry``) with the change's verdict as a string, and ``"after:REC"`` (value 1)
  for the intervention done between the two tests. The C core indexes alpha tests by
  property *name* but compares values one test at a time: naming the property after
  the id lets one hash probe find the tests of a fact, where a shared ``k`` property
  made every fact try every id's test (about a third of the engine's time). A session holds at most one fact
  per name, so the names are also unique message ids (sparing durable the hashing
  and formatting of one per fact). Names never contain ``.`` (a path in durable)
  nor start with ``$``, and the compiler checks that their 32-bit FNV-1a hashes (how
  durable tells properties apart) are distinct from each other and from ``id`` and
  ``sid``.
* ``when`` trees are put in disjunctive normal form; each conjunction becomes one
  durable rule (durable's own ``any`` fires extra combinations). The engine counts a
  rule once however many of its branches fire.
* Tests on the same fact within a conjunction are merged into one pattern, and every
  rule runs with ``dist: 0``, so one fact can satisfy several tests.
* ``not`` is durable's ``$not``, which is checked only when a partial match reaches
  it: a fact asserted later does not cancel the match. A rule with a negation
  therefore also waits for its stage marker, asserted after every fact it could
  negate, and the marker's pattern is placed before the negated ones.
* Forward chaining is stratified: a rule's stage is one more than the stage of the
  hypotheses it reads; a hypothesis fact is asserted once every rule concluding it
  has had its chance to fire, so its confidence is final when other rules read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import RuleIssue, RulePackError
from ..levels import EvidenceLevel, TriageLevel
from ..rules._graph import stratify
from ..rules.logic import MAX_EXPANSION, Atom, FactKind, dnf
from ..rules.pack import RulePack
from ..rules.schema import (
    AgainstAction,
    BlockAction,
    EscalateAction,
    HypothesisCond,
    RecommendAction,
    Rule,
    SupportAction,
    iter_conditions,
)
from ._reserved import check_names
from .partition import PARTITION_ABOVE, EngineRule, Unit, partition, property_of
from .wire import BOOT_RULE, engine_number, fact_name

__all__ = ["LIMITS", "CompiledPack", "CompiledRule", "compile_pack"]

LIMITS = {
    "rules_per_ruleset": 4000,  # durable: 4096
    "patterns_per_rule": 16,  # durable: MAX_MESSAGE_FRAMES
    "branches_per_rule": 64,  # our own cap on DNF expansion
    "children_per_node": 500,  # durable: 512 distinct alpha tests under one node hangs
    "matches_per_fact": 60,  # durable: 64 alpha nodes matching one fact raises 303
    "rules_per_condition": 250,  # durable: 256 rules sharing one condition node
}

_OPS = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


def _merge(conj: list[Atom]) -> list[Atom]:
    """Merge positive tests on the same fact; drop exact duplicates; keep a stable order."""
    merged: dict[tuple[bool, tuple[str, ...]], list[tuple[str, float | str]]] = {}
    negatives: list[Atom] = []
    for atom in conj:
        if atom.negated:
            if atom not in negatives:
                negatives.append(atom)
            continue
        tests = merged.setdefault((False, atom.key), [])
        tests.extend(t for t in atom.tests if t not in tests)
    positives = [Atom(False, key, tuple(tests)) for (_, key), tests in merged.items()]
    return positives + negatives


def _chain(atom: Atom) -> tuple[tuple[str, Any], ...]:
    """The alpha-test chain of one pattern: tests on the fact's one named property."""
    name = fact_name(*atom.key)
    chain: list[tuple[str, Any]] = []
    for op, value in atom.tests:
        if op == "eq":
            chain.append((name, value))
        else:
            chain.append((_OPS[op], (name, engine_number(float(value)))))
    if not chain:
        chain.append((name, 1) if atom.kind.valueless else ("$ex", (name, 1)))
    return tuple(chain)


def _pattern(chain: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    terms: list[dict[str, Any]] = []
    for name, value in chain:
        if name.startswith("$"):
            prop, number = value
            terms.append({name: {prop: number}})
        else:
            terms.append({name: value})
    return terms[0] if len(terms) == 1 else {"$and": terms}


@dataclass(frozen=True)
class CompiledRule:
    """A rule's static information for the engine's hot path."""

    index: int
    rule: Rule
    stage: int
    supports: tuple[tuple[str, float], ...]
    against: tuple[tuple[str, float], ...]
    recommends: tuple[str, ...]
    escalations: tuple[tuple[TriageLevel, str], ...]
    blocks: tuple[tuple[str, str], ...]
    reads: tuple[str, ...]  # hypotheses read positively by the conditions

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def evidence(self) -> EvidenceLevel:
        return self.rule.evidence


@dataclass(frozen=True)
class CompiledPack:
    """The durable definition plus the tables the engine needs to read its output."""

    definition: dict[str, Any]
    rules: tuple[CompiledRule, ...]
    branch_rule: dict[str, int]  # durable rule name -> index into ``rules``
    hypothesis_stage: dict[str, int]  # stage after which a hypothesis is final
    stage_markers: frozenset[int]  # stages whose marker fact must be asserted
    max_stage: int
    matches: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Per engine rule: the (kind, id) of each fact it matches, in alias order (an
    action names its rule, and a session holds one fact per kind and id)."""
    tested: frozenset[str] = frozenset()
    """Every fact name some pattern tests. A fact no pattern tests is dropped by the
    engine unseen ("not handled"), so the engine need not assert it at all."""
    hypothesis_floor: dict[str, float] = field(default_factory=dict)
    """Per hypothesis read by a rule: the lowest confidence any test on it accepts (all
    its tests are lower bounds); a concluded hypothesis below it matches nothing."""
    units: tuple[Unit, ...] = ()
    """The engine rulesets the rules are split into (:mod:`.partition`): one, with the
    whole ``definition``, unless the pack is large or exceeds a ruleset's limits."""


def _stages(pack: RulePack) -> tuple[list[int], dict[str, int]]:
    """Stratify rules and hypotheses (the loader already refused cycles)."""
    reads = [
        {c.hypothesis for c, _ in iter_conditions(r.when) if isinstance(c, HypothesisCond)}
        for r in pack.rules
    ]
    concludes: dict[str, list[int]] = {}
    for i, r in enumerate(pack.rules):
        pro, con = r.conclusions()
        for h in pro.keys() | con.keys():
            concludes.setdefault(h, []).append(i)
    return stratify(reads, concludes, pack.hypotheses)  # iterative: chains may be long


def _issue(pack: RulePack, rule: Rule, message: str, code: str) -> RuleIssue:
    where = pack.origins.get(f"rule:{rule.id}")
    return RuleIssue.at(where, f"rule '{rule.id}': {message}", code=code, rule_id=rule.id)


def _effects(rule: Rule) -> dict[str, Any]:
    supports, against, recs, escalations, blocks = [], [], [], [], []
    for a in rule.then:
        if isinstance(a, SupportAction):
            supports.append((a.support, a.certainty))
        elif isinstance(a, AgainstAction):
            against.append((a.against, a.certainty))
        elif isinstance(a, RecommendAction):
            recs.append(a.recommend)
        elif isinstance(a, EscalateAction):
            escalations.append((a.escalate, a.reason))
        elif isinstance(a, BlockAction):
            blocks.append((a.block, a.reason))
    return {
        "supports": tuple(supports),
        "against": tuple(against),
        "recommends": tuple(recs),
        "escalations": tuple(escalations),
        "blocks": tuple(blocks),
    }


def _tested(
    chains: Iterable[tuple[tuple[str, Any], ...]],
) -> tuple[frozenset[str], dict[str, float]]:
    """The fact names the patterns test, and each hypothesis's lowest accepted confidence."""
    names: set[str] = set()
    floors: dict[str, float] = {}
    unbounded: set[str] = set()
    for chain in chains:
        for test in chain:
            name = property_of(test)
            names.add(name)
            if not name.startswith(f"{FactKind.HYPOTHESIS}:"):
                continue
            op, value = test
            if op in ("$gte", "$gt") and name not in unbounded:
                floors[name[2:]] = min(floors.get(name[2:], value[1]), value[1])
            else:  # an equality, upper bound or existence test: always assert the fact
                unbounded.add(name)
                floors[name[2:]] = float("-inf")
    return frozenset(names), floors


def compile_pack(pack: RulePack, *, unit_rules: int = PARTITION_ABOVE) -> CompiledPack:
    """Compile ``pack``; raise :class:`RulePackError` if a rule exceeds an engine limit.

    ``unit_rules``: engine rules per ruleset above which the pack is split (tests set it
    low to run small packs split)."""
    stages, hyp_stage = _stages(pack)
    boot: dict[str, Any] = {"all": [{"m": {"$s": 1}}], "pri": 0}
    definition: dict[str, Any] = {BOOT_RULE: boot}
    branch_rule: dict[str, int] = {}
    compiled: list[CompiledRule] = []
    markers: set[int] = set()
    issues: list[RuleIssue] = []
    engine_rules: list[EngineRule] = []
    matches: dict[str, tuple[tuple[str, str], ...]] = {}

    for index, rule in enumerate(pack.rules):
        stage = stages[index]
        conjunctions = dnf(rule.when)
        if len(conjunctions) > LIMITS["branches_per_rule"]:
            count = len(conjunctions)
            many = f"more than {MAX_EXPANSION}" if count > MAX_EXPANSION else str(count)
            issues.append(
                _issue(
                    pack,
                    rule,
                    f"its conditions expand to {many} alternatives; the limit is "
                    f"{LIMITS['branches_per_rule']} (split the rule)",
                    "engine_limit",
                )
            )
            continue
        for b, conj in enumerate(conjunctions):
            atoms = _merge(conj)
            needs_marker = any(a.negated for a in atoms) or not any(not a.negated for a in atoms)
            patterns: list[dict[str, Any]] = []
            chains: list[tuple[tuple[str, Any], ...]] = []
            keys: list[tuple[str, str, str]] = []
            for n, atom in enumerate(a for a in atoms if not a.negated):
                chain = _chain(atom)
                chains.append(chain)
                patterns.append({f"p{n}": _pattern(chain)})
                # plain strings: they become result fields (MatchedFact.kind, .id)
                keys.append((f"p{n}", str(atom.key[0]), str(atom.key[-1])))
            requires = tuple(dict.fromkeys(property_of(c[0]) for c in chains))
            if needs_marker:
                # the marker comes before the negations: durable checks a $not only when a
                # partial match reaches it, which must happen after every fact is in
                markers.add(stage)
                chain = ((FactKind.STAGE.value, stage),)
                chains.append(chain)
                patterns.append({"stage": _pattern(chain)})
            for n, atom in enumerate(a for a in atoms if a.negated):
                chain = _chain(atom)
                chains.append(chain)
                patterns.append({f"x{n}$not": _pattern(chain)})
            if len(patterns) > LIMITS["patterns_per_rule"]:
                issues.append(
                    _issue(
                        pack,
                        rule,
                        f"a branch needs {len(patterns)} patterns; the engine allows "
                        f"{LIMITS['patterns_per_rule']} (split the rule)",
                        "engine_limit",
                    )
                )
                continue
            name = f"r{index}" if len(conjunctions) == 1 else f"r{index}_{b}"
            body = {"all": patterns, "pri": 1 if rule.red_flag else 2, "dist": 0}
            definition[name] = body
            branch_rule[name] = index
            matches[name] = tuple((t, key) for _, t, key in sorted(keys))
            engine_rules.append(
                EngineRule(name, index, stage, body, tuple(chains), requires, needs_marker)
            )
        reads = tuple(
            sorted(
                {
                    a.key[1]
                    for conj in conjunctions
                    for a in conj
                    if a.kind is FactKind.HYPOTHESIS and not a.negated
                }
            )
        )
        compiled.append(
            CompiledRule(index=index, rule=rule, stage=stage, reads=reads, **_effects(rule))
        )

    units, refused = partition(engine_rules, boot, LIMITS, unit_rules)
    reported: set[int] = set()
    for engine_rule, why in refused:
        if engine_rule.index not in reported:
            reported.add(engine_rule.index)
            rule = pack.rules[engine_rule.index]
            issues.append(
                _issue(
                    pack,
                    rule,
                    f"the engine cannot hold it: {why}; split the rule or simplify its conditions",
                    "engine_limit",
                )
            )
    issues.extend(check_names(pack, max(stages, default=0)))
    tested, floors = _tested(chain for r in engine_rules for chain in r.chains)
    if issues:
        raise RulePackError(issues, pack=pack.root or pack.name)
    return CompiledPack(
        definition=definition,
        rules=tuple(compiled),
        branch_rule=branch_rule,
        hypothesis_stage=hyp_stage,
        stage_markers=frozenset(markers),
        max_stage=max(stages, default=0),
        matches=matches,
        tested=tested,
        hypothesis_floor=floors,
        units=units,
    )
