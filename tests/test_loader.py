"""The loader: safe YAML, schema validation, cross-checks; every problem at once, located."""

from __future__ import annotations

from pathlib import Path

import pytest

import hamtriage
from hamtriage import RulePackError, load_pack
from tests.support.packs import MINIMAL_PACK, tiny_pack, write_pack

SCHEMA_ERRORS = """
pack:
  name: bad
  version: "1"
sources:
  S1: {title: A source}
symptoms:
  - {id: tight_calves, label: Tight calves}
  - {id: tight_calves, label: Again}
  - {id: Bad-Id, label: x}
hypotheses:
  - {id: h, label: H, evidence: lore}
  - {id: h2, label: H2, evidence: research}
rules:
  - id: r1
    title: T
    evidence: research
    source: [S1]
    when: {all: [{symptom: tight_calves}, {foo: 1}]}
    then:
      - {support: h2, certainty: 1.5}
      - {supportt: h2}
  - id: r2
    title: T2
    evidence: research
    source: S1
    urgncy: high
    when: {symptom: tight_calves}
    then: [{support: h2, certainty: 0.5}]
rulez: []
"""

REFERENCE_ERRORS_PACK = """
pack:
  name: bad2
  version: "1"
  referrals: {see_clinician: drill1}
sources:
  S1: {title: A source}
symptoms:
  - {id: tight_calves, label: Tight calves, synonyms: [stiff calves]}
  - {id: sore_calves, label: Sore calves, synonyms: [Stiff calves]}
activities:
  - {id: running, label: Running}
measurements:
  - {id: k, label: K, unit: cm, range: [0, 20]}
hypotheses:
  - {id: h, label: H, evidence: research}
  - {id: g, label: G, evidence: research}
recommendations:
  - {id: drill1, label: D, kind: drill, contraindications: [sore_calf]}
"""

REFERENCE_ERRORS_RULES = """
rules:
  - id: r1
    title: T
    evidence: research
    source: [S2]
    when:
      all:
        - symptom: tight_calf
        - measurement: k
          lt: 50
        - symptom: running
        - asymmetry: k
    then:
      - support: hh
        certainty: 0.5
      - recommend: drill
  - id: r1
    title: dup
    evidence: research
    source: S1
    when: {symptom: tight_calves}
    then: [{block: running, reason: x}]
  - id: loop_a
    title: A
    evidence: research
    source: S1
    when: {hypothesis: h}
    then: [{support: g, certainty: 0.5}]
  - id: loop_b
    title: B
    evidence: research
    source: S1
    red_flag: true
    when: {hypothesis: g}
    then: [{support: h, certainty: 0.5}, {recommend: drill1}]
"""


def _lines(exc: RulePackError, root: Path) -> list[str]:
    return [str(i).replace(f"{root}/", "") for i in exc.issues]


def test_schema_errors_are_all_reported_with_positions(tmp_path: Path) -> None:
    write_pack(tmp_path, {"pack.yaml": SCHEMA_ERRORS})
    with pytest.raises(RulePackError) as info:
        load_pack(tmp_path)
    assert _lines(info.value, tmp_path) == [
        (
            "pack.yaml:8:10: error: duplicate id 'tight_calves' (already defined as a symptom at "
            "pack.yaml:7:10)"
        ),
        (
            "pack.yaml:9:10: error: symptoms[2].id: ids are lower snake case: a letter, then letters, "
            "digits or _"
        ),
        (
            "pack.yaml:11:33: error: hypotheses[0].evidence: Input should be 'coaching_lore', "
            "'expert_opinion', 'research' or 'guideline'"
        ),
        (
            "pack.yaml:18:44: error: rules[0].when.all[1]: unknown condition 'foo' (expected one of: "
            "all, any, not, symptom, history, absent, activity, measurement, asymmetry, age, sex, "
            "hypothesis, change)"
        ),
        "pack.yaml:20:34: error: rules[0].then[0].certainty: Input should be less than or equal to 1",
        (
            "pack.yaml:21:10: error: rules[0].then[1]: unknown action 'supportt' (expected one of: "
            "support, against, recommend, escalate, block) (did you mean 'support'?)"
        ),
        "pack.yaml:26:5: error: rules[1].urgncy: unknown key 'urgncy'",
        (
            "pack.yaml:29:1: error: unknown section 'rulez' (sections: pack, sources, symptoms, "
            "history, activities, measurements, hypotheses, recommendations, rules) (did you mean "
            "'rules'?)"
        ),
    ]
    assert str(info.value).startswith(f"8 problems in rule pack {tmp_path}:\n")


