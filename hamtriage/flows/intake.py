"""Free-text intake: turn what an athlete writes into a :class:`~hamtriage.Report`.

``parse_text("my back seizes up when I deadlift and I can't touch my toes")`` matches
the text against the pack's vocabulary (ids, labels and ``synonyms:``) and returns the
report, the spans it matched and the text it could not use. Deterministic, rule-based,
no network and no model.

Matching is tolerant the way people write:

* case, punctuation and apostrophes are folded (``Can't`` = ``cant``);
* words are reduced to a rough stem (``calves`` = ``calf``, ``seized`` = ``seizes``,
  ``numbness`` = ``numb``), so plurals and tenses match;
* filler words (``my``, ``the``, ``really``, ``always``, ...) are ignored, and the words
  of a phrase may come in any order within a short window of the same clause
  (``spasms in my back`` matches ``back spasms``);
* a negation before a phrase in the same clause (``no``, ``not``, ``never``,
  ``without``, ``don't``, ...) puts a symptom or history item under ``absent``
  (``no numbness down there`` -> ``saddle_numbness`` absent); ``and``, ``but`` and
  punctuation end a negation's reach;
* a measurement phrase takes the nearest number in its clause, with an optional unit
  (``knee to wall 7 cm``, ``7cm``), and ``left`` / ``right`` next to numbers make a
  sided value (``knee to wall left 7 right 11``);
* ``34 years old`` / ``age 34`` set the age; ``female`` / ``woman`` / ``male`` / ``man``
  the sex.

Longer phrases win over shorter ones that overlap them. Values outside a test's
valid range are not put in the report; they are listed in ``notes`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..errors import ReportError
from ..report import MAX_ITEMS, Report
from ..rules.pack import RulePack

__all__ = ["MAX_INPUT", "Match", "ParsedText", "Span", "parse_text", "stem"]

MAX_INPUT = 10_000
"""At most this many characters of free text."""

Field = Literal["symptoms", "absent", "history", "activities", "measurements", "age", "sex"]

_TOKEN = re.compile(r"[-+]?\d+(?:[.,]\d+)?|[a-z0-9]+(?:'[a-z]+)?|[°]", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(
    r"(?<!\d)\.|\.(?!\d)|[;!?\n,:()]|\bbut\b|\bhowever\b|\balthough\b", re.IGNORECASE
)
_SENTENCE_BREAK = re.compile(r"(?<!\d)\.|\.(?!\d)|[;!?\n()]|\bbut\b|\bhowever\b", re.IGNORECASE)

FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "me",
        "i",
        "im",
        "ive",
        "id",
        "its",
        "it",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "being",
        "really",
        "very",
        "so",
        "just",
        "quite",
        "pretty",
        "bit",
        "little",
        "kind",
        "sort",
        "of",
        "always",
        "often",
        "sometimes",
        "usually",
        "when",
        "whenever",
        "while",
        "if",
        "also",
        "too",
        "like",
        "get",
        "gets",
        "got",
        "getting",
        "feel",
        "feels",
        "felt",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "this",
        "that",
        "these",
        "those",
        "some",
        "any",
        "lot",
        "lots",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "then",
        "now",
        "again",
        "still",
        "up",
        "think",
        "guess",
        "maybe",
        "kinda",
        "sorta",
        "literally",
        "totally",
        "super",
    ]
)
"""Words ignored when matching (they may still appear inside a phrase)."""

NEGATIONS = frozenset(
    [
        "no",
        "not",
        "never",
        "without",
        "dont",
        "doesnt",
        "didnt",
        "havent",
        "hasnt",
        "hadnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "wont",
        "nor",
        "none",
        "neither",
        "nothing",
        "deny",
        "denies",
        "denied",
        "nope",
    ]
)
"""Words that put a following symptom or history item under ``absent``."""

_SCOPE_END = frozenset({"and", "but", "though", "yet", "except"})

_IRREGULAR = {
    "calves": "calf",
    "halves": "half",
    "feet": "foot",
    "teeth": "tooth",
    "hammies": "hammy",
    "women": "woman",
    "men": "man",
    "cannot": "cant",
}

_UNITS: dict[str, tuple[str, ...]] = {
    "cm": ("cm", "cms", "centimetre", "centimetres", "centimeter", "centimeters"),
    "deg": ("deg", "degs", "degree", "degrees", "°"),
    "reps": ("rep", "reps", "repetition", "repetitions", "times"),
    "N": ("n", "newton", "newtons"),
    "mm": ("mm", "millimetre", "millimetres", "millimeter", "millimeters"),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"),
    "s": ("s", "sec", "secs", "second", "seconds"),
    "in": ("inch", "inches", "ft", "foot", "feet"),
    "lb": ("lb", "lbs", "pound", "pounds"),
    "%": ("%", "percent"),
}

_SEX_WORDS = {"female": "female", "woman": "female", "male": "male", "man": "male"}
_AGE = (
    re.compile(
        r"\b(?:(?:i\s*(?:'|’)?\s*a?m\s+)?(?P<a>\d{1,3})\s*-?\s*(?:years?|yrs?|y/?o)(?:\s*-?\s*old)?"
        r"|aged?\s*(?P<b>\d{1,3}))\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bi\s*(?:'|’)?\s*a?m\s+(?P<c>\d{1,3})\b(?!\s*(?:cm|mm|deg|°|%|kg|lb|rep|n\b|newton|inch))",
        re.IGNORECASE,
    ),
)


def stem(word: str) -> str:
    """A rough, deterministic stem: ``calves`` -> ``calf``, ``seized`` -> ``seiz``."""
    w = word.lower().replace("'", "").replace("\u2019", "")
    w = _IRREGULAR.get(w, w)
    stripped = False
    if len(w) > 6 and w.endswith("ness"):
        w = w[:-4]
    elif len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w, stripped = w[:-3], True
    elif len(w) > 4 and w.endswith("ed"):
        w, stripped = w[:-2], True
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if stripped and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Match(_Model):
    """A span of the text that became part of the report."""

    id: str
    field: Field
    text: str
    start: int
    end: int
    negated: bool = False
    value: float | None = None
    side: Literal["left", "right"] | None = None
    unit: str | None = None


class Span(_Model):
    """A stretch of text that was not used."""

    text: str
    start: int
    end: int


class ParsedText(_Model):
    """The report built from free text, what was matched and what was left over."""

    report: Report
    matches: tuple[Match, ...] = ()
    unused: tuple[Span, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def unused_text(self) -> str:
        """The unused spans joined with `` ... ``."""
        return " ... ".join(s.text for s in self.unused)


@dataclass(frozen=True, slots=True)
class _Tok:
    raw: str
    norm: str
    stem: str
    start: int
    end: int
    clause: int
    sentence: int
    number: float | None


@dataclass(frozen=True, slots=True)
class _Phrase:
    vid: str
    kind: str
    stems: tuple[str, ...]


def _tokens(text: str) -> list[_Tok]:
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    stops = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
    out: list[_Tok] = []
    clause = sentence = 0
    b = s = 0
    for m in _TOKEN.finditer(text):
        while b < len(breaks) and breaks[b] < m.start():
            clause += 1
            b += 1
        while s < len(stops) and stops[s] < m.start():
            sentence += 1
            s += 1
        raw = m.group(0)
        number: float | None = None
        if re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", raw):
            number = float(raw.replace(",", "."))
        norm = raw.lower().replace("'", "").replace("\u2019", "")
        out.append(_Tok(raw, norm, stem(norm), m.start(), m.end(), clause, sentence, number))
    return out


def _split_units(text: str) -> str:
    """``7cm`` -> ``7 cm`` so numbers and units are separate tokens."""
    return re.sub(r"(\d)([a-zA-Z°]+)", r"\1 \2", text)


def _phrases(pack: RulePack) -> list[_Phrase]:
    out: list[_Phrase] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for kind, table in (
        ("symptom", pack.symptoms),
        ("history", pack.history),
        ("activity", pack.activities),
        ("measurement", pack.measurements),
    ):
        for vid, item in table.items():
            for text in (vid.replace("_", " "), item.label, *item.synonyms):
                toks = [t.norm for t in _tokens(_split_units(text))]
                stems = tuple(stem(t) for t in toks if t not in FILLERS)
                if kind == "measurement" and text == vid.replace("_", " "):
                    # "knee_to_wall_cm": the unit is not part of the name
                    stems = tuple(s for s in stems if not _is_unit(s)) or stems
                if not stems:
                    stems = tuple(stem(t) for t in toks)
                if not stems or (vid, stems) in seen:
                    continue
                seen.add((vid, stems))
                out.append(_Phrase(vid, kind, stems))
    return out


def _find(phrase: _Phrase, content: list[tuple[int, _Tok]]) -> list[tuple[int, ...]]:
    """Occurrences of ``phrase`` among a clause's content tokens: the token indices used."""
    n = len(phrase.stems)
    slack = 0 if n == 1 else 1 if n == 2 else 2
    found: list[tuple[int, ...]] = []
    wanted = set(phrase.stems)
    for i, (_, tok) in enumerate(content):
        if tok.stem not in wanted:
            continue
        window = content[i : i + n + slack]
        remaining = list(phrase.stems)
        used: list[int] = []
        for idx, t in window:
            if t.stem in remaining:
                remaining.remove(t.stem)
                used.append(idx)
                if not remaining:
                    break
        if not remaining:
            found.append(tuple(used))
    return found


