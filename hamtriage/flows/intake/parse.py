"""``parse_text``: free text -> a report, the spans used, what was left over, and suspected red flags."""

from __future__ import annotations

import functools
from operator import attrgetter, itemgetter
from types import MappingProxyType

from ...errors import ReportError
from ...report import MAX_ITEMS, Report, SidedValue
from ...rules.languages import Language
from ...rules.pack import RulePack
from .alarms import alarm_starts, find_alarms, screens
from .context import State, Verdict, classify, marks
from .lexicon import Lexicon, intake_language, lexicon_for
from .matcher import Candidate, find_phrases, select
from .mentions import adjust, has_number, soreness, with_nested
from .models import Field, Match, ParsedText, Span, Suspect, make_match, make_span, make_suspect
from .numbers import find_age, measure
from .scans import holding, marked_words
from .tokens import Tok, tokenize

__all__ = ["MAX_INPUT", "Match", "ParsedText", "Span", "Suspect", "parse_text"]

MAX_INPUT = 10_000
"""At most this many characters of free text."""

# "DOMS from hell, can't walk properly" is soreness, not a failing nerve
_SORENESS_ITEMS = frozenset({"progressive_leg_weakness", "unable_to_bear_weight"})


def _span(text: str, toks: list[Tok], idxs: tuple[int, ...] | list[int]) -> tuple[int, int, str]:
    start, end = toks[min(idxs)].start, toks[max(idxs)].end
    return start, end, text[start:end]


def _owned(toks: list[Tok], at: int, c: Candidate, mentions: frozenset[int]) -> bool:
    """Whether the negation ``at``, in an earlier comma segment than ``c``, negates a
    mention of its own segment ("no swelling at all, can straighten it fully")."""
    first = min(c.idxs)
    seg = toks[at].seg
    return seg != toks[first].seg and any(
        k in mentions and toks[k].seg == seg for k in range(at + 1, first)
    )


def parse_text(text: str, pack: RulePack | None = None, *, lang: str = "en") -> ParsedText:
    """Build a :class:`Report` from free text using ``pack``'s lexicon (default: bundled).

    Raises :class:`~hamtriage.ReportError` if ``text`` is not a string or is longer
    than :data:`MAX_INPUT` characters, or if ``lang`` is not a language of the intake
    (:data:`hamtriage.rules.languages.LANGUAGES`) or, other than English, not one ``pack``
    has a translation for (:class:`~hamtriage.LanguageError`). Never raises for what the text says: what it
    cannot use is returned in ``unused`` and ``notes``, and every red-flag alarm word it
    cannot settle is returned in ``suspected`` (and ``report.suspected``).
    """
    if not isinstance(text, str):
        raise ReportError(f"free text must be a string, not {type(text).__name__}", field="text")
    if len(text) > MAX_INPUT:
        raise ReportError(
            f"free text is {len(text)} characters; the limit is {MAX_INPUT}", field="text"
        )
    intake_language(lang)
    if pack is None:
        from ...runtime.run import default_compiled

        pack = default_compiled().pack
    if lang != "en" and lang not in pack.translations:
        from ...catalog import check_lang

        check_lang(lang, pack.languages, pack=pack.pack_id)  # the pack has no such words
    lex = lexicon_for(pack, lang)
    return _parse(text, pack, lex)


_KEY = itemgetter(Tok._fields.index("key"))


@functools.lru_cache(maxsize=8)
def _watched(lang: Language) -> frozenset[str]:
    """The words of the sex, the alarm sequences' starts and the context marks (read-only)."""
    return frozenset().union(lang.sex_words, alarm_starts(lang), marked_words(lang))


_BY_START_ID = attrgetter("start", "id")
_BY_START = attrgetter("start")

_RANK = MappingProxyType({"absent": 0, "suspected": 1, "present": 2})
"""How much a state says: a later mention only ever raises an item's state (read-only)."""


