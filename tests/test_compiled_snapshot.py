"""Compiled-pack snapshots: a compiled pack read back from the cache is the same compiled
pack; any change is a miss; a damaged, foreign or unsafe file is a miss and is replaced.

Reading a wrong compiled pack could hand the C engine a ruleset that crashes it, so the
damaged-file checks run in a child process (``run_child``).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hamtriage
from hamtriage import Engine, RulePackError, load_pack, load_pack_from_texts
from hamtriage.engine import compiled_state
from hamtriage.rules import _snapshot
from hamtriage.runtime import _compiled_snapshot, compiler
from hamtriage.runtime.compiler import CompiledPack
from tests.support.hazard import run_child
from tests.support.packs import tiny_pack
from tests.support.reports import make_reports

RULES = """
rules:
  - id: r1
    title: A and the K test
    evidence: research
    source: [S1]
    when: {all: [{symptom: a}, {measurement: k, lt: 5}]}
    then:
      - {support: h1, certainty: 0.6}
      - {recommend: drill1}
  - id: r2
    title: Not A
    evidence: expert_opinion
    source: [S1]
    when: {not: {symptom: a}}
    then:
      - {support: h1, certainty: 0.2}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of this test's own (not yet created)."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(directory))
    monkeypatch.delenv("HAMTRIAGE_CACHE", raising=False)
    return directory


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs compiled the slow way (by compile_pack), by name, in order."""
    seen: list[str] = []
    real = compiler.compile_pack

    def spy(pack: Any, **kwargs: Any) -> CompiledPack:
        seen.append(pack.name)
        return real(pack, **kwargs)

    monkeypatch.setattr(_compiled_snapshot, "compile_pack", spy)
    return seen


def compiled_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("compiled-*.pickle")) if cache.is_dir() else []


def assert_same_compiled(a: CompiledPack, b: CompiledPack) -> None:
    for f in dataclasses.fields(CompiledPack):
        left, right = getattr(a, f.name), getattr(b, f.name)
        assert left == right, f.name
        assert type(left) is type(right), f.name
    assert list(a.definition) == list(b.definition)  # the same rule order too
    assert [list(u.definition) for u in a.units] == [list(u.definition) for u in b.units]


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(hamtriage.bundled_rules_path(), tmp_path / "rules"))


def test_a_hit_is_the_same_compiled_pack_with_the_same_results(
    cache: Path, compiles: list[str], bundled_copy: Path
) -> None:
    with Engine.from_path(bundled_copy) as first:
        assert len(compiles) == 1
        assert len(compiled_files(cache)) == 1
        with Engine.from_path(bundled_copy) as second:
            assert len(compiles) == 1  # read back, not compiled
            a, b = compiled_state(first).compiled, compiled_state(second).compiled
            assert a is not b
            assert_same_compiled(a, b)
            assert_same_compiled(compiler.compile_pack(second.pack), b)
            # the rules are the pack's own objects, not copies
            assert all(r.rule is second.pack.rules[r.index] for r in b.rules)
            with Engine.from_texts(dict(second.pack.files)) as texts:
                for report in make_reports(second.pack, 300, seed=11):
                    assert second.triage(report) == first.triage(report) == texts.triage(report)


def test_a_changed_pack_is_a_miss_and_its_file_is_replaced(
    cache: Path, compiles: list[str], tmp_path: Path
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    Engine.from_path(root).close()
    rules = root / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("lt: 5", "lt: 7"), "utf-8")
    with Engine.from_path(root) as engine:
        assert len(compiles) == 2
        assert len(compiled_files(cache)) == 1  # one file per pack directory
        assert engine.triage({"symptoms": ["a"], "measurements": {"k": 6}}).hypotheses
    with Engine.from_path(root) as engine:
        assert len(compiles) == 2
        assert engine.triage({"symptoms": ["a"], "measurements": {"k": 6}}).hypotheses
        assert not engine.triage({"symptoms": ["a"], "measurements": {"k": 8}}).recommendations


def test_the_compile_parameters_are_part_of_the_key(
    cache: Path, compiles: list[str], tmp_path: Path
) -> None:
    from hamtriage.runtime.run import Compiled

    pack = load_pack(tiny_pack(tmp_path / "p", RULES))
    whole = Compiled(pack)
    split = Compiled(pack, unit_rules=1)  # tests run small packs split
    assert len(compiles) == 2
    assert len(whole.compiled.units) == 1 < len(split.compiled.units)
    again = Compiled(pack, unit_rules=1)  # the file holds the last one compiled: a hit
    assert len(compiles) == 2
    assert_same_compiled(again.compiled, split.compiled)
    back = Compiled(pack)  # a miss: the file held the split one
    assert len(compiles) == 3
    assert_same_compiled(back.compiled, whole.compiled)
    for state in (whole, split, again, back):
        state.close()


def test_packs_from_texts_are_not_stored_and_the_cache_can_be_turned_off(
    cache: Path, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    texts = {p.name: p.read_text(encoding="utf-8") for p in root.glob("*.yaml")}
    for _ in range(2):
        Engine.from_texts(texts).close()
    assert len(compiles) == 2
    assert compiled_files(cache) == []
    monkeypatch.setenv("HAMTRIAGE_CACHE", "0")
    for _ in range(2):
        Engine.from_path(root).close()
    assert len(compiles) == 4
    assert not cache.exists()


def test_a_pack_the_engine_refuses_is_reported_each_time_and_never_stored(
    cache: Path, tmp_path: Path
) -> None:
    many = "\n".join(f"      - {{symptom: s{i}}}" for i in range(17))
    vocab = "\n".join(f"  - {{id: s{i}, label: S{i}}}" for i in range(17))
    rules = f"""
