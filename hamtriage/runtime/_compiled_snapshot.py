"""Compiled-pack snapshots: what :func:`compile_pack` computes for a pack, kept beside its
pack snapshot so that a start with an unchanged pack skips the compiler.

Compiling the bundled pack (DNF, patterns, the partition, the name-hash checks) costs
about 20-45 ms of a cold start; reading its result back costs 2-3 ms, leaving only
durable's own ``create_ruleset`` (in C) to run. Only packs loaded from a directory are
stored (one file per directory and environment, overwritten when the pack changes, like
the pack snapshots of :mod:`hamtriage.rules._snapshot`, whose safety rules it shares).

* Key: the pack's content hash and directory, the compile parameters and engine limits,
  the source of the modules that load and compile a pack, the hamtriage, pydantic,
  Python and durable-rules builds. Any change is a miss.
* The pack's rules are not stored: the snapshot names them by index and they are taken
  from the pack being compiled, after checking that each index holds the rule it had.
  Only the compiler's own classes can be unpickled from it.
* A damaged, truncated, foreign or unsafe file is a miss: the pack is compiled as usual
  and the file rewritten (atomically: two processes starting at once leave one whole file).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import os
import pickle
from pathlib import Path
from typing import Any

from ..rules import _snapshot
from ..rules.pack import RulePack
from .compiler import LIMITS, CompiledPack, compile_pack
from .partition import PARTITION_ABOVE, UNIT_RULES

__all__ = ["FORMAT", "compile_cached", "locate"]

FORMAT = b"hamtriage-compiled-snapshot 1\n"

# the modules whose code decides what a compiled pack holds (the loader's are added)
_SOURCES = (
    "levels.py",
    "results.py",
    "rules/logic.py",
    "rules/_graph.py",
    "runtime/_compiled_snapshot.py",
    "runtime/_construct.py",
    "runtime/_reserved.py",
    "runtime/compiler.py",
    "runtime/partition.py",
    "runtime/wire.py",
)

# what a compiled snapshot may hold: the compiler's classes and plain values, nothing else
_ALLOWED = {
    ("hamtriage.runtime.compiler", "CompiledPack"),
    ("hamtriage.runtime.compiler", "CompiledRule"),
    ("hamtriage.runtime.partition", "Unit"),
    ("hamtriage.rules.logic", "FactKind"),
    ("hamtriage.levels", "TriageLevel"),
}


@functools.cache  # the installed code and engine do not change under a running process
def _build() -> bytes:
    """The code and engine a compiled pack depends on."""
    digest = hashlib.sha256(_snapshot.environment())
    digest.update(_snapshot.loader_code())
    digest.update(_snapshot.sources_digest(_SOURCES))
    # durable-rules' C module, found, not imported (only runtime._durable imports it)
    spec = importlib.util.find_spec("durable_rules_engine")
    if spec is None or spec.origin is None:
        raise OSError("durable-rules not found")
    info = os.stat(spec.origin)
    digest.update(f"{spec.origin}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return digest.digest()


class _Pickler(pickle.Pickler):
    """Stores the pack's rules by index (they are the pack's own objects when read)."""

    def __init__(self, file: io.BytesIO, rules: tuple[Any, ...]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._index = {id(rule): i for i, rule in enumerate(rules)}

    def persistent_id(self, obj: Any) -> Any:
        index = self._index.get(id(obj))
        return None if index is None else ("rule", index)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, rules: tuple[Any, ...]) -> None:
        super().__init__(file)
        self._rules = rules

    def persistent_load(self, pid: Any) -> Any:
        if (
            isinstance(pid, tuple)
            and len(pid) == 2
            and pid[0] == "rule"
            and type(pid[1]) is int
            and 0 <= pid[1] < len(self._rules)
        ):
            return self._rules[pid[1]]
        raise pickle.UnpicklingError("not a rule of this pack")

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a compiled pack")
        return super().find_class(module, name)


class CompiledSnapshot:
    """Where the compiled snapshot of one pack is, and the key its content must have
    (a plain class: a dataclass costs about 1.4 ms of import)."""

    __slots__ = ("key", "path")

    def __init__(self, *, path: Path, key: bytes) -> None:
        self.path = path
        self.key = key

    def read(self, pack: RulePack) -> CompiledPack | None:
        """The compiled pack, if the file is safe, has this key and fits ``pack``."""
        payload = _snapshot.read_private(self.path, FORMAT, self.key)
        if payload is None:
            return None
        try:
            content, compiled = _Unpickler(io.BytesIO(payload), pack.rules).load()
        except Exception:  # noqa: BLE001 - an unreadable snapshot is only a cache miss
            return None
        if not isinstance(compiled, CompiledPack) or not _fits(compiled, pack):
            return None
        return compiled if content == pack.content_hash else None

    def write(self, pack: RulePack, compiled: CompiledPack) -> None:
        """Store ``compiled`` (the compilation of ``pack``); never raises."""
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, pack.rules).dump((pack.content_hash, compiled))
        except Exception:  # noqa: BLE001 - a snapshot that cannot be written is only a cache miss
            return
        _snapshot.write_private(self.path, FORMAT, self.key, buffer.getvalue())


def _fits(compiled: CompiledPack, pack: RulePack) -> bool:
    """Whether ``compiled``'s rules are ``pack``'s, in order."""
    return (
        len(compiled.rules) == len(pack.rules)
        and all(
            rule.index == i and rule.rule is pack.rules[i] for i, rule in enumerate(compiled.rules)
        )
        and bool(compiled.units)
    )


def locate(pack: RulePack, unit_rules: int) -> CompiledSnapshot | None:
    """The compiled snapshot of ``pack``, or ``None`` when the cache is off, the platform
    has no file owners, or the pack has no directory (packs from texts are not stored)."""
    directory = _snapshot.cache_dir()
    if pack.root is None or directory is None or not hasattr(os, "geteuid"):
        return None
    try:
        build = _build()
    except (OSError, ValueError):
        return None
    # the file: one per pack directory and environment; its key: that and the content
    where = hashlib.sha256(build + b"\0" + pack.root.encode()).hexdigest()[:32]
    params = repr((unit_rules, PARTITION_ABOVE, UNIT_RULES, sorted(LIMITS.items())))
    key = hashlib.sha256(
        f"{where}\0{params}\0{pack.content_hash}\0{len(pack.rules)}".encode()
    ).digest()
    return CompiledSnapshot(path=directory / f"compiled-{where}.pickle", key=key)


def compile_cached(pack: RulePack, *, unit_rules: int = PARTITION_ABOVE) -> CompiledPack:
    """:func:`compile_pack`, read from the pack's compiled snapshot when it has one.

    A pack that does not compile raises as usual and is never stored."""
    place = locate(pack, unit_rules)
    if place is not None:
        compiled = place.read(pack)
        if compiled is not None:
            return compiled
    compiled = compile_pack(pack, unit_rules=unit_rules)
    if place is not None:
        place.write(pack, compiled)
    return compiled