def _parse(text: str, pack: RulePack, lex: Lexicon) -> ParsedText:
    lang = lex.language
    toks = tokenize(text, lang, lex.keys, lex.words_seen, lex.parts_seen)
    used: set[int] = set()
    notes: list[str] = []
    matches: list[Match] = []

    found_age = find_age(text, notes, lang)
    age = None if found_age is None else found_age.value
    if found_age is not None:
        idxs = [i for i, t in enumerate(toks) if found_age.start <= t.start < found_age.end]
        used.update(idxs)
        matches.append(
            make_match(
                id="age",
                field="age",
                text=text[found_age.start : found_age.end],
                start=found_age.start,
                end=found_age.end,
                value=float(found_age.value),
            )
        )
    sex: str | None = None
    sex_words = lang.sex_words
    # one pass finds the tokens the sex words, the alarms and the context marks read
    some = holding(toks, _watched(lang))
    for i in [i for i, t in some if t.norm in sex_words]:  # few: no loop per word
        t = toks[i]
        if i not in used:
            if sex is None:
                sex = sex_words[t.norm]
                used.add(i)
                matches.append(
                    make_match(id=sex, field="sex", text=t.raw, start=t.start, end=t.end)
                )
            elif sex_words[t.norm] != sex:
                notes.append(f"'{t.raw}' contradicts the sex given earlier and was left out")

    cands = find_phrases(lex, toks)
    if used:  # the age's tokens are taken
        cands = [c for c in cands if used.isdisjoint(c.idxs)]
    chosen = []
    for c in with_nested(select(cands), cands):
        if has_number(c, toks):
            chosen.append(c)
        else:
            span = _span(text, toks, c.tokens)[2]
            notes.append(f"'{span}' names {c.phrase.vid} but no number was found next to it")
    in_phrases: set[int] = set().union(*[c.tokens for c in chosen])
    free = set(range(len(toks))).difference(used, in_phrases)
    hits = find_alarms(toks, free, lex.red_flag_ids, lang, some)
    mentions = frozenset(in_phrases.union(*[h.idxs for h in hits]))

    found = marks(toks, lang, some)  # so a mention's context skips scans it need not do
    state: dict[str, str] = {}  # id -> "present" | "suspected" | "absent"
    order: list[str] = []
    suspects: list[Suspect] = []
    measurements: dict[str, float | SidedValue] = {}
    activities: list[str] = []

    def settle(vid: str, new: str) -> None:
        rank = _RANK
        old = state.get(vid)
        if old is None:
            order.append(vid)
        if old is None or rank[new] > rank[old]:
            state[vid] = new

    def suspect(vid: str, idxs: tuple[int, ...], reason: str) -> None:
        start, end, span = _span(text, toks, idxs)
        suspects.append(
            make_suspect(
                id=vid, text=span, start=start, end=end, question=lex.questions[vid], reason=reason
            )
        )
        settle(vid, "suspected")

    for c in chosen:
        vid, kind = c.phrase.vid, c.phrase.kind
        start, end, span = _span(text, toks, c.tokens)
        if kind == "measurement":
            first, last = min(c.idxs), max(c.idxs)
            before = len(notes)
            got = measure(pack, vid, toks, first, last, used | in_phrases, notes, lang)
            if got is None:
                if len(notes) == before:
                    notes.append(f"'{span}' names {vid} but no number was found next to it")
                continue
            used.update(c.tokens, got.used)
            start = min(start, *(toks[i].start for i in got.used)) if got.used else start
            end = max(end, toks[got.last].end)
            prior = measurements.get(vid)
            if got.sides:
                merged = dict(got.sides)
                if isinstance(prior, SidedValue):
                    merged = {
                        **{
                            k: v
                            for k, v in (("left", prior.left), ("right", prior.right))
                            if v is not None
                        },
                        **merged,
                    }
                measurements[vid] = SidedValue(**merged)
            elif prior is None and got.value is not None:
                measurements[vid] = got.value
            for side, value in got.sides.items() if got.sides else [(None, got.value)]:
                matches.append(
                    make_match(
                        id=vid,
                        field="measurements",
                        text=text[start:end],
                        start=start,
                        end=end,
                        value=value,
                        side=side,
                        unit=got.unit,
                    )
                )
            continue
        verdict = classify(toks, c.idxs, mentions.difference(c.tokens), lang, found)
        verdict = adjust(verdict, vid, toks, c.idxs, lex, pack, c.phrase.affirms)
        used.update(c.tokens)
        if verdict.trigger is not None and verdict.state is State.ABSENT:
            used.add(verdict.trigger)
            start = min(start, toks[verdict.trigger].start)
            end = max(end, toks[verdict.trigger].end)
            span = text[start:end]
        if c.phrase.affirms:  # "I can walk on it fine": denies unable_to_bear_weight
            at = verdict.trigger
            inside = at is not None and min(c.idxs) < at < max(c.idxs)
            if at is not None and toks[at].key in lex.language.post_fine:
                verdict = Verdict(State.PRESENT)  # "can walk on it fine" affirms
            elif (
                verdict.state is State.AMBIGUOUS
                and at is not None
                and _owned(toks, at, c, mentions)
            ):
                verdict = Verdict(State.PRESENT)  # "no swelling, can straighten it": not ours
            if verdict.state is State.PRESENT:
                settle(vid, "absent")
                matches.append(
                    make_match(
                        id=vid, field="absent", text=span, start=start, end=end, negated=True
                    )
                )
            elif verdict.state is State.ABSENT and inside and c.phrase.red_flag:
                suspect(vid, c.idxs, f"'{span}': an ability denied")
            else:
                notes.append(f"'{span}' ({vid}): {verdict.why or 'unsure'}; left out")
            continue
        if (
            verdict.state in (State.PRESENT, State.AMBIGUOUS)
            and vid in _SORENESS_ITEMS
            and soreness(toks, c.idxs, lang)
        ):
            notes.append(f"'{span}': read as muscle soreness (DOMS), not {vid}; left out")
            continue
        if kind == "activity":
            if verdict.state is State.PRESENT:
                activities.append(vid) if vid not in activities else None
                matches.append(
                    make_match(id=vid, field="activities", text=span, start=start, end=end)
                )
            else:
                notes.append(f"'{span}': not doing {vid} is not part of a report; left out")
            continue
        if verdict.state is State.PRESENT or (
            verdict.state is State.AMBIGUOUS and not c.phrase.red_flag
        ):
            # an unsure negation of an ordinary complaint: keep it (it cannot raise the level)
            settle(vid, "present")
            fld: Field = "history" if kind == "history" else "symptoms"
            matches.append(make_match(id=vid, field=fld, text=span, start=start, end=end))
        elif verdict.state is State.ABSENT:
            settle(vid, "absent")
            matches.append(
                make_match(id=vid, field="absent", text=span, start=start, end=end, negated=True)
            )
        elif c.phrase.red_flag and verdict.state is State.AMBIGUOUS:
            suspect(vid, c.idxs, f"'{span}': {verdict.why}")
        else:
            notes.append(f"'{span}' ({vid}): {verdict.why}; left out")

    for hit in hits:
        verdict = classify(toks, hit.idxs, mentions.difference(hit.idxs), lang, found)
        verdict = adjust(verdict, hit.item, toks, hit.idxs, lex, pack)
        start, end, span = _span(text, toks, hit.idxs)
        if verdict.state is State.ABSENT and verdict.trigger is not None:
            # an unambiguous denial of the alarm ("no pop", "doesn't wake me at night")
            used.update((*hit.idxs, verdict.trigger))
            settle(hit.item, "absent")
            lo, hi = min(start, toks[verdict.trigger].start), max(end, toks[verdict.trigger].end)
            matches.append(
                make_match(
                    id=hit.item, field="absent", text=text[lo:hi], start=lo, end=hi, negated=True
                )
            )
            continue
        if verdict.state in (State.ABSENT, State.DROPPED):
            used.update(hit.idxs)
            continue
        if hit.item in _SORENESS_ITEMS and soreness(toks, hit.idxs, lang):
            notes.append(f"'{span}': read as muscle soreness (DOMS), not {hit.item}; left out")
            continue
        used.update(hit.idxs)
        suspect(hit.item, hit.idxs, f"alarm word '{span}'")

    values = {k: v for k, v in measurements.items() if isinstance(v, float)}
    keys = set(map(_KEY, toks))
    for item, basis, why in screens(state, age, keys, lex.regions, lang, values):
        if item in lex.questions:
            m = next(m for m in matches if m.id == basis)
            suspects.append(
                make_suspect(
                    id=item,
                    text=m.text,
                    start=m.start,
                    end=m.end,
                    question=lex.questions[item],
                    reason=why,
                )
            )
            settle(item, "suspected")
    symptoms: list[str] = []
    history: list[str] = []
    absent: list[str] = []
    suspected: list[str] = []
    kinds = lex.kinds
    for v in order:  # one pass, not a list comprehension per state
        now = state[v]
        if now == "present":
            kind = kinds[v]
            if kind == "symptom":
                symptoms.append(v)
            elif kind == "history":
                history.append(v)
        elif now == "absent":
            absent.append(v)
        elif now == "suspected":
            suspected.append(v)
    keep = set(suspected)
    report = Report(
        symptoms=tuple(symptoms[:MAX_ITEMS]),
        absent=tuple(absent[:MAX_ITEMS]),
        history=tuple(history[:MAX_ITEMS]),
        activities=tuple(activities[:MAX_ITEMS]),
        measurements=measurements,
        age=age,
        sex=sex,  # type: ignore[arg-type]
        suspected=tuple(suspected[:MAX_ITEMS]),
    )
    matches.sort(key=_BY_START_ID)
    seen: set[str] = set()
    kept: list[Suspect] = []
    for s in sorted(suspects, key=_BY_START):
        if s.id in keep and s.id not in seen:
            seen.add(s.id)
            kept.append(s)
    return ParsedText(
        report=report,
        matches=tuple(matches),
        unused=_unused(text, toks, used, lex.quiet),
        notes=tuple(notes),
        suspected=tuple(kept),
    )


def _unused(text: str, toks: list[Tok], used: set[int], quiet: frozenset[str]) -> tuple[Span, ...]:
    """Runs of content tokens that were not used (fillers and ``quiet`` words, negations
    and idle ones, alone are dropped). One pass: a run keeps only its first and last
    content token, so no list of tokens is built per run."""
    out: list[Span] = []
    first: Tok | None = None
    last: Tok | None = None
    open_run = False
    seg = -1
    for i, t in enumerate(toks):
        if i in used or (open_run and t.seg != seg):
            if first is not None and last is not None:
                out.append(
                    make_span(text=text[first.start : last.end], start=first.start, end=last.end)
                )
            first = None
            open_run = False
            if i in used:
                continue
        open_run = True
        seg = t.seg
        if not (t.filler or t.key in quiet):
            if first is None:
                first = t
            last = t
    if first is not None and last is not None:
        out.append(make_span(text=text[first.start : last.end], start=first.start, end=last.end))
    return tuple(out)
