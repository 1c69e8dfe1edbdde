"""Results in another language: a finished English result mapped to a copy whose texts are
the pack's translation (and the library's catalog), with every id, level and number the same.

The engine triages in English only; a language is applied at the edge, from the result and
the pack alone (no second engine, nothing threaded through the runtime). A text built of
several rule texts (a referral's reason) is rebuilt from the rules the result names; it is
translated only if rebuilding it in English gives the English text exactly, so a change in
how results are assembled can leave a text in English but never put a wrong one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from ..catalog import BASE, message
from ..errors import HamtriageError
from ..levels import RecommendationKind, TriageLevel
from ..results import BlockedExercise, Recommendation, RedFlag, Screen, TriageResult
from ..rules.pack import RulePack
from ..rules.schema import BlockAction, EscalateAction, Rule
from ..rules.translated import translated_pack

__all__ = ["localize", "resolve_lang"]


def resolve_lang(lang: object, pack: RulePack) -> str:
    """``lang`` if ``pack`` (or, for ``"en"``, the library) speaks it, else a
    :class:`~hamtriage.LanguageError` saying which languages there are."""
    from ..catalog import check_lang

    return check_lang(lang, pack.languages, pack=pack.pack_id)


class _Texts:
    """Texts of one pack (English or a translated view) as results use them."""

    def __init__(self, pack: RulePack, lang: str) -> None:
        self.pack = pack
        self.lang = lang
        self.rules: dict[str, Rule] = {rule.id: rule for rule in pack.rules}

    def escalation(self, rule_id: str) -> str:
        rule = self.rules[rule_id]
        return " ".join(a.reason for a in rule.then if isinstance(a, EscalateAction))

    def block(self, rule_id: str, target: str) -> str | None:
        rule = self.rules.get(rule_id)
        if rule is None:
            return None
        return next(
            (a.reason for a in rule.then if isinstance(a, BlockAction) and a.block == target),
            None,
        )

    def referral_text(self, rule_id: str) -> str:
        rule = self.rules[rule_id]
        return (rule.explanation or rule.title).strip()

    def reason(self, rec: Recommendation, result: TriageResult) -> str | None:
        """A referral's reason as the assembler builds it, from this pack's texts."""
        referrals = self.pack.meta.referrals
        if (
            result.level.rank >= TriageLevel.SEE_CLINICIAN.rank
            and referrals.get(result.level) == rec.id
        ):
            parts: Iterable[str] = (
                [self.escalation(f.id) for f in result.red_flags]
                if result.red_flags
                else [self.escalation(r) for r in rec.rules]
            )
        else:
            parts = [self.referral_text(r) for r in rec.rules]
        return " ".join(dict.fromkeys(parts))

    def screen(self, screen: Screen) -> Screen:
        item = self.pack.item(screen.id)
        label = item.label if item is not None else screen.id
        question = item.question if item is not None and item.question else None
        if question is None:
            question = message(self.lang, "screen.question", label=label.lower())
        return screen.model_copy(update={"label": label, "question": question})


@functools.lru_cache(maxsize=32)
def _texts(pack: RulePack, lang: str) -> _Texts:
    """The texts of ``pack`` (English or a view), indexed once per pack and language."""
    return _Texts(pack, lang)


def _recommendation(
    rec: Recommendation, result: TriageResult, en: _Texts, to: _Texts
) -> Recommendation:
    item = to.pack.recommendations.get(rec.id)
    if item is None:
        return rec
    update: dict[str, Any] = {
        "label": item.label,
        "instructions": item.instructions,
        "dosage": item.dosage,
    }
    variants = {v.id: v for v in item.variants}
    update["variants"] = tuple(
        v.model_copy(
            update={
                "label": variants[v.id].label,
                "instructions": variants[v.id].instructions,
                "dosage": variants[v.id].dosage,
            }
        )
        if v.id in variants
        else v
        for v in rec.variants
    )
    if rec.reason is not None and rec.kind is RecommendationKind.REFERRAL:
        try:
            same = en.reason(rec, result) == rec.reason
            update["reason"] = to.reason(rec, result) if same else rec.reason
        except KeyError:  # a rule the pack does not have: keep the text as it is
            pass
    return rec.model_copy(update=update)


def _red_flag(flag: RedFlag, en: _Texts, to: _Texts) -> RedFlag:
    rule = to.rules.get(flag.id)
    if rule is None:
        return flag
    reason = to.escalation(flag.id) if en.escalation(flag.id) == flag.reason else flag.reason
    return flag.model_copy(update={"label": rule.title, "reason": reason})


def _blocked(block: BlockedExercise, en: _Texts, to: _Texts) -> BlockedExercise:
    first = block.rules[0] if block.rules else ""
    reason = block.reason
    if en.block(first, block.id) == block.reason:
        reason = to.block(first, block.id) or block.reason
    return block.model_copy(update={"label": to.pack.label(block.id), "reason": reason})


def localize(result: TriageResult, pack: RulePack, lang: str) -> TriageResult:
    """``result`` (an English triage on ``pack``) with its texts in ``lang``.

    ``lang`` must be one of ``pack.languages`` (see :func:`resolve_lang`); texts the
    translation lacks stay English. ``"en"`` returns ``result`` itself.
    """
    if lang == result.lang:
        return result
    if result.lang != BASE:
        raise HamtriageError(
            f"only an English result can be translated (this one is {result.lang})"
        )
    en, to = _texts(pack, BASE), _texts(translated_pack(pack, lang), lang)
    hyps = to.pack.hypotheses
    return result.model_copy(
        update={
            "hypotheses": tuple(
                h.model_copy(update={"label": hyps[h.id].label}) if h.id in hyps else h
                for h in result.hypotheses
            ),
            "recommendations": tuple(
                _recommendation(r, result, en, to) for r in result.recommendations
            ),
            "blocked_exercises": tuple(_blocked(b, en, to) for b in result.blocked_exercises),
            "red_flags": tuple(_red_flag(f, en, to) for f in result.red_flags),
            "trace": tuple(
                f.model_copy(update={"title": to.rules[f.rule_id].title})
                if f.rule_id in to.rules
                else f
                for f in result.trace
            ),
            "to_confirm": tuple(to.screen(s) for s in result.to_confirm),
            "unscreened": tuple(to.screen(s) for s in result.unscreened),
            "disclaimer": message(lang, "disclaimer"),
            "lang": lang,
        }
    )
