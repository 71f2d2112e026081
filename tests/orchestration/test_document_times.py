"""The documents' times are stated once, in the crons: every description follows them."""

from __future__ import annotations

from data_contracts.settings import Settings
from orchestration.defs.assets.documents import reminder_list, weekly_synthesis
from orchestration.defs.document_times import REMINDERS_CRON, SYNTHESIS_CRON, deadline_day_at, paris_time
from orchestration.defs.schedules import build_schedules


def test_paris_time_writes_a_cron_as_french_does():
    assert (paris_time("0 10 * * 1-5"), paris_time("5 12 * * 1-5")) == ("10 h", "12 h 05")


def test_asset_descriptions_give_the_cron_time_on_the_deadline_day_not_thursday():
    synthesis = next(iter(weekly_synthesis.descriptions_by_key.values()))
    reminders = next(iter(reminder_list.descriptions_by_key.values()))
    assert synthesis.startswith(deadline_day_at(SYNTHESIS_CRON)) and "Jeudi" not in synthesis
    assert reminders.startswith(deadline_day_at(REMINDERS_CRON))


def test_schedule_descriptions_follow_the_holiday_policy(tmp_path):
    settings = Settings(home=tmp_path, holiday_policy="next_working_day")
    by_name = {s.name: s for s in build_schedules(settings)}
    description = by_name["weekly_synthesis_schedule"].description
    assert by_name["weekly_synthesis_schedule"].cron_schedule == SYNTHESIS_CRON
    assert description.startswith(deadline_day_at(SYNTHESIS_CRON, "next_working_day"))
    assert "le lendemain si le jeudi est férié" in description
