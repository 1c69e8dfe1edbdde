"""Rule-file mistakes a coach makes on a first pack, reported in a coach's terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamtriage import RulePackError, load_pack
from tests.support.packs import tiny_pack

RULE = """
rules:
  - id: first
    title: First
    evidence: research
    source: [S1]
    when: {{symptom: a}}
    then: [{{support: h1, certainty: 0.5}}]
  - id: calf_rule
    title: Calf
    evidence: research
    source: [S1]
    when:
      all:
        - symptom: a
{when_extra}    then:
      - support: h1
{certainty}
"""


def _issues(
    tmp_path: Path, when_extra: str = "", certainty: str = "        certainty: 0.5"
) -> list[str]:
    text = RULE.format(when_extra=when_extra, certainty=certainty)
    with pytest.raises(RulePackError) as info:
        load_pack(tiny_pack(tmp_path, text))
    return [str(i).replace(f"{tmp_path}/", "") for i in info.value.issues]


def test_a_rule_is_named_by_its_id_not_its_index(tmp_path: Path) -> None:
    assert _issues(tmp_path, certainty="        certainty: 7") == [
        (
            "rules.yaml:17:20: error: rule 'calf_rule': then[0].certainty: Input should be less "
            "than or equal to 1"
        )
    ]


def test_a_dedented_known_key_is_not_suggested_as_itself(tmp_path: Path) -> None:
    (line,) = _issues(tmp_path, when_extra="      symptom: b\n")
    assert line == (
        "rules.yaml:15:7: error: rule 'calf_rule': when.symptom: 'symptom' does not belong "
        "here; is it indented to the wrong level? (it must line up with the keys of the block "
        "it belongs to)"
    )
    assert "did you mean" not in line


def test_a_dedented_certainty_says_indentation_and_where_the_block_started(
    tmp_path: Path,
) -> None:
    (line,) = _issues(tmp_path, certainty="       certainty: 0.5")
    assert line == (
        "rules.yaml:17:8: error: wrong indentation: this line does not line up with the block "
        "it belongs to, which starts at line 16, column 7; indent it exactly like the other "
        "keys (or '- ' items) of that block"
    )
    assert "<block end>" not in line
