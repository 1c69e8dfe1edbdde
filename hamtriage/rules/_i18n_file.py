"""One translation file on its own (:mod:`hamtriage.rules.i18n`): its shape, each item and
rule by itself so that every problem is found, located at ``file:line:col``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError

from ..errors import RuleIssue, suggest
from ._fields import ShortText
from .i18n import (
    ItemText,
    Lang,
    PackText,
    RuleText,
    TranslationFile,
    VariantText,
    _Model,
)

if TYPE_CHECKING:
    from ._yaml import YamlDocument

__all__ = ["Issues", "validate_file", "where"]

_TOP_KEYS = tuple(TranslationFile.model_fields)


class Issues:
    def __init__(self) -> None:
        self.found: list[RuleIssue] = []

    def add(
        self,
        doc: YamlDocument,
        loc: tuple[str | int, ...],
        message: str,
        *,
        code: str = "invalid",
        key: bool = False,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        line, col = doc.mark(loc, key=key)
        self.found.append(
            RuleIssue.at((doc.path, line, col), message, code=code, suggestions=suggestions)
        )


def where(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc)


def _model_fields(loc: Sequence[str | int]) -> tuple[str, ...]:
    """The keys allowed where ``loc`` points (for "did you mean")."""
    if len(loc) <= 1:
        return _TOP_KEYS
    if loc[0] == "items":
        return (
            tuple(VariantText.model_fields) if "variants" in loc else tuple(ItemText.model_fields)
        )
    if loc[0] == "rules":
        return tuple(RuleText.model_fields)
    return tuple(PackText.model_fields)


class _Head(_Model):
    lang: Lang
    language: ShortText | None = None
    pack: PackText | None = None
    items: dict[str, Any] = Field(default_factory=dict)
    rules: dict[str, Any] = Field(default_factory=dict)


def _report(
    doc: YamlDocument, exc: ValidationError, prefix: tuple[str | int, ...], issues: Issues
) -> None:
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            bad = str(loc[-1])
            allowed = _model_fields(loc[:-1])
            what = "section" if len(loc) == 1 else "field"
            issues.add(
                doc,
                loc,
                f"{where(loc[:-1]) or 'translation file'}: unknown {what} '{bad}' "
                f"(expected one of: {', '.join(allowed)})",
                code="unknown_key",
                key=True,
                suggestions=suggest(bad, allowed),
            )
        elif loc == ("lang",) and kind == "string_pattern_mismatch":
            given = str(err.get("input"))
            fixed = given.strip().lower().replace("_", "-").split("-")[0]
            issues.add(
                doc,
                loc,
                f"lang: '{given}' is not a language tag; use a lower-case BCP-47 primary "
                "tag of 2 or 3 letters, such as 'nl'",
                code="bad_lang",
                suggestions=(fixed,) if fixed != given and len(fixed) in (2, 3) else (),
            )
        elif kind == "missing":
            issues.add(doc, loc[:-1], f"missing required key '{loc[-1]}'", code="missing")
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
            issues.add(doc, loc, f"{where(loc)}: {msg}", code=str(kind))


def validate_file(doc: YamlDocument, issues: Issues) -> TranslationFile | None:
    """The file's valid parts (each item and rule on its own, so every problem is found)."""
    if not isinstance(doc.data, dict):
        issues.add(doc, (), "a translation file is a mapping (lang:, items:, rules:, ...)")
        return None
    try:
        head = _Head.model_validate(doc.data)
    except ValidationError as exc:
        _report(doc, exc, (), issues)
        return None
    items: dict[str, ItemText] = {}
    for item_id, value in head.items.items():
        try:
            items[item_id] = ItemText.model_validate(value)
        except ValidationError as exc:
            _report(doc, exc, ("items", item_id), issues)
    rules: dict[str, RuleText] = {}
    for rule_id, value in head.rules.items():
        try:
            rules[rule_id] = RuleText.model_validate(value)
        except ValidationError as exc:
            _report(doc, exc, ("rules", rule_id), issues)
    return TranslationFile.model_construct(
        lang=head.lang, language=head.language, pack=head.pack, items=items, rules=rules
    )