symptoms:
{vocab}
rules:
  - id: wide
    title: Seventeen at once
    evidence: expert_opinion
    source: [S1]
    when:
      all:
{many}
    then:
      - {{support: h1, certainty: 0.5}}
"""
    root = tiny_pack(tmp_path / "p", rules)
    messages = []
    for _ in range(2):
        with pytest.raises(RulePackError) as info:
            Engine.from_path(root)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "patterns" in messages[0]
    assert compiled_files(cache) == []


@pytest.mark.parametrize("mode", [0o620, 0o666], ids=oct)
def test_a_file_others_can_write_or_a_symlink_is_ignored(
    cache: Path, compiles: list[str], tmp_path: Path, mode: int
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    Engine.from_path(root).close()
    (snapshot,) = compiled_files(cache)
    snapshot.chmod(mode)
    Engine.from_path(root).close()
    assert len(compiles) == 2
    assert snapshot.stat().st_mode & 0o777 == 0o600  # replaced by a private one
    elsewhere = tmp_path / "elsewhere.pickle"
    snapshot.rename(elsewhere)
    snapshot.symlink_to(elsewhere)
    Engine.from_path(root).close()
    assert len(compiles) == 3
    assert not snapshot.is_symlink()
    Engine.from_path(root).close()
    assert len(compiles) == 3


def test_the_key_covers_the_compiling_code() -> None:
    """Every module the compiler imports is hashed into the key (the loader's own modules
    are, through the pack snapshot's list): a changed module is a miss."""
    package = Path(hamtriage.__file__).parent
    hashed = set(_compiled_snapshot._SOURCES) | set(_snapshot._SOURCES)
    todo = ["runtime/compiler.py", "runtime/_compiled_snapshot.py"]
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        assert name in hashed, name
        here = (package / name).parent
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
                base = here.parents[node.level - 2] if node.level > 1 else here
                target = base.joinpath(*node.module.split("."))
                path = target / "__init__.py" if target.is_dir() else target.with_suffix(".py")
                todo.append(path.relative_to(package).as_posix())
    assert {"runtime/partition.py", "runtime/wire.py", "rules/logic.py"} <= done


# --------------------------------------------------------------- in a child process

DAMAGE = r"""
import hashlib, json, pickle, sys
from pathlib import Path
import hamtriage
from hamtriage.runtime import _compiled_snapshot as cs, compiler
from hamtriage.runtime.compiler import CompiledPack

root, other = Path(sys.argv[1]), Path(sys.argv[2])
cache = Path(sys.argv[3])
REPORT = {"symptoms": ["a"], "measurements": {"k": 3}}
calls = []
real = compiler.compile_pack
cs.compile_pack = lambda pack, **kw: calls.append(1) or real(pack, **kw)

def snapshot_of(path):
    (found,) = [p for p in cache.glob("compiled-*.pickle") if p.name == cs.locate(
        hamtriage.load_pack(path), 400).path.name]
    return found

def triage(path):
    with hamtriage.Engine.from_path(path) as engine:
        return engine.triage(REPORT).model_dump(mode="json")

expected = triage(root)
snap = snapshot_of(root)
good = snap.read_bytes()
head = len(cs.FORMAT) + 32

def with_payload(payload):
    return good[:head] + hashlib.sha256(payload).digest() + payload

pack = hamtriage.load_pack(root)
rules = pack.rules
class Foreign(pickle.Pickler):
    def persistent_id(self, obj):
        return ("rule", 99) if obj is rules[0] else None
import io
buf = io.BytesIO()
Foreign(buf, protocol=5).dump((pack.content_hash, compiler.compile_pack(pack)))
class Swapped(pickle.Pickler):  # each rule stored under the other's index
    def persistent_id(self, obj):
        return ("rule", 1) if obj is rules[0] else ("rule", 0) if obj is rules[1] else None
buf3 = io.BytesIO()
Swapped(buf3, protocol=5).dump((pack.content_hash, compiler.compile_pack(pack)))
import subprocess
os_payload = pickle.dumps((pack.content_hash, subprocess.Popen))

wrong = compiler.compile_pack(hamtriage.load_pack(other))
buf2 = io.BytesIO()
cs._Pickler(buf2, pack.rules).dump((pack.content_hash, wrong))

damages = {
    "empty": b"",
    "truncated": good[: len(good) // 2],
    "flipped": good[:-10] + bytes([good[-10] ^ 0xFF]) + good[-9:],
    "header": b"X" + good[1:],
    "garbage": with_payload(b"not a pickle"),
    "rule index out of range": with_payload(buf.getvalue()),
    "rules swapped": with_payload(buf3.getvalue()),
    "a class that is not the compiler's": with_payload(os_payload),
    "another pack's compilation": with_payload(buf2.getvalue()),
    "another pack's file": snapshot_of(other).read_bytes(),
}
out = {}
for kind, data in damages.items():
    snap.write_bytes(data)
    calls.clear()
    got = triage(root)
    rebuilt = len(calls)
    again = triage(root)  # from the rewritten file
    out[kind] = [got == expected, rebuilt, len(calls), again == expected]
print(json.dumps(out))
"""


def test_a_damaged_or_foreign_file_is_a_miss_and_is_replaced(cache: Path, tmp_path: Path) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    other = tiny_pack(tmp_path / "q", RULES.replace("lt: 5", "lt: 2").replace("0.6", "0.7"))
    for path in (root, other):
        Engine.from_path(path).close()
    proc = run_child(DAMAGE, str(root), str(other), str(cache))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == 10
    for kind, (same, rebuilt, total, same_again) in out.items():
        assert same, kind
        assert same_again, kind
        assert rebuilt == 1, kind  # refused, compiled again ...
        assert total == 1, kind  # ... and rewritten whole: the next start reads it


RACE = r"""
import json, sys, time
import hamtriage
go = float(sys.argv[1])
while time.time() < go:
    time.sleep(0.001)
engine = hamtriage.Engine.default()
print(json.dumps(engine.triage({"symptoms": ["low_back_spasms"], "measurements":
    {"knee_to_wall_cm": 6.5}}).model_dump(mode="json")))
"""


def test_processes_starting_at_once_write_one_whole_snapshot(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "HAMTRIAGE_CACHE_DIR": str(cache)}
    env.pop("HAMTRIAGE_CACHE", None)
    env["PYTHONPATH"] = str(Path(hamtriage.__file__).parent.parent)
    import time

    go = str(time.time() + 1.5)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, go], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(4)
    ]
    outs = [child.communicate(timeout=120)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0]
    assert len(set(outs)) == 1
    assert len(compiled_files(cache)) == 1
    assert sorted(p.name for p in cache.iterdir() if p.name.startswith(".")) == []
    # and what they left is a hit: a start in which the compiler must not run
    check = RACE.replace(
        "engine = hamtriage.Engine.default()",
        "from hamtriage.runtime import _compiled_snapshot\n"
        "def refuse(*args, **kwargs):\n    raise SystemExit('compiled again')\n"
        "_compiled_snapshot.compile_pack = refuse\n"
        "engine = hamtriage.Engine.default()",
    )
    proc = subprocess.run(
        [sys.executable, "-c", check, "0"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == outs[0]


def test_a_snapshot_is_never_read_for_a_pack_loaded_another_way(
    cache: Path, compiles: list[str], tmp_path: Path
) -> None:
    """A pack from texts with the same content as a stored directory pack is compiled."""
    root = tiny_pack(tmp_path / "p", RULES)
    Engine.from_path(root).close()
    pack = load_pack_from_texts(
        {p.name: p.read_text(encoding="utf-8") for p in sorted(root.glob("*.yaml"))}
    )
    assert _compiled_snapshot.locate(pack, 400) is None
    assert len(compiles) == 1


START = r"""
import json, sys
from hamtriage.runtime import _compiled_snapshot, compiler
calls = []
real = compiler.compile_pack
_compiled_snapshot.compile_pack = lambda pack, **kw: calls.append(1) or real(pack, **kw)
import hamtriage
engine = hamtriage.Engine.default()
print(json.dumps({
    "compiled": len(calls),
    "difflib": "difflib" in sys.modules,
    "flows": sorted(m for m in sys.modules if m.startswith("hamtriage.flows")),
    "level": engine.triage({"symptoms": ["cannot_touch_floor"]}).level.value,
}))
"""


def test_a_second_start_compiles_nothing_and_imports_no_did_you_mean(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HAMTRIAGE_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(Path(hamtriage.__file__).parent.parent),
    }
    env.pop("HAMTRIAGE_CACHE", None)
    outs = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", START], capture_output=True, text=True, env=env, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(json.loads(proc.stdout))
    first, second = outs
    assert first["compiled"] == 1
    assert second["compiled"] == 0
    assert second["difflib"] is False  # only a bad id needs "did you mean"
    assert second["flows"] == []
    assert second["level"] == first["level"] == "self_care"
