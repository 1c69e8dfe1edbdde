"""The wire format between hamtriage and durable-rules: how facts are encoded, how actions decode.

The one module that knows what a fact looks like on the engine. Facts are flat objects
whose one property is named after their kind and id, with a durable ``id`` equal to
that name: ``{"id": "y:ID", "y:ID": 1}``, ``{"id": "m:ID", "m:ID": 7.5}``,
``{"id": "age", "age": 51}``, ``{"id": "st:K", "st": K}`` (a stage marker), and in a
re-test ``{"id": "chg:ID:left", "chg:ID:left": "improved"}`` and ``{"id": "after:REC",
"after:REC": 1}``. The C core
indexes alpha tests by property name, so one hash probe finds a fact's tests; a session
holds one fact per name, so the names double as message ids.
"""

from __future__ import annotations

import json
from typing import Any

from ..results import MatchedFact
from ..rules.logic import FactKind
from ._construct import trusted

__all__ = [
    "BOOT_RULE",
    "MARKER_PREFIX",
    "decode_matched",
    "engine_number",
    "fact_json",
    "fact_name",
    "fnv1_32",
    "marker_json",
    "valued_prefix",
]

BOOT_RULE = "_boot"
"""The rule the adapter fires once per new session (durable crashes deleting a session
in which no action ran)."""

MARKER_PREFIX = '{"id":"st:'
"""How a stage marker's JSON starts (the adapter finds the end of a batch by it)."""

new_matched = trusted(MatchedFact)


def engine_number(value: float) -> float | int:
    """A number the C parser accepts: 4 decimals, never in exponent notation."""
    if float(value).is_integer():  # every float from 2**53 on is one: never 1e+16
        return int(value)
    rounded = round(float(value), 4)
    return 0 if rounded == 0 else rounded


def fact_name(kind: str, key: str | None = None) -> str:
    """The property (and message id) of a fact: ``y:low_back_spasms``, ``age``, ``st``."""
    return kind if key is None else f"{kind}:{key}"


def fact_json(kind: str, key: str | None, value: float | int | str) -> str:
    """One fact as compact JSON, e.g. ``{"id":"m:knee_to_wall_cm","m:knee_to_wall_cm":7.5}``."""
    name = json.dumps(fact_name(kind, key), ensure_ascii=False)
    return f'{{"id":{name},{name}:{json.dumps(value, ensure_ascii=False)}}}'


def valued_prefix(kind: str, key: str) -> str:
    """A valued fact's JSON up to its value: ``{"id":"m:k","m:k":`` (value and ``}`` follow)."""
    name = json.dumps(fact_name(kind, key), ensure_ascii=False)
    return f'{{"id":{name},{name}:'


def marker_json(stage: int) -> str:
    """The marker fact of ``stage``; every rule with a negation waits for its marker."""
    return f'{{"id":"{FactKind.STAGE}:{stage}","{FactKind.STAGE}":{stage}}}'


_AGE_PREFIX = f'{{"id":"{FactKind.AGE.value}","{FactKind.AGE.value}":'


def age_json(age: int) -> str:
    """The age fact (ages are whole years)."""
    return f"{_AGE_PREFIX}{age}}}"


_KINDS = {kind.value: kind for kind in FactKind}


def decode_matched(matched: dict[str, dict[str, Any]]) -> tuple[MatchedFact, ...]:
    """The matched facts of one action, decoded from the engine's echo of them."""
    out: list[MatchedFact] = []
    for alias in sorted(matched):
        fact = matched[alias]
        name = fact.get("id")
        if alias == "stage" or not isinstance(name, str):
            continue
        code, _, key = name.partition(":")
        kind = _KINDS.get(code)
        if kind is None or kind is FactKind.STAGE:
            continue
        value = None if kind.valueless else fact.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        out.append(new_matched(kind=kind.kind_name, id=key or code, value=value))
    return tuple(out)


def fnv1_32(name: str) -> int:
    """durable-rules' hash of a property name (32-bit FNV-1a over its UTF-8 bytes, as its
    fnv1Hash32 computes it): two names with one hash are one property to the engine."""
    h = 0x811C9DC5
    for byte in name.encode():
        h ^= byte if byte < 0x80 else byte | 0xFFFFFF00  # the C code xors a signed char
        h = (h * 16777619) & 0xFFFFFFFF
    return h
