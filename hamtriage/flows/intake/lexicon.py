"""The phrase lexicon of a pack: every id, label, synonym and ``phrases:`` entry as a pattern.

Built once per pack (:func:`lexicon_for` keeps the last few) and read-only afterwards
except for its bounded word caches, which only ever memoise pure functions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ...levels import TriageLevel
from ...rules.languages import LANGUAGES, Language, language
from ...rules.pack import RulePack
from ...rules.phrases import PhraseSyntaxError, Term, parse_phrase, word_key
from ...runtime.screening import red_flag_screens
from .tokens import Parts, Word
from .wordplaces import Tables, build_tables

__all__ = ["Lexicon", "Phrase", "intake_language", "lexicon_for"]

_UNIT_WORDS = frozenset({"cm", "deg", "n", "reps", "mm", "kg", "s", "percent"})
_SPECIAL = re.compile(r"[()|*{}]")
FUZZY_MIN = 6
"""Words of the lexicon shorter than this are never matched with a typo."""
_CACHE_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Phrase:
    """One pattern naming one item."""

    vid: str
    kind: str
    text: str
    terms: tuple[Term, ...]
    required: int
    red_flag: bool
    negation: bool = False
    """A required word is a negation ("geen gevoel"): it must not reach across a comma."""
    affirms: bool = False
    """Derived from an inability ("can't walk" -> "can walk", "walking fine"): a match
    denies the item."""


@dataclass(eq=False)
class Lexicon:
    """The patterns of a pack, indexed by the word keys that can anchor them."""

    lang: str
    language: Language
    phrases: list[Phrase]
    index: dict[str, list[int]]
    prefixes: list[tuple[str, tuple[int, int]]]
    red_flags: dict[str, tuple[TriageLevel, tuple[str, ...]]]
    questions: dict[str, str]
    kinds: dict[str, str]
    words: frozenset[str]
    long_words: list[str]
    terms: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    needs: list[tuple[int, ...]] = field(default_factory=list)
    """Per phrase: the indices of its required word terms (not slots)."""
    keys: dict[str, str] = field(default_factory=dict)
    _fuzzy: dict[str, str | None] = field(default_factory=dict)
    _hits: dict[tuple[str, str], frozenset[tuple[int, int]]] = field(default_factory=dict)
    _firsts: dict[frozenset[tuple[int, int]], frozenset[int]] = field(default_factory=dict)
    _rares: dict[frozenset[tuple[int, int]], frozenset[int]] = field(default_factory=dict)
    rare: list[int] = field(default_factory=list)
    """Per phrase: the index of its rarest required word term (-1: none)."""
    plans: list[tuple[tuple[tuple[int, int], str | None], ...]] = field(default_factory=list)
    """Per phrase: its required terms as (place, slot), built once so matching does not
    walk every term (optional ones included) of every candidate phrase per anchor."""
    words_seen: dict[str, Word] = field(default_factory=dict)
    """The tokeniser's memo of this lexicon's language (bounded; see :func:`.tokens.tokenize`)."""
    parts_seen: dict[str, Parts] = field(default_factory=dict)
    """The tokeniser's memo of compound parts (bounded; empty for English)."""
    optionals: list[tuple[int, ...]] = field(default_factory=list)
    """Per phrase: its optional terms that are words other than fillers (part of a span)."""
    regions: dict[str, str] = field(default_factory=dict)
    """Symptom and history id -> its body region (read by the screens of every parse)."""
    red_flag_ids: frozenset[str] = frozenset()
    """The keys of ``red_flags``, as the alarms take them (built once, not per parse)."""
    quiet: frozenset[str] = frozenset()
    """The language's negations and idle words: alone, they are not an unused span."""
    spans: list[int] = field(default_factory=list)
    """Per phrase: how many content tokens its required words may spread over."""
    bases: list[int] = field(default_factory=list)
    """Per phrase: the bit of its first term in a place mask (its term ``ti`` is bit
    ``base + ti``): a clause's places are one integer, tested with two operations."""
    _nearest: dict[tuple[int, int, int], tuple[int, ...]] = field(default_factory=dict)
    tables: Tables = field(init=False)
    """The matcher's per-word records and what they are built from (:mod:`.wordplaces`)."""

    def firsts(self, places: frozenset[tuple[int, int]]) -> frozenset[int]:
        """The phrases whose first required word is at one of ``places`` (memoised): a
        phrase can only match where its first required word occurs."""
        got = self._firsts.get(places)
        if got is None:
            if len(self._firsts) >= _CACHE_LIMIT:
                self._firsts.clear()
            needs = self.needs
            got = frozenset(pid for pid, ti in places if needs[pid] and needs[pid][0] == ti)
            self._firsts[places] = got
        return got

    def nearest(self, n: int, at: int, span: int) -> tuple[int, ...]:
        """The places of a row of ``n`` within ``span`` of ``at``, nearest first: ``at``,
        ``at - 1``, ``at + 1``, ``at - 2``, ... (memoised: the matcher's window order)."""
        key = (n, at, span)
        got = self._nearest.get(key)
        if got is None:
            if len(self._nearest) >= _CACHE_LIMIT:
                self._nearest.clear()
            got = self._nearest[key] = tuple(
                k
                for d in range(span + 1)
                for k in ((at,) if d == 0 else (at - d, at + d))
                if 0 <= k < n
            )
        return got

    def rares(self, places: frozenset[tuple[int, int]]) -> frozenset[int]:
        """The phrases whose rarest required word is at one of ``places`` (memoised): a
        phrase can match in a clause only if that word is there, and rare words are few,
        so a clause is checked for far fewer phrases than its first words name."""
        got = self._rares.get(places)
        if got is None:
            if len(self._rares) >= _CACHE_LIMIT:
                self._rares.clear()
            rare = self.rare
            got = frozenset(pid for pid, ti in places if rare[pid] == ti)
            self._rares[places] = got
        return got

    def __post_init__(self) -> None:
        # how many places each word (or prefix) fills: a proxy for how often it occurs
        freq: dict[str, int] = {w: len(ps) for w, ps in self.terms.items()}
        for prefix, _ in self.prefixes:
            freq[prefix + "*"] = freq.get(prefix + "*", 0) + 1_000  # may fit any word: common
        self.rare = [
            min(need, key=lambda ti: sum(freq.get(w, 0) for w in self.phrases[pid].terms[ti].words))
            if need
            else -1
            for pid, need in enumerate(self.needs)
        ]
        self.bases = []
        base = 0
        for p in self.phrases:
            self.bases.append(base)
            base += len(p.terms)
        fillers = self.language.fillers
        self.optionals = [
            tuple(
                ti
                for ti, t in enumerate(p.terms)
                if t.optional and t.slot is None and not all(w in fillers for w in t.words)
            )
            for p in self.phrases
        ]
        self.plans = [
            tuple(((pid, ti), t.slot) for ti, t in enumerate(p.terms) if not t.optional)
            for pid, p in enumerate(self.phrases)
        ]
        # the matcher's window: required words plus a slack of 1 (up to 2 words) or 2
        self.red_flag_ids = frozenset(self.red_flags)
        self.quiet = self.language.negations | self.language.idle
        self.spans = [p.required + (1 if p.required <= 2 else 2) - 1 for p in self.phrases]
        self.tables = build_tables(self)

    def hits(self, key: str, norm: str) -> frozenset[tuple[int, int]]:
        """The (phrase, term) places a word fits: by key, ``prefix*`` or as a typo (memoised)."""
        got = self._hits.get((key, norm))
        if got is not None:
            return got
        found = set(self.terms.get(key, ()))
        if norm != key:
            found.update(self.terms.get(norm, ()))
        for prefix, place in self.prefixes:
            if key.startswith(prefix) or norm.startswith(prefix):
                found.add(place)
        if not found and not norm.isdigit():
            typo = self.fuzzy(norm)
            if typo is not None:
                found.update(self.terms.get(typo, ()))
        out = frozenset(found)
        if len(self._hits) >= _CACHE_LIMIT:
            self._hits.clear()
        self._hits[(key, norm)] = out
        return out

    def key(self, word: str) -> str:
        """The word key of ``word`` in this lexicon's language (memoised)."""
        return word_key(word, self.lang, self.keys)

    def fuzzy(self, norm: str) -> str | None:
        """The lexicon word that ``norm`` is a typo of, if any: only words of at least
        :data:`FUZZY_MIN` letters, one edit (two from 9 letters), never a known word."""
        if norm in self._fuzzy:
            return self._fuzzy[norm]
        found: str | None = None
        if len(norm) >= FUZZY_MIN - 1 and norm.isalpha() and norm not in self.words:
            import simplemma

            if not simplemma.is_known(norm, lang=self.lang):
                cutoff = 2 if len(norm) >= 9 else 1
                best = process.extractOne(
                    norm, self.long_words, scorer=Levenshtein.distance, score_cutoff=cutoff
                )
                if best is not None and len(best[0]) >= FUZZY_MIN:
                    found = best[0]
        if len(self._fuzzy) >= _CACHE_LIMIT:
            self._fuzzy.clear()
        self._fuzzy[norm] = found
        return found


