"""The daily seal of the audit journal as a Dagster job (the logic is
:func:`ingestion.audit_copy.daily_seal`; the design is in docs/audit.md).

It never writes the warehouse (the loader copies the new seal into ``raw.audit_seals`` on its
next run), so it carries no warehouse tag and never waits behind a build.
"""

from dagster import Failure, OpExecutionContext, job, op

from ingestion.audit_copy import daily_seal
from orchestration.defs.resources import HubResource
from storage.audit_verify import Tampering

AUDIT_SEAL_JOB_NAME = "audit_seal"
#: 02:15 Paris time: a quiet hour, before the nightly backup.
AUDIT_SEAL_CRON = "15 2 * * *"


@op(name="seal_audit_journal",
    description="Archive les segments échus, vérifie la chaîne du journal d'audit et scelle sa tête.")
def seal_op(context: OpExecutionContext, hub: HubResource) -> None:
    try:
        sealed = daily_seal(hub.settings())
    except Tampering as problem:
        raise Failure(description=f"audit journal NOT sealed: {problem}",
                      metadata={"message_fr": problem.message_fr}) from problem
    context.log.info(f"audit journal sealed up to seq {sealed['seq']}; rotated {sealed['rotated']}")


@job(name=AUDIT_SEAL_JOB_NAME, description="Sceau quotidien du journal d'audit.")
def audit_seal():
    seal_op()
