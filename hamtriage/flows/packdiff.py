"""What changes when a corpus of reports is triaged on a new rule pack instead of an old one.

:func:`diff_packs` triages every report on both packs and counts the level transitions,
lists every report whose level went down (the change a release must review) with the
rules responsible, and counts the hypotheses and recommendations gained and lost. A
report that either pack refuses is counted as invalid, never fatal. Partial diffs (one
per Dask partition, say) combine with :func:`combine`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import ReportError
from ..levels import TriageLevel
from ..results import PackInfo, TriageResult

if TYPE_CHECKING:
    from ..runtime.run import Runner

__all__ = [
    "IdChange",
    "InvalidReport",
    "LevelChange",
    "PackDiff",
    "Transition",
    "combine",
    "diff_numbered",
    "diff_on_dask",
    "diff_packs",
]

LEVELS: tuple[TriageLevel, ...] = tuple(sorted(TriageLevel, key=lambda level: level.rank))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Transition(_Frozen):
    """How many reports went from level ``old`` to level ``new``."""

    old: TriageLevel
    new: TriageLevel
    count: int


class LevelChange(_Frozen):
    """One report whose level changed, and the rules responsible for the change."""

    index: int = Field(description="the report's position (0-based), or its line number")
    old: TriageLevel
    new: TriageLevel
    fired_only_on_old: tuple[str, ...] = Field(default=(), description="rule ids")
    fired_only_on_new: tuple[str, ...] = Field(default=(), description="rule ids")


class IdChange(_Frozen):
    """In how many reports a hypothesis or recommendation appeared (gained) or disappeared
    (lost) on the new pack."""

    id: str
    gained: int = 0
    lost: int = 0


class InvalidReport(_Frozen):
    """A report that a pack refused (``pack``: which one; ``both`` when both did)."""

    index: int
    pack: Literal["old", "new", "both"]
    field: str | None = None
    message: str


class PackDiff(_Frozen):
    """The difference between two packs over one corpus of reports."""

    old_pack: PackInfo
    new_pack: PackInfo
    reports: int = Field(description="reports read, valid or not")
    compared: int = Field(description="reports triaged on both packs")
    transitions: tuple[Transition, ...] = Field(
        default=(), description="non-zero counts, by old level then new level (least first)"
    )
    lowered: tuple[LevelChange, ...] = Field(default=(), description="level went down")
    raised: tuple[LevelChange, ...] = Field(default=(), description="level went up")
    hypotheses: tuple[IdChange, ...] = ()
    recommendations: tuple[IdChange, ...] = ()
    invalid: tuple[InvalidReport, ...] = ()

    @property
    def went_down(self) -> bool:
        """True if any report's level is lower on the new pack (the release check fails)."""
        return bool(self.lowered)

    def matrix(self) -> list[list[int]]:
        """Counts as rows of old levels by columns of new levels, least urgent first."""
        rank = {level: i for i, level in enumerate(LEVELS)}
        out = [[0] * len(LEVELS) for _ in LEVELS]
        for t in self.transitions:
            out[rank[t.old]][rank[t.new]] += t.count
        return out


def _transitions(counts: Counter[tuple[TriageLevel, TriageLevel]]) -> tuple[Transition, ...]:
    keys = sorted(counts, key=lambda k: (k[0].rank, k[1].rank))
    return tuple(Transition(old=o, new=n, count=counts[(o, n)]) for o, n in keys)


def _sorted_changes(counts: Counter[tuple[str, int]]) -> tuple[IdChange, ...]:
    ids = sorted({key for key, _ in counts})
    return tuple(IdChange(id=i, gained=counts[(i, 1)], lost=counts[(i, -1)]) for i in ids)


def _pack_info(runner: Runner) -> PackInfo:
    pack = runner.pack
    return PackInfo(
        name=pack.meta.name,
        version=pack.meta.version,
        content_hash=pack.content_hash,
        id=pack.pack_id,
    )


class _Tally:
    """The mutable counts behind one :class:`PackDiff` (local to one call)."""

    def __init__(self, old: Runner, new: Runner) -> None:
        self.old, self.new = old, new
        self.reports = 0
        self.transitions: Counter[tuple[TriageLevel, TriageLevel]] = Counter()
        self.lowered: list[LevelChange] = []
        self.raised: list[LevelChange] = []
        self.hypotheses: Counter[tuple[str, int]] = Counter()
        self.recommendations: Counter[tuple[str, int]] = Counter()
        self.invalid: list[InvalidReport] = []

    def _triage(self, runner: Runner, report: Mapping[str, Any]) -> TriageResult | ReportError:
        try:
            return runner.triage(report)
        except ReportError as exc:
            return exc

    def add(self, index: int, report: Mapping[str, Any]) -> None:
        self.reports += 1
        a = self._triage(self.old, report)
        b = self._triage(self.new, report)
        if isinstance(a, ReportError) or isinstance(b, ReportError):
            error = a if isinstance(a, ReportError) else b
            assert isinstance(error, ReportError)
            both = isinstance(a, ReportError) and isinstance(b, ReportError)
            side: Literal["old", "new", "both"] = (
                "both" if both else "old" if isinstance(a, ReportError) else "new"
            )
            self.invalid.append(
                InvalidReport(index=index, pack=side, field=error.field, message=error.message)
            )
            return
        self.transitions[(a.level, b.level)] += 1
        if a.level != b.level:
            fa, fb = set(a.fired_rules), set(b.fired_rules)
            change = LevelChange(
                index=index,
                old=a.level,
                new=b.level,
                fired_only_on_old=tuple(r for r in a.fired_rules if r not in fb),
                fired_only_on_new=tuple(r for r in b.fired_rules if r not in fa),
            )
            (self.lowered if b.level < a.level else self.raised).append(change)
        for counts, old_ids, new_ids in (
            (self.hypotheses, {h.id for h in a.hypotheses}, {h.id for h in b.hypotheses}),
            (
                self.recommendations,
                {r.id for r in a.recommendations},
                {r.id for r in b.recommendations},
            ),
        ):
            for i in new_ids - old_ids:
                counts[(i, 1)] += 1
            for i in old_ids - new_ids:
                counts[(i, -1)] += 1

    def freeze(self) -> PackDiff:
        return PackDiff(
            old_pack=_pack_info(self.old),
            new_pack=_pack_info(self.new),
            reports=self.reports,
            compared=sum(self.transitions.values()),
            transitions=_transitions(self.transitions),
            lowered=tuple(sorted(self.lowered, key=lambda c: c.index)),
            raised=tuple(sorted(self.raised, key=lambda c: c.index)),
            hypotheses=_sorted_changes(self.hypotheses),
            recommendations=_sorted_changes(self.recommendations),
            invalid=tuple(sorted(self.invalid, key=lambda e: e.index)),
        )


