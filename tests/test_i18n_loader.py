"""Translation files (``<pack>/i18n/*.yaml``): loading, merging per language, and every
mistake reported at file:line:col."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hamtriage import Engine, RulePackError, load_pack, load_pack_from_texts
from hamtriage.rules import loader
from tests.support.packs import MINIMAL_PACK, write_pack

RULES = """
rules:
  - id: r1
    title: A and the K test
    evidence: research
    source: [S1]
    explanation: At or below 5 cm the calf is tight.
    when: {all: [{symptom: a}, {measurement: k, lt: 5}]}
    then:
      - {support: h1, certainty: 0.6}
      - {recommend: drill1}
      - {block: lift, reason: Lifting strains it}
  - id: flag
    title: Z is a red flag
    evidence: guideline
    source: [S1]
    red_flag: true
    when: {symptom: z}
    then:
      - {escalate: see_clinician, reason: Z needs a clinician.}
"""

NL = """
lang: nl
language: Nederlands
items:
  a:
    label: Symptoom A
  k: {label: K-test, unit: cm}
  drill1: {label: Oefening een}
rules:
  r1:
    title: A en de K-test
    block: {lift: Tillen belast het}
  flag: {escalate: Z moet naar een zorgverlener.}
""".lstrip()

NL_INTAKE = """
lang: nl
items:
  a:
    synonyms: [a-ding, het a gevoel]
    phrases: ["voel* a"]
""".lstrip()


def _never(*args: object) -> object:
    raise AssertionError("the pack was parsed, not read from its snapshot")


def files(**more: str) -> dict[str, str]:
    return {"pack.yaml": MINIMAL_PACK, "rules.yaml": RULES, **more}


def problems(texts: dict[str, str]) -> list[str]:
    with pytest.raises(RulePackError) as caught:
        load_pack_from_texts(texts)
    return [str(issue) for issue in caught.value.issues]


def test_files_of_one_language_merge_field_by_field() -> None:
    pack = load_pack_from_texts(files(**{"i18n/nl.yaml": NL, "i18n/nl.intake.yaml": NL_INTAKE}))
    assert pack.languages == ("en", "nl")
    nl = pack.translations["nl"]
    assert nl.language == "Nederlands"
    assert nl.item("a", "label") == "Symptoom A"
    assert nl.item("a", "description") is None
    assert nl.synonyms["a"] == ("a-ding", "het a gevoel")
    assert nl.phrases["a"] == ("voel* a",)
    assert nl.rule("r1", "title") == "A en de K-test"
    assert nl.rule("flag", "escalate") == "Z moet naar een zorgverlener."
    assert nl.block_reason("r1", "lift") == "Tillen belast het"
    assert str(nl.origins["items.a.label"]) == "i18n/nl.yaml:5:12"
    assert str(nl.origins["items.a.synonyms"]) == "i18n/nl.intake.yaml:4:15"
    assert nl.files == ("i18n/nl.intake.yaml", "i18n/nl.yaml")


def test_a_pack_without_translations_is_unchanged() -> None:
    plain = load_pack_from_texts(files())
    assert plain.languages == ("en",)
    assert dict(plain.translations) == {}
    translated = load_pack_from_texts(files(**{"i18n/nl.yaml": NL}))
    # the translation files are part of the pack's content
    assert translated.content_hash != plain.content_hash
    assert [name for name, _ in translated.files] == ["pack.yaml", "rules.yaml", "i18n/nl.yaml"]


def test_from_a_directory_equals_from_texts_and_pickles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    root = write_pack(tmp_path / "p", files(**{"i18n/nl.yaml": NL}))
    from_dir = load_pack(root)
    assert len(list((tmp_path / "cache").glob("pack-*.pickle"))) == 1
    monkeypatch.setattr(loader, "_read_files", _never)
    again = load_pack(root)  # read back from the snapshot: no file is parsed
    assert pickle.loads(pickle.dumps(again.translations["nl"])) == again.translations["nl"]
    on_disk = list(root.rglob("*.yaml"))
    from_texts = load_pack_from_texts(
        {p.relative_to(root).as_posix(): p.read_text() for p in on_disk}
    )
    for pack in (again, from_texts):
        assert pack.content_hash == from_dir.content_hash
        assert dict(pack.translations["nl"].texts) == dict(from_dir.translations["nl"].texts)
    engine = pickle.loads(pickle.dumps(Engine.from_path(root)))
    assert engine.pack.translations["nl"].item("k", "label") == "K-test"


def test_an_edited_translation_is_not_read_from_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    root = write_pack(tmp_path / "p", files(**{"i18n/nl.yaml": NL}))
    load_pack(root)
    (root / "i18n" / "nl.yaml").write_text(NL.replace("Symptoom A", "Klacht A"), "utf-8")
    assert load_pack(root).translations["nl"].item("a", "label") == "Klacht A"


def test_unknown_sections_fields_and_ids_are_located_with_suggestions() -> None:
    bad = """
lang: nl
language: Nederlands
itemz: {}
items:
  a: {lable: Symptoom A}
  drill_one: {label: Oefening}
  lift: {unit: kg}
