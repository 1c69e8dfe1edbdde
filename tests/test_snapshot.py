"""Pack snapshots: a loaded pack read back from the user's cache is the same pack.

Any change to what the pack depends on is a miss, any unreadable or unsafe snapshot is
a miss, and a miss loads the pack as usual.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import hamtriage
from hamtriage import (
    Engine,
    RuleIssue,
    RulePack,
    RulePackError,
    load_pack,
)
from hamtriage.engine import compiled_state
from hamtriage.rules import _snapshot, _yaml, loader
from tests.support.packs import MINIMAL_PACK, tiny_pack, write_pack
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
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of this test's own (not yet created)."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(directory))
    monkeypatch.delenv("HAMTRIAGE_CACHE", raising=False)
    return directory


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The packs loaded the slow way (parsed and validated), in order."""
    seen: list[Path] = []
    read = loader._read_files

    def spy(root: Path, files: list[Path] | tuple[RuleIssue, ...], col: Any) -> Any:
        seen.append(root)
        return read(root, files, col)

    monkeypatch.setattr(loader, "_read_files", spy)
    return seen


def snapshots(cache: Path) -> list[Path]:
    return sorted(cache.glob("pack-*.pickle")) if cache.is_dir() else []


def fresh(path: Path, monkeypatch: pytest.MonkeyPatch) -> RulePack:
    """``path`` loaded with the cache off."""
    with monkeypatch.context() as m:
        m.setenv("HAMTRIAGE_CACHE", "0")
        return load_pack(path)


def assert_same_pack(a: RulePack, b: RulePack) -> None:
    for f in dataclasses.fields(RulePack):
        left, right = getattr(a, f.name), getattr(b, f.name)
        assert left == right, f.name
        assert type(left) is type(right), f.name
        if isinstance(left, MappingProxyType):
            assert list(left) == list(right), f.name  # the same order too
    assert a.pack_id == b.pack_id
    assert a.root == b.root
    assert a.content_hash == b.content_hash
    for rule in a.rules:
        assert a.origins[f"rule:{rule.id}"] == b.origins[f"rule:{rule.id}"]


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(hamtriage.bundled_rules_path(), tmp_path / "rules"))


