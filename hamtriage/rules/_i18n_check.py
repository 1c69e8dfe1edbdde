"""Checking and merging a pack's translation files (:mod:`hamtriage.rules.i18n`): each file
on its own (every item and rule by itself, so every problem is found), then every id against
the pack, field by field across the files of one language.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import RuleIssue, RulePackError, suggest
from ._i18n_file import Issues, validate_file, where
from .i18n import (
    BASE_LANG,
    I18N_DIR,
    ItemText,
    PackTranslation,
    RuleText,
    TranslationFile,
    VariantText,
)
from .pack import Origin, content_hash
from .phrases import PhraseSyntaxError, parse_phrase

if TYPE_CHECKING:
    from ._yaml import YamlDocument
    from .pack import RulePack

__all__ = ["check_translations", "with_translations"]

_TOP_KEYS = tuple(TranslationFile.model_fields)
_LISTS = ("synonyms", "phrases")


# the fields each kind of item has in English (the rest cannot be translated)
_KIND_FIELDS: dict[str, frozenset[str]] = {
    "symptom": frozenset({"label", "description", "question", "synonyms", "phrases"}),
    "history": frozenset({"label", "description", "question", "synonyms", "phrases"}),
    "measurement": frozenset(
        {"label", "description", "question", "synonyms", "phrases", "unit", "test"}
    ),
    "activity": frozenset({"label", "description", "question", "synonyms"}),
    "hypothesis": frozenset({"label", "description", "question", "synonyms"}),
    "recommendation": frozenset(
        {"label", "description", "question", "synonyms", "instructions", "dosage", "variants"}
    ),
}


class _Merger:
    """Merges the files of one language, field by field, and checks every id."""

    def __init__(self, pack: RulePack, lang: str, issues: Issues) -> None:
        self.pack = pack
        self.lang = lang
        self.issues = issues
        self.language: str | None = None
        self.texts: dict[str, str] = {}
        self.lists: dict[str, dict[str, tuple[str, ...]]] = {name: {} for name in _LISTS}
        self.origins: dict[str, Origin] = {}
        self.files: list[str] = []
        self.rules = {rule.id: rule for rule in pack.rules}

    def _put(self, doc: YamlDocument, loc: tuple[str | int, ...], value: Any) -> None:
        key = where(loc)
        line, col = doc.mark(loc)
        here = Origin(doc.path, line, col)
        prior = self.origins.get(key)
        if prior is not None:
            self.issues.add(
                doc,
                loc,
                f"'{key}' is translated twice for '{self.lang}': here and at {prior}",
                code="duplicate_translation",
            )
            return
        self.origins[key] = here
        if isinstance(value, list):
            self.lists[str(loc[-1])][str(loc[1])] = tuple(value)
        else:
            self.texts[key] = value

    def add(self, doc: YamlDocument, tf: TranslationFile) -> None:
        self.files.append(doc.path)
        if tf.language is not None:
            if self.language is None:
                self.language = tf.language
            elif tf.language != self.language:
                self.issues.add(
                    doc,
                    ("language",),
                    f"language '{tf.language}' differs from '{self.language}' given for "
                    f"'{self.lang}' in another file",
                    code="language_name",
                )
        if tf.pack is not None and tf.pack.description is not None:
            if self.pack.meta.description is None:
                self.issues.add(doc, ("pack", "description"), "the pack has no English description")
            else:
                self._put(doc, ("pack", "description"), tf.pack.description)
        for item_id, text in tf.items.items():
            self._item(doc, item_id, text)
        for rule_id, rtext in tf.rules.items():
            self._rule(doc, rule_id, rtext)

    def _item(self, doc: YamlDocument, item_id: str, text: ItemText) -> None:
        base: tuple[str | int, ...] = ("items", item_id)
        kind = self.pack.kinds.get(item_id)
        item = self.pack.item(item_id)
        if kind is None or item is None:
            self.issues.add(
                doc,
                base,
                f"items: unknown id '{item_id}' (no vocabulary item of the pack has it)",
                code="unknown_id",
                key=True,
                suggestions=suggest(item_id, list(self.pack.kinds)),
            )
            return
        for name, value in text:
            if value is None:
                continue
            loc = (*base, name)
            if name not in _KIND_FIELDS[kind]:
                self.issues.add(
                    doc,
                    loc,
                    f"'{item_id}' is {'an' if kind[0] in 'aeiou' else 'a'} {kind}: it has no "
                    f"'{name}' to translate (fields: {', '.join(sorted(_KIND_FIELDS[kind]))})",
                    code="unknown_key",
                    key=True,
                )
                continue
            if name == "variants":
                self._variants(doc, loc, item, value)
                continue
            if name not in _LISTS and getattr(item, name, None) is None:
                self.issues.add(
                    doc,
                    loc,
                    f"'{item_id}' has no English '{name}' to translate",
                    code="nothing_to_translate",
                    key=True,
                )
                continue
            if name == "phrases":
                for j, phrase in enumerate(value):
                    try:
                        parse_phrase(phrase)
                    except PhraseSyntaxError as exc:
                        self.issues.add(
                            doc,
                            (*loc, j),
                            f"'{item_id}': phrase '{phrase}', column {exc.column}: {exc}",
                            code="bad_phrase",
                        )
            self._put(doc, loc, value)

    def _variants(
        self,
        doc: YamlDocument,
        loc: tuple[str | int, ...],
        item: Any,
        variants: Mapping[str, VariantText],
    ) -> None:
        english = {v.id: v for v in item.variants}
        for vid, vtext in variants.items():
            if vid not in english:
                self.issues.add(
                    doc,
                    (*loc, vid),
                    f"'{item.id}' has no variant '{vid}'",
                    code="unknown_id",
                    key=True,
                    suggestions=suggest(vid, list(english)),
                )
                continue
            for name, value in vtext:
                if value is None:
                    continue
                if getattr(english[vid], name) is None:
                    self.issues.add(
                        doc,
                        (*loc, vid, name),
                        f"variant '{vid}' of '{item.id}' has no English '{name}' to translate",
                        code="nothing_to_translate",
                        key=True,
                    )
                    continue
                self._put(doc, (*loc, vid, name), value)

    def _rule(self, doc: YamlDocument, rule_id: str, text: RuleText) -> None:
        from .schema import BlockAction, EscalateAction

        base: tuple[str | int, ...] = ("rules", rule_id)
        rule = self.rules.get(rule_id)
        if rule is None:
            self.issues.add(
                doc,
                base,
                f"rules: unknown rule id '{rule_id}'",
                code="unknown_id",
                key=True,
                suggestions=suggest(rule_id, list(self.rules)),
            )
            return
        blocks = {a.block for a in rule.then if isinstance(a, BlockAction)}
        for name, value in text:
            if value is None:
                continue
            loc = (*base, name)
            if name == "block":
                for target, reason in value.items():
                    if target not in blocks:
                        self.issues.add(
                            doc,
                            (*loc, target),
                            f"rule '{rule_id}' does not block '{target}'",
                            code="unknown_id",
                            key=True,
                            suggestions=suggest(target, sorted(blocks)),
                        )
                    else:
                        self._put(doc, (*loc, target), reason)
                continue
            missing = (
                not any(isinstance(a, EscalateAction) for a in rule.then)
                if name == "escalate"
                else getattr(rule, name) is None
            )
            if missing:
                self.issues.add(
                    doc,
                    loc,
                    f"rule '{rule_id}' has no English '{name}' to translate",
                    code="nothing_to_translate",
                    key=True,
                )
                continue
            self._put(doc, loc, value)

    def build(self) -> PackTranslation:
        freeze = MappingProxyType
        return PackTranslation(
            lang=self.lang,
            language=self.language or self.lang,
            texts=freeze(self.texts),
            synonyms=freeze(self.lists["synonyms"]),
            phrases=freeze(self.lists["phrases"]),
            origins=freeze(self.origins),
            files=tuple(self.files),
        )


def check_translations(
    pack: RulePack, parsed: Iterable[tuple[YamlDocument, TranslationFile]], issues: Issues
) -> dict[str, PackTranslation]:
    """Merge the valid files per language, checking every id against ``pack``."""
    mergers: dict[str, _Merger] = {}
    firsts: dict[str, YamlDocument] = {}
    for doc, tf in parsed:
        if tf.lang == BASE_LANG:
            issues.add(
                doc,
                ("lang",),
                "lang: 'en' is the pack's base language; its texts are the rule files",
                code="bad_lang",
            )
            continue
        merger = mergers.get(tf.lang)
        if merger is None:
            merger = mergers[tf.lang] = _Merger(pack, tf.lang, issues)
            firsts[tf.lang] = doc
        merger.add(doc, tf)
    for lang, merger in mergers.items():
        if merger.language is None:
            issues.add(
                firsts[lang],
                ("lang",),
                f"no translation file of '{lang}' says its name (add 'language:', for "
                "example 'language: Nederlands')",
                code="missing",
            )
    return {lang: mergers[lang].build() for lang in sorted(mergers)}


def with_translations(
    check: Callable[[], RulePack],
    docs: Sequence[YamlDocument | RuleIssue],
    pack_name: str,
) -> RulePack:
    """The pack ``check()`` loads, with the translation files ``docs`` checked and merged.

    Every problem of the rule files and of the translation files is reported at once;
    a pack without translation files is returned as ``check()`` gives it.
    """
    issues = Issues()
    parsed: list[tuple[YamlDocument, TranslationFile]] = []
    for doc in docs:
        if isinstance(doc, RuleIssue):
            issues.found.append(doc)
            continue
        tf = validate_file(doc, issues)
        if tf is not None:
            parsed.append((doc, tf))
    try:
        pack = check()
    except RulePackError as exc:
        if not issues.found:
            raise
        raise RulePackError(_sorted([*exc.issues, *issues.found]), pack=exc.pack) from None
    if not docs:
        return pack
    translations = check_translations(pack, parsed, issues)
    if any(i.severity == "error" for i in issues.found):
        raise RulePackError(_sorted(issues.found), pack=pack_name)
    files = (
        *pack.files,
        *((f"{I18N_DIR}/{Path(doc.path).name}", doc.raw) for doc, _ in parsed),
    )
    return dataclasses.replace(
        pack,
        translations=MappingProxyType(translations),
        files=files,
        content_hash=content_hash((name, hashlib.sha256(raw).digest()) for name, raw in files),
    )


def _sorted(issues: Iterable[RuleIssue]) -> list[RuleIssue]:
    return sorted(issues, key=lambda i: (i.path, i.line, i.column))
