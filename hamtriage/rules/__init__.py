"""Rule packs: the rule-file schema, loading with located errors, the pack, lint and safety checks.

The lowest layer above :mod:`hamtriage.errors` and :mod:`hamtriage.levels`: it knows
nothing of the engine that runs a pack.
"""
