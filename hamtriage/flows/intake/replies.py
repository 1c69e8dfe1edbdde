"""Context rules that read a trigger and what follows a mention: a negation (not a pseudo-negation), a denial that ends its segment, a short answer in the next clause, a yes to the writer's own question."""

from __future__ import annotations

from ...rules.languages import Language
from .scans import WINDOW as _WINDOW
from .tokens import Tok

__all__ = ["answer", "fine_after", "is_trigger", "said_yes", "seg_ends"]


def is_trigger(toks: list[Tok], i: int, lang: Language) -> bool:
    key = toks[i].key
    if key not in lang.negations:
        key = toks[i].norm  # "don't": the lemmatiser gives "do"
        if key not in lang.negations:
            return False
    pseudo = lang.pseudo.get(key)
    if pseudo is None:
        return True
    for j in range(i + 1, min(i + 4, len(toks))):
        t = toks[j]
        if t.clause != toks[i].clause:
            break
        if not t.filler:
            return t.key not in pseudo
    return True


def seg_ends(toks: list[Tok], j: int) -> bool:
    """Only fillers follow token ``j`` in its comma segment ("numbness: none," but not
    "nothing I do helps")."""
    for k in range(j + 1, min(len(toks), j + 8)):
        if toks[k].seg != toks[j].seg:
            return True
        if not toks[k].filler:
            return False
    return True


def fine_after(toks: list[Tok], last: int, items: frozenset[int], lang: Language) -> int | None:
    """ "plassen en poepen gaan normaal": past other mentions and :attr:`Language.fine_skips`,
    a word of ``post_fine`` that ends the segment. Its token, if so (only where the
    language lists such skips; English reads "is fine" in the loop of :func:`.context.classify`)."""
    if not lang.fine_skips:
        return None
    for j in range(last + 1, min(len(toks), last + _WINDOW)):
        t = toks[j]
        if t.seg != toks[last].seg:
            return None
        if t.key in lang.post_fine:
            return j if seg_ends(toks, j) else None
        if not (t.filler or t.key in lang.fine_skips or j in items):
            return None
    return None


def answer(toks: list[Tok], last: int, items: frozenset[int], lang: Language) -> int | None:
    """ "Bruising? None." / "Any problems peeing - no": the next clause, opened by a question
    mark or a dash right after the mention, is a short denial. Its trigger token, if so."""
    j = last + 1
    while j < len(toks) and toks[j].clause == toks[last].clause:
        if not toks[j].filler and j - last > 3:
            return None
        j += 1
    if j >= len(toks) or toks[j].brk not in ("?", "-"):
        return None
    clause = toks[j].clause
    words = [k for k in range(j, min(len(toks), j + 6)) if toks[k].clause == clause]
    content = [k for k in words if not toks[k].filler]
    if not content or any(k in items for k in content):
        return None
    first = content[0]
    key = toks[first].key
    if key in lang.post_negations or key in lang.post_fine:
        return first if seg_ends(toks, first) else None
    if not is_trigger(toks, first, lang):  # "- no idea why", "- not sure"
        return None
    rest = [k for k in words if k > first and toks[k].seg == toks[first].seg]
    if not [k for k in rest if not toks[k].filler] or toks[rest[0]].key in lang.post_after_not:
        return first  # "- no.", "- also no", "? not really"
    # "Didn't hear one": a short answer whose object is a pronoun ("- no pain" is not)
    if len(rest) <= 2 and toks[rest[-1]].norm in lang.answer_objects:
        return first
    return None


def said_yes(toks: list[Tok], last: int, lang: Language) -> bool:
    """Whether the writer's own question ("can I ...", not "would a fever ...") is answered
    with a yes right after it ("can I walk on it? yes, no problem"): then it is a report."""
    clause = toks[last].clause
    j = last + 1
    while j < len(toks) and toks[j].clause == clause:
        j += 1
    if j >= len(toks) or toks[j].brk != "?" or toks[j].key not in lang.yes_words:
        return False
    start = last
    while start > 0 and toks[start - 1].clause == clause:
        start -= 1
    # "can I ...", "do I ...": the question's subject is the writer
    return start + 1 < j and toks[start + 1].key in lang.self_words
