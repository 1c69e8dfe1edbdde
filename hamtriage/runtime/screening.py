"""Red-flag screens of a result: the suspected items still to confirm and the items not yet asked.

A red-flag item is a symptom or history id that a ``red_flag: true`` rule reads. For a
report, the *regions in play* are the ``region:`` of the items reported present
(suspected ones included) or measured; a report that names none has every region in
play. An item of a region in play (or of region ``any``) that the report neither
confirmed nor denied is *unscreened*. Both lists are ordered by urgency: the highest
level the item's red-flag rules reach, then pack order.
"""

from __future__ import annotations

from ..levels import TriageLevel
from ..report import Facts
from ..results import Screen
from ..rules.pack import RulePack
from ..rules.schema import EscalateAction, HistoryCond, SymptomCond, iter_conditions
from ._construct import trusted

__all__ = ["Screener", "red_flag_screens"]

_new_screen = trusted(Screen)
CACHE_LIMIT = 1024


def red_flag_screens(pack: RulePack) -> dict[str, tuple[TriageLevel, tuple[str, ...]]]:
    """Red-flag items -> (the highest level their red-flag rules reach, those rules), in
    order of urgency (highest level first, then pack order).

    A red-flag item is a symptom or history id that only red-flag rules read: a sign
    such as ``saddle_numbness`` or ``infection_risk``, not a complaint such as
    ``low_back_spasms`` that a red-flag rule combines with a sign."""
    found: dict[str, tuple[TriageLevel, list[str]]] = {}
    ordinary: set[str] = set()
    for rule in pack.rules:
        if not rule.red_flag:
            for cond, _ in iter_conditions(rule.when):
                if isinstance(cond, SymptomCond):
                    ordinary.add(cond.symptom)
                elif isinstance(cond, HistoryCond):
                    ordinary.add(cond.history)
    for rule in pack.rules:
        if not rule.red_flag:
            continue
        level = max(
            (a.escalate for a in rule.then if isinstance(a, EscalateAction)),
            key=lambda lv: lv.rank,
            default=TriageLevel.SEE_CLINICIAN,
        )
        for cond, _ in iter_conditions(rule.when):
            if isinstance(cond, SymptomCond | HistoryCond):
                vid = cond.symptom if isinstance(cond, SymptomCond) else cond.history
                prior = found.get(vid)
                if prior is None:
                    found[vid] = (level, [rule.id])
                elif rule.id not in prior[1]:
                    best = level if level.rank > prior[0].rank else prior[0]
                    found[vid] = (best, [*prior[1], rule.id])
    for vid in ordinary:
        found.pop(vid, None)
    order = {vid: i for i, vid in enumerate(found)}
    ranked = sorted(found, key=lambda v: (-found[v][0].rank, order[v]))
    return {vid: (found[vid][0], tuple(found[vid][1])) for vid in ranked}