def intake_language(lang: object) -> Language:
    """The profile of ``lang``; a :class:`~hamtriage.LanguageError` (a ``ReportError`` on
    field ``lang``, with "did you mean") if the intake cannot read that language."""
    if isinstance(lang, str):
        known = LANGUAGES.get(lang)
        if known is not None:
            return known  # the common case, checked on every parse: no suggestion list to build
    from ...catalog import check_lang

    profile = language(check_lang(lang, sorted(LANGUAGES)))
    assert profile is not None  # check_lang returned one of LANGUAGES
    return profile


_WORDS = re.compile(r"[^\W\d_]+")


def _compounds(text: str, profile: Language) -> str:
    """``text`` with its compounds written apart, as the tokeniser reads them ("rugpijn" ->
    "rug pijn"); a word in an alternative (``a|b``) or a prefix (``x*``) stays whole."""
    if not profile.compound_heads:
        return text

    def apart(m: re.Match[str]) -> str:
        start, end = m.span()
        if (start and text[start - 1] in "|*") or (end < len(text) and text[end] in "|*"):
            return m.group(0)
        word = m.group(0)
        return " ".join(word[a:b] for a, b in profile.split(word))

    return _WORDS.sub(apart, text)


def _literal(text: str) -> str:
    """A synonym or label as a phrase: no pattern syntax, fillers optional."""
    return _SPECIAL.sub(" ", text)


