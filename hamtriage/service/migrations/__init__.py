"""Alembic migrations of the audit store (run by :meth:`AuditStore.migrate`)."""
