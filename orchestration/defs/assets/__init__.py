"""Dagster assets, one module per concern: landing → raw tables (``ingestion``), dbt models
(``warehouse``), the published marts (``serving``) and the national documents (``documents``)."""
