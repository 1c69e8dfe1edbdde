"""One pass over the tokens serves the sex words, the alarms and the context marks: each reads what its own pass read."""

from __future__ import annotations

import pytest

from hamtriage.flows.intake import parse
from hamtriage.flows.intake.alarms import alarm_starts, find_alarms
from hamtriage.flows.intake.scans import holding, marked_words, marks
from hamtriage.flows.intake.tokens import tokenize
from hamtriage.rules.languages import LANGUAGES
from tests.test_intake_fastpath import _texts


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_shared_pass_finds_what_each_own_pass_found(lang: str) -> None:
    profile = LANGUAGES[lang]
    known = frozenset(i for a in profile.alarms for _, i in a.items)
    watched = parse._watched(profile)
    assert alarm_starts(profile) | marked_words(profile) | set(profile.sex_words) <= watched
    hits = 0
    for text in _texts(lang):
        toks = tokenize(text, profile)
        some = holding(toks, watched)
        assert marks(toks, profile, some) == marks(toks, profile)
        # every other token and the first half free: alarms read only free tokens
        free = set(range(0, len(toks), 2)) | set(range(len(toks) // 2))
        got = find_alarms(toks, free, known, profile, some)
        assert got == find_alarms(toks, free, known, profile), text
        hits += len(got)
    assert hits > 50  # the texts do hold alarm words
