"""Data contracts v1 of the CIPD hub: the single source of truth for what départements send.

Templates, JSON Schema, raw table columns and dbt source columns are all derived from the
pydantic models registered in :mod:`data_contracts.registry`.
"""
