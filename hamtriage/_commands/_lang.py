"""``--lang`` of every command: the language of the output, by default from
``HAMTRIAGE_LANG``, then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["add_lang_argument", "default_lang", "lang_for"]

_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


def default_lang(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The default language and where it came from: ``HAMTRIAGE_LANG`` as given, else the
    first locale variable that is set (POSIX order) if it names Dutch, else ``"en"``."""
    env = os.environ if environ is None else environ
    explicit = env.get("HAMTRIAGE_LANG", "").strip()
    if explicit:
        return explicit, "HAMTRIAGE_LANG"
    for var in _LOCALE_VARS:
        value = env.get(var, "").strip()
        if value:  # the first one set decides (LC_ALL overrides LC_MESSAGES overrides LANG)
            return ("nl" if value.lower().startswith("nl") else "en"), "locale"
    return "en", "default"


def add_lang_argument(p: argparse.ArgumentParser) -> None:
    """Add ``--lang`` to a command (once)."""
    if any("--lang" in action.option_strings for action in p._actions):
        return
    p.add_argument(
        "--lang",
        metavar="LANG",
        default=None,
        help=(
            "language of the texts: en or nl (or another language of the pack); default: "
            "$HAMTRIAGE_LANG, then the locale (LC_ALL, LC_MESSAGES, LANG), else en"
        ),
    )


def lang_for(args: argparse.Namespace, pack: Any = None) -> str:
    """The language a command writes in. ``--lang`` and ``HAMTRIAGE_LANG`` are used as
    given (an unknown one is an error); a locale naming a language the pack (``pack``)
    lacks falls back to English."""
    given = getattr(args, "lang", None)
    if given is not None:
        return str(given)
    lang, source = default_lang()
    if source == "locale" and pack is not None and lang not in pack.languages:
        return "en"
    return lang
