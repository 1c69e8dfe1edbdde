"""The runtime: a pack compiled onto durable-rules, the session that runs it, and the result.

Imports the rule-pack layer and the report and result models, never the flows above it.
"""
