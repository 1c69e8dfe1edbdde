"""Validate each rule file on its own: every section and item checked apart, every problem located.

The :class:`Collector` gathers the issues (``file:line:col``, with "did you mean") and the
pack-wide tables while :mod:`hamtriage.rules.loader` loads a pack; an invalid item is
reported and left out, so one mistake does not hide the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import RuleIssue, suggest
from .pack import Origin, VocabKind
from .schema import (
    ACTION_KEYS,
    CONDITION_KEYS,
    ActivityItem,
    HistoryItem,
    HypothesisItem,
    MeasurementItem,
    PackMeta,
    RecommendationItem,
    Rule,
    SourceItem,
    SymptomItem,
)

if TYPE_CHECKING:
    from ._yaml import YamlDocument

__all__ = ["SECTIONS", "Collector", "FileItems", "Loc", "validate_all"]


SECTIONS: tuple[tuple[str, VocabKind], ...] = (
    ("symptoms", "symptom"),
    ("history", "history"),
    ("activities", "activity"),
    ("measurements", "measurement"),
    ("hypotheses", "hypothesis"),
    ("recommendations", "recommendation"),
)

Loc = tuple[str | int, ...]


def _known_keys() -> set[str]:
    from . import schema

    keys: set[str] = set()
    for name in dir(schema):
        obj = getattr(schema, name)
        fields = getattr(obj, "model_fields", None)
        if isinstance(fields, dict):
            for fname, info in fields.items():
                keys.add(info.alias or fname)
    return keys


@dataclass
class Collector:
    """Accumulates issues and the merged tables while checking a pack."""

    issues: list[RuleIssue] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)
    kinds: dict[str, VocabKind] = field(default_factory=dict)

    def add(
        self,
        doc: YamlDocument,
        loc: Loc,
        message: str,
        *,
        code: str = "invalid",
        rule_id: str | None = None,
        suggestions: tuple[str, ...] = (),
        key: bool = False,
        severity: str = "error",
    ) -> None:
        line, col = doc.mark(loc, key=key)
        self.issues.append(
            RuleIssue.at(
                (doc.path, line, col),
                message,
                code=code,
                severity=severity,
                rule_id=rule_id,
                suggestions=suggestions,
            )
        )

    def within_cap(self, doc: YamlDocument, loc: Loc, count: int, cap: int, what: str) -> bool:
        """Whether one more item fits under a pack-wide cap of ``cap`` ``what``.

        The first item beyond it is reported once, located there; the caller stops
        checking the rest (so an oversized pack costs no more than a full one).
        """
        if count < cap:
            return True
        message = f"more than {cap} {what} in the pack; the rest is not checked"
        if not any(i.code == "too_many" and i.message == message for i in self.issues):
            self.add(doc, loc, message, code="too_many")
        return False


def _describe_loc(doc: YamlDocument, loc: Loc) -> str:
    path, complete = doc.resolve(loc)
    shown = list(path) if complete else [*path, loc[-1]]
    out = ""
    for seg in shown:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


def _by_rule_id(doc: YamlDocument, where: str) -> str:
    """``rules[1].then[0].certainty`` -> ``rule 'calf_rule': then[0].certainty``."""
    head, _, rest = where.partition("]")
    if not head.startswith("rules[") or not head[6:].isdigit():
        return where
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    index = int(head[6:])
    item = rules[index] if isinstance(rules, list) and index < len(rules) else None
    rid = item.get("id") if isinstance(item, dict) else None
    if not isinstance(rid, str) or not rid:
        return where
    return f"rule '{rid}': {rest.removeprefix('.')}" if rest else f"rule '{rid}'"


_FRIENDLY = {
    "string_pattern_mismatch": "ids are lower snake case: a letter, then letters, digits or _",
}


def _pydantic_issues(doc: YamlDocument, exc: ValidationError, col: Collector, prefix: Loc) -> None:
    known = _known_keys()
    for err in exc.errors(include_url=False):
        loc: Loc = (*prefix, *err["loc"])
        where = _by_rule_id(doc, _describe_loc(doc, loc))
        kind = err["type"]
        given = err.get("input")
        if kind == "extra_forbidden" and str(loc[-1]) in known:
            # a key that exists, one level off: do not suggest the word being rejected
            col.add(
                doc,
                loc,
                f"{where}: '{loc[-1]}' does not belong here; is it indented to the wrong "
                "level? (it must line up with the keys of the block it belongs to)",
                code="unknown_key",
                key=True,
            )
        elif kind == "extra_forbidden":
            bad = str(loc[-1])
            col.add(
                doc,
                loc,
                f"{where}: unknown key '{bad}'",
                code="unknown_key",
                suggestions=suggest(bad, known),
                key=True,
            )
        elif kind == "missing":
            col.add(doc, loc[:-1], f"{where}: missing required key '{loc[-1]}'", code="missing")
        elif kind in {"invalid_condition", "invalid_action"} and isinstance(given, dict) and given:
            keys = CONDITION_KEYS if kind == "invalid_condition" else ACTION_KEYS
            what = "condition" if kind == "invalid_condition" else "action"
            bad = str(next(iter(given)))
            col.add(
                doc,
                (*loc, bad),
                f"{where}: unknown {what} '{bad}' (expected one of: {', '.join(keys)})",
                code=kind,
                suggestions=suggest(bad, keys),
                key=True,
            )
        else:
            msg = _FRIENDLY.get(kind) or str(err["msg"]).removeprefix("Value error, ")
            col.add(doc, loc, f"{where}: {msg}", code=str(kind))


@dataclass
class FileItems:
    """The valid parts of one file; invalid items are reported and left out."""

    pack: PackMeta | None = None
    sources: dict[str, SourceItem] = field(default_factory=dict)
    items: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "symptoms": SymptomItem,
    "history": HistoryItem,
    "activities": ActivityItem,
    "measurements": MeasurementItem,
    "hypotheses": HypothesisItem,
    "recommendations": RecommendationItem,
    "rules": Rule,
}
_TOP_KEYS = ("pack", "sources", *_ITEM_MODELS)


def _validate_file(doc: YamlDocument, col: Collector) -> FileItems:
    """Validate each section and each item on its own, so every problem is found."""
    data: dict[str, Any] = doc.data
    out = FileItems()
    for key in data:
        if key not in _TOP_KEYS:
            col.add(
                doc,
                (key,),
                f"unknown section '{key}' (sections: {', '.join(_TOP_KEYS)})",
                code="unknown_key",
                suggestions=suggest(key, _TOP_KEYS),
                key=True,
            )
    if "pack" in data:
        try:
            out.pack = PackMeta.model_validate(data["pack"])
        except ValidationError as exc:
            _pydantic_issues(doc, exc, col, ("pack",))
    sources = data.get("sources")
    if sources is not None and not isinstance(sources, dict):
        col.add(doc, ("sources",), "sources: must be a mapping of citation keys", code="type")
    elif sources:
        for key, value in sources.items():
            try:
                out.sources[key] = SourceItem.model_validate(value)
            except ValidationError as exc:
                _pydantic_issues(doc, exc, col, ("sources", key))
    for section, model in _ITEM_MODELS.items():
        value = data.get(section)
        valid: list[tuple[int, Any]] = []
        out.items[section] = valid
        if value is None:
            continue
        if not isinstance(value, list):
            col.add(doc, (section,), f"{section}: must be a list", code="type")
            continue
        for i, item in enumerate(value):
            try:
                valid.append((i, model.model_validate(item)))
            except ValidationError as exc:
                _pydantic_issues(doc, exc, col, (section, i))
    return out


def validate_all(
    docs: Iterable[YamlDocument | RuleIssue], col: Collector
) -> list[tuple[YamlDocument, FileItems]]:
    parsed: list[tuple[YamlDocument, FileItems]] = []
    for doc in docs:
        if isinstance(doc, RuleIssue):
            col.issues.append(doc)
            continue
        if not isinstance(doc.data, dict):
            col.add(doc, (), "the top level must be a mapping of sections (rules:, symptoms:, ...)")
            continue
        parsed.append((doc, _validate_file(doc, col)))
    return parsed
