"""The intake's fast paths give what the straightforward code gives, on every corpus text.

The matcher checks a clause only for the phrases whose rarest required word it holds,
the tokeniser memoises what a word's tokens share and scans with faster patterns, and an
age pattern is skipped when none of its hint strings is in the text: each is compared
here with the plain version (every phrase checked, no memo, the former patterns, every
age pattern run).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import hamtriage
from hamtriage.flows.intake import lexicon_for, tokens
from hamtriage.flows.intake.context import RESOLVED, classify, marks
from hamtriage.flows.intake.matcher import find_phrases
from hamtriage.flows.intake.numbers import find_age
from hamtriage.flows.intake.tokens import tokenize
from hamtriage.rules.languages import LANGUAGES
from tests.support.intake_plain import plain_find_phrases

CORPUS = Path(__file__).resolve().parent / "corpus"


def _texts(lang: str) -> list[str]:
    out: list[str] = []
    for path in sorted((CORPUS / lang).glob("*.yaml")):
        out += [e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))]
    # the same texts run together: long clauses, many anchors per clause
    out += [" ".join(out[i : i + 7]) for i in range(0, len(out), 7)]
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_rare_word_filter_finds_every_candidate(lang: str) -> None:
    # the plain matcher tries every phrase from every first word, with no word records
    lex = lexicon_for(hamtriage.Engine.default().pack, lang)
    texts = _texts(lang)
    toks = [tokenize(t, lex.language, lex.keys) for t in texts]
    fast = [find_phrases(lex, tk) for tk in toks]
    plain = [plain_find_phrases(lex, tk) for tk in toks]
    assert sum(len(c) for c in fast) > len(texts)  # the texts do name items
    for text, a, b in zip(texts, fast, plain, strict=True):
        assert a == b, text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_word_memo_changes_no_token(lang: str) -> None:
    lex = lexicon_for(hamtriage.Engine.default().pack, lang)
    memo: dict[str, tokens.Word] = {}
    for text in _texts(lang):
        assert tokenize(text, lex.language, {}, memo) == tokenize(text, lex.language, {})


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_parts_memo_changes_no_token(lang: str) -> None:
    profile = LANGUAGES[lang]
    memo: dict[str, tokens.Word] = {}
    parts: dict[str, tokens.Parts] = {}
    split = 0
    for text in _texts(lang):
        got = tokenize(text, profile, {}, memo, parts)
        assert got == tokenize(text, profile, {})
        # every word read as the parts the language splits it into
        want = [
            (m.start() + a, m.start() + b)
            for m in _FORMER_TOKEN.finditer(text)
            for a, b in profile.split(m.group(0))
        ]
        assert [(t.start, t.end) for t in got] == want, text
        split += len(want) - len(_FORMER_TOKEN.findall(text))
    assert (split > 100) == (lang == "nl")  # Dutch compounds were split


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_age_hints_skip_only_patterns_that_cannot_match(lang: str) -> None:
    profile = LANGUAGES[lang]
    plain = dataclasses.replace(profile, age_hints=())
    assert not profile.age_hints or len(profile.age_hints) == len(profile.ages)
    extra = [
        "Sam (16) plays rugby",
        "35F, tight calves",
        "now 30 with a bad back",
        "female, 41, back pain",
        "13yo swimmer",
        "17 y/o",
        "aged 16",
        "I'm 51",
        "my son is 15",
        "Mia is 12 and plays netball",
        "(Dave, 44) knee",
        "MY SON IS 15",
    ]
    extra_nl = [
        "Sam (16) doet aan rugby",
        "ik ben 51 en mijn rug is stijf",
        "ben 34, vrouw",
        "Leeftijd: 40",
        "mijn zoon is 15",
        "16 jaar oud, hockey",
        "16jr",
        "MIJN DOCHTER IS 14",
        "cliënt, 17, knie dik",
    ]
    for text in [*_texts(lang), *extra, *extra_nl]:
        a, b = find_age(text, [], profile), find_age(text, [], plain)
        assert a == b, text
    if lang == "en":
        assert all(find_age(t, [], profile) is not None for t in extra)
    else:
        assert all(find_age(t, [], profile) is not None for t in extra_nl)


# the tokeniser's patterns before the fifth speed pass (tokens: digits first; breaks: a
# look-behind tried at every position); the faster ones must find exactly the same
_FORMER_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*|[°%]")
_FORMER_HARD = re.compile(r"(?<!\d)\.|\.(?!\d)|[!?;\n()\[\]]|\s[-\u2013\u2014]\s")
_TRICKY = "aZé1٣²_.,'\u2019°% -\u2013\u2014!?;\n()[]\t\u200bſK"


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=40) | st.text(max_size=40))
def test_the_tokeniser_patterns_find_what_the_former_ones_found(text: str) -> None:
    token = tokens._TOKEN_ASCII if text.isascii() else tokens._TOKEN
    assert _found(token, text) == _found(_FORMER_TOKEN, text)
    assert _found(tokens._TOKEN, text) == _found(_FORMER_TOKEN, text)
    assert _found(tokens._HARD, text) == _found(_FORMER_HARD, text)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_tokeniser_patterns_agree_with_the_former_ones_on_the_corpus(lang: str) -> None:
    for text in _texts(lang):
        token = tokens._TOKEN_ASCII if text.isascii() else tokens._TOKEN
        assert _found(token, text) == _found(_FORMER_TOKEN, text), text
        assert _found(tokens._HARD, text) == _found(_FORMER_HARD, text), text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_context_marks_change_no_verdict(lang: str) -> None:
    # every word and every pair of neighbours of every corpus text read as a mention,
    # with the marks (parse_text's fast path) and without (every scan done)
    profile = LANGUAGES[lang]
    whys: set[str] = set()
    for text in _texts(lang):
        toks = tokenize(text, profile)
        found = marks(toks, profile)
        # other mentions around it (they may glue a list or block an answer)
        listed = frozenset(range(0, len(toks), 3))
        for i in range(len(toks)):
            for idxs in ((i,), (i, i + 1), (i, i + 2)) if i + 2 < len(toks) else ((i,),):
                for items in (frozenset(), listed.difference(idxs)):
                    fast = classify(toks, idxs, items, profile, found)
                    assert fast == classify(toks, idxs, items, profile), (text, idxs, items)
                    whys.add(fast.why)
    # the marks were found where they matter: every rule gave a verdict somewhere (the
    # Dutch corpus asks no general question)
    asked = {"a general question, not about the writer", "asked about, not reported"}
    assert {
        "hypothetical",
        RESOLVED,
        "negated",
        "about someone else",
        "negation too far away to be sure",
        "a worry, not a report",
        *(asked if lang == "en" else ()),
    } <= whys
