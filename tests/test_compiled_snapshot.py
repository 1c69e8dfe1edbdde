"""Compiled-pack snapshots: a compiled pack read back from the cache is the same compiled
pack; any change is a miss; an unsafe file is a miss and is replaced. (Damaged files and
several processes: ``test_compiled_snapshot_processes.py``.)
"""

from __future__ import annotations

import ast
import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

import hamtriage
from hamtriage import Engine, RulePackError, load_pack, load_pack_from_texts
from hamtriage.engine import compiled_state
from hamtriage.rules import _snapshot
from hamtriage.runtime import _compiled_snapshot, compiler
from hamtriage.runtime.compiler import CompiledPack
from tests.support.packs import tiny_pack
from tests.support.reports import make_reports
from tests.support.snapshots import RULES, compiled_files


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


def test_another_engine_build_or_compiler_source_is_another_key(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    from importlib.machinery import ModuleSpec

    pack = load_pack(tiny_pack(tmp_path / "p", RULES))
    build = _compiled_snapshot._build

    def place() -> tuple[Path, bytes]:
        build.cache_clear()
        found = _compiled_snapshot.locate(pack, 400)
        assert found is not None
        return found.path, found.key

    here = place()
    assert place() == here  # deterministic
    other_engine = tmp_path / "durable_rules_engine.so"
    other_engine.write_bytes(b"another build")
    with monkeypatch.context() as m:
        m.setattr(
            importlib.util,
            "find_spec",
            lambda name: ModuleSpec(name, None, origin=str(other_engine)),
        )
        rebuilt = place()
    assert rebuilt[0] != here[0]
    assert rebuilt[1] != here[1]
    real = _snapshot.sources_digest
    with monkeypatch.context() as m:
        m.setattr(
            _snapshot,
            "sources_digest",
            lambda names: real(names) + (b"edited" if "runtime/compiler.py" in names else b""),
        )
        edited = place()
    assert edited[1] != here[1]
    assert place() == here
