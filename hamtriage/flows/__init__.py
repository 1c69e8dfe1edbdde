"""What is built on the engine: batches, Dask, explanations, the interview, text intake, re-tests, rendering.

Each flow takes an :class:`~hamtriage.Engine` (imported for typing only); the default
engine is resolved by the API layer (:mod:`hamtriage.api`).
"""
