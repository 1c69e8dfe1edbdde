"""Hostile and malformed input: a clear error naming the place, never a crash or a hang.

Reports get a :class:`ReportError` naming the field; rule packs a :class:`RulePackError`
whose issues carry ``file:line``. Nothing here may reach the C engine as an error of
its own (an :class:`EngineError`), crash the process, or hang.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hamtriage import Engine, ReportError, RulePackError, load_pack
from hamtriage.engine import compiled_state
from hamtriage.report import MAX_ITEMS, MAX_MEASUREMENTS, MAX_TEXT
from hamtriage.rules._yaml import MAX_DEPTH, MAX_FILE_BYTES

# --------------------------------------------------------------------------- reports

SIDED = "knee_to_wall_cm"  # sided, range [0, 20]
PLAIN = "fingertip_to_floor_cm"  # not sided, range [-30, 40]
SYMPTOM = "low_back_spasms"

HOSTILE_REPORTS: list[tuple[str, object, str]] = [
    # (case, report, field the error must name)
    ("symptoms not a list", {"symptoms": SYMPTOM}, "symptoms"),
    ("symptom not text", {"symptoms": [1]}, "symptoms[0]"),
    ("symptom is null", {"symptoms": [None]}, "symptoms[0]"),
    ("symptom is a bool", {"symptoms": [True]}, "symptoms[0]"),
    ("empty id", {"symptoms": [""]}, "symptoms[0]"),
    ("NaN measurement", {"measurements": {PLAIN: math.nan}}, f"measurements.{PLAIN}"),
    ("infinite measurement", {"measurements": {PLAIN: math.inf}}, f"measurements.{PLAIN}"),
    ("-infinite measurement", {"measurements": {PLAIN: -math.inf}}, f"measurements.{PLAIN}"),
    ("NaN on one side", {"measurements": {SIDED: {"left": math.nan}}}, f"measurements.{SIDED}"),
    ("huge float", {"measurements": {PLAIN: 1e308}}, f"measurements.{PLAIN}"),
    ("huge int", {"measurements": {PLAIN: 10**400}}, f"measurements.{PLAIN}"),
    ("tiny negative", {"measurements": {SIDED: -1e-300}}, f"measurements.{SIDED}"),
    ("negative reps", {"measurements": {"single_leg_bridge_reps": -3}}, "measurements"),
    ("measurement as text", {"measurements": {PLAIN: "12"}}, f"measurements.{PLAIN}"),
    ("measurement as bool", {"measurements": {PLAIN: True}}, f"measurements.{PLAIN}"),
    ("measurement as list", {"measurements": {PLAIN: [1, 2]}}, f"measurements.{PLAIN}"),
    ("measurements not a mapping", {"measurements": [1, 2]}, "measurements"),
    ("negative age", {"age": -1}, "age"),
    ("huge age", {"age": 10**30}, "age"),
    ("age as float", {"age": 30.5}, "age"),
    ("age as text", {"age": "30"}, "age"),
    ("age as bool", {"age": True}, "age"),
    ("unknown sex", {"sex": "x" * 10_000}, "sex"),
    ("very long id", {"symptoms": ["a" * 1_000_000]}, "symptoms[0]"),
    ("thousands of symptoms", {"symptoms": [SYMPTOM] * 5000}, "symptoms"),
    ("too many measurements", {"measurements": {f"m{i}": 1.0 for i in range(500)}}, "measurements"),
    ("unicode junk", {"symptoms": ["💥\u0000\ud800ß"]}, "symptoms[0]"),
    ("right-to-left text", {"activities": ["\u202etfildaed"]}, "activities[0]"),
    ("nested junk", {"symptoms": [{"a": [1, {"b": 2}]}]}, "symptoms[0]"),
    ("nested junk in a side", {"measurements": {SIDED: {"left": {"x": 1}}}}, "measurements"),
    ("unknown side", {"measurements": {SIDED: {"left": 1, "middle": 2}}}, "measurements"),
    ("no side given", {"measurements": {SIDED: {}}}, f"measurements.{SIDED}"),
    ("unknown key", {"symptom": [SYMPTOM]}, "symptom"),
    ("non-text key", {1: 2}, "1"),
    ("duplicate id", {"symptoms": [SYMPTOM, SYMPTOM]}, "symptoms[1]"),
    ("duplicate via synonym", {"symptoms": [SYMPTOM, "back spasms"]}, "symptoms[1]"),
    ("present and absent", {"symptoms": [SYMPTOM], "absent": [SYMPTOM]}, "absent"),
    ("measurement twice", {"measurements": {SIDED: 5, "Knee to wall": 6}}, "measurements"),
    ("side on a plain test", {"measurements": {PLAIN: {"left": 1, "right": 2}}}, PLAIN),
    ("side out of range", {"measurements": {SIDED: {"left": 5, "right": 99}}}, "right"),
    ("unknown measurement", {"measurements": {"iq": 150}}, "measurements.iq"),
    ("activity given as symptom", {"symptoms": ["deadlift"]}, "symptoms[0]"),
    ("symptom given as activity", {"activities": [SYMPTOM]}, "activities[0]"),
]


@pytest.mark.parametrize(
    ("report", "field"),
    [pytest.param(r, f, id=case) for case, r, f in HOSTILE_REPORTS],
)
def test_hostile_report_names_the_field(report: Any, field: str) -> None:
    engine = Engine.default()
    with pytest.raises(ReportError) as caught:
        engine.triage(report)
    assert field in caught.value.field, (caught.value.field, str(caught.value))
    assert str(caught.value)  # the message renders (no lone surrogates problem)


@pytest.mark.parametrize("report", [None, 42, "symptoms", [SYMPTOM], b"{}", object()])
def test_a_report_that_is_not_a_mapping_is_refused(report: object) -> None:
    with pytest.raises(ReportError, match="mapping"):
        Engine.default().triage(report)  # type: ignore[arg-type]


def test_deeply_nested_junk_is_refused_without_recursion() -> None:
    junk: list[Any] = []
    for _ in range(50_000):
        junk = [junk]
    with pytest.raises(ReportError) as caught:
        Engine.default().triage({"symptoms": junk})
    assert caught.value.field.startswith("symptoms")


def test_limits_are_the_documented_ones() -> None:
    engine = Engine.default()
    ok = {"symptoms": [SYMPTOM], "measurements": {SIDED: 5.0}}
    assert engine.triage(ok).level is not None
    assert (MAX_ITEMS, MAX_MEASUREMENTS, MAX_TEXT) == (100, 50, 120)
    with pytest.raises(ReportError, match="at most 100"):
        engine.triage({"absent": [f"s{i}" for i in range(MAX_ITEMS + 1)]})
    with pytest.raises(ReportError, match="at most 120"):
        engine.triage({"symptoms": ["x" * (MAX_TEXT + 1)]})


def test_hostile_reports_leave_the_engine_working() -> None:
    engine = Engine.default()
    before = engine.triage({"symptoms": [SYMPTOM], "activities": ["deadlift"]})
    for _, report, _ in HOSTILE_REPORTS:
        with pytest.raises(ReportError):
            engine.triage(report)  # type: ignore[arg-type]
    assert engine.triage({"symptoms": [SYMPTOM], "activities": ["deadlift"]}) == before


# ------------------------------------------------------------------------ rule packs

PACK = """
pack: {name: hostile, version: "1"}
sources:
  S1: {title: A source}
