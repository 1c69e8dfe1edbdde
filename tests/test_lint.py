"""The rule-pack lint: deliberately flawed small packs, exact messages with file:line:col."""

from __future__ import annotations

from pathlib import Path

from hamtriage.flows.lint import lint
from tests.support.packs import tiny_pack


def _lines(root: Path) -> list[str]:
    return [str(i) for i in lint(root)]


def _rules_file(root: Path) -> str:
    return str(root / "rules.yaml")


# The tiny pack's vocabulary is used by these rules so that only the flaw under test shows.
USE_ALL = """
  - id: uses_all
    title: Uses the rest of the vocabulary
    evidence: research
    source: [S1]
    when:
      any:
        - symptom: b
        - symptom: z
        - measurement: k
          lt: 3
        - measurement: w
          gt: 100
        - activity: lift
        - history: old_injury
    then:
      - support: h2
        certainty: 0.3
      - recommend: edu1
"""


def test_a_clean_pack_has_no_findings(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: a_rule
            title: A suggests h1
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
              - recommend: drill1
        """
        + USE_ALL.replace("\n  ", "\n          "),
    )
    assert _lines(root) == []


def test_contradictory_measurement_bounds_never_fire(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: impossible
            title: Never
            evidence: research
            source: [S1]
            when:
              all:
                - symptom: a
                - measurement: k
                  lt: 5
                - measurement: k
                  ge: 12
            then:
              - support: h1
                certainty: 0.5
              - recommend: drill1
        """
        + USE_ALL.replace("\n  ", "\n          "),
    )
    f = _rules_file(root)
    assert _lines(root) == [
        (
            f"{f}:11:11: error: rule 'impossible' can never fire: it needs k below 5 cm and "
            "at or above 12 cm, which no value satisfies"
        ),
    ]


def test_required_and_excluded_and_dead_branch(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: both_ways
            title: A and not A
            evidence: research
            source: [S1]
            when:
              all:
                - symptom: a
                - not: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
          - id: half_dead
            title: One branch impossible
            evidence: research
            source: [S1]
            when:
              any:
                - symptom: a
                - all:
                    - sex: female
                    - sex: male
            then:
              - support: h1
                certainty: 0.4
              - recommend: drill1
        """
        + USE_ALL.replace("\n  ", "\n          "),
    )
    f = _rules_file(root)
    assert _lines(root) == [
        (
            f"{f}:9:16: error: rule 'both_ways' can never fire: it needs 'a' both reported and "
            "not reported"
        ),
        (
            f"{f}:22:15: warning: rule 'half_dead': this alternative can never match: it needs "
            "the sex to be both female and male"
        ),
    ]


def test_duplicate_shadowed_conflict_and_double_count(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: first
            title: A suggests h1
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
              - recommend: drill1
          - id: copy
            title: The same again
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
              - recommend: drill1
          - id: opposite
            title: A argues against h1 and for it
            evidence: research
            source: [S1]
            when: {any: [{symptom: a}]}
            then:
              - against: h1
                certainty: 0.3
          - id: narrower
            title: A with lifting recommends the drill
            evidence: research
            source: [S1]
            when: {all: [{symptom: a}, {activity: lift}]}
            then:
              - recommend: drill1
        """
        + USE_ALL.replace("\n  ", "\n          "),
    )
    f = _rules_file(root)
    assert _lines(root) == [
        (
            f"{f}:11:5: warning: rule 'copy' duplicates rule 'first' (same conditions and "
            f"conclusions; defined at {f}:2:5)"
        ),
        (
            f"{f}:26:7: warning: rules 'copy' and 'opposite' conclude opposite things about 'h1' "
            f"from the same evidence ('copy' is at {f}:11:5)"
        ),
        (
            f"{f}:26:7: warning: rules 'first' and 'opposite' conclude opposite things about 'h1' "
            f"from the same evidence ('first' is at {f}:2:5)"
        ),
        (
            f"{f}:28:5: warning: rule 'narrower' is shadowed by rule 'copy': whenever it fires "
            f"'copy' fires too and already does all it does ('copy' is at {f}:11:5)"
        ),
        (
            f"{f}:28:5: warning: rule 'narrower' is shadowed by rule 'first': whenever it fires "
            f"'first' fires too and already does all it does ('first' is at {f}:2:5)"
        ),
    ]


def test_unused_vocabulary_and_hypothesis_without_recommendation(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: only_a
            title: A suggests h1
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h1
                certainty: 0.5
        """,
    )
    p = str(tmp_path / "pack.yaml")
    assert _lines(root) == [
        f"{p}:9:10: warning: symptom 'b' is not used by any rule",
        f"{p}:12:10: warning: measurement 'k' is not used by any rule",
        f"{p}:13:10: warning: measurement 'w' is not used by any rule",
        f"{p}:15:10: warning: activity 'lift' is not used by any rule",
        f"{p}:17:10: warning: history item 'old_injury' is not used by any rule",
        (
            f"{p}:19:10: warning: hypothesis 'h1' leads to no recommendation (no rule that reads "
            "or supports it recommends anything)"
        ),
        f"{p}:20:10: warning: hypothesis 'h2' is not supported by any rule",
        f"{p}:22:10: warning: recommendation 'drill1' is never recommended",
        f"{p}:23:10: warning: recommendation 'edu1' is never recommended",
    ]


def test_hypothesis_condition_that_can_never_be_reached(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: support_h2
            title: A suggests h2
            evidence: research
            source: [S1]
            when: {symptom: a}
            then:
              - support: h2
                certainty: 0.9
          - id: chained
            title: Strong h2 leads to the drill
            evidence: research
            source: [S1]
            when: {hypothesis: h2, min_confidence: 0.7}
            then:
              - recommend: drill1
        """
        + USE_ALL.replace("\n  ", "\n          ").replace("support: h2", "support: h1"),
    )
    f = _rules_file(root)
    assert (
        f"{f}:14:11: error: rule 'chained' can never fire: it needs 'h2' at 0.7 or more, "
        "but its supporting rules can reach only 0.59"
    ) in _lines(root)


def test_loader_errors_are_reported_as_they_are(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: typo
            title: Typo
            evidence: research
            source: [S1]
            when: {symptom: aa}
            then:
              - support: h1
                certainty: 0.5
        """,
    )
    lines = _lines(root)
    assert len(lines) == 1
    assert lines[0].startswith(f"{_rules_file(root)}:6:21: error: rule 'typo': unknown symptom")


def test_the_bundled_pack_has_no_lint_errors() -> None:
    from hamtriage.rules.loader import bundled_rules_path

    assert [str(i) for i in lint(bundled_rules_path()) if i.severity == "error"] == []


def test_engine_limits_are_lint_errors(tmp_path: Path) -> None:
    pairs = ", ".join("{any: [{symptom: a}, {symptom: b}]}" for _ in range(7))  # 128 branches
    root = tiny_pack(
        tmp_path,
        f"""
        rules:
          - id: too_wide
            title: Too many alternatives
            evidence: research
            source: [S1]
            when: {{all: [{pairs}]}}
            then:
              - support: h1
                certainty: 0.5
        """,
    )
    errors = [line for line in _lines(root) if ": error: " in line]
    assert errors == [
        (
            f"{_rules_file(root)}:2:9: error: rule 'too_wide': its conditions expand to 128 "
            "alternatives; the limit is 64 (split the rule)"
        )
    ]
