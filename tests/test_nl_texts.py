"""Guard for rules/i18n/nl.yaml: every English text of the bundled pack has a Dutch one.

Independent of the i18n loader: it reads the translation file with PyYAML and compares
it with the English pack from :func:`hamtriage.load_pack`, so a text added to the pack
without a Dutch counterpart, a stale id or a changed number fails here.
"""

from __future__ import annotations

import pickle
import re
from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml

from hamtriage import load_pack
from hamtriage.rules.pack import RulePack
from hamtriage.rules.schema import BlockAction, EscalateAction

RULES = Path(__file__).resolve().parent.parent / "rules"
NL = RULES / "i18n" / "nl.yaml"

ITEM_FIELDS = ("label", "description", "question", "unit", "test", "instructions", "dosage")
VARIANT_FIELDS = ("label", "instructions", "dosage")
# intake words belong to nl.intake.yaml (another file, another author)
INTAKE_FIELDS = ("synonyms", "phrases")

# a number, with the Dutch decimal comma read as a point ("1,9" is 1.9); a placeholder
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

Texts = dict[str, str]  # "items.<id>.<field>" -> text


def numbers(text: str) -> Counter[str]:
    """The numbers of ``text`` as a multiset, decimal commas read as points."""
    return Counter(n.replace(",", ".") for n in _NUMBER.findall(text))


def placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


def english_texts(pack: RulePack) -> Texts:
    """Every user-facing text of ``pack``, keyed as in a translation file."""
    out: Texts = {}
    if pack.meta.description:
        out["pack.description"] = pack.meta.description
    sections: list[Any] = [
        pack.symptoms,
        pack.history,
        pack.activities,
        pack.measurements,
        pack.hypotheses,
        pack.recommendations,
    ]
    for section in sections:
        for item_id, item in section.items():
            for name in ITEM_FIELDS:
                value = getattr(item, name, None)
                if isinstance(value, str):
                    out[f"items.{item_id}.{name}"] = value
            for variant in getattr(item, "variants", ()):
                for name in VARIANT_FIELDS:
                    value = getattr(variant, name, None)
                    if isinstance(value, str):
                        out[f"items.{item_id}.variants.{variant.id}.{name}"] = value
    for rule in pack.rules:
        out[f"rules.{rule.id}.title"] = rule.title
        if rule.explanation:
            out[f"rules.{rule.id}.explanation"] = rule.explanation
        for action in rule.then:
            if isinstance(action, EscalateAction):
                out[f"rules.{rule.id}.escalate"] = action.reason
            elif isinstance(action, BlockAction):
                out[f"rules.{rule.id}.block.{action.block}"] = action.reason
    return out


def translated_texts(doc: dict[str, Any]) -> Texts:
    """The texts of a translation file, flattened with the same keys."""
    out: Texts = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            out[prefix] = node

    for section in ("pack", "items", "rules"):
        walk(section, doc.get(section) or {})
    return out


def problems(english: Texts, dutch: Texts) -> list[str]:
    """Every missing, unknown, empty or mismatched translation, one line each."""
    found = [
        f"{key}: no Dutch text for {english[key]!r}"
        for key in sorted(english.keys() - dutch.keys())
    ]
    found += [
        f"{key}: no English text with this id or field"
        for key in sorted(dutch.keys() - english.keys())
    ]
    for key in sorted(english.keys() & dutch.keys()):
        en, nl = english[key], dutch[key]
        if not isinstance(nl, str) or not nl.strip():
            found.append(f"{key}: the Dutch text is empty or not a string")
            continue
        if numbers(en) != numbers(nl):
            found.append(
                f"{key}: numbers {sorted(numbers(en))} in English, {sorted(numbers(nl))} in Dutch"
            )
        if placeholders(en) != placeholders(nl):
            found.append(f"{key}: placeholders differ")
    return found


