"""The sixth speed pass's fast paths (word records, the tokeniser's single scan) against the plain code.

The matcher reads each word's places, rare and first phrases from one memoised record
(:mod:`hamtriage.flows.intake.wordplaces`) and tests a clause with compact masks; the
tokeniser finds token texts in one scan, places them with ``str.find``, tests breaks
against the next one only, and keeps each word's number in its memo. Each is compared
with :mod:`tests.support.intake_plain` on every corpus text, on benchmark messages and
on random texts.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import hamtriage
from benchmarks import intake as bench
from hamtriage.flows.intake import lexicon_for, tokens
from hamtriage.flows.intake.matcher import find_phrases
from hamtriage.flows.intake.tokens import Parts, Word, tokenize
from hamtriage.flows.intake.wordplaces import NO_RECORD, record
from hamtriage.rules.languages import LANGUAGES
from tests.support.intake_plain import plain_find_phrases, plain_tokenize

ROOT = Path(__file__).resolve().parent.parent


def _texts(lang: str) -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "tests" / "corpus" / lang).glob("*.yaml")):
        out += [e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))]
    out += [" ".join(out[i : i + 7]) for i in range(0, len(out), 7)]
    rng = random.Random(6)
    sentences = bench.SENTENCES if lang == "en" else bench.SENTENCES_NL
    return out + [bench.message(rng, 300, sentences) for _ in range(60)]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_tokeniser_gives_the_plain_tokens(lang: str) -> None:
    lex = lexicon_for(hamtriage.Engine.default().pack, lang)
    fresh: dict[str, Word] = {}
    parts: dict[str, Parts] = {}
    for text in _texts(lang):
        want = plain_tokenize(text, lex.language)
        assert tokenize(text, lex.language, lex.keys, lex.words_seen, lex.parts_seen) == want
        assert tokenize(text, lex.language, {}, fresh, parts) == want  # memo filled here
        assert tokenize(text, lex.language, {}, fresh, parts) == want  # and read here


# breaks of both kinds next to each other and to numbers ("12,5", "3.", "- 4"), words
# joined by apostrophes, letters that are not ASCII, a combining accent and digits of
# another script
_TRICKY = "ab Zé\u0301ſ1٣2_.,:'\u2019°% -\u2013!?;\n()[]\t"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=60) | st.text(max_size=40), st.sampled_from(["en", "nl"]))
def test_the_tokeniser_gives_the_plain_tokens_on_any_text(text: str, lang: str) -> None:
    profile = LANGUAGES[lang]
    memo: dict[str, Word] = {}
    parts: dict[str, Parts] = {}
    want = plain_tokenize(text, profile)
    assert tokenize(text, profile, {}, memo, parts) == want
    assert tokenize(text, profile, {}, memo, parts) == want


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_matcher_finds_what_the_plain_matcher_finds(lang: str) -> None:
    lex = lexicon_for(hamtriage.Engine.default().pack, lang)
    texts = _texts(lang)
    found = 0
    for text in texts:
        toks = tokenize(text, lex.language, lex.keys, lex.words_seen, lex.parts_seen)
        got = find_phrases(lex, toks)
        assert got == plain_find_phrases(lex, toks), text
        found += len(got)
    assert found > 3 * len(texts)  # the texts do name items


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_word_record_answers_what_the_lexicon_answers(lang: str) -> None:
    lex = lexicon_for(hamtriage.Engine.default().pack, lang)
    tables = lex.tables
    rares = 0
    for text in _texts(lang)[:200]:
        for t in tokenize(text, lex.language, lex.keys):
            rec = record(lex, tables, t)
            assert tables.memo[t.raw] is rec
            places = frozenset() if t.number is not None else lex.hits(t.key, t.norm)
            if not places:
                assert rec is NO_RECORD
                continue
            assert rec[0] == {lex.bases[p] + ti for p, ti in places}
            assert rec[3] == lex.firsts(places)
            assert [p for p, _ in rec[2]] == sorted(lex.rares(places))
            for pid, need in rec[2]:  # the other required words' bits, and only those
                want = {tables.other[(pid, ti)] for ti in lex.needs[pid] if ti != lex.rare[pid]}
                assert need == sum(1 << b for b in want)
                rares += len(want) > 0
    assert rares > 100


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=60), st.sampled_from([",.", "-", ",x", ";"]))
def test_soft_breaks_one_scan_cannot_take_are_read_apart(text: str, soft: str) -> None:
    # a soft break that could overlap a token or a hard break takes the three-scan path,
    # which gives the plain tokens too
    profile = dataclasses.replace(LANGUAGES["en"], soft_breaks=soft)
    assert tokens._scans(soft) is None
    assert tokens._scans(",:") is not None
    assert tokenize(text, profile, {}, {}, {}) == plain_tokenize(text, profile)


def test_the_one_scan_tokeniser_reads_breaks_inside_and_beside_numbers() -> None:
    # the comma of "12,5" is a soft break after the number; "3." ends a clause, "3.5"
    # does not; " - " ends a clause, "-4" does not
    toks = tokenize("knee 12,5 cm, 3. back 3.5 - pain -4 (left)", LANGUAGES["en"])
    assert [(t.raw, t.clause, t.seg) for t in toks] == [
        ("knee", 0, 0),
        ("12,5", 0, 0),
        ("cm", 0, 1),
        ("3", 0, 2),
        ("back", 1, 3),
        ("3.5", 1, 3),
        ("pain", 2, 4),
        ("4", 2, 4),
        ("left", 3, 5),
    ]
    assert toks == plain_tokenize("knee 12,5 cm, 3. back 3.5 - pain -4 (left)", LANGUAGES["en"])
