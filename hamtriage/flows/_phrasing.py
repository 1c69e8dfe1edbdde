"""The sentences of explanations in any language of the catalog (:mod:`hamtriage.catalog`):
matched facts, missing evidence and summaries, with numbers written as the language writes
them (``6,5`` in Dutch). English explanations keep their own code path; the tests check
that this one, in English, writes exactly the same sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..catalog import message
from ..levels import Likelihood
from ..results import MatchedFact
from ..rules.logic import Atom, FactKind
from ..rules.pack import RulePack

__all__ = [
    "conditions_text",
    "evidence_text",
    "fact_text",
    "missing_text",
    "number",
    "summary_text",
    "unknown_text",
]


def number(lang: str, value: float, spec: str = "g") -> str:
    """``value`` formatted with ``spec``, with the decimal comma of Dutch."""
    text = format(value, spec)
    return text.replace(".", ",") if lang == "nl" else text


def conditions_text(lang: str, tests: Iterable[tuple[str, float | str]], unit: str = "") -> str:
    """``(("le", 10),)`` -> ``"at or below 10 cm"`` (``"op of onder 10 cm"``)."""
    suffix = f" {unit}" if unit else ""
    parts = []
    for op, value in tests:
        if op == "eq":
            shown = str(value)
            parts.append(message(lang, f"sex.{shown}") if shown in ("female", "male") else shown)
        else:
            parts.append(f"{message(lang, f'op.{op}')} {number(lang, float(value))}{suffix}")
    return message(lang, "join.and").join(parts)


def fact_text(lang: str, fact: MatchedFact, pack: RulePack) -> str:
    """A matched fact in plain words (``pack``: the pack in ``lang``)."""
    label = pack.label(fact.id)
    value = fact.value
    if fact.kind in ("symptom", "absent"):
        return message(lang, f"fact.{fact.kind}", label=label)
    if fact.kind == "activity":
        return message(lang, "fact.activity", label=label.lower())
    unit = pack.measurements[fact.id].unit if fact.id in pack.measurements else ""
    if fact.kind == "measurement":
        if not isinstance(value, float):
            return label
        shown = number(lang, value)
        return message(lang, "fact.measurement", label=label, value=shown, unit=unit).rstrip()
    if fact.kind == "asymmetry":
        shown = f"{number(lang, value)} {unit} " if isinstance(value, float) else ""
        return message(lang, "fact.asymmetry", label=label, value=shown)
    if fact.kind == "hypothesis":
        shown = f" ({number(lang, value, '.2f')})" if isinstance(value, float) else ""
        return message(lang, "fact.hypothesis", label=label, value=shown)
    if fact.kind == "age":
        if not isinstance(value, float):
            return message(lang, "fact.age_unknown")
        return message(lang, "fact.age", value=number(lang, value))
    if fact.kind == "sex":
        shown = message(lang, f"sex.{value}") if value in ("female", "male") else str(value)
        return message(lang, "fact.sex", value=shown)
    from .retesting import describe_change_fact

    return describe_change_fact(fact, pack, lang)


def unknown_text(lang: str, atom: Atom, pack: RulePack) -> tuple[str, str, str]:
    """(kind, "was not measured"-style phrase, condition) for an unknown leaf."""
    t = atom.key[0]
    vid = atom.key[1] if len(atom.key) > 1 else t
    label = pack.label(vid)
    if t == FactKind.MEASUREMENT:
        unit = pack.measurements[vid].unit
        said = message(lang, "unknown.measurement", label=label, id=vid)
        return "measurement", said, conditions_text(lang, atom.tests, unit)
    if t == FactKind.ASYMMETRY:
        item = pack.measurements[vid]
        cond = (
            message(lang, "cond.asymmetry_mdc", mdc=number(lang, item.mdc), unit=item.unit)
            if item.mdc
            else message(lang, "cond.asymmetry")
        )
        return "asymmetry", message(lang, "unknown.asymmetry", label=label, id=vid), cond
    if t == FactKind.ACTIVITY:
        said = message(lang, "unknown.activity", label=label, id=vid)
        return "activity", said, message(lang, "cond.activity")
    if t in (FactKind.ABSENT, FactKind.PRESENT):
        kind = pack.kinds.get(vid, "symptom")
        said = message(lang, "unknown.asked", label=label, id=vid)
        cond = message(lang, "cond.denied" if t == FactKind.ABSENT else "cond.present")
        return kind, said, cond
    if t == FactKind.AGE:
        cond = message(lang, "cond.age", tests=conditions_text(lang, atom.tests))
        return "age", message(lang, "unknown.age"), cond
    if t == FactKind.SEX:
        cond = message(lang, "cond.sex", tests=conditions_text(lang, atom.tests))
        return "sex", message(lang, "unknown.sex"), cond
    return t, label, conditions_text(lang, atom.tests)  # pragma: no cover - every kind is above


def evidence_text(
    lang: str,
    pack: RulePack,
    facts: Sequence[MatchedFact],
    title: str,
    rule_id: str,
    certainty: float,
    sources: str,
    origin: str,
) -> str:
    """The sentence of one piece of evidence for or against a hypothesis."""
    described = [fact_text(lang, f, pack) for f in facts]
    because = "; ".join(described) if described else message(lang, "evidence.conditions_hold")
    return message(
        lang,
        "evidence.text",
        because=because[:1].upper() + because[1:],
        title=title,
        rule=rule_id,
        certainty=number(lang, certainty, ".2f"),
        sources=sources,
        origin=origin,
    )


def missing_text(
    lang: str,
    unknown: str,
    condition: str,
    others: Sequence[str],
    targets: Sequence[str],
    rule_id: str,
    certainty: float,
    sources: str,
    origin: str,
) -> str:
    """The sentence of one piece of missing evidence (labels already in ``lang``)."""
    also = message(lang, "missing.also", labels=", ".join(others)) if others else ""
    return message(
        lang,
        "missing.text",
        unknown=unknown,
        condition=condition,
        also=also,
        target=message(lang, "join.and").join(targets),
        rule=rule_id,
        certainty=number(lang, certainty, ".2f"),
        sources=sources,
        origin=origin,
    )


def summary_text(
    lang: str,
    status: str,
    confidence: float,
    likelihood: Likelihood | None,
    counts: tuple[int, int, int],
) -> str:
    """One hypothesis's status in a sentence, with its counts of evidence."""
    n_for, n_against, n_missing = counts

    def count(n: int, what: str) -> str:
        return message(lang, f"summary.{what}_{'one' if n == 1 else 'many'}", n=n)

    tail = message(
        lang,
        "summary.tail",
        pro=count(n_for, "rule"),
        con=count(n_against, "rule"),
        missing=count(n_missing, "question"),
    )
    shown = number(lang, confidence, ".2f")
    if status == "ruled_in":
        word = message(lang, f"likelihood.{likelihood.value if likelihood else 'possible'}")
        return message(lang, "summary.ruled_in", word=word, confidence=shown, tail=tail)
    return message(lang, f"summary.{status}", confidence=shown, tail=tail)
