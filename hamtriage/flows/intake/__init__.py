"""Free-text intake: turn what an athlete writes into a :class:`~hamtriage.Report`, losing no red flag.

``parse_text("when I wipe after the loo I can't really feel my bum")`` matches the text
against the pack's phrase lexicon (ids, labels, ``synonyms:`` and ``phrases:``, see
:mod:`hamtriage.rules.phrases`) on lemmas, with typo tolerance for long words, reads
negation and context ConText-style (:mod:`.context`), ages, sides and measured values
(:mod:`.numbers`), and turns every red-flag alarm word it could not settle into a
*suspected* item with its question (:mod:`.alarms`). Deterministic, rule-based, no
network and no model download. ``lang`` selects the language: its word lists
(:mod:`hamtriage.rules.languages`, ``en`` and ``nl``), its lemmatiser, and for a language
other than English the pack's translated lexicon (``pack.translations[lang]``).
"""

from __future__ import annotations

from .lexicon import Lexicon, lexicon_for
from .parse import MAX_INPUT, Match, ParsedText, Span, Suspect, parse_text

__all__ = [
    "MAX_INPUT",
    "Lexicon",
    "Match",
    "ParsedText",
    "Span",
    "Suspect",
    "lexicon_for",
    "parse_text",
    "stem",
]


def stem(word: str, lang: str = "en") -> str:
    """The key a word is matched on (its lemma): ``calves`` -> ``calf``, ``seized`` -> ``seize``.

    Kept for code written against 0.1, where it was a home-made stemmer."""
    from ...rules.phrases import word_key

    return word_key(word, lang)
