"""``hamtriage vocab``: the pack's vocabulary with labels, units, ranges and synonyms."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..rules.pack import RulePack
from ._output import add_format_argument
from .triage import engine_for

__all__ = ["KINDS", "add_parser", "run", "vocabulary"]

KINDS = ("symptom", "history", "activity", "measurement", "hypothesis", "recommendation")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "vocab",
        help="list the pack's vocabulary (ids, labels, units, ranges, synonyms)",
        description="List the vocabulary of a rule pack, optionally of one kind.",
    )
    p.add_argument("--kind", choices=KINDS, help="only items of this kind")
    p.add_argument("--rules", metavar="DIR", help="rule pack directory (default: the bundled pack)")
    add_format_argument(p)
    p.set_defaults(func=run)


def vocabulary(pack: RulePack, kind: str | None = None) -> list[dict[str, Any]]:
    """The pack's vocabulary as plain dicts, in pack order, optionally of one kind."""
    out: list[dict[str, Any]] = []
    for vid, k in pack.kinds.items():
        if kind is not None and k != kind:
            continue
        item = pack.item(vid)
        if item is None:  # pragma: no cover - kinds and tables agree
            continue
        entry: dict[str, Any] = {"id": vid, "kind": k, "label": item.label}
        for key in ("unit", "range", "sided", "worse", "mdc", "evidence", "region"):
            value = getattr(item, key, None)
            if value is not None and value is not False:
                entry[key] = list(value) if isinstance(value, tuple) else value
        entry["synonyms"] = list(item.synonyms)
        if item.question:
            entry["question"] = item.question
        out.append(entry)
    return out


def run(args: argparse.Namespace) -> int:
    from ..rules.translated import translated_pack
    from ._lang import lang_for

    english = engine_for(args.rules).pack
    lang = lang_for(args, english)
    if lang != "en":
        from ..flows.translate import resolve_lang

        resolve_lang(lang, english)
    items = vocabulary(translated_pack(english, lang), args.kind)
    if lang != "en":  # the language's own synonyms (intake words), where it has them
        synonyms = english.translations[lang].synonyms
        for entry in items:
            entry["synonyms"] = list(synonyms.get(entry["id"], ()))
    if args.format == "json":
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    if args.format == "markdown":
        print("| kind | id | label |\n|---|---|---|")
        for entry in items:
            print(f"| {entry['kind']} | `{entry['id']}` | {entry['label']} |")
        return 0
    current = None
    for entry in items:
        if entry["kind"] != current:
            current = entry["kind"]
            if current != items[0]["kind"]:
                print()
            print(f"{current}:")
        details = []
        if "unit" in entry:
            lo, hi = entry["range"]
            details.append(f"{entry['unit']}, {lo:g} to {hi:g}")
            if entry.get("sided"):
                details.append("sided" + (f", mdc {entry['mdc']:g}" if "mdc" in entry else ""))
        if "evidence" in entry:
            details.append(str(entry["evidence"]))
        extra = f" [{'; '.join(details)}]" if details else ""
        print(f"  {entry['id']}: {entry['label']}{extra}")
        if entry["synonyms"]:
            print(f"      synonyms: {', '.join(entry['synonyms'])}")
    if not items:
        print("no vocabulary items")
    return 0
