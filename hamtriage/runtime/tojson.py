"""A triage result as JSON, exactly the text ``result.model_dump_json()`` gives, built from the
JSON of its parts that recur between triages (one writer per compiled pack).

Most of a result's JSON is parts the engine builds once and shares: the red-flag screens
(a back complaint lists about 30, over half the text), the trace entries, evidence and
red flags of rules whose matched facts carry no value, the cached recommendations and
blocked exercises, the pack's identity. pydantic-core serialises each of them again on
every call, reading every enum's value through Python. Here the JSON of a shared part is
kept beside the part itself (the entry holds the object, so its ``id`` cannot be reused
while cached) and joined; every other part (a hypothesis's evidence built for this
triage, a part of a translated result) is serialised by pydantic-core as before, and a
result of another shape (a subclass, a field of an unexpected type) is handed to
``model_dump_json`` whole. Numbers and strings are always written by pydantic-core.
``benchmarks/triage_check.py`` and ``tests/test_tojson.py`` compare the two texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic_core import to_json

from ..levels import EvidenceLevel, Likelihood, TriageLevel
from ..results import (
    BlockedExercise,
    FiredRule,
    Hypothesis,
    MatchedFact,
    PackInfo,
    Recommendation,
    RedFlag,
    RuleEvidence,
    Screen,
    TriageResult,
)

__all__ = ["ResultJson"]

CACHE_LIMIT = 4096
_FIELDS = (
    "level",
    "hypotheses",
    "recommendations",
    "blocked_exercises",
    "red_flags",
    "trace",
    "to_confirm",
    "unscreened",
    "disclaimer",
    "pack",
    "lang",
)
_HYPOTHESIS = ("id", "label", "confidence", "likelihood", "evidence", "supporting", "opposing")
# the enums' JSON, written once by pydantic-core (a str enum's value)
_ENUM: dict[object, str] = {
    m: to_json(m.value).decode() for e in (TriageLevel, Likelihood, EvidenceLevel) for m in e
}
_FIRED = ("rule_id", "title", "facts", "source", "evidence", "red_flag")
_EVIDENCE = ("rule_id", "certainty", "facts")
_MATCHED = ("kind", "id", "value")
_SHAPE_OK = (
    tuple(TriageResult.model_fields) == _FIELDS
    and tuple(Hypothesis.model_fields) == _HYPOTHESIS
    and tuple(FiredRule.model_fields) == _FIRED
    and tuple(RuleEvidence.model_fields) == _EVIDENCE
    and tuple(MatchedFact.model_fields) == _MATCHED
)


def _plain(obj: Any) -> str:
    return type(obj).__pydantic_serializer__.to_json(obj).decode()  # type: ignore[no-any-return]


class ResultJson:
    """``dumps(result) == result.model_dump_json()``, with the shared parts' JSON reused.

    ``shared`` lists the objects the engine shares between results for as long as this
    writer lives (its screens and prebuilt rule parts); recommendations and blocked
    exercises, which the engine caches for a while, are kept in a bounded cache.
    """

    def __init__(self, shared: Callable[[], Iterable[object]]) -> None:
        self._shared_of = shared
        self._shared: frozenset[int] | None = None  # ids, worked out on first use
        self._texts: dict[int, tuple[object, str]] = {}  # id -> (the object, its JSON)
        self._kept: dict[int, tuple[object, str]] = {}  # bounded: recommendations, blocks
        self._lists: dict[int, tuple[object, str]] = {}  # bounded: tuples of screens
        self._frames: dict[tuple[object, ...], tuple[str, str]] = {}  # bounded: per rule
        self._strings: dict[str, str] = {}
        self._numbers: dict[float, str] = {}

    def dumps(self, result: TriageResult) -> str:
        """The JSON text of ``result``, byte for byte ``result.model_dump_json()``."""
        try:
            return self._dumps(result)
        except _Unusual:
            return result.model_dump_json()

    def _dumps(self, result: TriageResult) -> str:
        if not _SHAPE_OK or type(result) is not TriageResult:
            raise _Unusual
        d = result.__dict__
        if len(d) != len(_FIELDS):
            raise _Unusual
        part = self._part
        out = [
            '{"level":',
            _enum(d["level"]),
            ',"hypotheses":[',
            ",".join([self._hypothesis(h) for h in d["hypotheses"]]),
            '],"recommendations":[',
            ",".join([part(x, Recommendation) for x in d["recommendations"]]),
            '],"blocked_exercises":[',
            ",".join([part(x, BlockedExercise) for x in d["blocked_exercises"]]),
            '],"red_flags":[',
            ",".join([part(x, RedFlag) for x in d["red_flags"]]),
            '],"trace":[',
            ",".join([part(x, FiredRule) for x in d["trace"]]),
            '],"to_confirm":',
            self._screens(d["to_confirm"]),
            ',"unscreened":',
            self._screens(d["unscreened"]),
            ',"disclaimer":',
            self._string(d["disclaimer"]),
            ',"pack":',
            part(d["pack"], PackInfo),
            ',"lang":',
            self._string(d["lang"]),
            "}",
        ]
        return "".join(out)

    def _part(self, obj: object, cls: type) -> str:
        if type(obj) is not cls:
            raise _Unusual
        key = id(obj)
        got = self._texts.get(key)
        if got is not None and got[0] is obj:
            return got[1]
        got = self._kept.get(key)
        if got is not None and got[0] is obj:
            return got[1]
        if cls is FiredRule:
            text = self._fired(obj)
        elif cls is RuleEvidence:
            text = self._evidence(obj)
        else:
            text = _plain(obj)
        shared = self._shared
        if shared is None:
            shared = self._shared = frozenset(map(id, self._shared_of()))
        if key in shared:  # lives as long as this writer: never evicted
            self._texts[key] = (obj, text)
        elif cls is Recommendation or cls is BlockedExercise or cls is PackInfo:
            _keep(self._kept, key, (obj, text))
        return text

    def _screens(self, screens: object) -> str:
        # the screener hands out one cached tuple per set of answers: its JSON is kept
        # with it (the entry holds the tuple, so its id is not reused while cached)
        if type(screens) is not tuple:
            raise _Unusual
        key = id(screens)
        got = self._lists.get(key)
        if got is not None and got[0] is screens:
            return got[1]
        part = self._part
        text = "[" + ",".join([part(x, Screen) for x in screens]) + "]"
        if screens:
            _keep(self._lists, key, (screens, text))
        return text

    def _hypothesis(self, h: object) -> str:
        # built afresh by every triage, but its evidence mostly shared: written field by
        # field in declaration order, each value as pydantic-core writes it
        if type(h) is not Hypothesis:
            raise _Unusual
        d = h.__dict__
        if len(d) != len(_HYPOTHESIS):
            raise _Unusual
        part = self._part
        return "".join(
            [
                '{"id":',
                self._string(d["id"]),
                ',"label":',
                self._string(d["label"]),
                ',"confidence":',
                self._number(d["confidence"]),
                ',"likelihood":',
                _enum(d["likelihood"]),
                ',"evidence":',
                _enum(d["evidence"]),
                ',"supporting":[',
                ",".join([part(e, RuleEvidence) for e in d["supporting"]]),
                '],"opposing":[',
                ",".join([part(e, RuleEvidence) for e in d["opposing"]]),
                "]}",
            ]
        )

    def _fired(self, fired: object) -> str:
        # a trace entry of a rule whose facts carry values is built by every triage: its
        # fields but the facts are the rule's own, written once per rule
        d = fired.__dict__
        if len(d) != len(_FIRED) or type(d["red_flag"]) is not bool:
            raise _Unusual
        key = (d["rule_id"], d["title"], d["source"], d["evidence"], d["red_flag"])
        got = self._frames.get(key)
        if got is None:
            if type(d["source"]) is not tuple or any(type(x) is not str for x in d["source"]):
                raise _Unusual
            got = (
                '{"rule_id":' + self._string(d["rule_id"]) + ',"title":'
                + self._string(d["title"]) + ',"facts":[',
                '],"source":[' + ",".join([self._string(x) for x in d["source"]])
                + '],"evidence":' + _enum(d["evidence"])
                + (',"red_flag":true}' if d["red_flag"] else ',"red_flag":false}'),
            )  # fmt: skip
            _keep(self._frames, key, got)
        return got[0] + self._facts(d["facts"]) + got[1]

    def _evidence(self, evidence: object) -> str:
        d = evidence.__dict__
        if len(d) != len(_EVIDENCE):
            raise _Unusual
        return "".join(
            [
                '{"rule_id":',
                self._string(d["rule_id"]),
                ',"certainty":',
                self._number(d["certainty"]),
                ',"facts":[',
                self._facts(d["facts"]),
                "]}",
            ]
        )

    def _facts(self, facts: object) -> str:
        if type(facts) is not tuple:
            raise _Unusual
        out: list[str] = []
        for fact in facts:
            if type(fact) is not MatchedFact:
                raise _Unusual
            d = fact.__dict__
            if len(d) != len(_MATCHED):
                raise _Unusual
            value = d["value"]
            if value is None:
                shown = "null"
            elif type(value) is float:
                shown = self._number(value)
            else:
                shown = self._string(value)  # refuses anything but a str
            out.append(
                '{"kind":' + self._string(d["kind"]) + ',"id":' + self._string(d["id"])
                + ',"value":' + shown + "}"
            )  # fmt: skip
        return ",".join(out)

    def _string(self, text: object) -> str:
        if type(text) is not str:
            raise _Unusual
        got = self._strings.get(text)
        if got is None:
            got = to_json(text).decode()
            _keep(self._strings, text, got)
        return got

    def _number(self, value: object) -> str:
        if type(value) is not float:
            raise _Unusual
        if not value or value != value:  # 0.0 == -0.0 as keys; NaN is never equal
            return to_json(value).decode()
        got = self._numbers.get(value)
        if got is None:
            got = to_json(value).decode()  # not repr: 1e-05 is written 0.00001
            _keep(self._numbers, value, got)
        return got


def _keep(cache: dict[Any, Any], key: object, value: object) -> None:
    """Store in a bounded cache, emptied when full (the parts in use soon come back)."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _enum(member: object) -> str:
    got = _ENUM.get(member) if type(member) in (TriageLevel, Likelihood, EvidenceLevel) else None
    if got is None:
        raise _Unusual
    return got


class _Unusual(Exception):
    """A result this writer does not know how to write: ``model_dump_json`` writes it."""
