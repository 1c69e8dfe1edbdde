"""Pack translations: the model of a translation file (``<pack>/i18n/*.yaml``), and loading,
checking and merging those files per language into the pack.

English is a pack's base language (its rule files). A translation file declares its
``lang`` and translates texts by the English pack's ids (``docs/rule-format.md``,
"Translations"). Several files of one language merge; the same field translated in two
files is an error naming both places. Every problem is reported at ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..errors import RuleIssue
from ._fields import Id, ShortText, Text
from ._files import MAX_FILES, MAX_PACK_BYTES, _refusal
from .pack import Origin, normalize_text

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

    def __reduce__(self) -> tuple[Any, ...]:
        # read-only mappings do not pickle (pack snapshots, worker processes): travel as dicts
        return (
            _rebuild,
            (
                self.lang,
                self.language,
                dict(self.texts),
                dict(self.synonyms),
                dict(self.phrases),
                dict(self.origins),
                self.files,
            ),
        )

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


def _rebuild(
    lang: str,
    language: str,
    texts: dict[str, str],
    synonyms: dict[str, tuple[str, ...]],
    phrases: dict[str, tuple[str, ...]],
    origins: dict[str, Origin],
    files: tuple[str, ...],
) -> PackTranslation:
    freeze = MappingProxyType
    return PackTranslation(
        lang, language, freeze(texts), freeze(synonyms), freeze(phrases), freeze(origins), files
    )


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


def with_translations(
    check: Callable[[], RulePack],
    docs: Sequence[YamlDocument | RuleIssue],
    pack_name: str,
) -> RulePack:
    """The pack ``check()`` loads, with the translation files ``docs`` checked and merged
    (every problem of the rule files and the translations reported at once; see
    :mod:`hamtriage.rules._i18n_check`)."""
    from ._i18n_check import with_translations as checked

    return checked(check, docs, pack_name)


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