symptoms:
  - {id: a, label: Symptom A}
hypotheses:
  - {id: h, label: H, evidence: research}
"""

RULE = """
rules:
  - id: r1
    title: A supports H
    evidence: research
    source: [S1]
    when: {symptom: a}
    then:
      - {support: h, certainty: 0.5}
"""


def _pack(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.yaml").write_text(textwrap.dedent(PACK), encoding="utf-8")
    for name, text in files.items():
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def _issues(root: Path) -> list[str]:
    with pytest.raises(RulePackError) as caught:
        Engine.from_path(root)
    assert caught.value.issues
    return [str(i) for i in caught.value.issues]


def test_the_hostile_test_pack_itself_loads(tmp_path: Path) -> None:
    engine = Engine.from_path(_pack(tmp_path, rules=RULE))
    assert engine.triage({"symptoms": ["a"]}).fired_rules == ("r1",)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        pytest.param("rules: [\n  - id: x\n  bad: : :\n", 2, "YAML", id="malformed"),
        pytest.param("rules:\n  - {id: x\n", 3, "YAML", id="unclosed-flow"),
        pytest.param("a: 1\n\tb: 2\n", 2, "YAML", id="tab-indent"),
        pytest.param(
            "rules: !!python/object/apply:os.system ['echo pwned']\n", 1, "tag", id="python-tag"
        ),
        pytest.param("x: !!python/name:os.system ''\n", 1, "tag", id="python-name"),
        pytest.param("x: !custom {a: 1}\n", 1, "tag", id="custom-tag"),
        pytest.param("x: !!binary aGVsbG8=\n", 1, "tag", id="binary-tag"),
        pytest.param(
            'a: &a ["lol","lol"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\nd: [*c,*c,*c]\n',
            1,
            "anchor",
            id="billion-laughs",
        ),
        pytest.param("a: [1]\nb: *nowhere\n", 2, "", id="unknown-alias"),
        pytest.param(
            "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", 1, "nesting", id="deep"
        ),
        pytest.param("a: 1\na: 2\n", 2, "duplicate", id="duplicate-key"),
        pytest.param("? [1, 2]\n: x\n", 1, "key", id="non-text-key"),
        pytest.param("- just\n- a list\n", 1, "mapping", id="top-level-list"),
    ],
)
def test_hostile_yaml_is_a_rule_pack_error_with_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    root = _pack(tmp_path, bad=text)
    issues = _issues(root)
    hit = [i for i in issues if "bad.yaml:" in i]
    assert hit, issues
    assert any(f"bad.yaml:{line}:" in i for i in hit), hit
    assert any(words.lower() in i.lower() for i in hit), hit


def test_deep_nesting_far_beyond_the_recursion_limit(tmp_path: Path) -> None:
    depth = 100_000
    root = _pack(tmp_path, bad="x: " + "[" * depth + "]" * depth + "\n")
    issues = _issues(root)
    assert any("bad.yaml:1:" in i for i in issues), issues[:3]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    root = _pack(tmp_path, big="# " + "x" * (MAX_FILE_BYTES + 10) + "\n")
    issues = _issues(root)
    assert any("big.yaml:1:1" in i and "limit" in i for i in issues), issues


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    root = _pack(tmp_path)
    (root / "junk.yaml").write_bytes(b"\xff\xfe\x00\x00garbage\x80")
    issues = _issues(root)
    assert any("junk.yaml:1:1" in i for i in issues), issues


@pytest.mark.parametrize("bad_id", ["$s", "$not", "m$not", "sid-1", "a.b.c", "$and", "ID", "_x"])
def test_ids_shaped_like_durable_keys_are_refused(tmp_path: Path, bad_id: str) -> None:
    text = f"symptoms:\n  - id: '{bad_id}'\n    label: Odd\n"
    root = _pack(tmp_path, odd=text)
    issues = _issues(root)
    assert any("odd.yaml:2:" in i for i in issues), issues


def test_ids_named_like_durable_keys_cannot_collide(tmp_path: Path) -> None:
    """``sid``, ``id``, ``t``, ``k``... are valid ids: the compiler uses ids only as
    property names behind a kind prefix (``{"id": "y:sid", "y:sid": 1}``) and names
    engine rules itself, so they can never collide with durable-rules' keys; the
    results must still be exact."""
    names = ["sid", "id", "s", "t", "k", "v", "m", "c", "st", "all", "any", "pri", "run"]
    vocab = "\n".join(f"  - {{id: {n}, label: Item {n}}}" for n in names)
    rules = "\n".join(
        textwrap.dedent(f"""
          - id: rule_{n}
            title: Rule on {n}
            evidence: research
            source: [S1]
            when: {{all: [{{symptom: {n}}}, {{not: {{symptom: a}}}}]}}
            then:
              - {{support: h, certainty: 0.1}}
        """)
        for n in names
    )
    root = _pack(tmp_path, vocab="symptoms:\n" + vocab + "\n", rules="rules:\n" + rules)
    engine = Engine.from_path(root)
    result = engine.triage({"symptoms": ["sid", "id"]})
    assert set(result.fired_rules) == {"rule_sid", "rule_id"}
    assert engine.triage({"symptoms": ["sid", "a"]}).fired_rules == ()
    assert set(engine.triage({"symptoms": names}).fired_rules) == {f"rule_{n}" for n in names}
    assert engine.triage({"symptoms": names}).hypothesis("h") is not None


@pytest.mark.parametrize(
    ("rule_when", "words"),
    [
        pytest.param("{measurement: w, gt: 1.0e+300}", "finite", id="huge-threshold"),
        pytest.param("{measurement: w, gt: .inf}", "finite", id="inf-threshold"),
        pytest.param("{measurement: w, gt: .nan}", "finite", id="nan-threshold"),
        pytest.param("{measurement: w, gt: 1e17}", "", id="beyond-int53"),
        pytest.param("{age: {gt: 99999999999999999999}}", "", id="huge-age"),
        pytest.param("{measurement: w, gt: true}", "", id="bool-threshold"),
    ],
)
def test_numbers_outside_the_engine_limits_are_refused(
    tmp_path: Path, rule_when: str, words: str
) -> None:
    vocab = "measurements:\n  - {id: w, label: W, unit: kg, range: [0, 200]}\n"
    rule = RULE.replace("when: {symptom: a}", f"when: {rule_when}")
    root = _pack(tmp_path, vocab=vocab, rules=rule)
    issues = _issues(root)
    assert any("rules.yaml:" in i and words in i for i in issues), issues


def test_a_quoted_threshold_reaches_the_engine_as_a_number(tmp_path: Path) -> None:
    """The engine compares text and numbers meaninglessly ("99" > 100): never send text."""
    vocab = "measurements:\n  - {id: w, label: W, unit: kg, range: [0, 200]}\n"
    rule = RULE.replace("when: {symptom: a}", "when: {measurement: w, gt: '5'}")
    engine = Engine.from_path(_pack(tmp_path, vocab=vocab, rules=rule))
    assert '"$gt": {"m:w": 5}' in json.dumps(compiled_state(engine).compiled.definition)
    assert engine.triage({"measurements": {"w": 6}}).fired_rules == ("r1",)
    assert engine.triage({"measurements": {"w": 4}}).fired_rules == ()


def test_a_measurement_range_beyond_the_engine_limits_is_refused(tmp_path: Path) -> None:
    vocab = "measurements:\n  - {id: w, label: W, unit: kg, range: [0, 1.0e+20]}\n"
    root = _pack(tmp_path, vocab=vocab)
    issues = _issues(root)
    assert any("vocab.yaml:2:" in i for i in issues), issues


def test_too_many_patterns_for_the_engine_is_refused_at_load(tmp_path: Path) -> None:
    symptoms = "\n".join(f"  - {{id: s{i}, label: S{i}}}" for i in range(20))
    all_of = ", ".join(f"{{symptom: s{i}}}" for i in range(20))
    rule = RULE.replace("when: {symptom: a}", f"when: {{all: [{all_of}]}}")
    root = _pack(tmp_path, vocab="symptoms:\n" + symptoms + "\n", rules=rule)
    issues = _issues(root)
    assert any("rules.yaml:" in i and "patterns" in i for i in issues), issues


def test_too_many_thresholds_on_one_fact_in_one_rule_are_refused_at_load(tmp_path: Path) -> None:
    """More than 64 alpha tests matching one fact makes the C engine fail (error 303).

    Spread over rules they are spread over rulesets (``tests/test_scale.py`` triages 68
    in a child process); in one rule's branch they fit in no ruleset."""
    vocab = "measurements:\n  - {id: w, label: W, unit: kg, range: [0, 200]}\n"
    lists = ", ".join(
        "{all: [" + ", ".join(f"{{measurement: w, gt: {i}}}" for i in range(a, a + 20)) + "]}"
        for a in range(0, 80, 20)
    )
    rules = textwrap.dedent(f"""
        rules:
          - id: r80
            title: Eighty thresholds
            evidence: research
            source: [S1]
            when: {{all: [{lists}]}}
            then:
              - {{support: h, certainty: 0.1}}
    """)
    root = _pack(tmp_path, vocab=vocab, rules=rules)
    issues = _issues(root)
    assert any(
        "rules.yaml:" in i and "more than 60 different tests on measurement 'w'" in i
        for i in issues
    ), issues[:3]


def test_a_loaded_hostile_pack_error_is_reported_not_raised_by_the_loader(tmp_path: Path) -> None:
    root = _pack(tmp_path, bad="rules: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(RulePackError):
        load_pack(root)
