"""Persistence: SQLAlchemy tables, repositories, the unit of work, the audit chain and migrations.

Only `assessment.services` uses this package; pages and the CLI go through the services.
"""