rules:
  r2: {title: Regel}
  r1: {block: {drill1: Niet doen}, escalate: Verwijs}
""".lstrip()
    assert problems(files(**{"i18n/nl.yaml": bad})) == [
        (
            "i18n/nl.yaml:3:1: error: translation file: unknown section 'itemz' (expected one of: "
            "lang, language, pack, items, rules) (did you mean 'items'?)"
        ),
    ]
    bad = bad.replace("itemz: {}\n", "")
    assert problems(files(**{"i18n/nl.yaml": bad})) == [
        (
            "i18n/nl.yaml:4:7: error: items.a: unknown field 'lable' (expected one of: label, "
            "description, question, synonyms, phrases, unit, test, instructions, dosage, variants) "
            "(did you mean 'label'?)"
        ),
        (
            "i18n/nl.yaml:5:3: error: items: unknown id 'drill_one' (no vocabulary item of the "
            "pack has it) (did you mean 'drill1'?)"
        ),
        (
            "i18n/nl.yaml:6:10: error: 'lift' is an activity: it has no 'unit' to translate "
            "(fields: description, label, question, synonyms)"
        ),
        "i18n/nl.yaml:8:3: error: rules: unknown rule id 'r2'",
        "i18n/nl.yaml:9:16: error: rule 'r1' does not block 'drill1'",
        "i18n/nl.yaml:9:36: error: rule 'r1' has no English 'escalate' to translate",
    ]


def test_a_field_translated_in_two_files_names_both() -> None:
    second = "lang: nl\nitems:\n  a: {label: Nog een A}\n"
    assert problems(files(**{"i18n/nl.yaml": NL, "i18n/nl_extra.yaml": second})) == [
        (
            "i18n/nl_extra.yaml:3:14: error: 'items.a.label' is translated twice for 'nl': here "
            "and at i18n/nl.yaml:5:12"
        ),
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "NL",
            (
                "i18n/x.yaml:1:7: error: lang: 'NL' is not a language tag; use a lower-case BCP-47 "
                "primary tag of 2 or 3 letters, such as 'nl' (did you mean 'nl'?)"
            ),
        ),
        (
            "nl_BE",
            (
                "i18n/x.yaml:1:7: error: lang: 'nl_BE' is not a language tag; use a lower-case "
                "BCP-47 primary tag of 2 or 3 letters, such as 'nl' (did you mean 'nl'?)"
            ),
        ),
        (
            "en",
            (
                "i18n/x.yaml:1:7: error: lang: 'en' is the pack's base language; its texts are the "
                "rule files"
            ),
        ),
    ],
)
def test_a_bad_lang_is_refused(lang: str, expected: str) -> None:
    text = f"lang: {lang}\nlanguage: X\nitems:\n  a: {{label: A}}\n"
    assert problems(files(**{"i18n/x.yaml": text})) == [expected]


def test_lang_is_required_and_the_language_named_once() -> None:
    assert problems(files(**{"i18n/x.yaml": "items:\n  a: {label: A}\n"})) == [
        "i18n/x.yaml:1:1: error: missing required key 'lang'",
    ]
    assert problems(files(**{"i18n/x.yaml": "lang: nl\nitems:\n  a: {label: A}\n"})) == [
        (
            "i18n/x.yaml:1:7: error: no translation file of 'nl' says its name (add 'language:', "
            "for example 'language: Nederlands')"
        ),
    ]


def test_bad_phrases_and_yaml_are_located() -> None:
    text = 'lang: nl\nlanguage: Nederlands\nitems:\n  a: {phrases: ["voel (a"]}\n'
    (found,) = problems(files(**{"i18n/nl.yaml": text}))
    assert found.startswith("i18n/nl.yaml:4:17: error: 'a': phrase 'voel (a'")
    (found,) = problems(files(**{"i18n/nl.yaml": "lang: nl\n  items: [\n"}))
    assert found.startswith("i18n/nl.yaml:")
    assert "error:" in found


def test_rule_file_and_translation_problems_are_reported_together() -> None:
    broken_rules = RULES.replace("symptom: a}", "symptom: aa}")
    found = problems(
        {"pack.yaml": MINIMAL_PACK, "rules.yaml": broken_rules, "i18n/nl.yaml": "lang: NL\n"}
    )
    assert any(f.startswith("rules.yaml:") and "unknown symptom 'aa'" in f for f in found)
    assert any(f.startswith("i18n/nl.yaml:1:7:") for f in found)


def test_entries_of_the_i18n_folder_that_are_not_files_are_refused(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "p", files(**{"i18n/nl.yaml": NL}))
    (root / "i18n" / "de.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    (issue,) = caught.value.issues
    assert issue.path.endswith("i18n/de.yaml")
    assert "broken link" in issue.message


def test_translation_names_given_as_texts_are_plain() -> None:
    found = problems(files(**{"i18n/sub/nl.yaml": NL}))
    assert found == ["i18n/sub/nl.yaml:1:1: error: a translation file is i18n/<plain name>.yaml"]
