"""hamtriage.runtime.wire: the facts' JSON shapes, the decoding of actions, numbers, hashes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamtriage.results import MatchedFact
from hamtriage.rules.logic import FactKind
from hamtriage.runtime.wire import (
    BOOT_RULE,
    MARKER_PREFIX,
    age_json,
    decode_matched,
    engine_number,
    fact_json,
    fact_name,
    fnv1_32,
    marker_json,
    valued_prefix,
)

ROOT = Path(__file__).resolve().parent.parent

ids = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True)
keyed_kinds = st.sampled_from([k for k in FactKind if k.keyed])
# the schema refuses numbers beyond ±1e6 in packs and reports (loader: "within ±1e+06")
engine_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


# ------------------------------------------------------------------ shapes


def test_fact_names_are_kind_and_id() -> None:
    assert fact_name(FactKind.PRESENT, "low_back_spasms") == "y:low_back_spasms"
    assert fact_name(FactKind.MEASUREMENT, "knee_to_wall_cm") == "m:knee_to_wall_cm"
    assert fact_name(FactKind.AGE) == "age"
    assert fact_name(FactKind.STAGE) == "st"


def test_the_documented_shapes_byte_for_byte() -> None:
    # compact JSON with the id first: the adapter prefixes a session's sid by slicing
    # off the leading "{", and the engine finds a batch's marker by its prefix
    assert fact_json(FactKind.PRESENT, "low_back_spasms", 1) == (
        '{"id":"y:low_back_spasms","y:low_back_spasms":1}'
    )
    assert fact_json(FactKind.MEASUREMENT, "k", 7.5) == '{"id":"m:k","m:k":7.5}'
    assert fact_json(FactKind.SEX, None, "female") == '{"id":"sex","sex":"female"}'
    assert valued_prefix(FactKind.ASYMMETRY, "k") == '{"id":"asym:k","asym:k":'
    assert marker_json(3) == '{"id":"st:3","st":3}'
    assert marker_json(0).startswith(MARKER_PREFIX)
    assert age_json(51) == '{"id":"age","age":51}'


@given(keyed_kinds, ids, st.one_of(st.just(1), engine_values.map(engine_number)))
def test_a_fact_is_one_property_named_as_its_id(kind: FactKind, key: str, value: float) -> None:
    text = fact_json(kind, key, value)
    fact = json.loads(text)
    name = fact_name(kind, key)
    assert fact == {"id": name, name: value}
    assert list(fact) == ["id", name]  # id first
    assert " " not in text  # compact: the C parser gets no more bytes than needed


@given(keyed_kinds, ids, engine_values.map(engine_number))
def test_a_valued_prefix_completed_is_the_fact(kind: FactKind, key: str, value: float) -> None:
    # the hot path appends a value and "}" to the prefix (run.Compiled.input_json)
    assert f"{valued_prefix(kind, key)}{value!r}}}" == fact_json(kind, key, value)


@given(st.integers(min_value=0, max_value=64))
def test_markers_start_with_the_prefix_the_adapter_looks_for(stage: int) -> None:
    text = marker_json(stage)
    assert text.startswith(MARKER_PREFIX)
    assert json.loads(text) == {"id": f"st:{stage}", "st": stage}


def test_names_outside_ascii_stay_readable() -> None:
    assert fact_json(FactKind.PRESENT, "pijn_in_de_knie_é", 1) == (
        '{"id":"y:pijn_in_de_knie_é","y:pijn_in_de_knie_é":1}'
    )


# ------------------------------------------------------------------ decoding


def _echo(kind: FactKind, key: str | None, value: Any) -> dict[str, Any]:
    """A fact as the engine echoes it back in an action (with its session's sid)."""
    return {"sid": "0", **json.loads(fact_json(kind, key, value))}


@given(
    st.lists(
        st.tuples(keyed_kinds.filter(lambda k: k is not FactKind.STAGE), ids, engine_values),
        max_size=6,
    )
)
def test_decoding_round_trips_what_was_encoded(facts: list[tuple[FactKind, str, float]]) -> None:
    matched: dict[str, dict[str, Any]] = {}
    expected: list[MatchedFact] = []
    for i, (kind, key, raw) in enumerate(facts):
        value = 1 if kind.valueless else engine_number(raw)
        alias = f"m_{i:02d}"  # sorted as listed
        matched[alias] = _echo(kind, key, value)
        expected.append(
            MatchedFact(kind=kind.kind_name, id=key, value=None if kind.valueless else float(value))
        )
    got = decode_matched(matched)
    assert got == tuple(expected)
    for fact in got:  # numbers always come back as floats, whatever the engine echoed
        assert fact.value is None or type(fact.value) is float


def test_decoding_age_sex_and_what_it_skips() -> None:
    matched = {
        "b": _echo(FactKind.SEX, None, "female"),
        "a": _echo(FactKind.AGE, None, 51),
        "stage": _echo(FactKind.STAGE, "0", 0),  # the stage alias is not a matched fact
        "c": _echo(FactKind.STAGE, "1", 1),  # nor is a marker under another alias
        "d": {"sid": "0", "id": "zz:odd", "zz:odd": 1},  # an unknown kind code
        "e": {"sid": "0", "$s": 1},  # the session state has no id
    }
    assert decode_matched(matched) == (
        MatchedFact(kind="age", id="age", value=51.0),
        MatchedFact(kind="sex", id="sex", value="female"),
    )


def test_decoding_sorts_by_alias() -> None:
    matched = {
        "z": _echo(FactKind.PRESENT, "a", 1),
        "a": _echo(FactKind.ACTIVITY, "lift", 1),
    }
    assert [f.id for f in decode_matched(matched)] == ["lift", "a"]


# ------------------------------------------------------------------ numbers


@given(engine_values)
def test_engine_numbers_never_use_exponent_notation(value: float) -> None:
    number = engine_number(value)
    for text in (repr(number), json.dumps(number)):
        assert "e" not in text.lower(), (value, text)
    assert number == round(value, 4) or (number == 0 and round(value, 4) == 0)
    if float(value).is_integer():
        assert type(number) is int


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.00001, "0"),  # 1e-05 as Python writes it
        (0.00005, "0.0001"),
        (-0.00001, "0"),  # no "-0.0" either
        (-0.0, "0"),
        (0.1234567, "0.1235"),
        (7.0, "7"),
        (1e6, "1000000"),
        (999999.99999, "1000000.0"),
        (0.59, "0.59"),
    ],
)
def test_engine_numbers_at_the_edges(value: float, text: str) -> None:
    assert repr(engine_number(value)) == text


