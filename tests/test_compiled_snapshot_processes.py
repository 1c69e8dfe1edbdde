"""Compiled-pack snapshots across processes: a damaged, truncated, foreign or swapped
file is refused and rewritten (in a child process: a wrong ruleset could crash the C
engine), processes starting at once leave one whole file, and a second start compiles
nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hamtriage
from hamtriage import Engine
from tests.support.hazard import run_child
from tests.support.packs import tiny_pack
from tests.support.snapshots import RULES, compiled_files


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of this test's own (not yet created)."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(directory))
    monkeypatch.delenv("HAMTRIAGE_CACHE", raising=False)
    return directory


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
