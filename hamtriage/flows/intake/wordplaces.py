"""What the matcher reads of one word, built once per word text and lexicon: a :data:`Record`.

The matcher used to ask the lexicon three memoised questions per word (its place mask,
the phrases whose rarest word it is, the phrases it can start) after looking its place
set up again by the token's text; a record answers all of them with one dict probe.
Places are integers here (``bases[pid] + ti``), not (phrase, term) pairs: a tuple is
hashed anew on every membership test, an integer is its own hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .tokens import Tok

if TYPE_CHECKING:
    from .lexicon import Lexicon

__all__ = ["NO_RECORD", "Record", "Tables", "build_tables", "record"]

Record = tuple[frozenset[int], int, tuple[tuple[int, int], ...], frozenset[int]]
"""Of a word: its places (integers); its *other-word* bits (see :class:`Tables`);
(phrase, needed bits) of the phrases whose rarest required word it is, ascending (0
bits for a phrase of one required word: it needs nothing more); the phrases whose first
required word it is."""

NO_RECORD: Record = (frozenset(), 0, (), frozenset())
"""The record of a number or of a word that fits no phrase."""

_LIMIT = 20_000


@dataclass(eq=False, slots=True)
class Tables:
    """What records are built from, derived once per lexicon."""

    plans: list[tuple[tuple[int, str | None], ...]]
    """Per phrase: its required terms as (integer place, slot)."""
    other: dict[tuple[int, int], int]
    """(phrase, term) -> its bit, for each required word term of a phrase of two or more
    required words other than the phrase's rarest one (which a clause tested for that
    phrase holds by construction); terms of the same words share a bit."""
    needs: list[int]
    """Per phrase: the bits of :attr:`other` it needs in a clause (0: none to test)."""
    memo: dict[str, Record] = field(default_factory=dict)
    """Word text -> its record (bounded)."""


def build_tables(lex: Lexicon) -> Tables:
    """The :class:`Tables` of ``lex`` (after its ``rare``, ``bases`` and ``needs``)."""
    bases, rare = lex.bases, lex.rare
    plans = [
        tuple((bases[pid] + ti, t.slot) for ti, t in enumerate(p.terms) if not t.optional)
        for pid, p in enumerate(lex.phrases)
    ]
    # how many places a phrase's rarest word fills: the commoner, the more often the
    # phrase is tested, so its bits come first (small integers are cheaper to AND)
    freq = {w: len(ps) for w, ps in lex.terms.items()}

    def commonness(pid: int) -> int:
        return sum(freq.get(w, 1_000) for w in lex.phrases[pid].terms[rare[pid]].words)

    multi = [pid for pid, need in enumerate(lex.needs) if len(need) > 1]
    multi.sort(key=lambda pid: (-commonness(pid), pid))
    # one bit per distinct word set: whether a word fits a term depends only on the
    # term's words (by key, folded form, prefix or typo), so terms alike share a bit
    # (806 bits instead of 2,754 in the English lexicon: smaller integers to AND)
    bits: dict[tuple[str, ...], int] = {}
    other: dict[tuple[int, int], int] = {}
    needs = [0] * len(lex.phrases)
    for pid in multi:
        for ti in lex.needs[pid]:
            if ti != rare[pid]:
                words = lex.phrases[pid].terms[ti].words
                bit = other[(pid, ti)] = bits.setdefault(words, len(bits))
                needs[pid] |= 1 << bit
    return Tables(plans, other, needs)


def record(lex: Lexicon, tables: Tables, tok: Tok) -> Record:
    """The :data:`Record` of ``tok``'s text (memoised in ``tables``: the key and folded
    form of a token, and whether it is a number, follow from its text)."""
    places = lex.hits(tok.key, tok.norm) if tok.number is None else frozenset()
    if not places:
        got = NO_RECORD
    else:
        bases, rare, other, needs = lex.bases, lex.rare, tables.other, tables.needs
        bits = 0
        for place in places:
            bit = other.get(place)
            if bit is not None:
                bits |= 1 << bit
        mine = sorted(pid for pid, ti in places if rare[pid] == ti)
        got = (
            frozenset(bases[pid] + ti for pid, ti in places),
            bits,
            tuple((pid, needs[pid]) for pid in mine),
            lex.firsts(places),
        )
    memo = tables.memo
    if len(memo) >= _LIMIT:
        memo.clear()
    memo[tok.raw] = got
    return got
