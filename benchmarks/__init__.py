"""Benchmarks of hamtriage (``python benchmarks/run.py``) and their shared workload."""
