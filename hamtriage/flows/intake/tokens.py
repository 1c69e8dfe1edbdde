"""Tokens of free text: words and numbers with their lemma keys, clauses and positions."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from ...rules.languages import ENGLISH, Language
from ...rules.phrases import word_key

__all__ = ["CLAUSE_WORDS", "Parts", "Tok", "Word", "tokenize"]

# words first: most tokens are words, and the alternatives start with disjoint characters
# (letters, digits, ° and %), so their order changes no match, only how fast one is found
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+(?:[.,]\d+)?|[°%]")
# the same on an ASCII text (identical matches there; plain classes are faster to test)
_TOKEN_ASCII = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|[0-9]+(?:[.,][0-9]+)?|%")
# a clause ends at sentence punctuation (not a decimal point), brackets and a new line;
# a comma ends a segment (phrases do not cross it; a negation crosses it only in a list).
# The dot is matched before its look-arounds are tested: a look-behind tried at every
# position made this scan cost a sixth of tokenising.
_HARD = re.compile(r"\.(?:(?<!\d\.)|(?!\d))|[!?;\n()\[\]]|\s[-\u2013\u2014]\s")
# what a soft break may not be for :func:`_scans` (it would overlap a token or a hard break)
_NOT_SOFT = frozenset("%°'\u2019_.!?;()[]-\u2013\u2014")

CLAUSE_WORDS = ENGLISH.clause_words
"""English words that end a clause like a full stop (each language's: ``Language.clause_words``)."""


class Tok(NamedTuple):
    """A word or number of the text (``norm``: lower case, no apostrophes). A named tuple:
    one is made per word, and a tuple is several times cheaper to build than a frozen
    dataclass."""

    raw: str
    key: str
    norm: str
    start: int
    end: int
    clause: int
    seg: int
    number: float | None
    filler: bool
    sent: int = 0
    """Sentence number: like ``clause``, but only punctuation and new lines end one."""
    brk: str = ""
    """The punctuation that opened this token's clause (``?``, ``-``, ``.``, ...), if any."""


_MEMO_LIMIT = 20_000
_make = tuple.__new__
Word = tuple[str, str, bool, bool, float | None]
"""What a word's tokens share wherever it stands: key, norm, filler, clause word, number
(the value of a token that starts with a digit, else ``None``)."""


Parts = tuple[tuple[int, int, Word], ...]
"""A compound's parts: (start, end) in the word and what each part's tokens share; empty
for a word that is one part."""

_FAR = 1 << 62  # beyond any position: no break left


@functools.lru_cache(maxsize=16)
def _soft(chars: str) -> re.Pattern[str]:
    """The pattern of a language's soft breaks (compiled once, not per text)."""
    return re.compile(f"[{re.escape(chars)}]")


@functools.lru_cache(maxsize=16)
def _scans(soft: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """Tokens, hard breaks and the soft breaks ``soft`` in one pattern (any text, ASCII
    text), or ``None`` if a soft break could overlap a token or a hard break. One scan
    instead of three: no token starts with a character a break starts with, no break
    holds a character of a token, so the scan finds what the three find, in text order;
    only a comma inside a number ("12,5") is inside a token, and counted after it."""
    if any(c.isalnum() or c.isspace() or c in _NOT_SOFT for c in soft):
        return None
    breaks = _HARD.pattern + (f"|[{re.escape(soft)}]" if soft else "")
    # a possessive repeat: nothing follows it in its alternative, so it changes no match
    words = r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*+|\d+(?:[.,]\d+)?|[°%]"
    ascii_words = r"[A-Za-z]+(?:'[A-Za-z]+)*+|[0-9]+(?:[.,][0-9]+)?|%"
    return re.compile(f"({words}|{breaks})"), re.compile(f"({ascii_words}|{breaks})")


def _is_break(item: str) -> bool:
    """Whether an item of a :func:`_scans` pattern is a break (a token starts with a
    letter, a digit, % or °)."""
    return not item[0].isalnum() and item[0] not in "%°"


def tokenize(
    text: str,
    lang: Language = ENGLISH,
    cache: dict[str, str] | None = None,
    memo: dict[str, Word] | None = None,
    parts_memo: dict[str, Parts] | None = None,
) -> list[Tok]:
    """The tokens of ``text`` in order (linear in its length). ``memo``: word -> what
    :data:`Word` holds, for ``lang`` only (a lexicon keeps one: most words recur);
    ``parts_memo``: word -> its :data:`Parts`, for a language that splits compounds."""
    scans = _scans(lang.soft_breaks)
    if scans is not None:
        return _tokenize_once(text, lang, scans, cache, memo, parts_memo)
    hard_m = list(_HARD.finditer(text))
    hard = [m.start() for m in hard_m]
    soft = [m.start() for m in _soft(lang.soft_breaks).finditer(text)]
    out: list[Tok] = []
    append = out.append
    clause = seg = sent = 0
    h = s = 0
    brk = ""
    n_hard, n_soft = len(hard), len(soft)
    # the next break of either kind: one comparison per token while none is passed
    nxt = min(hard[0] if hard else _FAR, soft[0] if soft else _FAR)
    code, fillers, clause_words = lang.code, lang.fillers, lang.clause_words
    split = bool(lang.compound_heads)
    known = cache if cache is not None else {}
    words: dict[str, Word] = memo if memo is not None else {}
    splits: dict[str, Parts] = parts_memo if parts_memo is not None else {}
    find = text.find
    end = 0
    # the token texts in one scan (no match object per token); a token starts where its
    # text is next found: the characters between tokens cannot start one (every letter,
    # digit, % and ° is inside a token), so the search cannot stop early
    for whole in (_TOKEN_ASCII if text.isascii() else _TOKEN).findall(text):
        pos = find(whole, end)
        end = pos + len(whole)
        if pos > nxt:
            while h < n_hard and hard[h] < pos:
                clause += 1
                seg += 1
                sent += 1
                brk = hard_m[h].group(0).strip()[:1] or "\n"
                h += 1
            while s < n_soft and soft[s] < pos:
                seg += 1
                s += 1
            nxt = min(hard[h] if h < n_hard else _FAR, soft[s] if s < n_soft else _FAR)
        if split:
            parts = splits.get(whole)
            if parts is None:
                parts = _parts(whole, lang, code, fillers, clause_words, known, cache, words)
                if len(splits) >= _MEMO_LIMIT:
                    splits.clear()
                splits[whole] = parts
            if parts:  # a compound is read as its parts ("rug" "pijn")
                clause, seg, brk = _append_parts(append, whole, pos, parts, clause, seg, sent, brk)
                continue
        # one part (every English word; most words of other languages), kept loop-free
        word = words.get(whole)
        if word is None:
            word = _word(whole, code, fillers, clause_words, known, cache, words)
        key, norm, filler, ends, number = word
        if ends:
            clause += 1
            seg += 1
            brk = ""
        # tuple.__new__ skips the named tuple's Python-level __new__ (one per word)
        append(_make(Tok, (whole, key, norm, pos, end, clause, seg, number, filler, sent, brk)))
    return out


def _tokenize_once(
    text: str,
    lang: Language,
    scans: tuple[re.Pattern[str], re.Pattern[str]],
    cache: dict[str, str] | None,
    memo: dict[str, Word] | None,
    parts_memo: dict[str, Parts] | None,
) -> list[Tok]:
    """:func:`tokenize` by one scan that finds tokens and breaks in text order. A break
    is never stored in the memos, so it is told from a word only on a memo miss."""
    out: list[Tok] = []
    append = out.append
    clause = seg = sent = 0
    brk = ""
    soft = lang.soft_breaks
    comma = "," in soft  # a comma inside a number ("12,5") is a soft break after it
    code, fillers, clause_words = lang.code, lang.fillers, lang.clause_words
    split = bool(lang.compound_heads)
    known = cache if cache is not None else {}
    words: dict[str, Word] = memo if memo is not None else {}
    splits: dict[str, Parts] = parts_memo if parts_memo is not None else {}
    # the pattern is one group: ``split`` gives the text between items and the items
    # in turn, so an item's place is the sum of the lengths before it (no search per token)
    items = scans[1 if text.isascii() else 0].split(text)
    nxt = len(items[0])
    for k in range(1, len(items), 2):
        whole = items[k]
        pos = nxt
        end = pos + len(whole)
        nxt = end + len(items[k + 1])
        if split:
            parts = splits.get(whole)
            if parts is None:
                if _is_break(whole):
                    if whole in soft:
                        seg += 1
                    else:
                        clause, seg, sent = clause + 1, seg + 1, sent + 1
                        brk = whole.strip()[:1] or "\n"
                    continue
                parts = _parts(whole, lang, code, fillers, clause_words, known, cache, words)
                if len(splits) >= _MEMO_LIMIT:
                    splits.clear()
                splits[whole] = parts
            if parts:  # a compound is read as its parts ("rug" "pijn")
                clause, seg, brk = _append_parts(append, whole, pos, parts, clause, seg, sent, brk)
                if comma and "," in whole:
                    seg += 1
                continue
        word = words.get(whole)
        if word is None:
            if _is_break(whole):
                if whole in soft:
                    seg += 1
                else:
                    clause, seg, sent = clause + 1, seg + 1, sent + 1
                    brk = whole.strip()[:1] or "\n"
                continue
            word = _word(whole, code, fillers, clause_words, known, cache, words)
        key, norm, filler, ends, number = word
        if ends:
            clause += 1
            seg += 1
            brk = ""
        append(_make(Tok, (whole, key, norm, pos, end, clause, seg, number, filler, sent, brk)))
        if comma and "," in whole:
            seg += 1
    return out


def _append_parts(
    append: Callable[[Tok], None],
    whole: str,
    pos: int,
    parts: Parts,
    clause: int,
    seg: int,
    sent: int,
    brk: str,
) -> tuple[int, int, str]:
    """Append a compound's tokens, one per part (a call per compound word only: most words
    are one part); the clause, segment and break after them."""
    for a, b, part in parts:
        if part[3]:
            clause += 1
            seg += 1
            brk = ""
        append(
            _make(
                Tok,
                (
                    whole[a:b],
                    part[0],
                    part[1],
                    pos + a,
                    pos + b,
                    clause,
                    seg,
                    part[4],
                    part[2],
                    sent,
                    brk,
                ),
            )
        )
    return clause, seg, brk


def _parts(
    whole: str,
    lang: Language,
    code: str,
    fillers: frozenset[str],
    clause_words: frozenset[str],
    known: dict[str, str],
    cache: dict[str, str] | None,
    words: dict[str, Word],
) -> Parts:
    """The :data:`Parts` of ``whole`` (empty if it is one part)."""
    offsets = lang.split(whole)
    if len(offsets) == 1:
        return ()
    out: list[tuple[int, int, Word]] = []
    for a, b in offsets:
        raw = whole[a:b]
        word = words.get(raw)
        if word is None:
            word = _word(raw, code, fillers, clause_words, known, cache, words)
        out.append((a, b, word))
    return tuple(out)


def _word(
    raw: str,
    code: str,
    fillers: frozenset[str],
    clause_words: frozenset[str],
    known: dict[str, str],
    cache: dict[str, str] | None,
    words: dict[str, Word],
) -> Word:
    """What :data:`Word` holds for ``raw``, stored in the bounded memo ``words``."""
    # a token starting with a digit is a number (the token pattern): its own key
    key = raw if raw[0].isdecimal() else known.get(raw) or word_key(raw, code, cache)
    norm = raw.lower().replace("'", "").replace("\u2019", "")
    number = float(raw.replace(",", ".")) if raw[0].isdecimal() else None
    word = (key, norm, key in fillers, key in clause_words, number)
    if len(words) >= _MEMO_LIMIT:
        words.clear()
    words[raw] = word
    return word