def diff_numbered(
    old: Runner,
    new: Runner,
    reports: Iterable[tuple[int, Mapping[str, Any]]],
    progress: Callable[[int], None] | None = None,
) -> PackDiff:
    """:func:`diff_packs` over ``(index, report)`` pairs: the index is the caller's (a line
    number, a position in a larger corpus) and is what the diff reports."""
    tally = _Tally(old, new)
    for index, report in reports:
        tally.add(index, report)
        if progress is not None:
            progress(1)
    return tally.freeze()


def diff_packs(old: Runner, new: Runner, reports: Iterable[Mapping[str, Any]]) -> PackDiff:
    """Triage every report on ``old`` and on ``new`` and say what changed.

    Reports are read once, in order (an iterator is fine: nothing is kept but the
    counts and the changed reports); each is named by its 0-based position.
    """
    return diff_numbered(old, new, enumerate(reports))


def combine(diffs: Iterable[PackDiff]) -> PackDiff:
    """One diff from the diffs of disjoint parts of a corpus over the same two packs."""
    parts = list(diffs)
    if not parts:
        raise ValueError("combine needs at least one diff")
    first = parts[0]
    transitions: Counter[tuple[TriageLevel, TriageLevel]] = Counter()
    ids: dict[str, Counter[tuple[str, int]]] = {"h": Counter(), "r": Counter()}
    for part in parts:
        if (part.old_pack, part.new_pack) != (first.old_pack, first.new_pack):
            raise ValueError("combine: the diffs are over different packs")
        for t in part.transitions:
            transitions[(t.old, t.new)] += t.count
        for key, changes in (("h", part.hypotheses), ("r", part.recommendations)):
            for c in changes:
                ids[key][(c.id, 1)] += c.gained
                ids[key][(c.id, -1)] += c.lost
    return PackDiff(
        old_pack=first.old_pack,
        new_pack=first.new_pack,
        reports=sum(p.reports for p in parts),
        compared=sum(p.compared for p in parts),
        transitions=_transitions(transitions),
        lowered=tuple(sorted((c for p in parts for c in p.lowered), key=lambda c: c.index)),
        raised=tuple(sorted((c for p in parts for c in p.raised), key=lambda c: c.index)),
        hypotheses=_sorted_changes(ids["h"]),
        recommendations=_sorted_changes(ids["r"]),
        invalid=tuple(sorted((e for p in parts for e in p.invalid), key=lambda e: e.index)),
    )


def _chunks(
    items: Iterable[tuple[int, Mapping[str, Any]]], size: int
) -> Iterator[list[tuple[int, Mapping[str, Any]]]]:
    chunk: list[tuple[int, Mapping[str, Any]]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def diff_on_dask(
    client: Any,
    old: Runner,
    new: Runner,
    reports: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    chunk_size: int = 1000,
    in_flight: int = 8,
    progress: Callable[[int], None] | None = None,
) -> PackDiff:
    """:func:`diff_numbered` on a ``distributed.Client``, ``chunk_size`` reports per task.

    Both packs are sent to every worker once (engines pickle by content, and a worker
    process builds each pack once); the reports are read lazily, with at most
    ``in_flight`` chunks per worker on the cluster at a time, so a corpus larger than
    memory streams through.
    """
    from distributed import as_completed as _as_completed  # optional: hamtriage[dask]

    as_completed: Any = _as_completed  # distributed is not fully typed

    packs = client.scatter([old, new], broadcast=True)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = max(1, in_flight * workers)
    chunks = _chunks(reports, chunk_size)
    parts: list[PackDiff] = []
    pending = as_completed()
    for chunk in chunks:
        pending.add(client.submit(diff_numbered, packs[0], packs[1], chunk, pure=False))
        if pending.count() >= limit:
            _collect(next(pending), parts, progress)
    for future in pending:
        _collect(future, parts, progress)
    if not parts:
        return diff_numbered(old, new, ())
    return combine(parts)


def _collect(future: Any, parts: list[PackDiff], progress: Callable[[int], None] | None) -> None:
    part: PackDiff = future.result()
    parts.append(part)
    if progress is not None:
        progress(part.reports)