# ------------------------------------------------------------------ hashes


@pytest.mark.parametrize(
    ("name", "expected"),
    [  # FNV-1a 32-bit test vectors (Fowler, Noll, Vo: the reference test suite)
        ("", 0x811C9DC5),
        ("a", 0xE40C292C),
        ("b", 0xE70C2DE5),
        ("c", 0xE60C2C52),
        ("foobar", 0xBF9CF968),
        ("chongo was here!\n", 0xD49930D5),
    ],
)
def test_fnv1a_matches_the_published_vectors(name: str, expected: int) -> None:
    assert fnv1_32(name) == expected


def test_bytes_above_ascii_are_hashed_as_signed_chars_as_durable_does() -> None:
    def signed(name: str) -> int:
        h = 0x811C9DC5
        for byte in name.encode():
            h ^= (byte - 256 if byte >= 0x80 else byte) & 0xFFFFFFFF
            h = (h * 0x01000193) % 2**32
        return h

    def standard(name: str) -> int:
        h = 0x811C9DC5
        for byte in name.encode():
            h = ((h ^ byte) * 0x01000193) % 2**32
        return h

    assert fnv1_32("y:knie_é") == signed("y:knie_é")
    assert fnv1_32("y:knie_é") != standard("y:knie_é")  # durable's hash, not the standard one
    assert fnv1_32("y:knee") == standard("y:knee")


@given(st.text(max_size=40))
def test_hashes_are_32_bit(name: str) -> None:
    assert 0 <= fnv1_32(name) < 2**32