@pytest.fixture(scope="module")
def english() -> Texts:
    return english_texts(load_pack(RULES))


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    loaded = yaml.safe_load(NL.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_file_declares_dutch(doc: dict[str, Any]) -> None:
    assert doc["lang"] == "nl"
    assert doc["language"] == "Nederlands"
    assert set(doc) <= {"lang", "language", "pack", "items", "rules"}


def test_every_english_text_has_a_matching_dutch_text(english: Texts, doc: dict[str, Any]) -> None:
    assert problems(english, translated_texts(doc)) == []


def test_the_pack_has_texts_of_every_kind(english: Texts) -> None:
    # the comparison above is only as good as the English side it reads
    fields = {key.rsplit(".", 1)[-1] for key in english}
    assert {"label", "question", "unit", "test", "instructions", "dosage", "title"} <= fields
    assert any(".block." in key for key in english)
    assert any(key.endswith(".escalate") for key in english)
    assert any(".variants." in key for key in english)


def test_texts_are_single_paragraphs(doc: dict[str, Any]) -> None:
    # a folded YAML line indented one space too far keeps its line break
    broken = [key for key, text in translated_texts(doc).items() if "\n" in text or "  " in text]
    assert broken == []


def test_dutch_labels_name_one_item_each(doc: dict[str, Any]) -> None:
    # Dutch labels are accepted where ids are (scenarios, label lookup): no two alike
    labels = Counter(" ".join(f["label"].lower().split()) for f in doc["items"].values())
    assert [label for label, n in labels.items() if n > 1] == []


def test_no_intake_words_here(doc: dict[str, Any]) -> None:
    for item_id, fields in (doc.get("items") or {}).items():
        assert not set(fields) & set(INTAKE_FIELDS), f"{item_id}: synonyms go in nl.intake.yaml"


def test_the_texts_are_dutch_not_copied_english(english: Texts, doc: dict[str, Any]) -> None:
    dutch = translated_texts(doc)
    # labels that are the same word in Dutch gyms (Deadlift, Squat, cm, N, ...) may stay
    copied = [k for k, v in dutch.items() if v == english.get(k) and len(v.split()) > 3]
    assert copied == []


def test_referral_reasons_keep_their_urgency(doc: dict[str, Any]) -> None:
    # the Dutch reason says what the level means, never a softer (or harsher) one
    dutch = translated_texts(doc)
    seen: set[str] = set()
    for rule in load_pack(RULES).rules:
        for action in rule.then:
            if not isinstance(action, EscalateAction):
                continue
            nl = dutch.get(f"rules.{rule.id}.escalate", "").lower()
            seen.add(action.escalate)
            if action.escalate == "emergency":
                assert "ga nu naar de spoedeisende hulp" in nl, rule.id
            elif action.escalate == "same_day":
                assert "vandaag nog" in nl, rule.id
                assert "spoedeisende hulp" not in nl, rule.id
            else:
                assert "vandaag" not in nl, rule.id
                assert "spoedeisende hulp" not in nl, rule.id
    assert {"emergency", "same_day", "see_clinician"} <= seen


@pytest.mark.parametrize(
    ("english_text", "dutch_text", "ok"),
    [
        ("A gap above 1.9 cm", "Een verschil van meer dan 1,9 cm", True),
        ("Below 256 N", "Onder 265 N", False),
        ("2-3 sets of 60 seconds", "2-3 sets van 60 seconden", True),
        ("2-3 sets of 60 seconds", "2 sets van 60 seconden", False),
        ("Hello {name}", "Hallo {naam}", False),
    ],
)
def test_the_checks_catch_changed_numbers(english_text: str, dutch_text: str, ok: bool) -> None:
    found = problems({"items.x.label": english_text}, {"items.x.label": dutch_text})
    assert (found == []) is ok


def test_the_checks_catch_missing_and_unknown_ids() -> None:
    found = problems({"items.a.label": "A thing"}, {"items.b.label": "Een ding"})
    assert any("items.a.label" in line and "no Dutch text" in line for line in found)
    assert any("items.b.label" in line and "no English text" in line for line in found)


def test_the_pack_loader_reads_every_dutch_text(english: Texts) -> None:
    # load_pack raises on any translation error; here it must also have kept every text
    translation = load_pack(RULES).translations["nl"]
    assert translation.language == "Nederlands"
    assert set(translation.texts) == set(english)


def test_the_dutch_texts_survive_pickling() -> None:
    # the pack's snapshot cache and worker processes pickle the loaded pack
    translation = load_pack(RULES).translations["nl"]
    copy = pickle.loads(pickle.dumps(translation))
    assert copy == translation
    assert isinstance(copy.texts, MappingProxyType)
