"""The lint of a pack's translations: texts a language lacks, and translations whose numbers
or ``{placeholders}`` differ from the English text.

* ``missing_translation`` (warning): an English text (label, question, rule title, reason,
  ...) that a language of the pack does not translate; it is shown in English. Located at
  the English text, which it quotes.
* ``translation_mismatch`` (error): a translation whose numbers or placeholders are not
  the English text's (a decimal comma reads as a point: ``1,9`` is ``1.9``). Located at
  the translation.
* ``ambiguous_translation`` (warning): a translated label or synonym that names two items
  (a Dutch label given where an id goes cannot be resolved then).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..errors import RuleIssue
from ..rules._yaml import YamlDocument, parse_yaml
from ..rules.i18n import label_index
from ..rules.pack import RulePack
from ..rules.schema import BlockAction, EscalateAction

__all__ = ["I18N_CODES", "english_texts", "translation_issues"]

I18N_CODES = ("missing_translation", "translation_mismatch", "ambiguous_translation")

_ITEM_FIELDS = ("label", "description", "question", "unit", "test", "instructions", "dosage")
_VARIANT_FIELDS = ("label", "instructions", "dosage")
_SECTIONS = ("symptoms", "history", "activities", "measurements", "hypotheses", "recommendations")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

Where = tuple[str, tuple[str | int, ...]]  # the rule file (as displayed) and the data path


def _numbers(text: str) -> Counter[str]:
    return Counter(str(float(n.replace(",", "."))) for n in _NUMBER.findall(text))


def _placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


def english_texts(pack: RulePack) -> Iterator[tuple[str, str, Where]]:
    """Every user-facing English text of ``pack``: (key as in a translation file, text,
    where it is written)."""
    if pack.meta.description:
        yield "pack.description", pack.meta.description, ("", ("pack", "description"))
    places = _places(pack)
    for section in _SECTIONS:
        table = getattr(pack, section)
        for item_id, item in table.items():
            at = places.get(item_id, ("", ()))
            for name in _ITEM_FIELDS:
                value = getattr(item, name, None)
                if isinstance(value, str):
                    yield f"items.{item_id}.{name}", value, (at[0], (*at[1], name))
            for j, variant in enumerate(getattr(item, "variants", ())):
                for name in _VARIANT_FIELDS:
                    value = getattr(variant, name, None)
                    if isinstance(value, str):
                        key = f"items.{item_id}.variants.{variant.id}.{name}"
                        yield key, value, (at[0], (*at[1], "variants", j, name))
    for rule in pack.rules:
        at = places.get(f"rule:{rule.id}", ("", ()))
        yield f"rules.{rule.id}.title", rule.title, (at[0], (*at[1], "title"))
        if rule.explanation:
            key = f"rules.{rule.id}.explanation"
            yield key, rule.explanation, (at[0], (*at[1], "explanation"))
        for k, action in enumerate(rule.then):
            where = (at[0], (*at[1], "then", k, "reason"))
            if isinstance(action, EscalateAction):
                yield f"rules.{rule.id}.escalate", action.reason, where
            elif isinstance(action, BlockAction):
                yield f"rules.{rule.id}.block.{action.block}", action.reason, where


def _places(pack: RulePack) -> dict[str, Where]:
    """Item id (and ``rule:<id>``) -> its file and its path in that file's data."""
    out: dict[str, Where] = {}
    for path in dict.fromkeys(o.path for o in pack.origins.values()):
        data = _doc(pack, path)
        if data is None or not isinstance(data.data, dict):
            continue
        for section in (*_SECTIONS, "rules"):
            entries = data.data.get(section)
            if not isinstance(entries, list):
                continue
            for i, entry in enumerate(entries):
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    key = entry["id"] if section != "rules" else f"rule:{entry['id']}"
                    out.setdefault(key, (path, (section, i)))
    return out


def _doc(pack: RulePack, path: str) -> YamlDocument | None:
    """The rule file ``path`` of ``pack``, parsed from the bytes the pack keeps."""
    name = Path(path).name
    raw = next((data for file, data in pack.files if file == name), None)
    if raw is None:
        return None
    doc = parse_yaml(raw, path)
    return doc if isinstance(doc, YamlDocument) else None


def translation_issues(pack: RulePack) -> list[RuleIssue]:
    """The lint's findings about ``pack``'s translations (none for a pack without any)."""
    if not pack.translations:
        return []
    docs: dict[str, YamlDocument | None] = {}
    meta = next((o for k, o in pack.origins.items() if not k.startswith("rule:")), None)
    issues: list[RuleIssue] = []
    for key, english, (path, loc) in english_texts(pack):
        for lang, tr in pack.translations.items():
            text = tr.texts.get(key)
            if text is None:
                if path not in docs:
                    docs[path] = _doc(pack, path) if path else None
                doc = docs[path]
                line, col = doc.mark(loc) if doc is not None else (1, 1)
                shown = english if len(english) <= 80 else english[:77] + "..."
                fallback = meta.path if meta is not None else "<pack>"
                issues.append(
                    RuleIssue.at(
                        (path or fallback, line, col),
                        f"no '{lang}' translation of {key}: {shown!r} (shown in English)",
                        code="missing_translation",
                        severity="warning",
                    )
                )
                continue
            origin = tr.origins[key]
            for what, count in (("numbers", _numbers), ("placeholders", _placeholders)):
                en, there = count(english), count(text)
                if en != there:
                    issues.append(
                        RuleIssue.at(
                            origin,
                            f"{key}: the {what} of the '{lang}' text ({_listed(there)}) are "
                            f"not those of the English text ({_listed(en)}): {english!r}",
                            code="translation_mismatch",
                        )
                    )
    for lang, tr in pack.translations.items():
        for text, ids in label_index(tr).items():
            if len(ids) > 1:
                first = tr.origins.get(f"items.{ids[1]}.label") or tr.origins.get(
                    f"items.{ids[1]}.synonyms"
                )
                issues.append(
                    RuleIssue.at(
                        first,
                        f"the '{lang}' label or synonym '{text}' names {', '.join(ids)}: "
                        "it cannot stand for an id",
                        code="ambiguous_translation",
                        severity="warning",
                    )
                )
    return issues


def _listed(found: Counter[str]) -> str:
    items = sorted(found.elements())
    return ", ".join(f"{float(x):g}" if x[:1].isdigit() else x for x in items) or "none"