class Screener:
    """Works out a result's ``to_confirm`` and ``unscreened`` (one per engine; thread-safe)."""

    def __init__(self, pack: RulePack) -> None:
        self._pack = pack
        self.screens: dict[str, Screen] = {}
        self._region: dict[str, str | None] = {}
        for vid, (level, rules) in red_flag_screens(pack).items():
            item = pack.item(vid)
            if item is None:  # pragma: no cover - the loader checked every reference
                continue
            self._region[vid] = item.region
            self.screens[vid] = _new_screen(
                id=vid,
                kind="history" if pack.kinds[vid] == "history" else "symptom",
                label=item.label,
                question=item.question or f"Do you have {item.label.lower()}?",
                level=level,
                region=item.region,
                rules=rules,
            )
        # per vocabulary id: the region it puts in play, the screens it names first; the
        # screens by region (in urgency order), so a triage walks only its regions' ones
        self._puts: dict[str, str] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        for vid in pack.kinds:
            item = pack.item(vid)
            region = getattr(item, "region", None)
            if region not in (None, "any"):
                self._puts[vid] = str(region)
            named = getattr(item, "screen_first", None)
            if named:
                self._names[vid] = tuple(named)
        self._position = {vid: n for n, vid in enumerate(self.screens)}
        self._ids = frozenset(self.screens)
        named_anywhere = frozenset(sid for sids in self._names.values() for sid in sids)
        self._reads_present = self._ids | self._puts.keys() | self._names.keys() | named_anywhere
        self._reads_absent = self._ids | named_anywhere
        self._everywhere = tuple(v for v in self.screens if self._region[v] in (None, "any"))
        self._of_region: dict[str, tuple[str, ...]] = {}
        for vid in self.screens:
            if self._region[vid] not in (None, "any"):
                region = str(self._region[vid])
                self._of_region[region] = (*self._of_region.get(region, ()), vid)
        # (the present, absent and measured ids that count) -> unscreened
        self._cache: dict[
            tuple[frozenset[str], frozenset[str], frozenset[str]], tuple[Screen, ...]
        ] = {}
        self._pools: dict[frozenset[str], tuple[tuple[Screen, ...], dict[str, int]]] = {}

    def regions(self, facts: Facts) -> frozenset[str]:
        """The body regions in play: of the items reported present or measured."""
        puts = self._puts
        return frozenset(
            [puts[vid] for vid in facts.present if vid in puts]
            + [puts[vid] for vid in facts.measurements if vid in puts]
        )

    def to_confirm(self, facts: Facts) -> tuple[Screen, ...]:
        """The suspected items the report did not also confirm, most urgent first."""
        if not facts.suspected:
            return ()
        waiting = facts.suspected
        screens = self.screens
        out = [screens[v] for v in screens if v in waiting]
        out += [self._plain(v) for v in sorted(waiting) if v not in screens]
        return tuple(out)

    def first(self, facts: Facts) -> tuple[str, ...]:
        """The screens the reported items name in their ``screen_first`` (pack data: a
        calf complaint names the DVT signs), in the order named, whatever their region."""
        names = self._names
        named: list[str] = []
        for vid in sorted(v for v in facts.present if v in names):
            for sid in names[vid]:
                if sid not in named:
                    named.append(sid)
        return tuple(named)

    def unscreened(self, facts: Facts) -> tuple[Screen, ...]:
        """Red-flag items of the regions in play neither confirmed nor denied; the
        screens a reported item names in ``screen_first`` come first, in any region."""
        # only the ids that put a region in play, name screens or are screens count: the
        # answer is cached on those (three set intersections in C on the hot path)
        present = facts.present & self._reads_present
        absent = facts.absent & self._reads_absent
        measured = frozenset(self._puts.keys() & facts.measurements.keys())
        key = (present, absent, measured)
        got = self._cache.get(key)
        if got is None:
            got = self._unscreened(present, absent, measured)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = got
        return got

    def _unscreened(
        self, present: frozenset[str], absent: frozenset[str], measured: frozenset[str]
    ) -> tuple[Screen, ...]:
        puts = self._puts
        regions = frozenset([puts[vid] for vid in (*present, *measured) if vid in puts])
        names = self._names
        named: list[str] = []
        if not names.keys().isdisjoint(present):
            for vid in sorted(v for v in present if v in names):
                for sid in names[vid]:
                    if sid not in named:
                        named.append(sid)
        answered = (present | absent) & (self._ids | set(named) if named else self._ids)
        screens = self.screens
        first = tuple(v for v in named if v not in answered)
        skip = answered.union(first) if first else answered
        # the regions' screens in urgency order, and each one's position: a miss of the
        # cache above cuts out the few it answered (a report's set of regions recurs far
        # more than its ids)
        pool = self._pools.get(regions)
        if pool is None:
            pool = self._pool(regions)
        listed, position = pool
        rest = listed
        if skip:
            cut = sorted([position[v] for v in skip if v in position])
            if cut:
                kept: list[Screen] = []
                start = 0
                for i in cut:
                    kept += listed[start:i]
                    start = i + 1
                kept += listed[start:]
                rest = tuple(kept)
        if first:
            return (*[screens[v] if v in screens else self._plain(v) for v in first], *rest)
        return rest

    def _pool(self, regions: frozenset[str]) -> tuple[tuple[Screen, ...], dict[str, int]]:
        """The screens of ``regions`` and of none (every screen if none is in play), in
        urgency order, and the position of each id among them."""
        screens = self.screens
        if regions:
            wanted = set(self._everywhere)
            for region in regions:
                wanted.update(self._of_region.get(region, ()))
            ids: list[str] = sorted(wanted, key=self._position.__getitem__)
        else:
            ids = list(screens)
        pool = (tuple(screens[vid] for vid in ids), {vid: n for n, vid in enumerate(ids)})
        if len(self._pools) >= CACHE_LIMIT:
            self._pools.clear()
        self._pools[regions] = pool
        return pool

    def _plain(self, vid: str) -> Screen:
        item = self._pack.item(vid)
        label = item.label if item is not None else vid
        question = item.question if item is not None and item.question else None
        return _new_screen(
            id=vid,
            kind="history" if self._pack.kinds.get(vid) == "history" else "symptom",
            label=label,
            question=question or f"Do you have {label.lower()}?",
            level=TriageLevel.SELF_CARE,
            region=item.region if item is not None else None,
            rules=(),
        )
