"""Load a rule pack directory: parse, validate, cross-check, and report every problem at once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import RuleIssue, RulePackError
from . import _snapshot, i18n
from ._files import (
    MAX_FILES,
    MAX_IDS,
    MAX_PACK_BYTES,
    MAX_RULE_CONDITIONS,
    MAX_RULES,
    pack_caps,
    rule_files,
)
from .pack import Origin, RulePack, content_hash
from .schema import iter_conditions

if TYPE_CHECKING:
    from ._validate import Collector, FileItems, Loc
    from ._yaml import YamlDocument
    from .schema import PackMeta, Rule

# the checks of parsed files (_validate, _crosscheck and the intake's word lists they
# reach) are imported when a pack is parsed: a pack read from its snapshot needs none
# of them, and they were about a third of `import hamtriage`

__all__ = [
    "MAX_FILES",
    "MAX_IDS",
    "MAX_PACK_BYTES",
    "MAX_RULES",
    "MAX_RULE_CONDITIONS",
    "bundled_rules_path",
    "iter_conditions",
    "load_pack",
    "load_pack_from_texts",
]


def bundled_rules_path() -> Path:
    """The bundled rule pack: inside the installed package, or ``rules/`` of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_rules"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


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
    root: Path, files: list[Path] | tuple[RuleIssue, ...], col: Collector
) -> list[tuple[YamlDocument, FileItems]]:
    from ._validate import validate_all
    from ._yaml import read_yaml  # PyYAML is imported when a pack is parsed, not at import

    if isinstance(files, tuple):
        col.issues.extend(files)
        return []
    return validate_all((read_yaml(file, _display(root, file)) for file in files), col)


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
    from ._validate import Collector

    col = Collector()
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
    from ._validate import Collector, validate_all
    from ._yaml import parse_yaml  # PyYAML is imported when a pack is parsed

    col = Collector()
    translations = i18n.parse_translation_texts(texts)  # names under i18n/
    names = sorted(n for n in texts if not i18n.is_translation_name(n))
    if not names:
        col.issues.append(RuleIssue(name, 1, 1, "no rule files given", code="empty"))
    else:
        over = pack_caps(name, [len(texts[file]) for file in names])
        if over is not None:
            col.issues.append(over)
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
        lambda: _check_pack(None, name, validate_all(docs, col), col), translations, name
    )


def _check_pack(
    root: str | None,
    path: str | os.PathLike[str],
    parsed: list[tuple[YamlDocument, FileItems]],
    col: Collector,
) -> RulePack:
    """Cross-check the parsed files of a pack (``path`` as given, for the error)."""
    from ._crosscheck import (
        check_actions,
        check_condition_refs,
        check_cycles,
        check_phrases,
        check_referrals,
        check_screen_refs,
        check_sources,
        index_synonyms,
    )
    from ._retest_checks import retest_issues
    from ._validate import SECTIONS
    from .safety import safety_issues  # it imports _yaml (PyYAML) too

    tables: dict[str, dict[str, Any]] = {s: {} for s, _ in SECTIONS}
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
        for section, kind in SECTIONS:
            for i, item in rf.items[section]:
                loc: Loc = (section, i)
                if not col.within_cap(doc, loc, len(col.kinds), MAX_IDS, "vocabulary ids"):
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
                check_phrases(doc, loc, item, col)
                if item.source is not None:
                    source_docs.append((doc, (*loc, "source"), item.source))
                retest = getattr(item, "retest", None)  # a measurement's MDC for re-tests
                if retest is not None:
                    source_docs.append((doc, (*loc, "retest", "source"), retest.source))
                    for at, message in retest_issues(item):
                        col.add(doc, (*loc, "retest", *at), message, code="retest")
        for i, rule in rf.items["rules"]:
            loc = ("rules", i)
            if not col.within_cap(doc, loc, len(rules), MAX_RULES, "rules"):
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

    synonyms = index_synonyms(tables, col)
    check_sources(sources, source_docs, col)
    for doc, rule, loc in rules:
        check_condition_refs(doc, rule, loc, col, tables)
        check_actions(doc, rule, loc, col, tables)
    check_screen_refs(tables, col)
    check_cycles(rules, col)

    if parsed and meta is None and not any(i.severity == "error" for i in col.issues):
        first = parsed[0][0]
        col.add(
            first,
            (),
            "no file has a 'pack:' section with the pack's name and version",
            code="no_pack",
        )
    if meta is not None and meta_doc is not None:
        check_referrals(meta, meta_doc, tables["recommendations"], col)

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
