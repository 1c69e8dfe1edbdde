"""One scenario's report, its triage and the checks of its ``Then`` steps.

Pure Python: nothing here imports pytest or pytest-bdd, so the logic of every step is
testable on its own and the step definitions in :mod:`hamtriage.bdd.steps` stay thin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine
from ..errors import ReportError
from ..flows.retesting import RetestResult
from ..results import TriageResult
from ._checks import ScenarioChecks
from ._failure import ScenarioFailure, a_noun, parse_number
from ._retest import run_retest

__all__ = ["TABLE_KINDS", "ScenarioFailure", "ScenarioState", "parse_number"]

TABLE_KINDS = ("symptom", "absent", "measurement", "activity", "history", "age", "sex")
"""The values of the ``kind`` column of ``Given an athlete reports:``."""


@dataclass
class ScenarioState(ScenarioChecks):
    """The report the ``Given`` steps build, and the result of triaging it once.

    ``on_result`` is called with every result (the plugin counts fired rules with it).
    Adding to the report after a triage makes the next ``Then`` triage again.
    """

    engine: Engine
    on_result: Callable[[TriageResult], None] | None = None
    symptoms: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    measurements: dict[str, float | dict[str, float]] = field(default_factory=dict)
    age: int | None = None
    sex: str | None = None
    result: TriageResult | None = None
    error: ReportError | None = None
    step: str = ""  # the step running now, with its file:line (set by the plugin)
    given_at: dict[str, str] = field(default_factory=dict)  # report field -> its Given step
    before: dict[str, float | dict[str, float]] = field(default_factory=dict)
    """Values of a re-test's first report (see :mod:`hamtriage.bdd._retest`)."""
    intervention: str | None = None
    new_in_after: list[str] = field(default_factory=list)
    retest: RetestResult | None = None

    # ------------------------------------------------------------------ Given

    def _changed(self) -> None:
        self.result = None
        self.error = None
        self.retest = None

    def add(self, kind: str, item: str) -> None:
        """Add an id (or a synonym) as a ``symptom``, ``absent``, ``activity`` or ``history``."""
        lists = {
            "symptom": self.symptoms,
            "absent": self.absent,
            "activity": self.activities,
            "history": self.history,
        }
        lists[kind].append(item)
        key = {"symptom": "symptoms", "activity": "activities"}.get(kind, kind)
        self.given_at[f"{key}[{len(lists[kind]) - 1}]"] = self.step
        self._changed()

    def measure(self, item: str, value: float, side: str | None = None) -> None:
        """Record a measurement, on one side (``left``/``right``) or as one number."""
        current = self.measurements.get(item)
        if side is None:
            if isinstance(current, dict):
                raise ScenarioFailure(
                    f"Problem in the scenario: '{item}' is given both as one number and per side."
                )
            if current is not None:
                raise ScenarioFailure(f"Problem in the scenario: '{item}' is given twice.")
            self.measurements[item] = value
        else:
            if side not in ("left", "right"):
                raise ScenarioFailure(
                    f"Problem in the scenario: the side of '{item}' must be left or right, not '{side}'."
                )
            if isinstance(current, float):
                raise ScenarioFailure(
                    f"Problem in the scenario: '{item}' is given both as one number and per side."
                )
            sides = current if current is not None else {}
            if side in sides:
                raise ScenarioFailure(
                    f"Problem in the scenario: the {side} side of '{item}' is given twice."
                )
            self.measurements[item] = {**sides, side: value}
        self.given_at[f"measurements.{item}" + (f".{side}" if side else "")] = self.step
        self.given_at.setdefault(f"measurements.{item}", self.step)
        self._changed()

    def set_age(self, age: int) -> None:
        """Set the athlete's age in years."""
        self.age = age
        self.given_at["age"] = self.step
        self._changed()

    def set_sex(self, sex: str) -> None:
        """Set the athlete's sex (``female`` or ``male``)."""
        self.sex = sex.strip().lower()
        self.given_at["sex"] = self.step
        self._changed()

    def add_table(self, rows: Sequence[Sequence[str]]) -> None:
        """Add the rows of a ``| kind | id | value | side |`` table (header row first)."""
        if not rows:
            raise ScenarioFailure("Problem in the scenario: the table is empty.")
        header = [cell.strip().lower() for cell in rows[0]]
        unknown = [h for h in header if h not in ("kind", "id", "value", "side")]
        if unknown or "kind" not in header or "id" not in header:
            raise ScenarioFailure(
                "Problem in the scenario: the table needs the columns kind and id, and may "
                f"have value and side; its columns are {', '.join(header)}."
            )
        for number, raw in enumerate(rows[1:], start=1):
            row = {h: cell.strip() for h, cell in zip(header, raw, strict=False)}
            self._add_row(number, row)

    def _add_row(self, number: int, row: dict[str, str]) -> None:
        kind, item = row.get("kind", "").lower(), row.get("id", "")
        value, side = row.get("value", ""), row.get("side", "").lower()
        where = f"table row {number}"
        if kind not in TABLE_KINDS:
            raise ScenarioFailure(
                f"Problem in the scenario: {where}: kind '{kind}' is not one of "
                f"{', '.join(TABLE_KINDS)}."
            )
        if kind == "age":
            years = parse_number(value or item, f"the age in {where}")
            if years != int(years):
                raise ScenarioFailure(f"Problem in the scenario: {where}: age must be whole years.")
            self.set_age(int(years))
        elif kind == "sex":
            self.set_sex(value or item)
        elif not item:
            raise ScenarioFailure(f"Problem in the scenario: {where}: the id is empty.")
        elif kind == "measurement":
            number_ = parse_number(value, f"the value of '{item}' in {where}")
            self.measure(item, number_, side or None)
        elif value or side:
            raise ScenarioFailure(
                f"Problem in the scenario: {where}: {a_noun(kind)} takes no value or side."
            )
        else:
            self.add(kind, item)

    def report(self) -> dict[str, Any]:
        """The report as a mapping of the public JSON contract (only keys that are set)."""
        out: dict[str, Any] = {}
        for key in ("symptoms", "absent", "activities", "history"):
            values: list[str] = getattr(self, key)
            if values:
                out[key] = list(values)
        if self.measurements:
            out["measurements"] = dict(self.measurements)
        if self.age is not None:
            out["age"] = self.age
        if self.sex is not None:
            out["sex"] = self.sex
        return out

    # ------------------------------------------------------------------- When

    def triage(self) -> None:
        """Triage the report; a rejected report is kept for the ``Then`` steps."""
        self.result = None
        self.error = None
        if self.before or self.new_in_after:
            run_retest(self)
            return
        try:
            self.result = self.engine.triage(self.report())
        except ReportError as exc:
            self.error = exc
            return
        if self.on_result is not None:
            self.on_result(self.result)

    @property
    def triaged(self) -> bool:
        """Whether the current report has been triaged (or rejected)."""
        return self.result is not None or self.error is not None

    def outcome(self) -> TriageResult:
        """The result, triaging first if needed; a rejected report fails the scenario."""
        if not self.triaged:
            self.triage()
        if self.error is not None:
            raise ScenarioFailure(
                f"The report was rejected: {self.error}\n\nReport: {self._report_json()}",
                at_step=self.given_at.get(self.error.field, ""),
            )
        assert self.result is not None
        return self.result