def _is_unit(word: str) -> bool:
    return any(word in words for words in _UNITS.values())


def _unit_of(tok: _Tok | None) -> str | None:
    if tok is None:
        return None
    for unit, words in _UNITS.items():
        if tok.norm in words:
            return unit
    return None


def parse_text(text: str, pack: RulePack | None = None) -> ParsedText:
    """Build a :class:`Report` from free text using ``pack``'s vocabulary (default: bundled).

    Raises :class:`~hamtriage.ReportError` if ``text`` is not a string or is longer
    than :data:`MAX_INPUT` characters. Never raises for what the text says: what it
    cannot use is returned in ``unused`` and ``notes``.
    """
    if not isinstance(text, str):
        raise ReportError(f"free text must be a string, not {type(text).__name__}", field="text")
    if len(text) > MAX_INPUT:
        raise ReportError(
            f"free text is {len(text)} characters; the limit is {MAX_INPUT}", field="text"
        )
    if pack is None:
        from ..runtime.run import default_compiled

        pack = default_compiled().pack
    work = _split_units(text)
    # map positions in ``work`` back to ``text`` (only spaces were inserted)
    back: list[int] = []
    j = 0
    for ch in work:
        back.append(j)
        if j < len(text) and text[j] == ch:
            j += 1
    back.append(len(text))
    toks = _tokens(work)
    used: set[int] = set()
    notes: list[str] = []

    # age and sex first, so their numbers are not taken as measurements
    age: int | None = None
    for m in (*_AGE[0].finditer(work), *_AGE[1].finditer(work)):
        age_value = int(next(g for g in m.groupdict().values() if g))
        if 0 <= age_value <= 120:
            age = age_value
            for i, t in enumerate(toks):
                if m.start() <= t.start < m.end():
                    used.add(i)
            break
        notes.append(f"age {age_value} is outside 0-120 and was left out")
    sex: str | None = None
    matches: list[Match] = []
    if age is not None:
        span_toks = [toks[i] for i in sorted(used)]
        matches.append(
            Match(
                id="age",
                field="age",
                text=text[back[span_toks[0].start] : back[span_toks[-1].end]],
                start=back[span_toks[0].start],
                end=back[span_toks[-1].end],
                value=float(age),
            )
        )
    for i, t in enumerate(toks):
        if t.norm in _SEX_WORDS and i not in used:
            if sex is None:
                sex = _SEX_WORDS[t.norm]
                used.add(i)
                matches.append(
                    Match(
                        id=sex,
                        field="sex",
                        text=text[back[t.start] : back[t.end]],
                        start=back[t.start],
                        end=back[t.end],
                    )
                )
            elif _SEX_WORDS[t.norm] != sex:
                notes.append(f"'{t.raw}' contradicts the sex given earlier and was left out")

    # content tokens by clause
    clauses: dict[int, list[tuple[int, _Tok]]] = {}
    for i, t in enumerate(toks):
        if t.norm in FILLERS or i in used:
            continue
        clauses.setdefault(t.clause, []).append((i, t))

    candidates: list[tuple[int, int, int, _Phrase, tuple[int, ...]]] = []
    for order, phrase in enumerate(_phrases(pack)):
        for content in clauses.values():
            for idxs in _find(phrase, content):
                spread = idxs[-1] - idxs[0] if idxs else 0
                candidates.append((-len(phrase.stems), spread, order, phrase, idxs))
    candidates.sort(key=lambda c: (c[0], c[1], min(c[4]), c[2]))

    chosen: list[tuple[_Phrase, tuple[int, ...]]] = []
    taken_ids: set[str] = set()
    for _, _, _, phrase, idxs in candidates:
        if any(i in used for i in idxs):
            continue
        if phrase.vid in taken_ids:
            continue
        chosen.append((phrase, idxs))
        taken_ids.add(phrase.vid)
        used.update(idxs)
    chosen.sort(key=lambda c: min(c[1]))

    symptoms: list[str] = []
    absent: list[str] = []
    history: list[str] = []
    activities: list[str] = []
    measurements: dict[str, float | dict[str, float]] = {}

    for phrase, idxs in chosen:
        first, last = min(idxs), max(idxs)
        start, end = back[toks[first].start], back[toks[last].end]
        span = text[start:end]
        if phrase.kind == "measurement":
            before = len(notes)
            taken = _measure(pack, phrase.vid, toks, first, last, used, notes)
            if taken is None and len(notes) == before:
                notes.append(f"'{span}' names {phrase.vid} but no number was found next to it")
            if taken is None:
                continue
            value, sides, unit, n_end = taken
            measurements[phrase.vid] = sides if sides else value
            end = max(end, back[toks[n_end].end])
            for side, v in sides.items() if sides else [(None, value)]:
                matches.append(
                    Match(
                        id=phrase.vid,
                        field="measurements",
                        text=text[start:end],
                        start=start,
                        end=end,
                        value=v,
                        side=side,  # type: ignore[arg-type]
                        unit=unit,
                    )
                )
            continue
        negated = _negated(toks, first, idxs)
        if negated is not None:
            used.add(negated)
            start = min(start, back[toks[negated].start])
            span = text[start:end]
        if phrase.kind == "activity":
            if negated is not None:
                notes.append(f"'{span}': not doing {phrase.vid} is not part of a report; left out")
                continue
            activities.append(phrase.vid)
            fld: Field = "activities"
        elif negated is not None:
            absent.append(phrase.vid)
            fld = "absent"
        elif phrase.kind == "history":
            history.append(phrase.vid)
            fld = "history"
        else:
            symptoms.append(phrase.vid)
            fld = "symptoms"
        matches.append(
            Match(
                id=phrase.vid,
                field=fld,
                text=span,
                start=start,
                end=end,
                negated=negated is not None,
            )
        )

    unused = _unused(text, back, toks, used)
    report = Report(
        symptoms=tuple(symptoms[:MAX_ITEMS]),
        absent=tuple(absent[:MAX_ITEMS]),
        history=tuple(history[:MAX_ITEMS]),
        activities=tuple(activities[:MAX_ITEMS]),
        measurements=measurements,  # type: ignore[arg-type]
        age=age,
        sex=sex,  # type: ignore[arg-type]
    )
    matches.sort(key=lambda m: (m.start, m.id))
    return ParsedText(report=report, matches=tuple(matches), unused=unused, notes=tuple(notes))