def _abilities(terms: tuple[Term, ...], profile: Language) -> list[tuple[Term, ...]]:
    """The phrases that deny an inability phrase: "cant walk" -> "can walk" and
    "walk fine" (the language's ability words)."""
    at = [
        i
        for i, t in enumerate(terms)
        if not t.optional and t.slot is None and set(t.words) <= profile.inability_words
    ]
    if not at or not profile.ability_words or sum(not t.optional for t in terms) < 2:
        return []
    i = at[0]
    can = Term(tuple(sorted(profile.ability_words)))
    out = [(*terms[:i], can, *terms[i + 1 :])]
    if profile.ability_fine:
        out.append((*terms[:i], *terms[i + 1 :], Term(tuple(sorted(profile.ability_fine)))))
    return out


def build_lexicon(pack: RulePack, lang: str = "en") -> Lexicon:
    """The lexicon of ``pack`` (phrases that fail to parse were refused by the loader)."""
    profile = intake_language(lang)
    keys: dict[str, str] = {}

    def key_of(word: str) -> str:
        return word_key(word, lang, keys)

    flags = red_flag_screens(pack)
    # English is the rule files' language; another language reads the pack's translation
    tr = pack.translations.get(lang) if lang != "en" else None
    phrases: list[Phrase] = []
    seen: set[tuple[str, tuple[Term, ...]]] = set()
    questions: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for kind, table in (
        ("symptom", pack.symptoms),
        ("history", pack.history),
        ("activity", pack.activities),
        ("measurement", pack.measurements),
    ):
        for vid, item in table.items():
            kinds[vid] = kind
            name = vid.replace("_", " ")
            if kind == "measurement":  # "knee_to_wall_cm": the unit is not part of the name
                name = " ".join(w for w in name.split() if w not in _UNIT_WORDS) or name
            if tr is None:
                label, question = item.label, item.question
                synonyms: Sequence[str] = item.synonyms
                own: Sequence[str] = tuple(getattr(item, "phrases", ()))
                denials: Sequence[str] = tuple(getattr(item, "denials", ()))
            else:  # the translation's words; the English ids stay ("knee to wall", "deadlift")
                label = tr.item(vid, "label") or item.label
                question = tr.item(vid, "question")
                synonyms, own = tr.synonyms.get(vid, ()), tr.phrases.get(vid, ())
                denials = ()  # a translation has no denial phrases (yet)
            questions[vid] = question or profile.question.format(label=label.lower())
            texts = [_literal(name), _literal(label), *map(_literal, synonyms), *own]
            texts = [_compounds(t, profile) for t in texts]
            for text in texts:
                try:
                    terms = parse_phrase(text, key_of, profile.fillers)
                except PhraseSyntaxError:
                    continue  # a literal of fillers only ("it"): nothing to anchor on
                if (vid, terms) in seen:
                    continue
                seen.add((vid, terms))
                required = sum(1 for t in terms if not t.optional)
                negs = [bool(set(t.words) & profile.negations) for t in terms if t.anchors]
                if all(negs):  # "wordt niet beter" of fillers: only "niet" would be left
                    continue
                phrases.append(Phrase(vid, kind, text, terms, required, vid in flags, any(negs)))
                if kind in ("symptom", "history"):
                    for derived in _abilities(terms, profile):
                        if (vid, derived) not in seen:
                            seen.add((vid, derived))
                            n = sum(1 for t in derived if not t.optional)
                            phrases.append(
                                Phrase(vid, kind, text, derived, n, vid in flags, affirms=True)
                            )
            for text in denials if kind in ("symptom", "history") else ():
                try:  # "weight is stable": a match denies the item, like "can walk" does
                    terms = parse_phrase(_compounds(text, profile), key_of, profile.fillers)
                except PhraseSyntaxError:
                    continue
                if (vid, terms) not in seen:
                    seen.add((vid, terms))
                    n = sum(1 for t in terms if not t.optional)
                    phrases.append(Phrase(vid, kind, text, terms, n, vid in flags, affirms=True))
    index: dict[str, list[int]] = {}
    places: dict[str, list[tuple[int, int]]] = {}
    prefixes: list[tuple[str, tuple[int, int]]] = []
    words: set[str] = set()
    for i, phrase in enumerate(phrases):
        for ti, term in enumerate(phrase.terms):
            for w in term.words:
                if w.endswith("*"):
                    prefixes.append((w[:-1], (i, ti)))
                    continue
                words.add(w)
                places.setdefault(w, []).append((i, ti))
                if term.anchors and i not in index.get(w, ()):
                    index.setdefault(w, []).append(i)
    long_words = sorted(w for w in words if len(w) >= FUZZY_MIN and w.isalpha())
    return Lexicon(
        lang=lang,
        language=profile,
        phrases=phrases,
        index=index,
        prefixes=prefixes,
        red_flags=flags,
        questions=questions,
        kinds=kinds,
        words=frozenset(words | profile.fillers),
        long_words=long_words,
        terms=places,
        needs=[
            tuple(ti for ti, t in enumerate(p.terms) if not t.optional and t.slot is None)
            for p in phrases
        ],
        keys=keys,
        regions={
            vid: item.region
            for table in (pack.symptoms, pack.history)
            for vid, item in table.items()
            if item.region
        },
    )


@functools.lru_cache(maxsize=8)
def lexicon_for(pack: RulePack, lang: str = "en") -> Lexicon:
    """The lexicon of ``pack`` (the last few packs' lexicons are kept)."""
    return build_lexicon(pack, lang)
