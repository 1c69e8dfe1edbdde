"""The :class:`Language` profile and :class:`Alarm` records that every language module fills in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Alarm", "Language", "seqs", "words"]


@dataclass(frozen=True, slots=True)
class Alarm:
    """Trigger word sequences (keys; fillers between are skipped) and, in order, the
    item to suspect: the first whose context words occur nearby (``None``: always)."""

    words: tuple[tuple[str, ...], ...]
    items: tuple[tuple[frozenset[str] | None, str], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Language:
    """Everything language-specific the intake reads; see ``en.py`` for what each list does."""

    code: str
    """The language's BCP-47 primary tag, also simplemma's language code."""
    name: str
    # -- words: the pattern language and the tokeniser
    fillers: frozenset[str]
    """Words that never anchor a match: optional in a phrase, skipped in a window."""
    key_fixes: Mapping[str, str]
    """Folded word -> key, where the lemmatiser is wrong for this domain (and contractions)."""
    clause_words: frozenset[str]
    """Words that end a clause like a full stop ("but")."""
    # -- context (ConText)
    negations: frozenset[str]
    post_negations: frozenset[str]
    """Negations that count right after a phrase ("numbness: none")."""
    post_not: frozenset[str]
    """Negations right after a phrase that count when the clause ends or one of
    :attr:`post_after_not` follows ("tingling, not anymore")."""
    post_after_not: frozenset[str]
    scope_end: frozenset[str]
    """Conjunctions that end a negation's scope before a phrase."""
    and_words: frozenset[str]
    """"and": ends a scope unless it glues a list of items."""
    list_glue: frozenset[str]
    list_closers: frozenset[str]
    """"or"/"nor": a negation heads the whole list they close."""
    pseudo: Mapping[str, frozenset[str]]
    """Negation -> the next words that make it a pseudo-negation ("not only")."""
    other_person: frozenset[str]
    hypothetical: tuple[tuple[str, ...], ...]
    worry: frozenset[str]
    # -- alarm words
    alarms: tuple[Alarm, ...]
    injury: frozenset[str]
    """Words of an injury (a knock, a fall): soreness is not read where they occur."""
    # -- numbers
    units: Mapping[str, tuple[str, ...]]
    sex_words: Mapping[str, str]
    sides: Mapping[str, str]
    """Side words (also abbreviations) -> ``left`` / ``right``."""
    side_words: frozenset[str]
    """Full side words: a side slot, a side before a phrase or after a number."""
    ages: tuple[re.Pattern[str], ...]
    """Age patterns; each captures the age's digits."""
    measure_glue: frozenset[str]
    """Words skipped between a measurement phrase and its number ("and", "about")."""
    # -- parse
    soreness: frozenset[str]
    soreness_bigrams: frozenset[tuple[str, str]]
    idle: frozenset[str]
    """Words that alone are not worth reporting as unused text."""
    question: str
    """Fallback question of an item without one: ``{label}`` is its label in lower case."""
    # -- added for issue 12 (defaults keep a profile without them working as before)
    post_fine: frozenset[str] = frozenset()
    """Words that deny the phrase right before them ("peeing is fine", "bowels normal")."""
    resolved: tuple[tuple[str, ...], ...] = ()
    """A mention in the same clause is over ("had a fever, fully recovered")."""
    question_starts: frozenset[str] = frozenset()
    """First words of a general question ("would a fever mean ...?")."""
    asides: tuple[tuple[str, ...], ...] = ()
    """After a question: it was not about the writer ("just asking", "asking for my mum")."""
    answer_objects: frozenset[str] = frozenset()
    """Pronouns that end a short denying answer ("Pop? Didn't hear one.")."""
    both_sides: frozenset[tuple[str, str]] = frozenset()
    """Word-key pairs after a number that give it to both sides ("7 cm both sides")."""
    yes_words: frozenset[str] = frozenset()
    """Words that answer the writer's own question with yes ("can I walk on it? yes"): the
    question is then a report, not an ask."""
    self_words: frozenset[str] = frozenset()
    """"my wife and I": a person named together with these is not someone else."""
    intended: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """Item -> words that make it intended, not a sign ("on a cut", "on purpose")."""
    soreness_blockers: frozenset[str] = frozenset()
    """Words that keep a weakness from being read as soreness ("worse", "spreading")."""
    inability_words: frozenset[str] = frozenset()
    """Keys of an inability ("cant", "unable"): a phrase with one also matches its denial."""
    ability_words: frozenset[str] = frozenset()
    """Keys that replace the inability in the denial ("can walk")."""
    ability_fine: frozenset[str] = frozenset()
    """Keys that follow the rest of the phrase in the denial ("walking fine")."""
    pair_screens: tuple[tuple[frozenset[str], frozenset[str], str], ...] = ()
    """(items, words, item): with one of the items present and one of the words in the
    text, the item is suspected until asked (a knee injury: the Ottawa rule)."""
    """Words that keep a weakness from being read as soreness ("worse", "spreading")."""
    # -- what only some languages need (English leaves them empty)
    compound_heads: frozenset[str] = frozenset()
    """First parts of compounds read as two words ("rug" of "rugpijn")."""
    compound_tails: frozenset[str] = frozenset()
    """Second parts of compounds ("pijn", "blessure"); a head may also follow a head."""
    hypothetical_frames: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    """(opening words before the phrase, verbs after it) of an if-clause whose verb comes
    last ("als ik tintelingen krijg")."""
    soft_breaks: str = ","
    """Characters that end a comma segment (Dutch adds ``:``: "vriendin merkte het: ...")."""
    context_in_segment: bool = False
    """Someone else and hypothetical triggers reach only to the start of the segment."""
    negation_in_scope: bool = False
    """A phrase with a negation word ("geen gevoel") and an alarm word sequence ("niet
    lopen") must not reach across a comma or a conjunction ("gevoel is normaal, geen
    verdoving"; "niet koud en mijn tenen voelen")."""
    fine_skips: frozenset[str] = frozenset()
    """Words (verbs, list glue) that may stand, with other mentions, between a phrase and a
    word of :attr:`post_fine` ("plassen en poepen gaan normaal")."""
    coached: frozenset[str] = frozenset()
    """People a writer reports for ("client", "athlete"): "my client's knee gave way" may be
    about them or the writer's own case, so a red flag there is asked (suspected)."""
    age_hints: tuple[tuple[str, ...], ...] = ()
    """Per pattern of :attr:`ages` (in order): strings one of which any match of it
    contains ("now" for "now 30"); a text holding none is not scanned with it. Lower case
    (looked for in the lowered text), or, for letters a pattern matches only as written,
    with capitals ("F" for "35F": the hints of such a pattern are looked for in the text
    as written). Empty (or missing): always scanned."""
    post_not_ends_segment: bool = False
    """A negation right after a phrase counts when a comma follows it ("plassen heb ik
    niet, ..."): in verb-final languages the negation ends the clause."""

    # derived from compound_heads once: the tokeniser calls split for every word
    _head_starts: frozenset[str] = field(init=False, repr=False, default=frozenset())
    _head_lengths: tuple[int, int] = field(init=False, repr=False, default=(0, 0))

    def __post_init__(self) -> None:
        if self.compound_heads:
            shortest = min(map(len, self.compound_heads))
            starts = frozenset(h[:shortest] for h in self.compound_heads)
            object.__setattr__(self, "_head_starts", starts)
            object.__setattr__(
                self, "_head_lengths", (shortest, max(map(len, self.compound_heads)))
            )

    def split(self, word: str) -> tuple[tuple[int, int], ...]:
        """The (start, end) offsets of the parts of a compound word: ``rugpijn`` ->
        ``rug`` + ``pijn``, ``linkerenkel`` -> ``linker`` + ``enkel``, ``achillespees``;
        a linking ``s``/``e``/``en`` between them is dropped. One part if not a compound."""
        whole = ((0, len(word)),)
        if not self.compound_heads or len(word) < 5 or not word.isalpha():
            return whole
        low = word.lower()
        shortest, longest = self._head_lengths
        if low[:shortest] not in self._head_starts:
            return whole  # most words start no head: one set probe, not one per length
        for n in range(min(len(low) - 3, longest), shortest - 1, -1):  # the longest head first
            if low[:n] not in self.compound_heads:
                continue
            rest = low[n:]
            for link in ("", "s", "e", "en"):
                tail = rest[len(link) :]
                if rest.startswith(link) and (
                    tail in self.compound_tails or tail in self.compound_heads
                ):
                    return ((0, n), (n + len(link), len(low)))
        return whole


def words(text: str) -> frozenset[str]:
    """A word set written as one string: ``words("no not never")``."""
    return frozenset(text.split())


def seqs(text: str) -> tuple[tuple[str, ...], ...]:
    """Word sequences written as one string, ``;`` between them: ``seqs("numb; pin needle")``."""
    return tuple(tuple(s.split()) for s in text.split(";") if s.strip())
