"""Language profiles of the free-text intake: every word list the intake reads, one module per language.

A :class:`Language` holds the data (fillers, lemma fixes, negation and context
triggers, alarm words, units, age and side patterns); the algorithms in
:mod:`hamtriage.rules.phrases` and :mod:`hamtriage.flows.intake` are the same for
every language. The profiles live in the rules layer because the phrase pattern
language (read by the loader) needs the fillers and lemma fixes too, and layers
import one way. The phrase lexicon itself (synonyms, phrases) is pack data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .en import ENGLISH
from .nl import DUTCH
from .profile import Alarm, Language

__all__ = ["DUTCH", "ENGLISH", "LANGUAGES", "Alarm", "Language", "language"]

LANGUAGES: Mapping[str, Language] = MappingProxyType({p.code: p for p in (ENGLISH, DUTCH)})
"""The intake's languages by code (read-only)."""


def language(code: str) -> Language | None:
    """The profile of ``code`` (``None`` if the intake has none)."""
    return LANGUAGES.get(code)
