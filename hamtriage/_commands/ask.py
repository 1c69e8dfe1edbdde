"""``hamtriage ask``: the next questions to ask, interactively when on a terminal.

On a terminal (standard input and output are both terminals) the command asks the
questions one at a time with ``input()``, adds each answer to the report and asks
again until nothing left could change the result, the athlete stops (an empty answer
or ``q``) or ``--max`` questions were asked; then it prints the triage. Otherwise (or
with ``--list``) it prints the next questions and whether to stop.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..catalog import message
from ..engine import Engine
from ..errors import HamtriageError
from ..flows.interview import Interview, Question
from ..flows.render import render_interview, render_text
from ._lang import lang_for
from ._output import add_format_argument
from .triage import add_report_arguments, build_report, checked, engine_for

__all__ = ["add_parser", "apply_answer", "run"]

_YES = frozenset({"y", "yes", "yeah", "yep", "ja", "j", "jawel", "klopt", "true", "1"})
_NO = frozenset({"n", "no", "nope", "nee", "neen", "false", "0"})
_SKIP = frozenset(
    {"?", "skip", "s", "dont know", "don't know", "unknown", "idk"}
    | {"weet niet", "weet ik niet", "geen idee", "overslaan"}
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "ask",
        help="the next questions to ask (interactive on a terminal)",
        description=(
            "Show the questions whose answers could change the triage most: red-flag "
            "screening for the body region first. Interactive on a terminal."
        ),
    )
    add_report_arguments(p)
    p.add_argument("--limit", type=int, default=3, help="how many questions to show (default 3)")
    p.add_argument("--list", action="store_true", help="print the questions, never ask them")
    p.add_argument("--max", type=int, default=20, help="at most this many questions interactively")
    add_format_argument(p)
    p.set_defaults(func=run)


def _words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """The yes and no words of ``lang`` (the catalog's) beside those of every language."""
    yes = {message(lang, "answer.yes").lower(), message(lang, "ask.yes_key").lower()}
    no = {message(lang, "answer.no").lower(), message(lang, "ask.no_key").lower()}
    return _YES | yes, _NO | no


def apply_answer(
    report: dict[str, Any], question: Question, answer: str, lang: str = "en"
) -> str | None:
    """Add ``answer`` to ``report``; return an error message (in ``lang``) if it cannot be
    used."""
    text = answer.strip().lower()
    yes_words, no_words = _words(lang)
    if question.kind == "measurement":
        parts = text.replace(",", " ").replace("/", " ").split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            return message(lang, "ask.number")
        if not values or len(values) > 2 or (len(values) == 2 and not question.sided):
            return message(lang, "ask.one_number") + (
                message(lang, "ask.or_two") if question.sided else ""
            )
        value: Any = values[0] if len(values) == 1 else {"left": values[0], "right": values[1]}
        report.setdefault("measurements", {})[question.id] = value
        return None
    if text in yes_words:
        key = {"activity": "activities", "history": "history"}.get(question.kind, "symptoms")
        report[key] = [*report.get(key, []), question.id]
        return None
    if text in no_words:
        if question.kind != "activity":  # not doing an activity is not part of a report
            report["absent"] = [*report.get("absent", []), question.id]
        return None
    return message(lang, "ask.yes_or_no")


def _interactive(engine: Engine, report: dict[str, Any], args: argparse.Namespace) -> int:
    lang = lang_for(args, engine.pack)
    skipped: set[str] = set()
    asked = 0
    while asked < args.max:
        interview = engine.next_questions(report, limit=args.limit + len(skipped) + 5, lang=lang)
        if interview.should_stop:
            print(interview.note or message(lang, "ask.nothing_left"))
            break
        pending = [q for q in interview.questions if q.id not in skipped]
        if not pending:
            print(message(lang, "ask.no_more"))
            break
        question = pending[0]
        if question.unit:
            sided = message(lang, "ask.left_right") if question.sided else ""
            hint = f" ({question.unit}{sided})"
        else:
            hint = f" ({message(lang, 'ask.yes_key')}/{message(lang, 'ask.no_key')})"
        if question.test:
            print(message(lang, "ask.test", test=question.test))
        while True:
            try:
                answer = input(f"{question.text}{hint} ").strip()
            except EOFError:
                answer = "q"
            if answer.lower() in ("", "q", "quit"):
                asked = args.max
                break
            if answer.lower() in _SKIP:
                skipped.add(question.id)
                break
            before = {k: (list(v) if isinstance(v, list) else v) for k, v in report.items()}
            if isinstance(report.get("measurements"), dict):
                before["measurements"] = dict(report["measurements"])
            problem = apply_answer(report, question, answer, lang)
            if problem is None:
                try:
                    engine.normalize(report)
                except HamtriageError as exc:
                    report.clear()
                    report.update(before)
                    problem = str(exc)
            if problem is None:
                if question.kind == "activity" and answer.lower() in _words(lang)[1]:
                    skipped.add(question.id)
                break
            print(f"  {problem}")
        asked += 1
    print()
    print(render_text(engine.triage(report, lang=lang)))
    return 0


def run(args: argparse.Namespace) -> int:
    engine = engine_for(args.rules)
    report = checked(engine, build_report(args, engine))  # no input: an interview from scratch
    if args.limit < 0:
        raise HamtriageError(f"--limit must be 0 or more, got {args.limit}")
    interactive = (
        not args.list
        and args.format == "text"
        and args.report != "-"
        and sys.stdin.isatty()
        and sys.stdout.isatty()
    )
    if interactive:
        return _interactive(engine, report, args)
    interview: Interview = engine.next_questions(
        report, limit=args.limit, lang=lang_for(args, engine.pack)
    )
    print(render_interview(interview, args.format))
    return 0
