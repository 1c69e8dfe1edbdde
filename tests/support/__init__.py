"""Test support shared by the test suite and the benchmarks (importable as ``tests.support``).

:mod:`~tests.support.packs` writes small rule packs for tests; :mod:`~tests.support.reports`
draws seeded report sets from a pack's vocabulary; :mod:`~tests.support.oracle` evaluates a
pack in plain Python, with no rule engine, to check the engine against.
"""
