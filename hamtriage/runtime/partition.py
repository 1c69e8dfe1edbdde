"""Split a pack's engine rules into rulesets that each stay within durable-rules' limits.

durable's C core has fixed-size tables per ruleset (see ``LIMITS`` in
:mod:`hamtriage.runtime.compiler`): 4,096 rules, 512 distinct tests under one node (the
root counts, so 512 different first facts), 64 tests matching one fact, 256 rules
sharing one condition (the stage marker of every rule with a negation is one). A pack
that fits them all with room to spare runs as one ruleset, exactly as before. A larger
pack is split: rules of one stage only (stages are independent once the hypotheses of
the earlier ones are asserted as facts), grouped by their *anchor* (the rarest fact a
rule requires), filled into rulesets in pack order with every table counted as it
fills, so each ruleset is within the limits by construction. A ruleset is then run for
a report only when one of its anchors is among the facts asserted (its rules can fire
on no other report), so a triage touches the rulesets of its own facts and the cost
follows the work, not the size of the pack: durable's agenda scans every rule of a
ruleset for each action it hands out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.logic import FactKind
from .wire import BOOT_RULE

__all__ = [
    "PARTITION_ABOVE",
    "UNIT_RULES",
    "EngineRule",
    "Unit",
    "describe_fact",
    "partition",
    "property_of",
]

PARTITION_ABOVE = 400
"""Engine rules above which a pack is split even if one ruleset could hold it: the agenda
scans every rule of a ruleset per action, so bounded rulesets keep a fired rule's cost
the same in a pack of 200 rules and in one of 10,000."""

UNIT_RULES = 100
"""Engine rules per ruleset of a split pack. A report runs only the rulesets of its
facts' anchors, so it touches about as many whatever their size, and each costs in
proportion to its rules (measured on a 2,000-rule pack: 60-150 rules per ruleset were
fastest, 400 about 1.5x slower per fired rule)."""

Chain = tuple[tuple[str, Any], ...]


def property_of(test: tuple[str, Any]) -> str:
    """The property (the fact's name) one alpha test reads."""
    op, value = test
    return str(value[0]) if op.startswith("$") else op


_KIND_WORDS = {
    FactKind.PRESENT.value: "symptom or history",
    FactKind.ABSENT.value: "absent",
    FactKind.ACTIVITY.value: "activity",
    FactKind.MEASUREMENT.value: "measurement",
    FactKind.ASYMMETRY.value: "asymmetry of",
    FactKind.HYPOTHESIS.value: "hypothesis",
    FactKind.CHANGE.value: "change of",
    FactKind.INTERVENTION.value: "intervention",
}


def describe_fact(name: str) -> str:
    """A fact's name in the author's words: ``m:knee_to_wall_cm`` -> measurement 'knee_to_wall_cm'."""
    kind, _, key = name.partition(":")
    if name == FactKind.STAGE.value:
        return "a negation ('not')"
    if not key:
        return kind
    return f"{_KIND_WORDS.get(kind, kind)} '{key}'"


class EngineRule:
    """One engine rule (a branch of a pack rule) as the partitioner sees it. A plain
    class, not a dataclass: it is only built while compiling, and a frozen dataclass
    costs about 1.4 ms of every start's import (its methods are generated and compiled)."""

    __slots__ = ("body", "chains", "index", "marker", "name", "requires", "stage")

    def __init__(
        self,
        name: str,
        index: int,  # the pack rule's index
        stage: int,
        body: dict[str, Any],
        chains: tuple[Chain, ...],  # every pattern's alpha chain (marker, negations too)
        requires: tuple[str, ...],  # the facts its positive patterns test
        marker: bool,  # waits for its stage's marker
    ) -> None:
        self.name = name
        self.index = index
        self.stage = stage
        self.body = body
        self.chains = chains
        self.requires = requires
        self.marker = marker


@dataclass(frozen=True)
class Unit:
    """One engine ruleset of a pack: its definition, and when a triage must run it."""

    definition: dict[str, Any]
    first_stage: int
    last_stage: int
    tested: frozenset[str]
    anchors: frozenset[str] | None  # None: run for every report
    markers: frozenset[int] = frozenset()


class _Bin:
    """A ruleset being filled, with durable's tables counted as they fill (a plain class,
    as :class:`EngineRule` is)."""

    def __init__(self, limits: dict[str, int], cap: int) -> None:
        self.limits = limits
        self.cap = cap
        self.rules: list[EngineRule] = []
        self.children: dict[Chain, set[tuple[str, Any]]] = {}
        self.nodes: dict[str, set[Chain]] = {}
        self.same: Counter[Chain] = Counter()

    def problem(self, rule: EngineRule) -> str | None:
        """Why ``rule`` does not fit (in the author's words), or None."""
        if len(self.rules) + 1 > self.cap:
            return "rules"
        added: dict[Chain, set[tuple[str, Any]]] = {}
        nodes: dict[str, set[Chain]] = {}
        same: Counter[Chain] = Counter()
        for chain in rule.chains:
            same[chain] += 1
            for depth in range(len(chain)):
                parent = chain[:depth]
                if chain[depth] not in self.children.get(parent, ()):
                    added.setdefault(parent, set()).add(chain[depth])
                node = chain[: depth + 1]
                head = property_of(node[0])
                if node not in self.nodes.get(head, ()):
                    nodes.setdefault(head, set()).add(node)
        limit = self.limits["children_per_node"]
        for parent, kids in added.items():
            if len(self.children.get(parent, ())) + len(kids) > limit:
                where = "first conditions" if not parent else "conditions after the same test"
                return f"more than {limit} different {where} in one engine ruleset"
        limit = self.limits["matches_per_fact"]
        for head, new in nodes.items():
            if len(self.nodes.get(head, ())) + len(new) > limit:
                return (
                    f"more than {limit} different tests on {describe_fact(head)} "
                    "(use fewer distinct thresholds on it)"
                )
        limit = self.limits["rules_per_condition"]
        for chain, count in same.items():
            if self.same[chain] + count > limit:
                return f"more than {limit} rules testing exactly {_words(chain)}"
        return None

    def add(self, rule: EngineRule) -> None:
        self.rules.append(rule)
        for chain in rule.chains:
            self.same[chain] += 1
            for depth in range(len(chain)):
                self.children.setdefault(chain[:depth], set()).add(chain[depth])
                node = chain[: depth + 1]
                self.nodes.setdefault(property_of(node[0]), set()).add(node)


def _words(chain: Chain) -> str:
    return " and ".join(dict.fromkeys(describe_fact(property_of(t)) for t in chain))


def _anchor(rule: EngineRule, usage: Counter[str]) -> str | None:
    """The rarest fact the rule requires (None: it requires none, only a marker)."""
    if not rule.requires:
        return None
    return min(rule.requires, key=lambda name: (usage[name], name))


def _unit(
    rules: Sequence[EngineRule], boot: dict[str, Any], every: bool, usage: Counter[str]
) -> Unit:
    definition = {BOOT_RULE: boot}  # every session runs an action (see _durable)
    tested: set[str] = set()
    anchors: set[str] = set()
    always = every
    markers: set[int] = set()
    for rule in rules:
        definition[rule.name] = rule.body
        tested.update(property_of(t) for chain in rule.chains for t in chain)
        if rule.marker:
            markers.add(rule.stage)
        anchor = _anchor(rule, usage)
        if anchor is None:
            always = True
        else:
            anchors.add(anchor)
    stages = [rule.stage for rule in rules] or [0]
    return Unit(
        definition=definition,
        first_stage=min(stages),
        last_stage=max(stages),
        tested=frozenset(tested),
        anchors=None if always else frozenset(anchors),
        markers=frozenset(markers),
    )


def partition(
    rules: Sequence[EngineRule],
    boot: dict[str, Any],
    limits: dict[str, int],
    unit_rules: int = PARTITION_ABOVE,
) -> tuple[tuple[Unit, ...], list[tuple[EngineRule, str]]]:
    """The pack's rulesets, and the engine rules that fit in no ruleset (with why).

    One ruleset when every rule fits into it and there are at most ``unit_rules``;
    else rulesets of one stage each, of at most :data:`UNIT_RULES` rules (or
    ``unit_rules`` if fewer), filled by anchor.
    """
    cap = max(1, min(limits["rules_per_ruleset"] - 1, unit_rules, UNIT_RULES))
    usage: Counter[str] = Counter(name for rule in rules for name in set(rule.requires))
    whole = _Bin(limits, limits["rules_per_ruleset"] - 1)
    if len(rules) <= unit_rules:
        for rule in rules:
            if whole.problem(rule) is not None:
                break
            whole.add(rule)
        else:
            return (_unit(rules, boot, True, usage),), []
    stages = sorted({rule.stage for rule in rules})
    units: list[Unit] = []
    refused: list[tuple[EngineRule, str]] = []
    for stage in stages:
        groups: dict[str | None, list[EngineRule]] = {}
        for rule in rules:
            if rule.stage == stage:
                groups.setdefault(_anchor(rule, usage), []).append(rule)
        bins: list[_Bin] = []
        current = _Bin(limits, cap)
        for group in groups.values():
            for rule in group:
                why = current.problem(rule)
                if why is None:
                    current.add(rule)
                    continue
                fresh = _Bin(limits, cap)
                why = fresh.problem(rule)
                if why is not None:  # not even an empty ruleset takes it: the author's to fix
                    refused.append((rule, why))
                    continue
                if current.rules:
                    bins.append(current)
                current = fresh
                current.add(rule)
        if current.rules:
            bins.append(current)
        units += [_unit(b.rules, boot, False, usage) for b in bins]
    return tuple(units), refused


def tested_names(units: Iterable[Unit]) -> frozenset[str]:
    """Every fact name some unit tests."""
    out: set[str] = set()
    for unit in units:
        out |= unit.tested
    return frozenset(out)
