"""Pack translations: the model of a translation file (``<pack>/i18n/*.yaml``), and loading,
checking and merging those files per language into the pack.

English is a pack's base language (its rule files). A translation file declares its
``lang`` and translates texts by the English pack's ids (``docs/rule-format.md``,
"Translations"). Several files of one language merge; the same field translated in two
files is an error naming both places. Every problem is reported at ``file:line:col``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..errors import RuleIssue, RulePackError, suggest
from ._files import MAX_FILES, MAX_PACK_BYTES, _refusal
from .pack import Origin, content_hash, normalize_text
from .phrases import PhraseSyntaxError, parse_phrase
from .schema import Id, ShortText, Text

if TYPE_CHECKING:
    from ._yaml import YamlDocument
    from .pack import RulePack

__all__ = [
    "I18N_DIR",
    "LANG_PATTERN",
    "ItemText",
    "PackText",
    "PackTranslation",
    "RuleText",
    "TranslationFile",
    "VariantText",
    "parse_translation_texts",
    "read_translation_dir",
    "with_translations",
]

I18N_DIR = "i18n"
"""The folder of a pack that holds its translation files."""
LANG_PATTERN = r"^[a-z]{2,3}$"
BASE_LANG = "en"

Lang = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
Texts = Annotated[list[ShortText], Field(max_length=200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class VariantText(_Model):
    """The texts of one equipment variant of a drill."""

    label: ShortText | None = None
    instructions: Text | None = None
    dosage: Text | None = None


class ItemText(_Model):
    """The texts of one vocabulary item (any kind; the loader checks the item has them)."""

    label: ShortText | None = None
    description: Text | None = None
    question: Text | None = None
    synonyms: Texts | None = None
    phrases: Texts | None = None
    unit: ShortText | None = None
    test: Text | None = None
    instructions: Text | None = None
    dosage: Text | None = None
    variants: dict[Id, VariantText] | None = None


class RuleText(_Model):
    """The texts of one rule: title, explanation, and the reasons of its actions."""

    title: ShortText | None = None
    explanation: Text | None = None
    escalate: Text | None = None
    block: dict[Id, Text] | None = None


class PackText(_Model):
    """The pack's own texts."""

    description: Text | None = None


class TranslationFile(_Model):
    """One translation file: its language and the texts it translates, by English id."""

    lang: Lang
    language: ShortText | None = None
    pack: PackText | None = None
    items: dict[str, ItemText] = Field(default_factory=dict)
    rules: dict[str, RuleText] = Field(default_factory=dict)


_TOP_KEYS = tuple(TranslationFile.model_fields)
_LISTS = ("synonyms", "phrases")


@dataclass(frozen=True)
class PackTranslation:
    """All translation files of one language, merged. Keys of :attr:`texts` and
    :attr:`origins` are paths such as ``items.knee_to_wall.label``,
    ``items.opener.variants.kettlebell.dosage``, ``rules.saddle_numbness.escalate``,
    ``rules.r1.block.deadlift`` and ``pack.description``."""

    lang: str
    language: str
    texts: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]
    """Item id -> the language's synonyms of it (for intake and label lookup)."""
    phrases: Mapping[str, tuple[str, ...]]
    """Item id -> the language's phrase patterns of it (free-text intake)."""
    origins: Mapping[str, Origin]
    files: tuple[str, ...] = ()

    def item(self, item_id: str, field: str) -> str | None:
        """An item's translated text (``label``, ``question``, ...), if translated."""
        return self.texts.get(f"items.{item_id}.{field}")

    def variant(self, item_id: str, variant_id: str, field: str) -> str | None:
        """A drill variant's translated text, if translated."""
        return self.texts.get(f"items.{item_id}.variants.{variant_id}.{field}")

    def rule(self, rule_id: str, field: str) -> str | None:
        """A rule's translated ``title``, ``explanation`` or ``escalate`` reason."""
        return self.texts.get(f"rules.{rule_id}.{field}")

    def block_reason(self, rule_id: str, target: str) -> str | None:
        """The translated reason of a rule's ``block`` action on ``target``."""
        return self.texts.get(f"rules.{rule_id}.block.{target}")


# ------------------------------------------------------------------ reading files


def _display(file: Path) -> str:
    import os

    try:
        rel = os.path.relpath(file)
    except ValueError:  # pragma: no cover - other drive on Windows
        rel = str(file)
    return rel if not rel.startswith("..") else str(file)


def translation_paths(root: Path) -> tuple[list[Path], list[RuleIssue]]:
    """The translation files in ``root/i18n`` (sorted), and the entries refused there."""
    folder = root / I18N_DIR
    if not folder.is_dir():
        return [], []
    real_root = root.resolve()
    files: list[Path] = []
    issues: list[RuleIssue] = []
    for entry in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"}):
        why = _refusal(entry, real_root)
        if why is not None:
            message = f"not read: the entry is {why}"
            issues.append(RuleIssue(_display(entry), 1, 1, message, code="not_a_file"))
        else:
            files.append(entry)
    if len(files) > MAX_FILES:
        issues.append(
            RuleIssue(_display(folder), 1, 1, f"more than {MAX_FILES} files", code="too_many")
        )
        files = []
    return files, issues


def read_translation_dir(root: Path) -> list[YamlDocument | RuleIssue]:
    """Parse every translation file of the pack in ``root`` (refused entries as issues)."""
    from ._yaml import read_yaml

    files, issues = translation_paths(root)
    return [*issues, *(read_yaml(file, _display(file)) for file in files)]


def is_translation_name(name: str) -> bool:
    """Whether a file name given to ``load_pack_from_texts`` is a translation file."""
    return name.startswith(f"{I18N_DIR}/")


