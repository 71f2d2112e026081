"""The simulated activity is coherent: stocks follow, months match their weeks, seasons show."""

from __future__ import annotations

from collections import defaultdict

from data_contracts import calendar
from data_contracts.fields import no_personal_data
from demo.departements import populations


def _new(figures):
    return figures["signalements_cnapr"] + figures["signalements_locaux"]


def test_stocks_follow_week_to_week_except_rare_recounts(plan):
    followed = recounts = 0
    for (code, week), activity in plan.weekly_activity.items():
        previous = plan.weekly_activity.get((code, calendar.shift_week(week, -1)))
        if previous is None:
            continue
        f = activity.figures
        expected = previous.figures["suivis_en_cours"] + _new(f) - f["suivis_clos"]
        if activity.stock_adjusted:
            recounts += 1
        else:
            assert f["suivis_en_cours"] == expected, (code, week)
            followed += 1
    assert 0 < recounts < 0.02 * followed


def test_received_weekly_figures_keep_the_stock_rule(plan):
    """What the marts will see: consecutive received reports chain, bar flagged recounts."""
    checked = 0
    for (code, week), report in plan.weekly.items():
        previous = plan.weekly.get((code, calendar.shift_week(week, -1)))
        if not (report.figures and previous and previous.figures):
            continue
        if plan.weekly_activity[(code, week)].stock_adjusted:
            continue
        f = report.figures
        assert f["suivis_en_cours"] == previous.figures["suivis_en_cours"] + _new(f) - f["suivis_clos"]
        checked += 1
    assert checked > 50_000


def test_monthly_figures_match_their_weeks(plan, demo_settings):
    tolerance = demo_settings.consistency_tolerance
    typos = 0
    for (code, month), activity in plan.monthly_activity.items():
        weeks = [plan.weekly_activity[(code, w)].figures for w in calendar.weeks_of_month(month)]
        m = activity.figures
        assert m["suivis_actifs"] == weeks[-1]["suivis_en_cours"]
        assert m["suivis_clos_favorables"] + m["suivis_clos_autres"] == sum(w["suivis_clos"] for w in weeks)
        new = sum(_new(w) for w in weeks)
        orientations = sum(w["orientations_judiciaires"] for w in weeks)
        if activity.inconsistent:
            typos += 1
            assert abs(m["suivis_engages"] - new) > tolerance * max(new, 1)
            continue
        assert abs(m["suivis_engages"] - new) <= 0.08 * new
        assert abs(m["orientations_judiciaires"] - orientations) <= 0.08 * orientations
    assert 0 < typos < 0.03 * len(plan.monthly_activity)


def test_volumes_follow_population_and_seasons(plan):
    new_by_departement = defaultdict(int)
    by_month_of_year = defaultdict(list)
    for (code, week), activity in plan.weekly_activity.items():
        new_by_departement[code] += _new(activity.figures)
        by_month_of_year[calendar.week_thursday(week).month].append(_new(activity.figures))
    sizes = populations()
    assert new_by_departement["59"] > 10 * new_by_departement["48"]  # Nord vs Lozère
    assert sizes["59"] > 10 * sizes["48"]
    mean = {month: sum(v) / len(v) for month, v in by_month_of_year.items()}
    assert mean[8] < 0.75 * mean[6], "summer dip"
    assert mean[9] > 1.15 * mean[6], "September rise"


def test_good_practices_describe_actions_never_people(plan):
    assert len(plan.practices) > 100
    for practice in plan.practices.values():
        for column in ("titre", "partenaires", "description", "resultats"):
            assert no_personal_data(practice.figures[column])  # raises on an e-mail, phone, date
        assert len(practice.titre) <= 120
    assert any(p.version_count == 2 for p in plan.practices.values()), "some nominations are completed"
