"""The benchmark's baselines answer exactly what the engine answers (else the ratios mean nothing)."""

from __future__ import annotations

import pytest

import hamtriage
from benchmarks.baselines import StockDriver
from tests.support.oracle import PlainEvaluator
from tests.support.reports import make_reports


# durable.engine (the stock wrappers, used only by this baseline) calls
# datetime.utcfromtimestamp, deprecated from Python 3.12 on
@pytest.mark.filterwarnings("ignore:datetime.datetime.utcfromtimestamp:DeprecationWarning")
def test_stock_wrappers_and_plain_python_agree_with_the_engine() -> None:
    engine = hamtriage.Engine.default()
    stock = StockDriver(engine)
    oracle = PlainEvaluator(engine.pack)
    for report in make_reports(engine.pack, 150, 3):
        result = engine.triage(report)
        assert stock.triage(report) == result  # the whole result, trace order included
        outcome = oracle.evaluate(engine.normalize(report))
        assert result.level == outcome.level
        assert frozenset(result.fired_rules) == outcome.fired
