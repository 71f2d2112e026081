"""Orchestration: Dagster definitions that run the hub unattended (landing sensor, dbt build,
publishing, schedules) and the national documents they produce (``orchestration.reports``)."""
