"""Reading a report for the command line: a JSON file or standard input, and the flags.

Whatever the input, a problem is one line naming it (a :class:`HamtriageError` or
:class:`ReportError`), never a traceback: the size is capped before parsing, bytes are
read as UTF-8 (UTF-16 and -32 are named and refused), and the
parser's own limits (digits of an integer, nesting depth) are translated.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import HamtriageError, ReportError

__all__ = ["MAX_REPORT_BYTES", "has_input", "merge_flags", "parse_measure", "read_report"]

MAX_REPORT_BYTES = 1_000_000
"""A report file or standard input may hold at most this many bytes (a real one is ~1 kB)."""

_LISTS = (
    ("symptoms", "symptom"),
    ("absent", "absent"),
    ("activities", "activity"),
    ("history", "history"),
)


def _read_bytes(source: str) -> bytes:
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text stream put in place of stdin (tests, embedding)
                data = sys.stdin.read(MAX_REPORT_BYTES + 1).encode("utf-8", "surrogateescape")
            else:
                data = stream.read(MAX_REPORT_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise HamtriageError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise HamtriageError(
            f"{name} holds more than {MAX_REPORT_BYTES:,} bytes; a report is a small JSON object"
        )
    return data


def read_report(source: str) -> dict[str, Any]:
    """The JSON object in file ``source`` (``-``: standard input)."""
    name = "standard input" if source == "-" else source
    data = _read_bytes(source)
    encoding = json.detect_encoding(data)
    if encoding not in ("utf-8", "utf-8-sig"):  # JSON between systems is UTF-8 (RFC 8259)
        raise HamtriageError(
            f"{name} is {encoding.upper().removesuffix('-BE').removesuffix('-LE')} text; "
            "save the report as UTF-8 JSON"
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise HamtriageError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the report as UTF-8 JSON"
        ) from None
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HamtriageError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise HamtriageError(f"{name} is not a report: its JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        detail = str(exc).split(";")[0]
        raise HamtriageError(f"{name} is not a report: {detail}") from None
    if not isinstance(loaded, dict):
        raise HamtriageError(f"{name} is not a report: the report must be a JSON object")
    return loaded


def has_input(args: argparse.Namespace) -> bool:
    """Whether the command line gives a report: a file, ``-``, a flag or ``--text``."""
    return bool(
        args.report
        or any(getattr(args, flag) for _, flag in _LISTS)
        or args.measure
        or args.age is not None
        or getattr(args, "text", None) is not None
    )


def parse_measure(item: str) -> tuple[str, float | dict[str, float]]:
    """``knee_to_wall_cm=6.5`` or ``knee_to_wall_cm=left:6,right:11`` -> (id, value)."""
    name, sep, value = item.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise HamtriageError(f"--measure needs ID=VALUE or ID=left:N,right:N, got '{item}'")
    if ":" not in value:
        return name, _number(name, value)
    sides: dict[str, float] = {}
    for part in value.split(","):
        side, colon, number = part.partition(":")
        side = side.strip().lower()
        if not colon or side not in ("left", "right"):
            raise HamtriageError(
                f"--measure {name}: '{part.strip()}' is not left:N or right:N "
                f"(e.g. {name}=left:6,right:11)"
            )
        if side in sides:
            raise HamtriageError(f"--measure {name}: the {side} side is given twice")
        sides[side] = _number(name, number.strip())
    return name, sides


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise HamtriageError(f"--measure {name}: '{text}' is not a number") from None


def merge_flags(report: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Add the flags to ``report`` (from a file); a file value of the wrong type is an error."""
    for key, flag in _LISTS:
        values = getattr(args, flag)
        if not values:
            continue
        have = report.get(key, [])
        if not isinstance(have, list):
            raise ReportError(
                f'expected a list of ids, e.g. ["tight_calves"], to add --{flag} to; '
                f"the report gives {_kind(have)}",
                field=key,
                value=have,
            )
        report[key] = [*have, *values]
    if args.measure:
        have = report.setdefault("measurements", {})
        if not isinstance(have, dict):
            raise ReportError(
                'expected an object of measurements, e.g. {"knee_to_wall_cm": 6.5}, to add '
                f"--measure to; the report gives {_kind(have)}",
                field="measurements",
                value=have,
            )
        for item in args.measure:
            name, value = parse_measure(item)
            have[name] = value
    if args.age is not None:
        report["age"] = args.age
    return report


def _kind(value: object) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false"}
    names |= {list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)