def test_reference_errors_across_files_with_did_you_mean(tmp_path: Path) -> None:
    write_pack(tmp_path, {"pack.yaml": REFERENCE_ERRORS_PACK, "rules.yaml": REFERENCE_ERRORS_RULES})
    with pytest.raises(RulePackError) as info:
        load_pack(tmp_path)
    assert _lines(info.value, tmp_path) == [
        (
            "pack.yaml:4:30: error: referral for 'see_clinician' must be a recommendation of kind "
            "referral, got 'drill1'"
        ),
        (
            "pack.yaml:9:10: error: 'sore_calves': synonym or label 'Stiff calves' also names "
            "'tight_calves' (defined at pack.yaml:8:10)"
        ),
        (
            "pack.yaml:18:10: error: recommendation 'drill1': contraindication 'sore_calf' is not a "
            "symptom or history item (did you mean 'sore_calves'?)"
        ),
        "rules.yaml:5:14: error: unknown source 'S2'",
        (
            "rules.yaml:8:20: error: rule 'r1': unknown symptom 'tight_calf' (did you mean "
            "'tight_calves'?)"
        ),
        "rules.yaml:10:15: error: rule 'r1': lt 50 is outside the valid range of k [0, 20]",
        (
            "rules.yaml:11:20: error: rule 'r1': 'running' is an activity, not a symptom (check the key "
            "'symptom')"
        ),
        (
            "rules.yaml:12:22: error: rule 'r1': asymmetry needs a sided measurement with an mdc; 'k' "
            "is not one"
        ),
        "rules.yaml:14:18: error: rule 'r1': unknown hypothesis 'hh' (did you mean 'h'?)",
        (
            "rules.yaml:16:20: error: rule 'r1': unknown recommendation 'drill' (did you mean "
            "'drill1'?)"
        ),
        "rules.yaml:17:9: error: duplicate rule id 'r1' (first at rules.yaml:2:9)",
        "rules.yaml:27:11: error: rule 'loop_a' is part of a chaining cycle: g -> h -> g",
        "rules.yaml:35:11: error: red-flag rule 'loop_b' must escalate to see_clinician or higher",
        "rules.yaml:35:54: error: red-flag rule 'loop_b' must not recommend the drill 'drill1'",
        (
            "rules.yaml:35:54: error: rule 'loop_b' recommends the drill 'drill1' on hypothesis "
            "'g', which red-flag rule 'loop_b' supports: a red flag must never lead to a drill "
            "(loop_b -> h -> loop_a -> g -> loop_b -> drill1)"
        ),
    ]
    issue = info.value.issues[4]
    assert (issue.rule_id, issue.code, issue.suggestions) == ("r1", "unknown_id", ("tight_calves",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules: [\n  - id: x\n",
            "pack.yaml:2:3: error: invalid YAML: expected the node content, but found '-'",
        ),
        (
            "a: &anchor {x: 1}\nb: *anchor\n",
            "pack.yaml:1:4: error: YAML anchors are not allowed in rule files",
        ),
        (
            "x: !!python/object:os.system {}\n",
            "pack.yaml:1:4: error: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed in rule files",
        ),
        ("symptoms: {}\nsymptoms: []\n", "pack.yaml:2:1: error: duplicate key 'symptoms'"),
        (
            "- just\n- a list\n",
            "pack.yaml:1:1: error: the top level must be a mapping of sections (rules:, symptoms:, ...)",
        ),
        (
            "x: " + "[" * 40 + "]" * 40 + "\n",
            "pack.yaml:1:35: error: nesting deeper than 32 levels",
        ),
        ("? [a, b]\n: c\n", "pack.yaml:1:3: error: mapping keys must be plain text"),
    ],
)
def test_unsafe_or_malformed_yaml_is_refused_with_position(
    tmp_path: Path, text: str, expected: str
) -> None:
    write_pack(tmp_path, {"pack.yaml": MINIMAL_PACK, "zz.yaml": "{}"})
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_pack(tmp_path)
    assert _lines(info.value, tmp_path)[0] == expected


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    lol = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    lol += [
        f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join(f"*{chr(96 + i)}" for _ in range(9)) + "]"
        for i in range(1, 9)
    ]
    write_pack(tmp_path, {"pack.yaml": "\n".join(lol) + "\n"})
    with pytest.raises(RulePackError) as info:
        load_pack(tmp_path)
    assert info.value.issues[0].code == "yaml_anchor"


