"""Safe YAML reading with source positions.

Rule files are data. They are parsed with PyYAML's safe parser, and then built into
plain Python values by hand so that:

* every value's position is known (for ``file:line:col`` errors);
* anchors, aliases (billion-laughs), custom tags and duplicate keys are refused;
* nesting depth and file size are capped before any recursive work is done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import RuleIssue

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "Mark", "Positions", "YamlDocument", "read_yaml"]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32

Mark = tuple[int, int]  # 1-based (line, column)
Positions = dict[tuple[str | int, ...], Mark]

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
KEY = "__key__"
# libyaml's parser when PyYAML has it (10x faster, same events and marks); safe either way
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed file: its data and the position of every value (and mapping key)."""

    path: str
    data: Any
    positions: Positions
    digest: bytes = b""
    raw: bytes = b""
    """The file's bytes (a pack keeps them, to pickle by content)."""

    def resolve(self, loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], bool]:
        """Map a validation ``loc`` onto the data path it points at.

        Segments that are not in the data (discriminator tags) are skipped; a segment
        that is in the data but is followed by one that sits beside it is a tag too.
        Returns the path and whether the whole ``loc`` was found.
        """
        path: tuple[str | int, ...] = ()
        complete = True
        for i, seg in enumerate(loc):
            candidate = (*path, seg)
            nxt = loc[i + 1] if i + 1 < len(loc) else None
            if (
                nxt is not None
                and (*path, nxt) in self.positions
                and (*candidate, nxt) not in self.positions  # a nested key of the same name
            ):
                continue  # a tag naming the branch, not a key of the data
            if candidate in self.positions:
                path = candidate
            else:
                complete = False
        return path, complete

    def mark(self, loc: tuple[str | int, ...], *, key: bool = False) -> Mark:
        """Position of ``loc`` (its key's position when ``key``), or its closest parent."""
        path, _ = self.resolve(loc)
        if key and (*path, KEY) in self.positions:
            return self.positions[(*path, KEY)]
        return self.positions.get(path, (1, 1))


class _Fail(Exception):
    def __init__(self, mark: Mark, message: str, code: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.code = code


def _pos(node_or_event: Any) -> Mark:
    m = node_or_event.start_mark
    return (m.line + 1, m.column + 1)


def _prescan(text: str, loader: type[yaml.SafeLoader] = _LOADER) -> None:
    """Refuse anchors, aliases, tags and deep nesting, iteratively (no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _Fail(_pos(event), "YAML aliases are not allowed in rule files", "yaml_alias")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Fail(_pos(event), "YAML anchors are not allowed in rule files", "yaml_anchor")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in {"!", *_SCALAR_TAGS, _SEQ, _MAP}:
            raise _Fail(_pos(event), f"YAML tag '{tag}' is not allowed in rule files", "yaml_tag")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Fail(_pos(event), f"nesting deeper than {MAX_DEPTH} levels", "yaml_too_deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _compose(text: str) -> yaml.Node | None:
    """Prescan and compose with libyaml; on a syntax error, redo it with the pure-Python
    parser, whose messages are clearer (errors are rare, so speed does not matter then)."""
    try:
        _prescan(text)
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        if _LOADER is yaml.SafeLoader:
            raise
    _prescan(text, yaml.SafeLoader)
    return yaml.compose(text, Loader=yaml.SafeLoader)


class _Builder:
    def __init__(self) -> None:
        self.positions: Positions = {}
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        self.positions[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise _Fail(_pos(node), f"YAML tag '{node.tag}' is not allowed", "yaml_tag")
            return self._constructor.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                    raise _Fail(_pos(key_node), "mapping keys must be plain text", "yaml_key")
                key = str(key_node.value)
                if key in out:
                    raise _Fail(_pos(key_node), f"duplicate key '{key}'", "duplicate_key")
                self.positions[(*path, key, KEY)] = _pos(key_node)
                out[key] = self.build(value_node, (*path, key))
            return out
        raise _Fail(_pos(node), "unsupported YAML node", "yaml_node")  # pragma: no cover


def read_yaml(path: Path, display: str) -> YamlDocument | RuleIssue:
    """Parse one rule file; return the document or the issue that stopped it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return RuleIssue(
                display,
                1,
                1,
                f"file is {size} bytes; the limit is {MAX_FILE_BYTES}",
                code="too_big",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return RuleIssue(display, 1, 1, f"cannot read file: {exc.strerror}", code="io")
    return parse_yaml(raw, display)


def parse_yaml(raw: bytes, display: str) -> YamlDocument | RuleIssue:
    """Parse one rule file's bytes (``display`` names it in messages)."""
    if len(raw) > MAX_FILE_BYTES:
        return RuleIssue(
            display,
            1,
            1,
            f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}",
            code="too_big",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RuleIssue(display, 1, 1, f"file is not UTF-8 text: {exc.reason}", code="encoding")
    try:
        node = _compose(text)
        if node is None:
            return YamlDocument(display, {}, {(): (1, 1)}, hashlib.sha256(raw).digest(), raw)
        builder = _Builder()
        data = builder.build(node, ())
    except _Fail as fail:
        return RuleIssue(display, fail.mark[0], fail.mark[1], fail.message, code=fail.code)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return RuleIssue(display, line, col, f"invalid YAML: {problem}", code="yaml_syntax")
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        return RuleIssue(display, 1, 1, f"invalid YAML: {exc}", code="yaml_syntax")
    return YamlDocument(display, data, builder.positions, hashlib.sha256(raw).digest(), raw)
