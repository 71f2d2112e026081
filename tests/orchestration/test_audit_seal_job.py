"""The daily audit seal as a Dagster job: it seals an intact journal, and fails (nothing sealed)
on a tampered one, so the run shows red in Dagster."""

from __future__ import annotations

from data_contracts.settings import Settings
from orchestration.defs.audit_seal_job import audit_seal
from orchestration.defs.resources import HubResource
from storage import audit
from storage.audit_seal import read_seals


def _journal(home) -> Settings:
    settings = Settings(home=home)
    for outcome in ("a", "b"):
        audit.append_events(settings, [audit.new_event("test", actor="test:seal", outcome=outcome)])
    return settings


def test_seal_job_seals_the_chain_head(tmp_path):
    settings = _journal(tmp_path / "home")
    result = audit_seal.execute_in_process(resources={"hub": HubResource(home=str(settings.home))})
    assert result.success
    (sealed,) = read_seals(settings)
    assert sealed["seq"] == 2 and sealed["head_hash"] == audit.chain_head(settings)[1]


def test_seal_job_fails_on_a_tampered_journal(tmp_path):
    settings = _journal(tmp_path / "home")
    path = audit.audit_path(settings)
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[1])  # first event deleted
    result = audit_seal.execute_in_process(resources={"hub": HubResource(home=str(settings.home))},
                                           raise_on_error=False)
    assert not result.success and read_seals(settings) == []
