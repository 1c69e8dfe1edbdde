"""The loaded, cross-checked rule pack: an immutable value."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from .schema import (
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
    from .i18n import PackTranslation

__all__ = ["Origin", "RulePack", "VocabKind", "content_hash", "normalize_text"]

VocabKind = Literal["symptom", "history", "activity", "measurement", "hypothesis", "recommendation"]
VocabItem = (
    SymptomItem | HistoryItem | ActivityItem | MeasurementItem | HypothesisItem | RecommendationItem
)

_NON_WORD = re.compile(r"[^0-9a-z]+")


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """A pack's content hash from its files' names and the SHA-256 of their bytes, in
    load order (the loader's ``RulePack.content_hash``, and the snapshot's check of it)."""
    digest = hashlib.sha256()
    for name, file_digest in files:
        digest.update(name.encode() + b"\0" + file_digest)
    return digest.hexdigest()


def normalize_text(text: str) -> str:
    """Fold case, apostrophes, underscores and punctuation: ``"Can't_Touch"`` -> ``"cant touch"``."""
    lowered = text.lower().replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub(" ", lowered).strip()


@dataclass(frozen=True)
class Origin:
    """Where an item was defined: ``file:line:col``."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def _frozen(d: dict[str, object]) -> Mapping[str, object]:
    return MappingProxyType(d)


@dataclass(frozen=True, eq=False)
class RulePack:
    """A validated rule pack. Build it with :func:`hamtriage.load_pack`."""

    meta: PackMeta
    sources: Mapping[str, SourceItem]
    symptoms: Mapping[str, SymptomItem]
    history: Mapping[str, HistoryItem]
    activities: Mapping[str, ActivityItem]
    measurements: Mapping[str, MeasurementItem]
    hypotheses: Mapping[str, HypothesisItem]
    recommendations: Mapping[str, RecommendationItem]
    rules: tuple[Rule, ...]
    origins: Mapping[str, Origin]
    content_hash: str
    root: str | None = None
    kinds: Mapping[str, VocabKind] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    files: tuple[tuple[str, bytes], ...] = ()
    """Each rule file's name and bytes, in load order: what the content hash covers, and
    all :func:`~hamtriage.load_pack_from_texts` needs to rebuild the pack anywhere."""
    translations: Mapping[str, PackTranslation] = field(default_factory=dict)
    """Language tag -> the pack's translation files of that language, merged
    (:mod:`hamtriage.rules.i18n`); English is the rule files themselves."""

    @property
    def languages(self) -> tuple[str, ...]:
        """``"en"`` (the rule files) and every language the pack has translations for."""
        return ("en", *sorted(self.translations))

    @property
    def name(self) -> str:
        """The pack's name."""
        return self.meta.name

    @property
    def version(self) -> str:
        """The pack's version."""
        return self.meta.version

    @property
    def pack_id(self) -> str:
        """``name@version#hash12``: identifies the exact content a result came from."""
        return f"{self.meta.name}@{self.meta.version}#{self.content_hash[:12]}"

    def item(self, vocab_id: str) -> VocabItem | None:
        """The vocabulary item with this id, of any kind."""
        kind = self.kinds.get(vocab_id)
        if kind is None:
            return None
        tables: dict[str, Mapping[str, VocabItem]] = {
            "symptom": self.symptoms,
            "history": self.history,
            "activity": self.activities,
            "measurement": self.measurements,
            "hypothesis": self.hypotheses,
            "recommendation": self.recommendations,
        }
        return tables[kind][vocab_id]

    def label(self, vocab_id: str) -> str:
        """The human label of an id (the id itself when unknown)."""
        item = self.item(vocab_id)
        return item.label if item is not None else vocab_id

    def resolve(self, text: str) -> str | None:
        """The id that ``text`` names: an id, a label or a synonym (case and punctuation folded)."""
        if text in self.kinds:
            return text
        return self.synonyms.get(normalize_text(text))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (``KeyError`` if none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
