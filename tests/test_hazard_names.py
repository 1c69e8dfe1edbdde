"""Hazard 1: a fact name hashing like one of durable's own ids is refused when the pack loads.

Before the fix, ``zacka1et`` (``y:zacka1et`` hashes like the state fact ``sid-0``) loaded,
then crashed the process or lost a red flag; ``zcs8ddgg`` (like the marker ``st:0``)
silently disabled every rule with ``not:``. Each case runs in a child process.
"""

from __future__ import annotations

import json

import pytest

from hamtriage.runtime._reserved import SIDS, fnv1_32, internal_message_ids
from tests.support.hazard import colliding_id, run_child

CHILD = """
import json, pathlib, sys, tempfile
from tests.support.packs import MINIMAL_PACK, write_pack
from hamtriage import Engine, RulePackError

evil, kind, extra_rules = json.loads(sys.argv[1])
root = pathlib.Path(tempfile.mkdtemp())
if kind == "y":
    vocab = f"symptoms:\\n  - {{id: {evil}, label: Evil, source: [S1]}}\\n"
    pack = MINIMAL_PACK.replace("symptoms:\\n", vocab)
else:
    vocab = f"hypotheses:\\n  - {{id: {evil}, label: Evil, evidence: research}}\\n"
    pack = MINIMAL_PACK.replace("hypotheses:\\n", vocab)
rules = '''
rules:
  - id: r_a
    title: A
    evidence: research
    source: S1
    when: {all: [{symptom: a}, {not: {symptom: z}}]}
    then: [{support: h1, certainty: 0.5}, {recommend: edu1}]
  - id: r_flag
    title: Flag
    evidence: research
    source: S1
    red_flag: true
    when: {history: old_injury}
    then: [{escalate: see_clinician, reason: bad}]
''' + extra_rules
write_pack(root, {"pack.yaml": pack, "rules.yaml": rules})
try:
    engine = Engine.from_path(root)
except RulePackError as exc:
    print(json.dumps({"refused": str(exc)}))
    sys.exit(0)
report = {"symptoms": ["a"] + ([evil] if kind == "y" else []), "history": ["old_injury"]}
results = [engine.triage(report) for _ in range(3)]
print(json.dumps({"fired": [list(r.fired_rules) for r in results],
                  "levels": [r.level.value for r in results]}))
"""

CHAIN = """
  - id: r_chain1
    title: C1
    evidence: research
    source: S1
    when: {symptom: a}
    then: [{support: h1, certainty: 0.5}]
  - id: r_chain2
    title: C2
    evidence: research
    source: S1
    when: {hypothesis: h1, min_confidence: 0.1}
    then: [{support: h2, certainty: 0.5}]
  - id: r_chain3
    title: C3
    evidence: research
    source: S1
    when: {all: [{hypothesis: h2, min_confidence: 0.1}, {not: {symptom: z}}]}
    then: [{recommend: edu1}]
"""


def _load(evil: str, kind: str = "y", extra: str = "") -> dict[str, object]:
    child = run_child(CHILD, json.dumps([evil, kind, extra]))
    assert child.returncode == 0, f"the child died ({child.returncode}): {child.stderr[-2000:]}"
    out: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return out


def _assert_refused(out: dict[str, object], evil: str, internal: str) -> None:
    assert "refused" in out, f"the pack loaded and triaged: {out}"
    message = str(out["refused"])
    assert f"rename '{evil}'" in message
    assert f"'{internal}'" in message
    assert "pack.yaml:" in message  # file:line:col of the id to change


@pytest.mark.parametrize(
    ("evil", "internal"),
    [("zacka1et", "sid-0"), ("zcs8ddgg", "st:0")],
    ids=["state-fact", "stage-marker"],
)
def test_the_issues_colliding_ids_are_refused(evil: str, internal: str) -> None:
    assert fnv1_32(f"y:{evil}") == fnv1_32(internal)
    _assert_refused(_load(evil), evil, internal)


@pytest.mark.parametrize(
    ("target", "kind", "extra"),
    [
        (f"sid-{SIDS[-1]}", "y", ""),  # every session of the pool, not only the first
        ("st:2", "y", CHAIN),  # a later stage's marker (the chain has stages 0 to 2)
        ("$s", "y", ""),  # the state fact's own property: it would match the symptom's tests
        ("$and", "y", ""),  # an operator: the C parser would read the pattern as one
        ("sid-0", "h", CHAIN),  # hypothesis facts are asserted by the engine too
    ],
)
def test_brute_forced_collisions_with_internal_names_are_refused(
    target: str, kind: str, extra: str
) -> None:
    evil = colliding_id(target, kind)
    _assert_refused(_load(evil, kind, extra), evil, target)


def test_a_marker_beyond_the_packs_last_stage_is_no_clash() -> None:
    # st:5 is never asserted by a pack whose stages end at 0: no false alarm
    evil = colliding_id("st:5")
    out = _load(evil)
    assert "refused" not in out, out
    assert out["fired"] == [["r_flag", "r_a"]] * 3
    assert set(internal_message_ids(0)) == {"st:0", *(f"sid-{s}" for s in SIDS)}


def test_without_a_clash_both_rules_fire_every_time() -> None:
    out = _load("harmless_id")
    assert out["fired"] == [["r_flag", "r_a"]] * 3
    assert out["levels"] == ["see_clinician"] * 3
