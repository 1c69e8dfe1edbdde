"""Benchmarks of hamtriage (``python benchmarks/run.py``); report sets and oracle: ``tests.support``."""