def _negated(toks: list[_Tok], first: int, idxs: tuple[int, ...]) -> int | None:
    """Index of a negation word that governs the phrase starting at ``first``, if any."""
    clause = toks[first].clause
    steps = 0
    i = first - 1
    while i >= 0 and toks[i].clause == clause and steps < 6:
        t = toks[i]
        if i in idxs:
            i -= 1
            continue
        if t.norm in _SCOPE_END:
            return None
        if t.norm in NEGATIONS:
            return i
        if t.norm not in FILLERS:
            steps += 1
        i -= 1
    return None


def _measure(
    pack: RulePack,
    vid: str,
    toks: list[_Tok],
    first: int,
    last: int,
    used: set[int],
    notes: list[str],
) -> tuple[float, dict[str, float], str | None, int] | None:
    """The value(s) after (or just before) a measurement phrase: (value, sides, unit, last idx)."""
    item = pack.measurements[vid]
    clause = toks[first].sentence
    sides: dict[str, float] = {}
    value: float | None = None
    unit: str | None = None
    n_end = last
    i = last + 1
    pending_side: str | None = None
    while i < len(toks) and toks[i].sentence == clause and i - last <= 8:
        t = toks[i]
        if i in used:
            break
        if t.norm in ("left", "right", "l", "r"):
            pending_side = "left" if t.norm in ("left", "l") else "right"
            used.add(i)
            n_end = i
        elif t.number is not None:
            nxt = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].sentence == clause else None
            found_unit = _unit_of(nxt)
            v = t.number
            lo, hi = item.range
            used.add(i)
            n_end = i
            if found_unit is not None:
                used.add(i + 1)
                n_end = i + 1
                unit = found_unit
                if found_unit.lower() != item.unit.lower():
                    notes.append(
                        f"{vid}: '{t.raw} {nxt.raw if nxt else ''}' is not in {item.unit}; left out"
                    )
                    return None
            if not lo <= v <= hi:
                notes.append(
                    f"{vid}: {v:g} {item.unit} is outside the valid range [{lo:g}, {hi:g}]; left out"
                )
                return None
            after = toks[n_end + 1] if n_end + 1 < len(toks) else None
            side = pending_side
            if side is None and after is not None and after.norm in ("left", "right"):
                side = after.norm
                used.add(n_end + 1)
                n_end += 1
            if side is not None and item.sided:
                sides[side] = v
                pending_side = None
                if len(sides) == 2:
                    break
                i = n_end + 1
                continue
            value = v
            break
        elif t.norm in FILLERS or t.norm in ("and", "on", "side", "is", "was", "of", "about"):
            pass
        elif sides:
            break
        i += 1
    if sides:
        known = list(sides.values())
        best = min(known) if item.worse == "lower" else max(known)
        return best, sides, unit or item.unit, n_end
    if value is not None:
        return value, {}, unit or item.unit, n_end
    # a number just before the phrase: "7 cm knee to wall"
    j = first - 1
    if j >= 0 and toks[j].sentence == clause:
        u = _unit_of(toks[j])
        k = j - 1 if u is not None else j
        if k >= 0 and k not in used and toks[k].number is not None and toks[k].sentence == clause:
            ahead = toks[k].number
            lo, hi = item.range
            if (
                ahead is not None
                and (u is None or u.lower() == item.unit.lower())
                and lo <= ahead <= hi
            ):
                used.update({k, j})
                return ahead, {}, u or item.unit, last
    return None


def _unused(text: str, back: list[int], toks: list[_Tok], used: set[int]) -> tuple[Span, ...]:
    """Runs of content tokens that were not used (fillers and negations alone are dropped)."""
    out: list[Span] = []
    run: list[_Tok] = []

    def flush() -> None:
        def idle(t: _Tok) -> bool:
            return t.norm in FILLERS or t.norm in NEGATIONS or t.norm in _SCOPE_END

        content = [t for t in run if not idle(t)]
        if content:
            start, end = back[content[0].start], back[content[-1].end]
            out.append(Span(text=text[start:end], start=start, end=end))
        run.clear()

    for i, t in enumerate(toks):
        if i in used or (run and t.clause != run[-1].clause):
            flush()
        if i not in used:
            run.append(t)
    flush()
    return tuple(out)
