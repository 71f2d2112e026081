"""The hub's event log stores what Dagster's SQLite event log stores, and the UI still sees it live."""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest
from dagster import AssetCheckKey, AssetKey, DagsterEvent, DagsterInstance
from dagster._core.events import (
    AssetMaterializationPlannedData,
    DagsterEventBatchMetadata,
    DagsterEventType,
    generate_event_batch_id,
)
from dagster._core.storage.dagster_run import DagsterRun
from dagster._core.storage.event_log import SqliteEventLogStorage

from data_contracts.settings import Settings
from orchestration.instance.dagster_home import prepare_dagster_home
from orchestration.instance.event_log import HubEventLogStorage

ASSETS = [AssetKey(["marts", f"fct_{number}"]) for number in range(5)]
CHECK = AssetCheckKey(ASSETS[0], "unique_key")


def planned_events(job_name: str) -> list[DagsterEvent]:
    from dagster._core.events import AssetCheckEvaluationPlanned

    events = [DagsterEvent.build_asset_materialization_planned_event(
        job_name, "warehouse_models", AssetMaterializationPlannedData(key)) for key in ASSETS]
    events.append(DagsterEvent(
        event_type_value=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED.value, job_name=job_name,
        step_key="warehouse_models", event_specific_data=AssetCheckEvaluationPlanned(
            asset_key=CHECK.asset_key, check_name=CHECK.name)))
    return events


def store_a_run(instance: DagsterInstance, run_id: str) -> None:
    """A run's planned events as the daemon stores them (one batch), then single events as a
    run worker stores them."""
    run = instance.add_run(DagsterRun(job_name="landing", run_id=run_id))
    batch = generate_event_batch_id()
    events = planned_events("landing")
    for number, event in enumerate(events):
        instance.report_dagster_event(event, run_id, logging.DEBUG,
                                      batch_metadata=DagsterEventBatchMetadata(batch, number == len(events) - 1))
    for event in planned_events("landing")[:3]:
        instance.report_dagster_event(event, run_id, logging.DEBUG)
    instance.report_engine_event("Run worker started.", dagster_run=run)


def summary(instance: DagsterInstance, run_id: str) -> dict:
    """What the UI reads: the run's log, and per asset its planned materialisations."""
    log = [(record.dagster_event_type, record.dagster_event.asset_key if record.dagster_event else None)
           for record in instance.all_logs(run_id)]
    storage = instance.event_log_storage
    planned = {key: storage.get_latest_planned_materialization_info(key) is not None for key in ASSETS}
    checks = storage.get_asset_check_execution_history(CHECK, limit=10)
    return {"log": log, "planned": planned, "check_executions": [c.status for c in checks]}


@pytest.fixture
def hub_home(tmp_path):
    home = prepare_dagster_home(Settings(home=tmp_path / "hub"))
    with DagsterInstance.from_config(str(home)) as instance:
        yield instance


def test_the_hub_instance_uses_the_hub_event_log(hub_home):
    assert isinstance(hub_home.event_log_storage, HubEventLogStorage)
    assert os.environ["DAGSTER_EVENT_BATCH_SIZE"]


def test_a_run_reads_back_as_dagsters_own_storage_writes_it(hub_home, tmp_path):
    (tmp_path / "plain").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "plain")) as plain:
        assert type(plain.event_log_storage) is SqliteEventLogStorage
        store_a_run(plain, "run-1")
        store_a_run(hub_home, "run-1")
        assert summary(hub_home, "run-1") == summary(plain, "run-1")
        assert summary(hub_home, "run-1")["check_executions"]  # the batch reached the index


def test_another_process_reads_every_event_at_once(hub_home):
    """Kept connections and NORMAL sync do not hide committed events from other readers."""
    store_a_run(hub_home, "run-2")
    with DagsterInstance.from_ref(hub_home.get_ref()) as reader:
        assert summary(reader, "run-2") == summary(hub_home, "run-2")


def test_the_ui_live_log_sees_new_events(hub_home):
    """The UI watches the run's database file; a kept connection writes only to its WAL, so
    the storage must still make the file signal each new event."""
    run = hub_home.add_run(DagsterRun(job_name="landing", run_id="run-3"))
    hub_home.report_engine_event("Run worker started.", dagster_run=run)  # the database exists
    seen = threading.Event()

    def callback(entry, cursor):  # noqa: ARG001 - Dagster's watcher signature
        if entry.dagster_event and entry.dagster_event.event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
            seen.set()

    with DagsterInstance.from_ref(hub_home.get_ref()) as ui:
        after_first_event = hub_home.get_records_for_run("run-3").cursor
        ui.event_log_storage.watch("run-3", after_first_event, callback)
        try:
            time.sleep(0.5)  # the watcher is a thread of its own
            hub_home.report_dagster_event(planned_events("landing")[0], "run-3", logging.DEBUG)
            assert seen.wait(timeout=10), "the watcher of the run's database never fired"
        finally:
            ui.event_log_storage.end_watch("run-3", callback)


def test_a_forked_child_opens_its_own_connections(hub_home):
    store_a_run(hub_home, "run-4")  # the parent now holds open connections
    before = len(hub_home.all_logs("run-4"))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            storage = hub_home.event_log_storage
            code = 0 if not storage._engines else 2
            hub_home.report_dagster_event(planned_events("landing")[1], "run-4", logging.DEBUG)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(hub_home.all_logs("run-4")) == before + 1  # and the parent's connection still works
