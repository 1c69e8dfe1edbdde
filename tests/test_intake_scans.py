"""The C-level word placing of the context marks and the alarms finds what a plain scan finds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamtriage.flows.intake.alarms import find_alarms
from hamtriage.flows.intake.scans import marks, where, words_of
from hamtriage.flows.intake.tokens import tokenize
from hamtriage.rules.languages import LANGUAGES
from tests.test_intake_fastpath import _texts

_WORDS = st.lists(st.sampled_from(["no", "not", "knee", "pop", "", "No", "fine", "x"]), max_size=30)


@given(_WORDS, st.frozensets(st.sampled_from(["no", "pop", "fine", "y", ""])))
def test_where_places_every_wanted_word(words: list[str], wanted: frozenset[str]) -> None:
    assert where(words, wanted) == {i for i, w in enumerate(words) if w in wanted}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_marks_and_alarms_read_the_same_with_the_callers_words(lang: str) -> None:
    profile = LANGUAGES[lang]
    known = frozenset(i for a in profile.alarms for _, i in a.items)
    hits = 0
    for text in _texts(lang):
        toks = tokenize(text, profile)
        words = words_of(toks)
        assert words == ([t.key for t in toks], [t.norm for t in toks])
        assert marks(toks, profile, words) == marks(toks, profile)
        free = set(range(0, len(toks), 2)) | set(range(len(toks) // 2))
        got = find_alarms(toks, free, known, profile, words)
        assert got == find_alarms(toks, free, known, profile)
        hits += len(got)
    assert hits > 50  # the texts do hold alarm words
