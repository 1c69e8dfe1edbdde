"""Load a rule pack directory: parse, validate, cross-check, and report every problem at once."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import RuleIssue, RulePackError, a_or_an, suggest
from ..levels import RecommendationKind, TriageLevel
from . import _snapshot, i18n
from ._files import MAX_FILES, MAX_IDS, MAX_PACK_BYTES, MAX_RULE_CONDITIONS, MAX_RULES, rule_files
from ._graph import find_cycle
from ._retest_checks import change_condition_issues, retest_issues
from .pack import Origin, RulePack, VocabKind, content_hash, normalize_text
from .phrases import PhraseSyntaxError, parse_phrase
from .schema import (
    ACTION_KEYS,
    CONDITION_KEYS,
    AbsentCond,
    ActivityCond,
    ActivityItem,
    AgainstAction,
    AgeCond,
    AsymmetryCond,
    BlockAction,
    ChangeCond,
    EscalateAction,
    HistoryCond,
    HistoryItem,
    HypothesisCond,
    HypothesisItem,
    MeasurementCond,
    MeasurementItem,
    PackMeta,
    RecommendAction,
    RecommendationItem,
    Rule,
    SourceItem,
    SupportAction,
    SymptomCond,
    SymptomItem,
    iter_conditions,
)

if TYPE_CHECKING:
    from ._yaml import YamlDocument

__all__ = [
    "MAX_FILES",
    "MAX_IDS",
    "MAX_PACK_BYTES",
    "MAX_RULES",
    "MAX_RULE_CONDITIONS",
    "bundled_rules_path",
    "iter_conditions",
    "load_pack",
]


_SECTIONS: tuple[tuple[str, VocabKind], ...] = (
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


def bundled_rules_path() -> Path:
    """The bundled rule pack: inside the installed package, or ``rules/`` of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_rules"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


@dataclass
class _Collector:
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


def _pydantic_issues(doc: YamlDocument, exc: ValidationError, col: _Collector, prefix: Loc) -> None:
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
class _FileItems:
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


def _validate(doc: YamlDocument, col: _Collector) -> _FileItems:
    """Validate each section and each item on its own, so every problem is found."""
    data: dict[str, Any] = doc.data
    out = _FileItems()
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


def _display(root: Path, file: Path) -> str:
    try:
        rel = os.path.relpath(file)
    except ValueError:  # pragma: no cover - other drive on Windows
        rel = str(file)
    return rel if not rel.startswith("..") else str(file)


def _rule_files(root: Path) -> list[Path] | tuple[RuleIssue, ...]:
    """The pack's rule files in load order, or the issues that leave it without any."""
    return rule_files(root, _display)  # regular files inside the pack only, within the caps


def _read_files(
    root: Path, files: list[Path] | tuple[RuleIssue, ...], col: _Collector
) -> list[tuple[YamlDocument, _FileItems]]:
    from ._yaml import read_yaml  # PyYAML is imported when a pack is parsed, not at import

    if isinstance(files, tuple):
        col.issues.extend(files)
        return []
    return _validate_all((read_yaml(file, _display(root, file)) for file in files), col)


def _validate_all(
    docs: Iterable[YamlDocument | RuleIssue], col: _Collector
) -> list[tuple[YamlDocument, _FileItems]]:
    parsed: list[tuple[YamlDocument, _FileItems]] = []
    for doc in docs:
        if isinstance(doc, RuleIssue):
            col.issues.append(doc)
            continue
        if not isinstance(doc.data, dict):
            col.add(doc, (), "the top level must be a mapping of sections (rules:, symptoms:, ...)")
            continue
        parsed.append((doc, _validate(doc, col)))
    return parsed


