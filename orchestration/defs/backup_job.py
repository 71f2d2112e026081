"""The nightly backup as a Dagster job (the logic is :mod:`orchestration.warehouse.backup`).

A warehouse that no longer reads back is rebuilt from the landing zone first: it is never
backed up, never patched. The job writes the warehouse, so it carries the tag that makes the
run queue serialise writers.
"""

from dagster import OpExecutionContext, job, op

from orchestration.warehouse import rebuild
from orchestration.warehouse.backup import backup_warehouse
from orchestration.instance.dagster_home import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE
from orchestration.defs.resources import HubResource
from orchestration.defs.run_actor import run_actor

BACKUP_JOB_NAME = "nightly_backup"
#: 02:30 Paris time: after the evening's builds, long before the morning's uploads.
BACKUP_CRON = "30 2 * * *"


@op(name="backup_warehouse",
    description="Checkpoint, copie, relecture et rétention de l'entrepôt (reconstruit d'abord s'il est illisible).")
def backup_op(context: OpExecutionContext, hub: HubResource) -> None:
    settings = hub.settings()
    rebuilt = rebuild.rebuild_if_unhealthy(settings, actor=run_actor(context))
    if rebuilt is not None:
        context.log.warning(f"warehouse unreadable ({rebuilt.previous.problem}): rebuilt from the "
                            f"landing zone, old file kept at {rebuilt.replaced_path}")
    result = backup_warehouse(settings)
    context.log.info(f"backup {result.path} ({result.size_bytes} bytes, {result.tables} tables), "
                     f"{len(result.removed)} old one(s) removed")


@job(name=BACKUP_JOB_NAME, tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE},
     description="Sauvegarde nocturne de l'entrepôt.")
def nightly_backup():
    backup_op()
