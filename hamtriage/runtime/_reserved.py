"""The names durable-rules and the engine use themselves, which no fact of a pack may hash like.

durable-rules tells properties apart, and messages (facts) within a session, only by
the 32-bit FNV-1a hash of their name. A fact whose name hashes like one of the
engine's own (a session's state fact ``sid-N``, a stage marker ``st:K``, a key the C
parser treats as an operator) is silently merged with it: the state fact collision
crashed the process, the marker collision made every negation stop firing. The
compiler refuses such a pack (:func:`reserved_clashes`); this module knows every
internal name, and imports nothing of the engine so that the compiler can use it
without loading the C extension.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..errors import RuleIssue
from ..rules.logic import FactKind, change_key
from ..rules.pack import RulePack
from .wire import fact_name, fnv1_32

__all__ = [
    "MAX_SESSIONS",
    "RESERVED_PROPERTIES",
    "SIDS",
    "check_names",
    "fnv1_32",
    "internal_message_ids",
    "reserved_clashes",
]

MAX_SESSIONS = 2
"""Sessions a ruleset keeps at most (see :mod:`hamtriage.runtime._durable`)."""

SIDS = tuple(str(i) for i in range(MAX_SESSIONS))
"""The sessions' ids. ``"0"`` is durable's default: its facts need no ``sid``."""

RESERVED_PROPERTIES: Mapping[str, str] = {
    "id": "durable's message id",
    "sid": "durable's session id",
    "$s": "the session state's marker",
    "$i": "durable's array element",
    "$forward": "durable's forwarding test",
    **{
        op: f"durable's operator '{op}'"
        for op in [
            "$eq",
            "$neq",
            "$lt",
            "$lte",
            "$gt",
            "$gte",
            "$ex",
            "$nex",
            "$mt",
            "$imt",
            "$iall",
            "$iany",
            "$and",
            "$or",
            "$m",
            "$add",
            "$sub",
            "$mul",
            "$div",
            "$l",
            "$r",
            "all",
            "any",
            "pri",
            "count",
            "cap",
            "dist",
        ]
    },
}
"""Property names the C core gives a meaning of its own (``state.h`` and ``rete.c`` of
durable-rules 2.0.28): a pattern key hashing like an operator is parsed as one, and a
fact property hashing like ``$s`` makes the session state match the fact's tests."""


def internal_message_ids(max_stage: int) -> dict[str, str]:
    """Every message id the engine itself puts in a session, with what it is.

    The state fact durable creates per session (``sid-<sid>``, also the fact the boot
    rule fires on) for every sid of the pool, and the stage marker of every stage up
    to ``max_stage``.
    """
    ids = {f"sid-{sid}": f"the state (boot) fact of session {sid}" for sid in SIDS}
    for stage in range(max_stage + 1):
        ids[f"st:{stage}"] = f"the marker of stage {stage}"
    return ids


def reserved_clashes(
    fact_names: Mapping[str, str], max_stage: int
) -> Iterator[tuple[str, str, str]]:
    """``(fact name, owner id, internal name)`` for each fact name hashing like an internal one.

    ``fact_names`` maps each name a fact of the pack can carry (as property and as
    message id) to the vocabulary id it comes from.
    """
    props = {fnv1_32(name): name for name in RESERVED_PROPERTIES}
    ids = {fnv1_32(name): name for name in internal_message_ids(max_stage)}
    for name, owner in fact_names.items():
        h = fnv1_32(name)
        for table in (props, ids):
            internal = table.get(h)
            if internal is not None and internal != name:
                yield name, owner, internal


def check_names(pack: RulePack, max_stage: int = 0) -> list[RuleIssue]:
    """Every name a fact can carry must hash apart: durable tells properties by hash (and
    messages by the hash of their id, which is the fact's name), from each other and
    from the names durable and the engine use themselves (see :mod:`._reserved`)."""
    names: dict[str, str] = {"id": "durable's own id", "sid": "durable's own sid"}
    for t in (FactKind.AGE, FactKind.SEX, FactKind.STAGE):
        names[t] = f"the {t} fact"
    for vid, kind in pack.kinds.items():
        kinds = {
            "symptom": (FactKind.PRESENT, FactKind.ABSENT),
            "history": (FactKind.PRESENT, FactKind.ABSENT),
            "activity": (FactKind.ACTIVITY,),
            "measurement": (FactKind.MEASUREMENT, FactKind.ASYMMETRY, FactKind.CHANGE),
            "hypothesis": (FactKind.HYPOTHESIS,),
            "recommendation": (FactKind.INTERVENTION,),
        }.get(kind, ())
        for t in kinds:
            names[fact_name(t, vid)] = vid
        if kind == "measurement":  # a re-test's per-side changes
            for side in ("left", "right", "asymmetry"):
                names[fact_name(FactKind.CHANGE, change_key(vid, side))] = vid
    seen: dict[int, str] = {}
    issues: list[RuleIssue] = []
    for name, owner in names.items():
        other = seen.setdefault(fnv1_32(name), name)
        if other != name:
            issues.append(
                RuleIssue.at(
                    pack.origins.get(owner),
                    f"the engine cannot tell '{name}' from '{other}' (their 32-bit property "
                    f"hashes collide); rename '{owner}'",
                    code="engine_limit",
                    fallback=pack.root or "<pack>",
                )
            )
    for name, owner, internal in reserved_clashes(names, max_stage):
        issues.append(
            RuleIssue.at(
                pack.origins.get(owner),
                f"the engine cannot tell the fact '{name}' from its own '{internal}' (their "
                f"32-bit hashes collide); rename '{owner}'",
                code="engine_limit",
                fallback=pack.root or "<pack>",
            )
        )
    return issues