def test_missing_directory_empty_directory_and_missing_pack_section(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="rule pack directory not found"):
        load_pack(tmp_path / "nope")
    with pytest.raises(RulePackError, match=r"no \.yaml rule files in the directory"):
        load_pack(tmp_path)
    write_pack(tmp_path, {"a.yaml": "symptoms: []\n"})
    with pytest.raises(RulePackError, match="no file has a 'pack:' section"):
        load_pack(tmp_path)


def test_oversized_and_non_utf8_files(tmp_path: Path) -> None:
    write_pack(tmp_path, {"pack.yaml": MINIMAL_PACK})
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * 1_000_001 + b"\n")
    (tmp_path / "latin.yaml").write_bytes(b"symptoms: [{id: x, label: '\xe9'}]\n")
    with pytest.raises(RulePackError) as info:
        load_pack(tmp_path)
    codes = {i.path.rsplit("/", 1)[-1]: i.code for i in info.value.issues}
    assert codes == {"big.yaml": "too_big", "latin.yaml": "encoding"}


def test_valid_pack_loads_with_identity_and_synonyms(tmp_path: Path) -> None:
    root = tiny_pack(
        tmp_path,
        """
        rules:
          - id: r_a
            title: A supports h1
            evidence: research
            source: S1
            when: {symptom: a}
            then: [{support: h1, certainty: 0.5}]
        """,
    )
    pack = load_pack(root)
    assert (pack.name, pack.version) == ("tiny", "1")
    assert len(pack.content_hash) == 64
    assert pack.pack_id == f"tiny@1#{pack.content_hash[:12]}"
    assert pack.resolve("AA thing") == "a"
    assert pack.resolve("Symptom_B") == "b"
    assert pack.resolve("unknown thing") is None
    assert pack.rule("r_a").title == "A supports h1"
    assert str(pack.origins["rule:r_a"]) == f"{root}/rules.yaml:2:9"
    # the content hash follows the content
    (root / "rules.yaml").write_text((root / "rules.yaml").read_text().replace("0.5", "0.6"))
    assert load_pack(root).content_hash != pack.content_hash


def test_bundled_pack_loads_and_has_every_contract_id() -> None:
    pack = load_pack(hamtriage.bundled_rules_path())
    required = {
        "symptom": [
            "low_back_spasms",
            "low_back_pain_when_hinging",
            "lifts_with_lower_back",
            "prominent_lumbar_erectors",
            "cannot_touch_floor",
            "tight_hamstrings",
            "tight_calves",
            "limited_ankle_dorsiflexion",
            "heels_rise_in_squat",
            "knee_pain",
            "hip_pain",
            "posterior_thigh_pain",
            "leg_pain_below_knee",
        ],
        "measurement": [
            "fingertip_to_floor_cm",
            "knee_to_wall_cm",
            "active_straight_leg_raise_deg",
            "passive_straight_leg_raise_deg",
            "single_leg_bridge_reps",
            "nordic_force_n",
        ],
        "activity": [
            "deadlift",
            "kettlebell_swing",
            "squat",
            "running",
            "double_unders",
            "sprinting",
        ],
        "history": ["prior_hamstring_strain", "prior_ankle_sprain"],
        "hypothesis": [
            "inner_hamstring_weakness",
            "external_torque_chain_dominance",
            "hamstring_shortening",
            "calf_compensation",
            "hamstring_strain_risk",
            "nonspecific_lumbar_strain",
            "calf_tightness",
            "ankle_joint_restriction",
            "hinge_motor_control_deficit",
        ],
        "recommendation": [
            "inner_hamstring_opener",
            "hip_hinge_drill",
            "romanian_deadlift",
            "nordic_hamstring_curl",
            "calf_stretch",
            "load_and_technique_review",
            "see_clinician",
        ],
    }
    for kind, ids in required.items():
        for vocab_id in ids:
            assert pack.kinds.get(vocab_id) == kind, vocab_id
    opener = pack.recommendations["inner_hamstring_opener"]
    assert {v.id for v in opener.variants} >= {"kettlebell", "barbell"}
    assert pack.hypotheses["inner_hamstring_weakness"].evidence == "coaching_lore"
    # every rule carries a source that resolves, and an evidence level
    for rule in pack.rules:
        assert rule.source, rule.id
        assert all(s in pack.sources for s in rule.source), rule.id
    # every claim of the article is encoded with the article as its source
    article_rules = [r for r in pack.rules if "S1" in r.source]
    assert len(article_rules) >= 7
    assert all(r.evidence == "coaching_lore" for r in article_rules if r.id.startswith("article_"))
