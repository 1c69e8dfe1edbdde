"""The lint of translations: missing texts (warnings at the English text), numbers and
placeholders that differ (errors at the translation), ambiguous labels; and the bundled
pack's Dutch is complete."""

from __future__ import annotations

from pathlib import Path

from hamtriage import bundled_rules_path, load_pack
from hamtriage.flows.lint import LINT_CODES, lint, lint_pack
from tests.support.packs import MINIMAL_PACK, write_pack

RULES = """
rules:
  - id: r1
    title: K below 5 cm
    evidence: research
    source: [S1]
    explanation: At or below {limit} the calf is tight.
    when: {all: [{symptom: a}, {measurement: k, lt: 5}]}
    then:
      - {support: h1, certainty: 0.6}
      - {block: lift, reason: Lifting strains it for 2-3 weeks}
"""

NL = """
lang: nl
language: Nederlands
items:
  a: {label: Klacht A}
  b: {label: Klacht a}
  k: {label: K-test, unit: cm}
rules:
  r1:
    title: K onder 6 cm
    explanation: Bij {grens} of minder is de kuit stijf.
    block: {lift: Tillen belast het 2 tot 3 weken}
""".lstrip()


def i18n_issues(root: Path) -> list[str]:
    codes = {"missing_translation", "translation_mismatch", "ambiguous_translation"}
    return [str(i) for i in lint(root) if i.code in codes]


def test_translation_findings_are_located_and_quoted(tmp_path: Path) -> None:
    root = write_pack(
        tmp_path / "p", {"pack.yaml": MINIMAL_PACK, "rules.yaml": RULES, "i18n/nl.yaml": NL}
    )
    found = i18n_issues(root)
    pack_yaml, rules_yaml, nl_yaml = (
        str(root / n) for n in ("pack.yaml", "rules.yaml", "i18n/nl.yaml")
    )
    assert (
        f"{nl_yaml}:5:14: warning: the 'nl' label or synonym 'klacht a' names a, b: it cannot "
        "stand for an id" in found
    )
    assert (
        f"{nl_yaml}:9:12: error: rules.r1.title: the numbers of the 'nl' text (6) are not "
        "those of the English text (5): 'K below 5 cm'" in found
    )
    assert (
        f"{nl_yaml}:10:18: error: rules.r1.explanation: the placeholders of the 'nl' text "
        "({grens}) are not those of the English text ({limit}): 'At or below {limit} the "
        "calf is tight.'" in found
    )
    # "2 tot 3" has the numbers of "2-3": not a mismatch
    assert not any("rules.r1.block.lift" in f for f in found)
    # a text without translation: a warning at the English text, quoting it
    assert (
        f"{pack_yaml}:10:20: warning: no 'nl' translation of items.z.label: 'Symptom Z' "
        "(shown in English)" in found
    )
    assert (
        f"{pack_yaml}:19:21: warning: no 'nl' translation of items.h1.label: 'H one' "
        "(shown in English)" in found
    )
    assert all(not f.startswith(rules_yaml) or "warning: no 'nl'" in f for f in found)
    assert {"missing_translation", "translation_mismatch", "ambiguous_translation"} <= set(
        LINT_CODES
    )


def test_decimal_commas_and_reordered_numbers_match(tmp_path: Path) -> None:
    rules = RULES.replace("K below 5 cm", "K below 5.5 cm, not 12")
    nl = NL.replace("K onder 6 cm", "K niet 12 maar onder 5,5 cm").replace("{grens}", "{limit}")
    root = write_pack(
        tmp_path / "p", {"pack.yaml": MINIMAL_PACK, "rules.yaml": rules, "i18n/nl.yaml": nl}
    )
    assert not [f for f in i18n_issues(root) if "error" in f]


def test_a_pack_without_translations_has_no_translation_findings(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "p", {"pack.yaml": MINIMAL_PACK, "rules.yaml": RULES})
    assert i18n_issues(root) == []


def test_every_user_facing_text_of_the_bundled_pack_has_a_dutch_translation() -> None:
    """Fails for every English text without a Dutch one, and for a Dutch text whose numbers
    or placeholders differ (rules/i18n/nl.yaml, written with issue 18)."""
    nl = bundled_rules_path() / "i18n" / "nl.yaml"
    assert nl.is_file(), f"{nl} is missing: the bundled pack has no Dutch texts"
    pack = load_pack(bundled_rules_path())
    assert "nl" in pack.languages
    found = [
        str(i)
        for i in lint_pack(pack)
        if i.code in {"missing_translation", "translation_mismatch", "ambiguous_translation"}
    ]
    assert found == []
