"""A rule pack seen in another language: the same ids, rules and numbers, with every text
the pack translates into that language (English where a text is not translated).

Everything that builds text from a pack (results, explanations, questions, screens) can run
on this view unchanged; :func:`translated_pack` caches one view per pack and language.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from .i18n import PackTranslation
from .pack import RulePack
from .schema import BlockAction, EscalateAction, RecommendationItem, Rule

__all__ = ["translated_pack"]

_ITEM_TEXTS = ("label", "description", "question", "unit", "test", "instructions", "dosage")
_VARIANT_TEXTS = ("label", "instructions", "dosage")


def _copy(model: BaseModel, update: dict[str, Any]) -> Any:
    return model.model_copy(update=update) if update else model


def _item(item: Any, tr: PackTranslation) -> Any:
    update: dict[str, Any] = {}
    for name in _ITEM_TEXTS:
        text = tr.item(item.id, name)
        if text is not None:
            update[name] = text
    if isinstance(item, RecommendationItem) and item.variants:
        variants = []
        for v in item.variants:
            vup = {n: t for n in _VARIANT_TEXTS if (t := tr.variant(item.id, v.id, n)) is not None}
            variants.append(_copy(v, vup))
        update["variants"] = variants
    return _copy(item, update)


def _rule(rule: Rule, tr: PackTranslation) -> Rule:
    update: dict[str, Any] = {}
    for name in ("title", "explanation"):
        text = tr.rule(rule.id, name)
        if text is not None:
            update[name] = text
    then: list[Any] = []
    for action in rule.then:
        text = None
        if isinstance(action, EscalateAction):
            text = tr.rule(rule.id, "escalate")
        elif isinstance(action, BlockAction):
            text = tr.block_reason(rule.id, action.block)
        then.append(action if text is None else action.model_copy(update={"reason": text}))
    changed = then != list(rule.then)
    if changed:
        update["then"] = then
    result: Rule = _copy(rule, update)
    return result


def _table(table: Mapping[str, Any], tr: PackTranslation) -> Mapping[str, Any]:
    return MappingProxyType({key: _item(item, tr) for key, item in table.items()})


@functools.lru_cache(maxsize=16)
def translated_pack(pack: RulePack, lang: str) -> RulePack:
    """``pack`` with its texts in ``lang`` (a language of ``pack.translations``; ``"en"``:
    the pack itself). Ids, rules, numbers, origins and the content hash are unchanged."""
    tr = pack.translations.get(lang)
    if tr is None:
        return pack
    meta = pack.meta
    description = tr.texts.get("pack.description")
    if description is not None:
        meta = meta.model_copy(update={"description": description})
    return dataclasses.replace(
        pack,
        meta=meta,
        symptoms=_table(pack.symptoms, tr),
        history=_table(pack.history, tr),
        activities=_table(pack.activities, tr),
        measurements=_table(pack.measurements, tr),
        hypotheses=_table(pack.hypotheses, tr),
        recommendations=_table(pack.recommendations, tr),
        rules=tuple(_rule(rule, tr) for rule in pack.rules),
    )