def test_a_cache_hit_is_the_same_pack_with_the_same_results(
    cache: Path, loads: list[Path], bundled_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_pack(bundled_copy)
    assert len(loads) == 1
    assert len(snapshots(cache)) == 1
    second = load_pack(bundled_copy)
    assert len(loads) == 1  # read back, not parsed
    assert second is not first
    assert_same_pack(first, second)
    assert_same_pack(fresh(bundled_copy, monkeypatch), second)
    assert isinstance(second.symptoms, MappingProxyType)

    reports = make_reports(first, 200, seed=7)
    with Engine(first) as slow, Engine(second) as quick:
        assert compiled_state(slow).compiled.definition == compiled_state(quick).compiled.definition
        for report in reports:
            assert quick.triage(report) == slow.triage(report)
        for report in reports[:20]:
            assert quick.explain(report) == slow.explain(report)


@pytest.mark.parametrize("name", ["pack.yaml", "rules.yaml"])
def test_any_changed_byte_is_a_miss(
    cache: Path, loads: list[Path], tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    before = load_pack(root)
    path = root / name
    text = path.read_text(encoding="utf-8")
    changed = text.replace("Symptom A", "Symptom Q") if name == "pack.yaml" else text + "\n"
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    after = load_pack(root)
    assert len(loads) == 2
    assert after.content_hash != before.content_hash
    assert len(snapshots(cache)) == 1  # the pack's snapshot is replaced, not added to
    assert load_pack(root).content_hash == after.content_hash
    assert len(loads) == 2
    assert_same_pack(fresh(root, monkeypatch), after)


def test_an_added_or_removed_file_is_a_miss(cache: Path, loads: list[Path], tmp_path: Path) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    load_pack(root)
    write_pack(root, {"more.yaml": "symptoms:\n  - {id: extra, label: Extra}\n"})
    assert "extra" in load_pack(root).symptoms
    assert len(loads) == 2
    (root / "more.yaml").unlink()
    assert "extra" not in load_pack(root).symptoms
    assert len(loads) == 2  # the same files as at first: the first snapshot
    assert len(snapshots(cache)) == 2  # one per set of files


def test_the_displayed_paths_are_part_of_the_key(
    cache: Path, loads: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Positions in messages name files relative to the working directory when they can."""
    root = tiny_pack(tmp_path / "p", RULES)
    monkeypatch.chdir(tmp_path)
    here = load_pack(root)
    assert here.origins["rule:r1"].path == os.path.join("p", "rules.yaml")
    monkeypatch.chdir(root)
    inside = load_pack(root)
    assert inside.origins["rule:r1"].path == "rules.yaml"
    assert len(loads) == 2
    monkeypatch.chdir(tmp_path)
    assert_same_pack(here, load_pack(Path("p")))
    assert len(loads) == 2  # the same files, shown the same way: a hit
    assert_same_pack(fresh(root, monkeypatch), here)


def test_a_pack_changed_while_it_loads_is_not_stored(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    read = loader._read_files

    def edit_then_read(root: Path, files: list[Path] | tuple[RuleIssue, ...], col: Any) -> Any:
        pack_file = root / "pack.yaml"
        pack_file.write_text(
            pack_file.read_text(encoding="utf-8").replace("Symptom A", "Symptom Q"),
            encoding="utf-8",
        )
        return read(root, files, col)

    with monkeypatch.context() as m:
        m.setattr(loader, "_read_files", edit_then_read)
        load_pack(root)
    assert snapshots(cache) == []
    assert load_pack(root).symptoms["a"].label == "Symptom Q"


def _damage(kind: str) -> Callable[[bytes], bytes]:
    head = len(_snapshot.FORMAT) + 32

    def garbage_with_digest(data: bytes) -> bytes:
        payload = b"not a pickle"
        return data[:head] + hashlib.sha256(payload).digest() + payload

    return {
        "empty": lambda data: b"",
        "truncated": lambda data: data[: len(data) // 2],
        "flipped": lambda data: data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        "header": lambda data: b"X" + data[1:],
        "garbage": garbage_with_digest,
        "edited": lambda data: data.replace(b"Symptom A", b"Symptom Q"),  # unpickles fine
    }[kind]


@pytest.mark.parametrize("kind", ["empty", "truncated", "flipped", "header", "garbage", "edited"])
def test_a_damaged_snapshot_is_a_miss_and_is_replaced(
    cache: Path, loads: list[Path], tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    load_pack(root)
    (snapshot,) = snapshots(cache)
    snapshot.write_bytes(_damage(kind)(snapshot.read_bytes()))
    pack = load_pack(root)
    assert len(loads) == 2
    load_pack(root)
    assert len(loads) == 2  # rewritten whole
    assert_same_pack(fresh(root, monkeypatch), pack)


def test_the_cache_can_be_turned_off(
    cache: Path, loads: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMTRIAGE_CACHE", "0")
    root = tiny_pack(tmp_path / "p", RULES)
    load_pack(root)
    load_pack(root)
    assert len(loads) == 2
    assert not cache.exists()


def test_an_unusable_cache_directory_is_only_a_miss(
    loads: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(blocker / "cache"))
    root = tiny_pack(tmp_path / "p", RULES)
    assert_same_pack(load_pack(root), load_pack(root))
    assert len(loads) == 2
    assert list(tmp_path.glob("**/.pack-*.tmp")) == []


def test_snapshots_are_private_files(cache: Path, tmp_path: Path) -> None:
    load_pack(tiny_pack(tmp_path / "p", RULES))
    (snapshot,) = snapshots(cache)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert snapshot.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in cache.iterdir()] == [snapshot.name]  # no temporary file left


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666], ids=oct)
def test_a_snapshot_others_can_write_is_ignored(
    cache: Path, loads: list[Path], tmp_path: Path, mode: int
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    load_pack(root)
    (snapshot,) = snapshots(cache)
    snapshot.chmod(mode)
    load_pack(root)
    assert len(loads) == 2
    assert snapshot.stat().st_mode & 0o777 == 0o600  # replaced by a private one
    load_pack(root)
    assert len(loads) == 2


def test_a_snapshot_of_another_user_a_symlink_or_a_fifo_is_ignored(
    cache: Path, loads: list[Path], tmp_path: Path
) -> None:
    root = tiny_pack(tmp_path / "p", RULES)
    load_pack(root)
    (snapshot,) = snapshots(cache)
    elsewhere = tmp_path / "elsewhere.pickle"
    snapshot.rename(elsewhere)
    snapshot.symlink_to(elsewhere)
    load_pack(root)
    assert len(loads) == 2
    if hasattr(os, "mkfifo"):
        snapshot.unlink()
        os.mkfifo(snapshot, 0o600)
        load_pack(root)  # neither blocks nor fails
        assert len(loads) == 3
        assert snapshot.is_file()
    loads.clear()
    if os.geteuid() == 0:  # only root can give a file away
        os.chown(snapshot, 4242, -1)
        load_pack(root)
        assert len(loads) == 1


def test_a_pack_with_errors_is_reported_as_before_and_never_stored(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tiny_pack(tmp_path / "p", RULES.replace("symptom: a", "symptom: nope"))
    with monkeypatch.context() as m:
        m.setenv("HAMTRIAGE_CACHE", "0")
        with pytest.raises(RulePackError) as uncached:
            load_pack(root)
    for _ in range(2):
        with pytest.raises(RulePackError) as cached:
            load_pack(root)
        assert str(cached.value) == str(uncached.value)
        assert cached.value.issues == uncached.value.issues
        assert "unknown symptom 'nope'" in str(cached.value)
    assert snapshots(cache) == []


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no .yaml rule files"),
        ({"pack.yaml": MINIMAL_PACK, "rules.yaml": "rules: [oops"}, "invalid YAML"),
    ],
)
def test_broken_files_are_reported_as_before(
    cache: Path, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    root = write_pack(tmp_path / "p", files)
    with pytest.raises(RulePackError, match=message):
        load_pack(root)
    assert snapshots(cache) == []


def test_the_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HAMTRIAGE_CACHE", "HAMTRIAGE_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _snapshot.cache_dir() == tmp_path / ".cache" / "hamtriage"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert _snapshot.cache_dir() == tmp_path / ".cache" / "hamtriage"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _snapshot.cache_dir() == tmp_path / "xdg" / "hamtriage"
    monkeypatch.setenv("HAMTRIAGE_CACHE_DIR", str(tmp_path / "mine"))
    assert _snapshot.cache_dir() == tmp_path / "mine"
    for off in ("0", "false", "OFF", "no"):
        monkeypatch.setenv("HAMTRIAGE_CACHE", off)
        assert _snapshot.cache_dir() is None
    monkeypatch.setenv("HAMTRIAGE_CACHE", "1")
    assert _snapshot.cache_dir() == tmp_path / "mine"


def test_the_file_size_limit_is_the_parsers() -> None:
    assert _snapshot.MAX_FILE_BYTES == _yaml.MAX_FILE_BYTES


def test_the_key_covers_the_loading_code() -> None:
    """Every module the loader imports (and so every module that decides what a loaded
    pack holds) is hashed into the key: a changed module is a miss."""
    package = Path(hamtriage.__file__).parent
    hashed = set(_snapshot._SOURCES)

    def source(base: Path, dotted: str) -> str:
        target = base.joinpath(*dotted.split(".")) if dotted else base
        path = target / "__init__.py" if target.is_dir() else target.with_suffix(".py")
        return path.relative_to(package).as_posix()

    for name in sorted(hashed - {"__init__.py"}):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        here = (package / name).parent
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                base = here.parents[node.level - 2] if node.level > 1 else here
                if node.module is None:  # from . import name: a module, or a name of __init__
                    imported = {
                        source(base, alias.name)
                        if (base / f"{alias.name}.py").exists()
                        else source(base, "")
                        for alias in node.names
                    }
                else:
                    imported = {source(base, node.module)}
                assert imported <= hashed, (name, imported - hashed)


WARM = """
import json, sys
import hamtriage
from hamtriage.rules import schema
engine = hamtriage.Engine.default()
result = engine.triage({"symptoms": ["tight_calves"]})
models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, schema.SchemaModel)]
CHECKS = tuple(f"hamtriage.rules.{m}" for m in ("_validate", "_crosscheck", "phrases", "languages"))
print(json.dumps({
    "yaml": "yaml" in sys.modules,
    "checks": sorted(m for m in sys.modules if m.startswith(CHECKS)),
    "complete": sorted(m.__name__ for m in models if m.__pydantic_complete__),
    "models": len(models),
    "level": result.level.value,
    "pack": engine.pack.pack_id,
}))
"""


def _fresh_process(code: str, cwd: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(hamtriage.__file__).parent.parent)},
    )
    assert proc.returncode == 0, proc.stderr
    out: dict[str, object] = json.loads(proc.stdout)
    return out


def test_a_warm_cold_start_imports_no_yaml_and_builds_no_rule_models(
    cache: Path, tmp_path: Path
) -> None:
    cold = _fresh_process(WARM, tmp_path)
    assert cold["yaml"] is True  # the first process parsed the pack and stored it
    assert len(snapshots(cache)) == 1
    warm = _fresh_process(WARM, tmp_path)
    assert warm["yaml"] is False
    assert cold["checks"]  # parsing a pack checks it ...
    assert warm["checks"] == []  # ... a snapshot needs none of the checks (cold start)
    assert warm["complete"] == []
    assert isinstance(warm["models"], int)
    assert warm["models"] > 20
    assert (warm["level"], warm["pack"]) == (cold["level"], cold["pack"])


def test_import_alone_builds_no_rule_models() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, hamtriage; from hamtriage.rules import schema; "
                "print('yaml' in sys.modules, schema.Rule.__pydantic_complete__)"
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_a_directory_that_is_not_a_pack_never_reaches_the_cache(
    cache: Path, tmp_path: Path
) -> None:
    with pytest.raises(RulePackError, match="rule pack directory not found"):
        load_pack(tmp_path / "missing")
    assert not cache.exists()
