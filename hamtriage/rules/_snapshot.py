"""Pack snapshots: a loaded pack, pickled, so an unchanged pack loads without YAML or pydantic.

:func:`hamtriage.load_pack` parses every rule file, validates it with the schema models
and cross-checks the pack: in a fresh process that is 90-160 ms for the bundled pack
(importing PyYAML, building the validators, parsing, validating). When the rule files,
the code that loads them and the libraries are all unchanged, the result is the same
pack, so it is kept in a per-user cache and read back instead (6-12 ms, mostly
unpickling).

* Where: ``$HAMTRIAGE_CACHE_DIR``, else ``$XDG_CACHE_HOME/hamtriage``, else
  ``~/.cache/hamtriage``. ``HAMTRIAGE_CACHE=0`` turns the cache off.
* One file per pack directory, way of naming its files (paths in messages are relative
  to the working directory when they can be) and Python environment, overwritten when
  the pack changes.
* The file's key covers everything the loaded pack depends on: the resolved directory,
  each rule file's name, displayed path and bytes, the source of the modules that load a
  pack, the hamtriage, pydantic, pydantic-core and PyYAML versions, and the Python
  version. A digest of the payload is checked before it is unpickled.
* It is read only if it is a regular file owned by the current user and not writable by
  group or others (a pickle runs code when loaded); it is written to a temporary file
  and renamed into place. A pack with errors is never written.
* Any failure to read or write it is a cache miss: the pack is loaded as usual.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .pack import RulePack, content_hash

__all__ = [
    "Snapshot",
    "cache_dir",
    "environment",
    "loader_code",
    "locate",
    "read_private",
    "sources_digest",
    "write_private",
]

FORMAT = b"hamtriage-pack-snapshot 1\n"
MAX_FILE_BYTES = 1_000_000
"""Files bigger than this are not hashed (the same limit as :mod:`hamtriage.rules._yaml`'s)."""

# the modules whose code decides what a loaded pack holds (beside this package's version)
_SOURCES = (
    "__init__.py",
    "_version.py",
    "errors.py",
    "levels.py",
    "rules/__init__.py",
    "rules/_conditions.py",
    "rules/_crosscheck.py",
    "rules/_fields.py",
    "rules/_files.py",
    "rules/_graph.py",
    "rules/_retest_checks.py",
    "rules/_snapshot.py",
    "rules/_validate.py",
    "rules/_yaml.py",
    "rules/i18n.py",
    "rules/_i18n_check.py",
    "rules/_i18n_file.py",
    "rules/loader.py",
    "rules/pack.py",
    "rules/phrases.py",
    "rules/languages/__init__.py",
    "rules/languages/en.py",
    "rules/languages/nl.py",
    "rules/languages/profile.py",
    "rules/safety.py",
    "rules/schema.py",
)
_DIGEST = 32  # sha256


def cache_dir() -> Path | None:
    """The snapshot directory, or ``None`` when the cache is off or has no home."""
    if os.environ.get("HAMTRIAGE_CACHE", "").strip().lower() in {"0", "false", "no", "off"}:
        return None
    explicit = os.environ.get("HAMTRIAGE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "hamtriage"
    try:
        return Path.home() / ".cache" / "hamtriage"
    except (RuntimeError, KeyError):  # no home directory
        return None


def _read_capped(path: Path) -> bytes | None:
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    return data if len(data) <= MAX_FILE_BYTES else None


def environment() -> bytes:
    """The Python environment: interpreter, pydantic and hamtriage versions."""
    import pydantic
    import pydantic_core

    from .._version import __version__

    parts = (
        sys.version,
        sys.implementation.cache_tag or "",
        sys.prefix,
        pydantic.VERSION,
        pydantic_core.__version__,
        __version__,
    )
    return "\0".join(parts).encode()


def sources_digest(names: tuple[str, ...]) -> bytes:
    """The SHA-256 of these modules' source (paths relative to the hamtriage package)."""
    here = Path(__file__).parent.parent  # the hamtriage package
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + hashlib.sha256((here / name).read_bytes()).digest())
    return digest.digest()


@functools.cache  # the installed code does not change under a running process
def loader_code() -> bytes:
    """The code that decides what a loaded pack holds: this package's loading modules and
    PyYAML (found, not imported: its version is in its ``__init__.py``)."""
    import importlib.util

    digest = hashlib.sha256(sources_digest(_SOURCES))
    spec = importlib.util.find_spec("yaml")
    if spec is None or spec.origin is None:
        raise OSError("PyYAML not found")
    digest.update(hashlib.sha256(Path(spec.origin).read_bytes()).digest())
    return digest.digest()


class Snapshot:
    """Where the snapshot of one pack is, and the key its content must have.

    A plain class: a frozen dataclass costs about 1.4 ms of import (its methods are
    generated and compiled), a twentieth of what this module saves."""

    __slots__ = ("content_hash", "displays", "key", "path", "root")

    def __init__(
        self, *, path: Path, key: bytes, root: str, content_hash: str, displays: frozenset[str]
    ) -> None:
        self.path = path
        self.key = key
        self.root = root
        self.content_hash = content_hash
        self.displays = displays

    def read(self) -> RulePack | None:
        """The pack, if the file exists, is safe to read, and has this key; else ``None``."""
        payload = read_private(self.path, FORMAT, self.key)
        if payload is None:
            return None
        try:
            pack = _restore(pickle.loads(payload))
        except Exception:  # noqa: BLE001 - an unreadable snapshot is only a cache miss
            return None
        if pack.content_hash != self.content_hash or pack.root != self.root:
            return None
        return pack

    def write(self, pack: RulePack) -> None:
        """Store ``pack`` if it is the pack this snapshot describes; never raises."""
        if (
            pack.content_hash != self.content_hash
            or pack.root != self.root
            or any(origin.path not in self.displays for origin in pack.origins.values())
        ):
            return  # the files changed while the pack loaded
        try:
            payload = pickle.dumps(_state(pack), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a snapshot that cannot be written is only a cache miss
            return
        write_private(self.path, FORMAT, self.key, payload)


def read_private(path: Path, fmt: bytes, key: bytes) -> memoryview | None:
    """The payload of the snapshot file ``path`` if it is safe to read (a regular file,
    not a link, owned by this user, not writable by others), starts with ``fmt`` and
    ``key`` and its payload digest matches; else ``None``. Never raises."""
    try:
        # no symlink; a FIFO must not block the open (it is then refused as not regular)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.geteuid()
                or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            ):
                return None
            data = f.read()
    except Exception:  # noqa: BLE001 - an unreadable snapshot is only a cache miss
        return None
    head = len(fmt) + 2 * _DIGEST
    if data[: len(fmt)] != fmt or data[len(fmt) : len(fmt) + _DIGEST] != key:
        return None
    payload = memoryview(data)[head:]
    if hashlib.sha256(payload).digest() != data[head - _DIGEST : head]:
        return None
    return payload


def write_private(path: Path, fmt: bytes, key: bytes, payload: bytes) -> None:
    """Write a snapshot file atomically (a private temporary file renamed into place, so
    two processes writing at once leave one whole file); never raises."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(fmt + key + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a snapshot that cannot be written is only a cache miss
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def locate(root: Path, files: list[tuple[Path, str]]) -> Snapshot | None:
    """The snapshot of the pack in ``root`` made of ``files`` (each with its displayed path).

    ``None`` when the cache is off, the platform has no file owners, or a file cannot
    be read: the pack is then loaded as usual.
    """
    directory = cache_dir()
    if directory is None or not hasattr(os, "geteuid"):
        return None
    try:
        resolved = str(root.resolve())
        # the file: one per pack directory, displayed paths and Python environment
        where = hashlib.sha256(environment() + b"\0" + resolved.encode())
        for _, display in files:
            where.update(b"\0" + display.encode())
        # its key: that, the loading code and the files' bytes (as the content hash reads them)
        digests: list[tuple[str, bytes]] = []
        for file, _ in files:
            data = _read_capped(file)
            if data is None:
                return None
            # a translation file is named i18n/<name>, as in the loaded pack's files
            name = file.relative_to(root).as_posix()
            digests.append((name, hashlib.sha256(data).digest()))
        content = content_hash(digests)  # what the loaded pack's content_hash will be
        key = hashlib.sha256(where.digest() + loader_code() + content.encode()).digest()
    except (OSError, UnicodeError, ValueError):
        return None
    return Snapshot(
        path=directory / f"pack-{where.hexdigest()[:32]}.pickle",
        key=key,
        root=resolved,
        content_hash=content,
        displays=frozenset(display for _, display in files),
    )


def _state(pack: RulePack) -> dict[str, tuple[bool, Any]]:
    """The pack's fields, read-only mappings as plain dicts (``mappingproxy`` does not pickle)."""
    out: dict[str, tuple[bool, Any]] = {}
    for f in fields(pack):
        value = getattr(pack, f.name)
        proxy = isinstance(value, MappingProxyType)
        out[f.name] = (proxy, dict(value) if proxy else value)
    return out


def _restore(state: dict[str, tuple[bool, Any]]) -> RulePack:
    values: dict[str, Any] = {
        name: MappingProxyType(value) if proxy else value for name, (proxy, value) in state.items()
    }
    return RulePack(**values)
