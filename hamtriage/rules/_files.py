"""Which entries of a pack directory are its rule files, and the pack-wide caps on them.

Only regular files whose real path is inside the pack directory are read: a rule file
that is a link to ``/etc/passwd`` or a secrets file would show that file's keys in the
error messages, and a link to ``/dev/zero``, a FIFO or a link loop would hang or exhaust
memory. Every entry skipped is reported, located at the entry.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from ..errors import RuleIssue

__all__ = [
    "MAX_FILES",
    "MAX_IDS",
    "MAX_PACK_BYTES",
    "MAX_RULES",
    "MAX_RULE_CONDITIONS",
    "pack_caps",
    "rule_files",
]

MAX_FILES = 200
"""Rule files per pack at most."""

MAX_PACK_BYTES = 16_000_000
"""Bytes of all rule files together at most (each file: ``_yaml.MAX_FILE_BYTES``): about
six times 10,000 rules over 2,000 symptom ids; 200 files of 990 KB ended in MemoryError."""


def _refusal(entry: Path, root: Path) -> str | None:
    """Why ``entry`` is not read as a rule file, or None if it is one."""
    try:
        real = entry.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link or a loop of links
        return "a broken link or a loop of links"
    if real != root and root not in real.parents:
        return f"a link to {real}, outside the pack directory"
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "a directory"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, FIFO or socket)"
    return None


def rule_files(
    root: Path, display: Callable[[Path, Path], str]
) -> list[Path] | tuple[RuleIssue, ...]:
    """The pack's rule files in load order, or every issue that stops the pack loading."""
    shown_root = display(root, root)
    if not root.is_dir():
        return (RuleIssue(shown_root, 1, 1, "rule pack directory not found", code="io"),)
    real_root = root.resolve()
    files: list[Path] = []
    issues: list[RuleIssue] = []
    for entry in sorted(p for p in root.iterdir() if p.suffix in {".yaml", ".yml"}):
        why = _refusal(entry, real_root)
        if why is not None:
            message = f"not read: the entry is {why}"
            issues.append(RuleIssue(display(root, entry), 1, 1, message, code="not_a_file"))
            continue
        files.append(entry)
    if issues:
        return tuple(issues)
    if not files:
        return (RuleIssue(shown_root, 1, 1, "no .yaml rule files in the directory", code="empty"),)
    over = pack_caps(shown_root, [os.stat(file).st_size for file in files])
    return files if over is None else (over,)


def pack_caps(where: str, sizes: list[int]) -> RuleIssue | None:
    """The first pack-wide cap that rule files of these sizes exceed, located at ``where``.

    One check for a pack directory and for a pack given as texts, so both refuse alike.
    """
    if len(sizes) > MAX_FILES:
        return RuleIssue(where, 1, 1, f"more than {MAX_FILES} rule files", code="too_many")
    total = sum(sizes)
    if total > MAX_PACK_BYTES:
        message = f"the rule files hold {total} bytes together; the limit is {MAX_PACK_BYTES}"
        return RuleIssue(where, 1, 1, message, code="too_big")
    return None


MAX_IDS = 20_000
"""Vocabulary ids per pack at most (symptoms, history, activities, measurements,
hypotheses and recommendations together): ten times the 2,000 symptom ids of the
largest pack planned."""

MAX_RULES = 40_000
"""Rules per pack at most (four times the 10,000 of the largest pack planned; the engine
splits a large pack over rulesets of at most 100 engine rules, see ``runtime.partition``)."""

MAX_RULE_CONDITIONS = 256
"""Leaf conditions in one rule's ``when`` at most: their expansion into alternatives is
checked per rule, and a 455 KB rule of 31,744 leaves took 3.7 s and 1.3 GB to refuse."""