def _check_condition_refs(
    doc: YamlDocument, rule: Rule, base: Loc, col: _Collector, pack: dict[str, Any]
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
    col: _Collector,
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
    col: _Collector,
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


def _check_actions(
    doc: YamlDocument, rule: Rule, base: Loc, col: _Collector, pack: dict[str, Any]
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


def _check_cycles(rules: list[tuple[YamlDocument, Rule, Loc]], col: _Collector) -> None:
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


def _check_phrases(doc: YamlDocument, loc: Loc, item: Any, col: _Collector) -> None:
    """Each ``phrases:`` entry must be readable and able to match (file:line:col)."""
    for j, phrase in enumerate(getattr(item, "phrases", ())):
        try:
            parse_phrase(phrase)
        except PhraseSyntaxError as exc:
            col.add(
                doc,
                (*loc, "phrases", j),
                f"'{item.id}': phrase '{phrase}', column {exc.column}: {exc}",
                code="bad_phrase",
            )


def _over_cap(col: _Collector, doc: YamlDocument, loc: Loc, message: str) -> None:
    """Report a pack-wide cap once, at the first item beyond it."""
    message += "; the rest is not checked"
    if not any(i.code == "too_many" and i.message == message for i in col.issues):
        col.add(doc, loc, message, code="too_many")


def _index_synonyms(tables: dict[str, dict[str, Any]], col: _Collector) -> dict[str, str]:
    """Map folded ids, labels and synonyms to ids. Ids win; two items sharing a text is an error."""
    index = {normalize_text(i): i for i in col.kinds}
    id_keys = set(index)
    for section, _ in _SECTIONS:
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


def load_pack(path: str | os.PathLike[str]) -> RulePack:
    """Load and check the rule pack in directory ``path``.

    Raises :class:`~hamtriage.RulePackError` listing every problem found, each as
    ``file:line:col: error: message``. A pack whose files, loading code and libraries
    are unchanged since it last loaded is read from its snapshot in the user's cache
    (see :mod:`hamtriage.rules._snapshot`); the result is the same.
    """
    root = Path(path)
    files = _rule_files(root)
    extra, refused = i18n.translation_paths(root)  # i18n/*.yaml: the pack's translations
    snapshot = None
    if not isinstance(files, tuple) and not refused:
        every = [*files, *extra]
        snapshot = _snapshot.locate(root, [(file, _display(root, file)) for file in every])
        pack = snapshot.read() if snapshot is not None else None
        if pack is not None:
            return pack
    col = _Collector()
    pack = i18n.with_translations(
        lambda: _check_pack(str(root.resolve()), path, _read_files(root, files, col), col),
        i18n.read_translation_dir(root),
        str(path),
    )
    if snapshot is not None:
        snapshot.write(pack)
    return pack


def load_pack_from_texts(texts: Mapping[str, str | bytes], *, name: str = "<texts>") -> RulePack:
    """Load and check a rule pack given as ``{file name: YAML text}`` (no directory).

    Files load in the order of their names, as from a directory; messages name each
    problem as ``file:line:col``. The pack's content hash equals that of the same
    files loaded from a directory, so engines pickle by content (see
    :meth:`hamtriage.Engine.__reduce__`).
    """
    from ._yaml import parse_yaml  # PyYAML is imported when a pack is parsed

    col = _Collector()
    translations = i18n.parse_translation_texts(texts)  # names under i18n/
    names = sorted(n for n in texts if not i18n.is_translation_name(n))
    if not names:
        col.issues.append(RuleIssue(name, 1, 1, "no rule files given", code="empty"))
    elif len(names) > MAX_FILES:
        col.issues.append(
            RuleIssue(name, 1, 1, f"more than {MAX_FILES} rule files", code="too_many")
        )
        names = []
    total = sum(len(texts[file]) for file in names)
    if total > MAX_PACK_BYTES:
        col.issues.append(
            RuleIssue(
                name,
                1,
                1,
                f"rule files of {total} bytes; the limit is {MAX_PACK_BYTES}",
                code="too_big",
            )
        )
        names = []
    docs: list[YamlDocument | RuleIssue] = []
    for file in names:
        text = texts[file]
        if Path(file).suffix not in {".yaml", ".yml"} or Path(file).name != file:
            docs.append(
                RuleIssue(
                    file, 1, 1, "a rule file's name is a plain name ending in .yaml", code="io"
                )
            )
            continue
        docs.append(
            parse_yaml(text.encode("utf-8") if isinstance(text, str) else bytes(text), file)
        )
    return i18n.with_translations(
        lambda: _check_pack(None, name, _validate_all(docs, col), col), translations, name
    )


def _check_pack(
    root: str | None,
    path: str | os.PathLike[str],
    parsed: list[tuple[YamlDocument, _FileItems]],
    col: _Collector,
) -> RulePack:
    """Cross-check the parsed files of a pack (``path`` as given, for the error)."""
    from .safety import safety_issues  # it imports _yaml (PyYAML) too

    tables: dict[str, dict[str, Any]] = {s: {} for s, _ in _SECTIONS}
    sources: dict[str, Any] = {}
    source_docs: list[tuple[YamlDocument, Loc, list[str]]] = []
    meta: PackMeta | None = None
    meta_doc: YamlDocument | None = None
    rules: list[tuple[YamlDocument, Rule, Loc]] = []

    for doc, rf in parsed:
        if rf.pack is not None:
            if meta is not None and meta_doc is not None:
                col.add(
                    doc,
                    ("pack",),
                    f"a second 'pack' section (the first is in {meta_doc.path})",
                    key=True,
                )
            else:
                meta, meta_doc = rf.pack, doc
        for key, source in rf.sources.items():
            if key in sources:
                col.add(doc, ("sources", key), f"duplicate source key '{key}'", key=True)
            sources[key] = source
        for section, kind in _SECTIONS:
            for i, item in rf.items[section]:
                loc: Loc = (section, i)
                if len(col.kinds) >= MAX_IDS:
                    _over_cap(col, doc, loc, f"more than {MAX_IDS} vocabulary ids in the pack")
                    break
                if item.id in col.kinds:
                    col.add(
                        doc,
                        (*loc, "id"),
                        f"duplicate id '{item.id}' (already defined as a {col.kinds[item.id]} at "
                        f"{col.origins[item.id]})",
                        code="duplicate_id",
                    )
                    continue
                line, column = doc.mark((*loc, "id"))
                col.kinds[item.id] = kind
                col.origins[item.id] = Origin(doc.path, line, column)
                tables[section][item.id] = item
                _check_phrases(doc, loc, item, col)
                if item.source is not None:
                    source_docs.append((doc, (*loc, "source"), item.source))
                retest = getattr(item, "retest", None)  # a measurement's MDC for re-tests
                if retest is not None:
                    source_docs.append((doc, (*loc, "retest", "source"), retest.source))
                    for at, message in retest_issues(item):
                        col.add(doc, (*loc, "retest", *at), message, code="retest")
        for i, rule in rf.items["rules"]:
            loc = ("rules", i)
            if len(rules) >= MAX_RULES:
                _over_cap(col, doc, loc, f"more than {MAX_RULES} rules in the pack")
                break
            leaves = sum(1 for _ in iter_conditions(rule.when))
            if leaves > MAX_RULE_CONDITIONS:
                col.add(
                    doc,
                    (*loc, "when"),
                    f"rule '{rule.id}' has {leaves} conditions; the limit is "
                    f"{MAX_RULE_CONDITIONS} (split the rule)",
                    code="too_big",
                    rule_id=rule.id,
                )
                continue
            key = f"rule:{rule.id}"
            if key in col.origins:
                col.add(
                    doc,
                    (*loc, "id"),
                    f"duplicate rule id '{rule.id}' (first at {col.origins[key]})",
                    code="duplicate_id",
                )
                continue
            line, column = doc.mark((*loc, "id"))
            col.origins[key] = Origin(doc.path, line, column)
            rules.append((doc, rule, loc))
            source_docs.append((doc, (*loc, "source"), rule.source))

    synonyms = _index_synonyms(tables, col)
    for doc, loc, keys in source_docs:
        for j, k in enumerate(keys):
            if k not in sources:
                col.add(
                    doc,
                    (*loc, j),
                    f"unknown source '{k}'",
                    code="unknown_source",
                    suggestions=suggest(k, sources),
                )

    for doc, rule, loc in rules:
        _check_condition_refs(doc, rule, loc, col, tables)
        _check_actions(doc, rule, loc, col, tables)
    for section in ("recommendations",):
        for rec in tables[section].values():
            for c in rec.contraindications:
                origin = col.origins[rec.id]
                if col.kinds.get(c) not in ("symptom", "history"):
                    col.issues.append(
                        RuleIssue(
                            origin.path,
                            origin.line,
                            origin.column,
                            f"recommendation '{rec.id}': contraindication '{c}' is not a symptom or history item",
                            code="unknown_id",
                            suggestions=suggest(
                                c, [i for i, k in col.kinds.items() if k in ("symptom", "history")]
                            ),
                        )
                    )
    for section, _ in _SECTIONS:
        for item in tables[section].values():
            for c in item.screen_first:
                if col.kinds.get(c) not in ("symptom", "history"):
                    origin = col.origins[item.id]
                    col.issues.append(
                        RuleIssue(
                            origin.path,
                            origin.line,
                            origin.column,
                            f"'{item.id}': screen_first '{c}' is not a symptom or history item",
                            code="unknown_id",
                            suggestions=suggest(
                                c, [i for i, k in col.kinds.items() if k in ("symptom", "history")]
                            ),
                        )
                    )
    _check_cycles(rules, col)

    if parsed and meta is None and not any(i.severity == "error" for i in col.issues):
        first = parsed[0][0]
        col.add(
            first,
            (),
            "no file has a 'pack:' section with the pack's name and version",
            code="no_pack",
        )
    if meta is not None and meta_doc is not None:
        for level, rec_id in meta.referrals.items():
            rec = tables["recommendations"].get(rec_id)
            if rec is None or rec.kind != RecommendationKind.REFERRAL:
                col.add(
                    meta_doc,
                    ("pack", "referrals", level.value),
                    f"referral for '{level.value}' must be a recommendation of kind referral, got '{rec_id}'",
                    code="unknown_id",
                    suggestions=()
                    if rec is not None
                    else suggest(rec_id, tables["recommendations"]),
                )

    referrals = meta.referrals if meta is not None else None
    col.issues.extend(safety_issues(rules, tables, col.origins, referrals))
    errors = [i for i in col.issues if i.severity == "error"]
    if errors or meta is None:
        raise RulePackError(
            sorted(col.issues, key=lambda i: (i.path, i.line, i.column)), pack=str(path)
        )

    freeze = MappingProxyType
    return RulePack(
        meta=meta,
        sources=freeze(sources),
        symptoms=freeze(tables["symptoms"]),
        history=freeze(tables["history"]),
        activities=freeze(tables["activities"]),
        measurements=freeze(tables["measurements"]),
        hypotheses=freeze(tables["hypotheses"]),
        recommendations=freeze(tables["recommendations"]),
        rules=tuple(r for _, r, _ in rules),
        origins=freeze(col.origins),
        content_hash=content_hash((Path(doc.path).name, doc.digest) for doc, _ in parsed),
        root=root,
        kinds=freeze(col.kinds),
        synonyms=freeze(synonyms),
        files=tuple((Path(doc.path).name, doc.raw) for doc, _ in parsed),
    )
