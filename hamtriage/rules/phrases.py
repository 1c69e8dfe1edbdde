"""The ``phrases:`` pattern language of the rule files, and the word keys that text is matched on.

A phrase is words separated by spaces, matched on lemmas (``swelled`` = ``swell``),
in any order within a short window of one clause:

* ``(my)``, ``(really badly)``: optional words; filler words (``my``, ``the``, ...) are
  optional anyway;
* ``pee|wee|urinate``: one of several words at this place (also inside ``( )``);
* ``tingl*``: any word starting with ``tingl`` (at least 3 letters before the ``*``);
* ``{number}``, ``{side}``: a slot for a number (``6``, ``6.5``) or ``left`` / ``right``.

``lost {number} kg (without trying)`` matches "I've lost 6 kg without trying". This
module only reads the syntax and folds words; :mod:`hamtriage.flows.intake` matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .languages import ENGLISH, language

__all__ = [
    "FILLERS",
    "SLOTS",
    "PhraseSyntaxError",
    "Term",
    "fold_key",
    "parse_phrase",
    "phrase_findings",
    "word_key",
]

SLOTS = ("number", "side")

FILLERS = ENGLISH.fillers
"""English filler words (kept for 0.1 code; each language's are in :mod:`.languages`)."""


def _fixes(lang: str) -> Mapping[str, str]:
    profile = language(lang)
    return profile.key_fixes if profile is not None else {}


_WORD = re.compile(r"^[^\W_]+\*?$")  # letters of any language ("corticosteroïden")


def _fold(word: str) -> str:
    return word.lower().replace("'", "").replace("\u2019", "")


def word_key(word: str, lang: str = "en", cache: dict[str, str] | None = None) -> str:
    """The key a word is matched on: folded, contractions joined, lemmatised
    (``Swelled`` -> ``swell``, ``can't`` -> ``cant``, ``calves`` -> ``calf``)."""
    if cache is not None:
        got = cache.get(word)
        if got is not None:
            return got
    folded = _fold(word)
    fixes = _fixes(lang)
    key = fixes.get(folded)
    if key is None:
        if folded.isdigit():
            key = folded
        else:
            # imported here: its dictionaries take ~0.5 s to load, and only intake needs them
            import simplemma

            key = simplemma.lemmatize(folded, lang=lang).lower()
        key = fixes.get(key, key)
    if cache is not None and len(cache) < 50_000:
        cache[word] = key
    return key


class PhraseSyntaxError(ValueError):
    """A phrase that cannot be read; ``column`` is 1-based within the phrase."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class Term:
    """One place of a phrase: its alternatives (keys, ``x*`` prefixes) or a slot."""

    words: tuple[str, ...]
    optional: bool = False
    slot: str | None = None

    @property
    def anchors(self) -> bool:
        """Whether this term can start a match (a required, non-filler word)."""
        return not self.optional and self.slot is None


KeyFn = Callable[[str], str]


def fold_key(word: str) -> str:
    """A word key without lemmas (enough to check a phrase's syntax)."""
    folded = _fold(word)
    return ENGLISH.key_fixes.get(folded, folded)


def _term(
    raw: str, column: int, optional: bool, key_of: KeyFn, fillers: frozenset[str]
) -> list[Term]:
    if raw.startswith("{"):
        name = raw.strip("{}")
        if not raw.endswith("}") or name not in SLOTS:
            raise PhraseSyntaxError(
                f"unknown slot '{raw}' (slots: {', '.join('{' + s + '}' for s in SLOTS)})", column
            )
        return [Term((), optional, name)]
    alts = raw.split("|")
    if any(not a for a in alts):
        raise PhraseSyntaxError(f"empty alternative in '{raw}'", column)
    words: list[str] = []
    split: list[list[str]] = []
    for alt in alts:
        # "knee-to-wall" and "pins&needles" are several words, as the text tokeniser sees them
        parts = [p for p in re.split(r"[^\w'\u2019*]+|_", alt.lower()) if p]
        if not parts:
            raise PhraseSyntaxError(f"'{alt}' has no letters or digits", column)
        for p in parts:
            if p.endswith("*") and len(p.rstrip("*")) < 3:
                raise PhraseSyntaxError(f"'{p}': a prefix needs at least 3 letters", column)
            if not _WORD.match(_fold(p)):
                raise PhraseSyntaxError(f"'{p}': '*' may only end a word", column)
        split.append(parts)
    if len(alts) > 1 and any(len(s) > 1 for s in split):
        raise PhraseSyntaxError(
            f"'{raw}': alternatives are single words (write a second phrase for a longer one)",
            column,
        )
    if len(alts) == 1:
        out: list[Term] = []
        for p in split[0]:
            key = p if p.endswith("*") else key_of(p)
            out.append(Term((key,), optional or key in fillers))
        return out
    for s in split:
        p = s[0]
        words.append(p if p.endswith("*") else key_of(p))
    return [Term(tuple(dict.fromkeys(words)), optional or all(w in fillers for w in words))]


def parse_phrase(
    text: str, key_of: KeyFn = fold_key, fillers: frozenset[str] = FILLERS
) -> tuple[Term, ...]:
    """The terms of a phrase, each word turned into its key by ``key_of`` (the loader
    checks syntax with :func:`fold_key`; intake passes lemmatising :func:`word_key`);
    ``fillers``: the language's filler words (optional anyway).

    Raises :class:`PhraseSyntaxError` for bad syntax or a phrase without a required word
    (it could never match)."""
    terms: list[Term] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == ")":
            raise PhraseSyntaxError("')' without '('", i + 1)
        if ch == "(":
            close = text.find(")", i)
            if close < 0:
                raise PhraseSyntaxError("'(' is never closed", i + 1)
            inner = text[i + 1 : close]
            if "(" in inner:
                raise PhraseSyntaxError("optional words cannot be nested", i + 1)
            if not inner.strip():
                raise PhraseSyntaxError("'()' is empty", i + 1)
            for word in inner.split():
                terms += _term(word, i + 2, True, key_of, fillers)
            i = close + 1
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] not in "()":
            end += 1
        terms += _term(text[i:end], i + 1, False, key_of, fillers)
        i = end
    if not any(t.anchors for t in terms):
        raise PhraseSyntaxError(
            "the phrase has no required word (only optional words, fillers or slots): "
            "it could never match",
            1,
        )
    return tuple(terms)


_CLAUSE_WORDS = ENGLISH.clause_words
_BREAKS = re.compile(r"[.!?;]\s*\S")


def phrase_findings(items: Mapping[str, Sequence[str]]) -> list[tuple[str, str, str]]:
    """Lint findings on the ``phrases:`` of ``items`` (id -> phrases), as (id, message,
    code): a phrase that two items share (``shared_phrase``), and a phrase that can never
    match because free text would split it into two clauses (``unmatchable_phrase``)."""
    out: list[tuple[str, str, str]] = []
    owners: dict[tuple[tuple[str, ...], ...], tuple[str, str]] = {}
    for vid, phrases in items.items():
        for phrase in phrases:
            try:
                terms = parse_phrase(phrase)
            except PhraseSyntaxError:
                continue  # the loader reports it
            words = {w for t in terms if not t.optional for w in t.words}
            if _BREAKS.search(phrase.strip()) or words & _CLAUSE_WORDS:
                out.append(
                    (
                        vid,
                        (
                            f"'{vid}': phrase '{phrase}' can never match: free text is matched "
                            "within one clause, and this phrase spans a clause break"
                        ),
                        "unmatchable_phrase",
                    )
                )
            key = tuple(sorted(t.words for t in terms if not t.optional))
            prior = owners.get(key)
            if prior is None:
                owners[key] = (vid, phrase)
            elif prior[0] != vid:
                out.append(
                    (
                        vid,
                        (
                            f"'{vid}': phrase '{phrase}' also names '{prior[0]}' (as '{prior[1]}'): "
                            "text matching it would be read as both"
                        ),
                        "shared_phrase",
                    )
                )
    return out
