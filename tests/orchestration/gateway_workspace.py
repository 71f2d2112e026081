"""A tiny Dagster workspace the operator-gateway tests serve (a job and a sensor): the gateway
does not care what it fronts, and loading the hub's own definitions would cost a dbt parse."""

from __future__ import annotations

from dagster import Definitions, SkipReason, job, op, sensor


@op
def do_nothing() -> None:
    """Nothing to do: the tests only need a run to be queued."""


@job
def noop_job():
    do_nothing()


@sensor(job=noop_job, minimum_interval_seconds=3600)
def quiet_sensor():
    return SkipReason("tests only")


defs = Definitions(jobs=[noop_job], sensors=[quiet_sensor])
