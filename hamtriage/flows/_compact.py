"""The compact form of a batch's results, and :class:`BatchResults`, which builds each
typed result from it when it is read.

A row is a tuple of ids, numbers and nested tuples: the facts the result depends on and
the rules that fired with the facts they matched. It pickles small (worker processes
and Dask send rows, not pydantic trees) and the garbage collector untracks it after one
pass: a batch that keeps 100,000 rows alive costs the collector almost nothing, where
100,000 result trees (about 16 models each) made every later pass re-scan them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..errors import ReportError
from ..report import Facts, Report
from ..results import MatchedFact, TriageResult
from ..runtime.wire import new_matched

if TYPE_CHECKING:
    from ..runtime.run import Compiled

__all__ = ["BatchResults", "Builder", "Row", "build", "encode"]

Triple = tuple[str, str, float | str | None]
Fired = tuple[tuple[int, tuple[Triple, ...]], ...]
Row = tuple[
    tuple[str, ...],  # present
    tuple[str, ...],  # absent
    tuple[str, ...],  # activities
    tuple[tuple[str, float], ...],  # measurements
    tuple[tuple[str, float], ...],  # asymmetries
    int | None,  # age
    str | None,  # sex
    tuple[str, ...],  # suspected
    Fired,  # each fired rule's index and matched facts, in firing order
    tuple[tuple[str, float], ...] | None,  # the confidences the run already computed
]
T = TypeVar("T", TriageResult, TriageResult | ReportError)


def encode(state: Compiled, facts: Facts) -> Row:
    """Triage ``facts`` on ``state`` and return the compact row of its result."""
    known: list[dict[str, float]] = []
    fired = state.run(facts, known)
    return (
        tuple(sorted(facts.present)),  # sorted: the same row in every process
        tuple(sorted(facts.absent)),
        tuple(sorted(facts.activities)),
        tuple(facts.measurements.items()),
        tuple(facts.asymmetries.items()),
        facts.age,
        facts.sex,
        tuple(sorted(facts.suspected)),
        tuple(
            (index, tuple((m.kind, m.id, m.value) for m in matched))
            for index, matched in fired.items()
        ),
        tuple(sorted(known[0].items())) if known else None,
    )


def _statics(state: Compiled) -> dict[tuple[int, tuple[tuple[str, str], ...]], Any]:
    """The matched-fact tuples the engine built once for rules whose facts carry no value
    (by rule index and fact names): reusing the very objects lets the assembler reuse
    the result parts it prepared for them. Private to the runtime, hence the default: a
    missing table costs speed, never correctness."""
    out: dict[tuple[int, tuple[tuple[str, str], ...]], Any] = {}
    for shape in getattr(state, "_shapes", {}).values():
        index, static = shape[0], shape[1]
        if static is not None:
            out[(index, tuple((m.kind, m.id) for m in static))] = static
    return out


def build(
    state: Compiled,
    row: Row,
    statics: dict[tuple[int, tuple[tuple[str, str], ...]], Any],
    report: Report,
) -> TriageResult:
    """The typed result of ``row``: identical to ``state.triage`` of its report."""
    pres, absent, acts, meas, asym, age, sex, sus, fired_rows, known = row
    facts = Facts(
        present=frozenset(pres),
        absent=frozenset(absent),
        activities=frozenset(acts),
        measurements=dict(meas),
        sides={},
        asymmetries=dict(asym),
        age=age,
        sex=sex,
        report=report,  # not read by the assembler (the row keeps what it reads)
        suspected=frozenset(sus),
    )
    fired: dict[int, tuple[MatchedFact, ...]] = {}
    for index, triples in fired_rows:
        matched: tuple[MatchedFact, ...] | None = None
        if all(v is None for _, _, v in triples):
            matched = statics.get((index, tuple((k, i) for k, i, _ in triples)))
        if matched is None:
            matched = tuple(new_matched(kind=k, id=i, value=v) for k, i, v in triples)
        fired[index] = matched
    return state.assembler.result(facts, fired, None if known is None else dict(known))


class Builder:
    """Builds typed results from the rows of one compiled pack."""

    __slots__ = ("_report", "_state", "_statics")

    def __init__(self, state: Compiled) -> None:
        self._state = state
        self._statics = _statics(state)
        self._report = Report.model_construct()

    def __call__(self, row: Row | ReportError) -> Any:
        """The result of ``row`` (a report's error is returned as it is)."""
        if isinstance(row, ReportError):
            return row
        return build(self._state, row, self._statics, self._report)


class BatchResults(Sequence[T], Generic[T]):
    """The results of a batch, in the order of its reports: a read-only sequence of
    :class:`~hamtriage.TriageResult` (and, with ``on_error="return"``, of the
    :class:`~hamtriage.BatchReportError` of each invalid report).

    Each result is built from its compact row when it is read (identical to
    ``engine.triage`` of the report) and not kept: keep the ones you read twice, or
    call :meth:`tolist`. It compares equal to a list of the same results, pickles as
    its rows (with the engine's pack, by content) and stays valid after a reload.
    """

    __slots__ = ("_build_row", "_built", "_lang", "_rows", "_state")

    def __init__(self, state: Compiled, rows: list[Row | ReportError], lang: str = "en") -> None:
        self._state = state
        self._rows = rows
        self._lang = lang
        self._build_row: Builder | None = None  # made on the first read
        # a row read again while its result is alive gives that very object (reports that
        # state the same facts share one row); nothing is kept once the caller drops it
        self._built: weakref.WeakValueDictionary[int, TriageResult] = weakref.WeakValueDictionary()

    def _build(self, row: Row | ReportError) -> Any:
        if isinstance(row, ReportError):
            return row
        got = self._built.get(id(row))
        if got is not None:
            return got
        if self._build_row is None:
            self._build_row = Builder(self._state)
        got = self._build_row(row)
        if self._lang != "en":
            from .translate import localize

            got = localize(got, self._state.pack, self._lang)
        self._built[id(row)] = got
        return got

    def in_language(self, lang: str) -> BatchResults[T]:
        """The same rows, each result read in ``lang`` (a language of the pack)."""
        return BatchResults(self._state, self._rows, lang)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._build(row) for row in self._rows[index]]
        result: T = self._build(self._rows[index])
        return result

    def __iter__(self) -> Iterator[T]:
        build_one = self._build
        for row in self._rows:
            yield build_one(row)

    def tolist(self) -> list[T]:
        """Every result, built now, as a list."""
        return list(self)

    @property
    def rows(self) -> list[Row | ReportError]:
        """The compact rows (read-only: shared, not copied)."""
        return self._rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        if (
            isinstance(other, BatchResults)
            and other._state.pack.content_hash == self._state.pack.content_hash
            and other._lang == self._lang
            and other._rows == self._rows
        ):
            return True
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        errors = sum(isinstance(r, ReportError) for r in self._rows)
        extra = f", {errors} invalid" if errors else ""
        return f"<BatchResults: {len(self._rows)} results{extra} (pack {self._state.pack.pack_id})>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (BatchResults, (self._state, self._rows, self._lang))
