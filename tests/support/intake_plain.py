"""The intake's tokeniser and phrase matcher written plainly, to check the fast ones against.

No memo, no per-word records, no feasibility filter: every token's places are asked of
:meth:`Lexicon.hits`, every phrase is tried from every occurrence of its first required
word, and tokens are found with ``finditer`` and the former break loops. Slow, and kept
so: a fast path that diverges from this on any text fails a test.
"""

from __future__ import annotations

import re

from hamtriage.flows.intake.lexicon import Lexicon
from hamtriage.flows.intake.matcher import Candidate, _split_by
from hamtriage.flows.intake.tokens import Tok
from hamtriage.rules.languages import Language
from hamtriage.rules.phrases import word_key

__all__ = ["plain_find_phrases", "plain_tokenize"]

# the token and break patterns before the fifth speed pass (digits first; a look-behind
# tried at every position)
TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*|[°%]")
HARD = re.compile(r"(?<!\d)\.|\.(?!\d)|[!?;\n()\[\]]|\s[-\u2013\u2014]\s")


def plain_tokenize(text: str, lang: Language) -> list[Tok]:
    """The tokens of ``text``, every word keyed anew."""
    hard = [(m.start(), m.group(0)) for m in HARD.finditer(text)]
    soft = [m.start() for m in re.finditer(f"[{re.escape(lang.soft_breaks)}]", text)]
    out: list[Tok] = []
    clause = seg = sent = 0
    h = s = 0
    brk = ""
    for m in TOKEN.finditer(text):
        pos = m.start()
        while h < len(hard) and hard[h][0] < pos:
            clause, seg, sent = clause + 1, seg + 1, sent + 1
            brk = hard[h][1].strip()[:1] or "\n"
            h += 1
        while s < len(soft) and soft[s] < pos:
            seg += 1
            s += 1
        for a, b in lang.split(m.group(0)) if lang.compound_heads else [(0, len(m.group(0)))]:
            raw = m.group(0)[a:b]
            key = raw if raw[0].isdecimal() else word_key(raw, lang.code)
            if key in lang.clause_words:
                clause, seg, brk = clause + 1, seg + 1, ""
            number = float(raw.replace(",", ".")) if raw[0].isdecimal() else None
            norm = raw.lower().replace("'", "").replace("\u2019", "")
            filler = key in lang.fillers
            out.append(
                Tok(raw, key, norm, pos + a, pos + b, clause, seg, number, filler, sent, brk)
            )
    return out


def plain_find_phrases(lex: Lexicon, toks: list[Tok]) -> list[Candidate]:
    """Every candidate occurrence of a lexicon phrase in ``toks``, in the matcher's order
    (by first-word token, then phrase)."""
    hits = [frozenset() if t.number is not None else lex.hits(t.key, t.norm) for t in toks]
    rows: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        if not t.filler:
            rows.setdefault(t.clause, []).append(i)
    sides = lex.language.side_words
    out: dict[tuple[int, tuple[int, ...]], Candidate] = {}
    for anchor, t in enumerate(toks):
        if t.filler or not hits[anchor]:
            continue
        row = rows[t.clause]
        at = row.index(anchor)
        for pid in sorted(lex.firsts(hits[anchor])):
            phrase, span = lex.phrases[pid], lex.spans[pid]
            window = [
                row[k]
                for d in range(span + 1)
                for k in ((at,) if d == 0 else (at - d, at + d))
                if 0 <= k < len(row)
            ]
            used: list[int] = []
            for ti, term in enumerate(phrase.terms):
                if term.optional:
                    continue
                fits = [
                    i
                    for i in window
                    if i not in used
                    and (
                        (term.slot is None and (pid, ti) in hits[i])
                        or (term.slot == "number" and toks[i].number is not None)
                        or (term.slot == "side" and toks[i].key in sides)
                    )
                ]
                if not fits:
                    break
                used.append(fits[0])
            else:
                if anchor not in used:
                    continue
                if (
                    phrase.negation
                    and lex.language.negation_in_scope
                    and _split_by(toks, used, lex.language.scope_end)
                ):
                    continue
                idxs = tuple(sorted(used))
                spread = row.index(idxs[-1]) - row.index(idxs[0])
                if spread > span or (pid, idxs) in out:
                    continue
                optional = _optional(lex, pid, toks, hits, used, t.clause)
                tokens = tuple(sorted((*idxs, *optional)))
                out[(pid, idxs)] = Candidate(phrase, idxs, optional, spread, tokens)
    return list(out.values())


def _optional(
    lex: Lexicon,
    pid: int,
    toks: list[Tok],
    hits: list[frozenset[tuple[int, int]]],
    used: list[int],
    clause: int,
) -> tuple[int, ...]:
    found: list[int] = []
    for ti in lex.optionals[pid]:
        for i in range(max(0, min(used) - 2), min(len(toks), max(used) + 3)):
            if (
                i not in used
                and i not in found
                and toks[i].clause == clause
                and (pid, ti) in hits[i]
            ):
                found.append(i)
                break
    return tuple(sorted(found))
