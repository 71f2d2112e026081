"""The Remontées page's rates are the marts' coverage counts, not a recount of their own."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from dashboards import queries


def test_national_rates_by_week_are_the_national_facts(serving_home):
    rates = queries.rates_by_week(Role.parse("national"), "2026-W37", "2026-W48")
    facts = queries.national_weekly(Role.parse("national"), "2026-W48", 12)
    assert rates["week_code"].to_list() == facts["week_code"].to_list()
    assert rates["departements_recus"].to_list() == facts["departements_received"].to_list()
    assert rates["departements_a_l_heure"].to_list() == facts["departements_on_time"].to_list()
    assert rates["taux_a_l_heure"].to_list() == pytest.approx(facts["on_time_rate"].to_list(), abs=1e-4)


def test_a_regions_rates_are_its_regional_facts(serving_home):
    role = Role.parse("region:84")
    rates = queries.rates_by_week(role, "2026-W48", "2026-W48").row(0, named=True)
    region = queries.regional_weekly(role, "2026-W48").row(0, named=True)
    assert (rates["departements_attendus"], rates["departements_recus"], rates["departements_a_l_heure"]) == (
        region["departements_expected"], region["departements_received"], region["departements_on_time"])


def test_a_departements_rates_count_its_own_reports(serving_home):
    role = Role.parse("departement:69")
    rates = queries.rates_by_week(role, "2026-W37", "2026-W48")
    own = queries.departement_weekly(role, "69", "2026-W48", 12)
    assert rates["departements_attendus"].to_list() == [1] * 12
    assert rates["departements_recus"].to_list() == [int(r) for r in own["is_received"].to_list()]
