"""Language profiles of the intake: one place per language, the same algorithms for every one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import hamtriage
from hamtriage.flows.intake import parse_text
from hamtriage.rules.languages import ENGLISH, LANGUAGES, Language, language
from hamtriage.rules.phrases import FILLERS, parse_phrase
from hamtriage.runtime.screening import red_flag_screens


def test_profiles_are_registered_by_code_and_read_only() -> None:
    assert language("en") is ENGLISH
    assert language("xx") is None
    for code, profile in LANGUAGES.items():
        assert profile.code == code
        with pytest.raises(dataclasses.FrozenInstanceError):
            profile.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        LANGUAGES["xx"] = ENGLISH  # type: ignore[index]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_profile_is_complete(code: str) -> None:
    profile = LANGUAGES[code]
    for f in dataclasses.fields(Language):
        value = getattr(profile, f.name)
        # a field with a default is what only some languages need; the others every one
        needed = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        assert value or not needed or isinstance(value, bool), f"{code}: {f.name} is empty"
    # side words name both sides, units name the pack's units, the question has its slot
    assert set(profile.sides.values()) == {"left", "right"}
    assert profile.side_words <= set(profile.sides)
    assert "cm" in profile.units
    assert "{label}" in profile.question
    # alarm words of every language point at red-flag items of the bundled pack
    flags = set(red_flag_screens(hamtriage.Engine.default().pack))
    for alarm in profile.alarms:
        for _, vid in alarm.items:
            assert vid in flags, f"{code}: alarm item {vid} is not a red-flag screen"


def test_fillers_of_the_phrase_language_are_the_languages() -> None:
    assert FILLERS is ENGLISH.fillers
    # a filler is optional in a phrase only in its own language
    fake = frozenset({"zzz"})
    terms = parse_phrase("zzz numb", fillers=fake)
    assert [t.optional for t in terms] == [True, False]
    assert [t.optional for t in parse_phrase("zzz numb")] == [False, False]


def test_an_unknown_language_is_a_language_error_with_a_suggestion() -> None:
    with pytest.raises(hamtriage.LanguageError) as err:
        parse_text("my back hurts", lang="eng")
    assert isinstance(err.value, hamtriage.ReportError)
    assert err.value.field == "lang"
    assert "en" in err.value.suggestions
    with pytest.raises(hamtriage.LanguageError):
        parse_text("my back hurts", lang=None)  # type: ignore[arg-type]


def test_a_pack_without_dutch_words_says_so(tmp_path: Path) -> None:
    import shutil

    from hamtriage.rules.loader import bundled_rules_path, load_pack

    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_path(), rules)
    shutil.rmtree(rules / "i18n")
    pack = load_pack(rules)
    with pytest.raises(hamtriage.LanguageError) as err:
        parse_text("rugpijn", pack, lang="nl")
    assert err.value.available == ("en",)
    assert parse_text("my back hurts", pack).report.symptoms  # English still reads
