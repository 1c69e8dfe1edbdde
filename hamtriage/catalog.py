"""The library's own texts (level names, the disclaimer, renderer headings, the sentences of
explanations, interviews and re-tests, yes/no/not sure) in every language it speaks.

The texts are package data (``hamtriage/_catalog/<lang>.json``), read once per language
and kept read-only. A pack's own texts (labels, questions, reasons) are not here: they
are pack data (``rules/i18n/``, :mod:`hamtriage.rules.i18n`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

from .errors import LanguageError, suggest

__all__ = ["BASE", "LANGUAGES", "check_lang", "message", "messages", "region_name"]

BASE = "en"
"""The base language: every other language falls back to it, text by text."""
LANGUAGES = ("en", "nl")
"""The languages of the library's own texts."""

_TAG = re.compile(r"^[a-z]{2,3}$")
# names people type for a language, to suggest its tag
_NAMES = {
    "english": "en",
    "engels": "en",
    "dutch": "nl",
    "nederlands": "nl",
    "flemish": "nl",
    "vlaams": "nl",
    "holland": "nl",
    "hollands": "nl",
}


@functools.cache
def messages(lang: str) -> Mapping[str, str]:
    """The catalog of ``lang`` (one of :data:`LANGUAGES`), read-only."""
    if lang not in LANGUAGES:
        raise LanguageError(lang, LANGUAGES, suggestions=close_tags(lang, LANGUAGES))
    text = resources.files("hamtriage").joinpath("_catalog", f"{lang}.json").read_text("utf-8")
    data = json.loads(text)
    return MappingProxyType({str(k): str(v) for k, v in data.items()})


def message(lang: str, key: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` (English when ``lang`` has none), filled with ``values``."""
    table = messages(lang) if lang in LANGUAGES else messages(BASE)
    text = table.get(key)
    if text is None:
        text = messages(BASE)[key]
    return text.format(**values) if values else text


def region_name(lang: str, region: str) -> str:
    """A body region's name in ``lang`` (regions are free ids in packs: an id the catalog
    does not name is shown with spaces for underscores)."""
    table = messages(lang) if lang in LANGUAGES else messages(BASE)
    name = table.get(f"region.{region}") or messages(BASE).get(f"region.{region}")
    return name if name is not None else region.replace("_", " ")


def check_lang(lang: object, available: Iterable[str] = LANGUAGES, *, pack: str = "") -> str:
    """``lang`` if it is one of ``available``; else a :class:`LanguageError` that says
    whether the language is unknown (with "did you mean") or the pack lacks it."""
    tags = tuple(available)
    if isinstance(lang, str) and lang in tags:
        return lang
    raise LanguageError(lang, tags, pack=pack, suggestions=close_tags(lang, tags))


def close_tags(lang: object, tags: Iterable[str]) -> tuple[str, ...]:
    """Tags ``lang`` probably means: ``"NL"``, ``"nl_BE"``, ``"Dutch"`` -> ``("nl",)``."""
    pool = tuple(tags)
    if not isinstance(lang, str):
        return ()
    folded = lang.strip().lower().replace("_", "-")
    primary = folded.split("-")[0]
    for guess in (primary, _NAMES.get(folded, "")):
        if guess in pool:
            return (guess,)
    return suggest(folded, pool) or suggest(folded, [n for n, t in _NAMES.items() if t in pool])


def is_tag(lang: object) -> bool:
    """Whether ``lang`` is a lower-case primary language tag (``"nl"``)."""
    return isinstance(lang, str) and _TAG.match(lang) is not None
