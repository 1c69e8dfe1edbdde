"""The one output switch of every command: ``--format text|markdown|json``."""

from __future__ import annotations

import argparse

from ..flows.render import FORMATS

__all__ = ["add_format_argument"]


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--format`` with the formats every command offers."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output as plain text (default), Markdown or JSON",
    )