# ------------------------------------------------------------------ on the engine

_ON_THE_ENGINE = """
import json, textwrap
from hamtriage.rules.loader import load_pack_from_texts
from hamtriage.rules.logic import FactKind as K
from hamtriage.runtime.run import Compiled
from hamtriage.runtime.wire import (
    BOOT_RULE, age_json, decode_matched, fact_json, marker_json, valued_prefix,
)
from tests.support.packs import MINIMAL_PACK

RULES = '''
rules:
  - {id: r_y, title: Y, evidence: research, source: S1, when: {symptom: a}, then: [{support: h1, certainty: 0.5}]}
  - {id: r_n, title: N, evidence: research, source: S1, when: {absent: b}, then: [{support: h1, certainty: 0.5}]}
  - {id: r_act, title: Act, evidence: research, source: S1, when: {activity: lift}, then: [{recommend: edu1}]}
  - {id: r_m, title: M, evidence: research, source: S1, when: {measurement: w, between: [7, 8]}, then: [{recommend: edu1}]}
  - {id: r_age, title: Age, evidence: research, source: S1, when: {age: {ge: 50}}, then: [{recommend: edu1}]}
  - {id: r_sex, title: Sex, evidence: research, source: S1, when: {sex: female}, then: [{recommend: edu1}]}
  - {id: r_not, title: Not, evidence: research, source: S1, when: {all: [{history: old_injury}, {not: {symptom: z}}]}, then: [{recommend: edu1}]}
  - {id: r_h, title: H, evidence: research, source: S1, when: {hypothesis: h1, min_confidence: 0.6}, then: [{recommend: drill1}]}
'''
state = Compiled(load_pack_from_texts({
    "pack.yaml": textwrap.dedent(MINIMAL_PACK), "rules.yaml": RULES,
}))
names = {name: state.compiled.rules[i].id for name, i in state.compiled.branch_rule.items()}
facts = [
    fact_json(K.PRESENT, "a", 1),
    fact_json(K.ABSENT, "b", 1),
    fact_json(K.ACTIVITY, "lift", 1),
    f"{valued_prefix(K.MEASUREMENT, 'w')}{7.5!r}}}",
    fact_json(K.PRESENT, "old_injury", 1),
    age_json(51),
    fact_json(K.SEX, None, "female"),
    marker_json(0),
]
fired = {}
scope = state.ruleset.session()
with scope.lock:
    session = scope.open()
    for message in session.assert_json(facts):
        for name, matched in json.loads(message).items():
            if name != BOOT_RULE:
                fired[names[name]] = [[f.kind, f.id, f.value] for f in decode_matched(matched)]
    for message in session.assert_json([f"{valued_prefix(K.HYPOTHESIS, 'h1')}{0.75!r}}}"]):
        for name, matched in json.loads(message).items():
            if name != BOOT_RULE:
                fired[names[name]] = [[f.kind, f.id, f.value] for f in decode_matched(matched)]
    scope.done(session)
print(json.dumps(fired, sort_keys=True))
"""


def test_the_c_engine_parses_every_shape_and_echoes_it_back_decodable() -> None:
    # hand-made facts straight into a session: anything malformed could crash the C
    # engine, so this runs in a subprocess
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_ON_THE_ENGINE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    fired = json.loads(proc.stdout.strip().splitlines()[-1])
    assert fired == {
        "r_y": [["symptom", "a", None]],
        "r_n": [["absent", "b", None]],
        "r_act": [["activity", "lift", None]],
        "r_m": [["measurement", "w", 7.5]],
        "r_age": [["age", "age", 51.0]],
        "r_sex": [["sex", "sex", "female"]],
        "r_not": [["symptom", "old_injury", None]],
        "r_h": [["hypothesis", "h1", 0.75]],
    }
    assert BOOT_RULE not in fired


@pytest.mark.parametrize("value", [1e16, -3e20, 2.0**60, 1e-5, 0.00015, 123456.78915])
def test_engine_numbers_have_no_exponent_at_any_magnitude(value: float) -> None:
    text = repr(engine_number(value))
    assert "e" not in text.lower(), text
