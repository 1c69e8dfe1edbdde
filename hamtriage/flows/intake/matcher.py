"""Phrase matching: optional words, any word order within a window of one clause, slots, typos.

Each content token (not a filler) looks up the phrases one of whose required words it
is (by lemma key, by ``prefix*``, or as a typo of a long lexicon word); each such phrase
is then completed from the tokens around it in the same clause. The work per token is
bounded by the lexicon, so matching is linear in the length of the text. Overlapping
candidates are resolved greedily: more words matched first, then the tightest spread.
"""

from __future__ import annotations

from typing import NamedTuple

from .lexicon import Lexicon, Phrase
from .tokens import Tok
from .wordplaces import Record, record

__all__ = ["Candidate", "find_phrases", "select"]

Places = frozenset[tuple[int, int]]
"""The (phrase, term) places a token fits."""


class Candidate(NamedTuple):
    """A phrase found in the text: the tokens of its required and optional words. A
    named tuple: a parse builds a score of them, and a frozen dataclass costs several
    times more to build."""

    phrase: Phrase
    idxs: tuple[int, ...]
    optional: tuple[int, ...]
    spread: int
    tokens: tuple[int, ...]
    """All tokens the candidate uses, in order (read often)."""


_make = tuple.__new__


def _split_by(toks: list[Tok], used: list[int], scope_end: frozenset[str]) -> bool:
    """Whether a comma or a conjunction stands between the tokens ``used``: a phrase with
    a negation word ("geen gevoel") must not take the negation of another clause part."""
    lo, hi = min(used), max(used)
    if toks[lo].seg != toks[hi].seg:
        return True
    return any(toks[k].key in scope_end for k in range(lo + 1, hi) if k not in used)


def find_phrases(lex: Lexicon, toks: list[Tok]) -> list[Candidate]:
    """Every candidate occurrence of a lexicon phrase in ``toks`` (overlaps included)."""
    tables = lex.tables
    memo = tables.memo
    # each clause's content tokens (a clause is a run of tokens), their places (integers)
    # and the positions in that row of the words that fit a phrase, with their records
    # (one memo probe per word: see .wordplaces); the matcher works in row positions
    clauses: list[tuple[list[int], list[frozenset[int]], list[tuple[int, Record]]]] = []
    row: list[int] = []
    held: list[frozenset[int]] = []
    fits: list[tuple[int, Record]] = []
    current = -1
    for i, t in enumerate(toks):
        if t.filler:
            continue
        if t.clause != current:  # clause numbers only grow: a new one starts a new row
            current = t.clause
            row, held, fits = [], [], []
            clauses.append((row, held, fits))
        rec = memo.get(t.raw)
        if rec is None:
            rec = record(lex, tables, t)
        if rec[0]:
            fits.append((len(row), rec))
        row.append(i)
        held.append(rec[0])
    phrases = lex.phrases
    spans = lex.spans
    sides = lex.language.side_words
    scope_end = lex.language.scope_end
    scoped = lex.language.negation_in_scope
    plans = tables.plans
    optionals = lex.optionals
    nearest = lex.nearest
    out: dict[tuple[int, tuple[int, ...]], Candidate] = {}
    for row, held, fits in clauses:
        if not fits:
            continue  # no anchor in this clause
        # the phrases whose rarest required word the clause holds and that find all their
        # other required words in it (a phrase missing one cannot match there)
        # (a phrase of one required word needs no bit: 0 & places == 0)
        if len(fits) == 1:
            rec = fits[0][1]
            places = rec[1]
            fit = [pid for pid, need in rec[2] if need & places == need]  # ascending
        else:
            places = 0
            for _, rec in fits:
                places |= rec[1]
            fit = sorted({pid for _, rec in fits for pid, need in rec[2] if need & places == need})
        if not fit:
            continue
        n = len(row)
        for at, rec in fits:
            firsts = rec[3]
            if firsts.isdisjoint(fit):
                continue  # a phrase is tried once, from its first required word
            windows: dict[int, tuple[int, ...]] = {}
            for pid in fit:
                if pid not in firsts:
                    continue
                span = spans[pid]
                window = windows.get(span)
                if window is None:
                    # nearest first: at, at-1, at+1, at-2, ... within the row (memoised)
                    window = windows[span] = nearest(n, at, span)
                used: list[int] = []
                for place, slot in plans[pid]:
                    pick = -1
                    # inlined term test (hot loop), the kind of term chosen once per term, not
                    # per token; the word test first: it rejects most tokens
                    if slot is None:
                        for k in window:
                            if place in held[k] and k not in used:
                                pick = k
                                break
                    elif slot == "number":
                        for k in window:
                            if toks[row[k]].number is not None and k not in used:
                                pick = k
                                break
                    else:  # "side"
                        for k in window:
                            if toks[row[k]].key in sides and k not in used:
                                pick = k
                                break
                    if pick < 0:
                        break
                    used.append(pick)
                else:
                    if at not in used:
                        continue
                    phrase = phrases[pid]
                    if (
                        phrase.negation
                        and scoped
                        and _split_by(toks, [row[k] for k in used], scope_end)
                    ):
                        continue  # "gevoel is normaal, geen verdoving": not "geen gevoel"
                    used.sort()
                    spread = used[-1] - used[0]  # in content tokens
                    if spread > span:
                        continue
                    idxs = tuple([row[k] for k in used])  # a row's tokens ascend
                    key = (pid, idxs)
                    if key not in out:
                        optional = (
                            _optional(lex, optionals[pid], pid, toks, idxs, toks[row[at]].clause)
                            if optionals[pid]
                            else ()
                        )
                        tokens = tuple(sorted((*idxs, *optional))) if optional else idxs
                        out[key] = _make(Candidate, (phrase, idxs, optional, spread, tokens))
    return list(out.values())


def _optional(
    lex: Lexicon,
    terms: tuple[int, ...],
    pid: int,
    toks: list[Tok],
    used: tuple[int, ...],
    clause: int,
) -> tuple[int, ...]:
    """Tokens of the phrase's optional (non-filler) words ``terms`` right next to its
    span ``used`` (ascending; fillers are allowed, but not part of the span: "my", "up")."""
    first, last = used[0], used[-1]
    tables = lex.tables
    memo = tables.memo
    base = lex.bases[pid]
    found: list[int] = []
    for ti in terms:
        place = base + ti
        for i in range(max(0, first - 2), min(len(toks), last + 3)):
            if i in used or i in found or toks[i].clause != clause:
                continue
            rec = memo.get(toks[i].raw)
            if rec is None:
                rec = record(lex, tables, toks[i])
            if place in rec[0]:
                found.append(i)
                break
    return tuple(sorted(found))


def select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: most required words, then optional ones, then tightest."""
    ranked = sorted(
        cands,
        key=lambda c: (-c.phrase.required, -len(c.optional), c.spread, c.idxs[0], c.phrase.vid),
    )
    taken: set[int] = set()
    chosen: list[Candidate] = []
    for c in ranked:
        if not taken.isdisjoint(c.idxs):
            continue
        if c.optional:
            opt = tuple(i for i in c.optional if i not in taken)
            if opt != c.optional:
                c = Candidate(c.phrase, c.idxs, opt, c.spread, tuple(sorted((*c.idxs, *opt))))
        chosen.append(c)
        taken.update(c.tokens)
    chosen.sort(key=lambda c: c.idxs[0])
    return chosen