def parse_translation_texts(texts: Mapping[str, str | bytes]) -> list[YamlDocument | RuleIssue]:
    """Parse translation files given as ``{"i18n/<name>.yaml": text}``."""
    from ._yaml import parse_yaml

    out: list[YamlDocument | RuleIssue] = []
    names = sorted(n for n in texts if is_translation_name(n))
    total = sum(len(texts[n]) for n in names)
    if len(names) > MAX_FILES or total > MAX_PACK_BYTES:
        return [RuleIssue(I18N_DIR, 1, 1, "too many or too big translation files", code="too_big")]
    for name in names:
        rest = name[len(I18N_DIR) + 1 :]
        if "/" in rest or Path(rest).suffix not in {".yaml", ".yml"}:
            out.append(
                RuleIssue(name, 1, 1, "a translation file is i18n/<plain name>.yaml", code="io")
            )
            continue
        text = texts[name]
        out.append(parse_yaml(text.encode("utf-8") if isinstance(text, str) else bytes(text), name))
    return out


# ------------------------------------------------------------------ checking


class _Issues:
    def __init__(self) -> None:
        self.found: list[RuleIssue] = []

    def add(
        self,
        doc: YamlDocument,
        loc: tuple[str | int, ...],
        message: str,
        *,
        code: str = "invalid",
        key: bool = False,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        line, col = doc.mark(loc, key=key)
        self.found.append(
            RuleIssue.at((doc.path, line, col), message, code=code, suggestions=suggestions)
        )


def _where(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc)


def _model_fields(loc: Sequence[str | int]) -> tuple[str, ...]:
    """The keys allowed where ``loc`` points (for "did you mean")."""
    if len(loc) <= 1:
        return _TOP_KEYS
    if loc[0] == "items":
        return (
            tuple(VariantText.model_fields) if "variants" in loc else tuple(ItemText.model_fields)
        )
    if loc[0] == "rules":
        return tuple(RuleText.model_fields)
    return tuple(PackText.model_fields)


class _Head(_Model):
    lang: Lang
    language: ShortText | None = None
    pack: PackText | None = None
    items: dict[str, Any] = Field(default_factory=dict)
    rules: dict[str, Any] = Field(default_factory=dict)


def _report(
    doc: YamlDocument, exc: ValidationError, prefix: tuple[str | int, ...], issues: _Issues
) -> None:
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            bad = str(loc[-1])
            allowed = _model_fields(loc[:-1])
            what = "section" if len(loc) == 1 else "field"
            issues.add(
                doc,
                loc,
                f"{_where(loc[:-1]) or 'translation file'}: unknown {what} '{bad}' "
                f"(expected one of: {', '.join(allowed)})",
                code="unknown_key",
                key=True,
                suggestions=suggest(bad, allowed),
            )
        elif loc == ("lang",) and kind == "string_pattern_mismatch":
            given = str(err.get("input"))
            fixed = given.strip().lower().replace("_", "-").split("-")[0]
            issues.add(
                doc,
                loc,
                f"lang: '{given}' is not a language tag; use a lower-case BCP-47 primary "
                "tag of 2 or 3 letters, such as 'nl'",
                code="bad_lang",
                suggestions=(fixed,) if fixed != given and len(fixed) in (2, 3) else (),
            )
        elif kind == "missing":
            issues.add(doc, loc[:-1], f"missing required key '{loc[-1]}'", code="missing")
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
            issues.add(doc, loc, f"{_where(loc)}: {msg}", code=str(kind))


def _validate(doc: YamlDocument, issues: _Issues) -> TranslationFile | None:
    """The file's valid parts (each item and rule on its own, so every problem is found)."""
    if not isinstance(doc.data, dict):
        issues.add(doc, (), "a translation file is a mapping (lang:, items:, rules:, ...)")
        return None
    try:
        head = _Head.model_validate(doc.data)
    except ValidationError as exc:
        _report(doc, exc, (), issues)
        return None
    items: dict[str, ItemText] = {}
    for item_id, value in head.items.items():
        try:
            items[item_id] = ItemText.model_validate(value)
        except ValidationError as exc:
            _report(doc, exc, ("items", item_id), issues)
    rules: dict[str, RuleText] = {}
    for rule_id, value in head.rules.items():
        try:
            rules[rule_id] = RuleText.model_validate(value)
        except ValidationError as exc:
            _report(doc, exc, ("rules", rule_id), issues)
    return TranslationFile.model_construct(
        lang=head.lang, language=head.language, pack=head.pack, items=items, rules=rules
    )


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

    def __init__(self, pack: RulePack, lang: str, issues: _Issues) -> None:
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
        key = _where(loc)
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
    pack: RulePack, parsed: Iterable[tuple[YamlDocument, TranslationFile]], issues: _Issues
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
    issues = _Issues()
    parsed: list[tuple[YamlDocument, TranslationFile]] = []
    for doc in docs:
        if isinstance(doc, RuleIssue):
            issues.found.append(doc)
            continue
        tf = _validate(doc, issues)
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


def label_index(translation: PackTranslation) -> Mapping[str, tuple[str, ...]]:
    """Folded translated labels and synonyms -> the ids they name (more than one: ambiguous)."""
    index: dict[str, list[str]] = {}
    for key, text in translation.texts.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) == 3 and parts[2] == "label":
            index.setdefault(normalize_text(text), []).append(parts[1])
    for item_id, words in translation.synonyms.items():
        for word in words:
            ids = index.setdefault(normalize_text(word), [])
            if item_id not in ids:
                ids.append(item_id)
    return {k: tuple(v) for k, v in index.items()}
