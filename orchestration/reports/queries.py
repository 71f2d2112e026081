"""The documents' SQL over the published marts (``serving.duckdb``, read-only).

Aggregation happens in dbt; these queries only pick the period, join names and compare a
period with the previous one. They read nothing but ``marts.*`` and stay portable SQL (named
parameters aside), so moving the marts to PostgreSQL changes the connection, not the reports.
Reports for the minister's office and the police coordination unit are national documents:
counts are exact here (small-count suppression applies to below-national readers only).
"""

from __future__ import annotations

from typing import Any

import duckdb

Row = dict[str, Any]

#: A département's weekly figure is a notable change when it moves by at least this many
#: units *and* by at least this share of the previous week (small numbers swing a lot).
NOTABLE_MIN_DELTA = 5
NOTABLE_MIN_RATIO = 0.5


def fetch(connection: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> list[Row]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


#: The national mart and period column of each grain (never built from caller input).
_NATIONAL = {"week": ("fct_national_weekly", "week_code"), "month": ("fct_national_monthly", "month_code")}


def national_periods(connection, grain: str, first: str, last: str) -> list[Row]:
    """National rows from period ``first`` to ``last`` (codes sort as text), oldest first."""
    mart, period = _NATIONAL[grain]
    return fetch(connection, f"""
        select *
        from marts.{mart}
        where {period} between $first and $last
        order by {period}
    """, first=first, last=last)


# --- Weekly ---------------------------------------------------------------------------------


def weekly_compliance(connection, week: str) -> list[Row]:
    return fetch(connection, """
        select
            reports.departement_code,
            departements.departement_name,
            departements.region_name,
            reports.status,
            reports.is_awaited,
            reports.first_received_at,
            reports.received_at,
            reports.version_count,
            reports.nouveaux_signalements,
            reports.orientations_judiciaires,
            reports.suivis_en_cours
        from marts.fct_weekly_reports as reports
        inner join marts.dim_departement as departements
            on departements.departement_code = reports.departement_code
        where reports.week_code = $week
        order by reports.departement_code
    """, week=week)


def regional_week(connection, week: str) -> list[Row]:
    return fetch(connection, """
        with regions as (
            select distinct region_code, region_name from marts.dim_departement
        )
        select regions.region_name, weekly.*
        from marts.fct_regional_weekly as weekly
        inner join regions on regions.region_code = weekly.region_code
        where weekly.week_code = $week
        order by weekly.region_code
    """, week=week)


def notable_weekly_changes(connection, week: str, previous_week: str) -> list[Row]:
    """Départements whose new signalements or orientations swing notably from one week to the
    next, and those without a report two weeks running (``measure = 'absent'``)."""
    return fetch(connection, """
        with current_week as (
            select * from marts.fct_weekly_reports where week_code = $week
        ),
        previous_week as (
            select * from marts.fct_weekly_reports where week_code = $previous_week
        ),
        pairs as (
            select
                current_week.departement_code,
                current_week.is_received and previous_week.is_received as both_received,
                not current_week.is_received and not previous_week.is_received as both_missing,
                current_week.nouveaux_signalements,
                previous_week.nouveaux_signalements as previous_nouveaux_signalements,
                current_week.orientations_judiciaires,
                previous_week.orientations_judiciaires as previous_orientations_judiciaires
            from current_week
            inner join previous_week
                on previous_week.departement_code = current_week.departement_code
        ),
        findings as (
            select departement_code, 'nouveaux_signalements' as measure,
                   previous_nouveaux_signalements as previous_value, nouveaux_signalements as value
            from pairs
            where both_received
                and abs(nouveaux_signalements - previous_nouveaux_signalements)
                    >= greatest($min_delta, $min_ratio * previous_nouveaux_signalements)
            union all
            select departement_code, 'orientations_judiciaires' as measure,
                   previous_orientations_judiciaires as previous_value, orientations_judiciaires as value
            from pairs
            where both_received
                and abs(orientations_judiciaires - previous_orientations_judiciaires)
                    >= greatest($min_delta, $min_ratio * previous_orientations_judiciaires)
            union all
            select departement_code, 'absent' as measure,
                   cast(null as bigint) as previous_value, cast(null as bigint) as value
            from pairs
            where both_missing
        )
        select findings.*, departements.departement_name, departements.region_name
        from findings
        inner join marts.dim_departement as departements
            on departements.departement_code = findings.departement_code
        order by findings.measure, findings.departement_code
    """, week=week, previous_week=previous_week, min_delta=NOTABLE_MIN_DELTA,
        min_ratio=NOTABLE_MIN_RATIO)


def stock_warnings(connection, week: str) -> list[Row]:
    """Reports whose stock does not carry over from the previous week (the mart's
    ``has_stock_warning``: the rule the receipt applies too, data_contracts.quality_rules)."""
    return fetch(connection, """
        select
            reports.departement_code,
            departements.departement_name,
            reports.week_code,
            reports.suivis_en_cours,
            reports.expected_suivis_en_cours,
            reports.previous_week_suivis_en_cours,
            reports.nouveaux_signalements,
            reports.suivis_clos
        from marts.fct_weekly_reports as reports
        inner join marts.dim_departement as departements
            on departements.departement_code = reports.departement_code
        where reports.week_code = $week and reports.has_stock_warning
        order by reports.departement_code
    """, week=week)


def weekly_vs_monthly_warnings(connection, months: list[str]) -> list[Row]:
    return fetch(connection, """
        select comparison.*, departements.departement_name
        from marts.fct_weekly_vs_monthly as comparison
        inner join marts.dim_departement as departements
            on departements.departement_code = comparison.departement_code
        where comparison.has_inconsistency
            and comparison.month_code in (select unnest($months::varchar[]))
        order by comparison.month_code, comparison.departement_code
    """, months=months)


def missing_weekly_reports(connection, week: str, previous_week: str) -> list[Row]:
    """Départements with no report yet for ``week``, with how they did the week before."""
    return fetch(connection, """
        select
            reports.departement_code,
            departements.departement_name,
            departements.region_name,
            reports.deadline_at,
            reports.is_awaited,
            previous.timeliness as previous_timeliness
        from marts.fct_weekly_reports as reports
        inner join marts.dim_departement as departements
            on departements.departement_code = reports.departement_code
        left join marts.fct_weekly_reports as previous
            on previous.departement_code = reports.departement_code
            and previous.week_code = $previous_week
        where reports.week_code = $week and not reports.is_received
        order by reports.departement_code
    """, week=week, previous_week=previous_week)


# --- Review of reports (docs/steering.md) -----------------------------------------------------

def review_requests_between(connection, since_week: str, week: str) -> list[Row]:
    """Correction requests made, corrected or confirmed after ``since_week``'s deadline and up
    to ``week``'s: what happened since the last synthesis. Empty for marts published before
    ``fct_review_requests`` existed."""
    try:
        return fetch(connection, """
            with bounds as (
                select
                    (select deadline_at from marts.dim_week where week_code = $since_week) as since_at,
                    (select deadline_at from marts.dim_week where week_code = $week) as until_at
            )
            select requests.*, departements.departement_name
            from marts.fct_review_requests as requests
            inner join marts.dim_departement as departements
                on departements.departement_code = requests.departement_code
            cross join bounds
            where (requests.requested_at > bounds.since_at and requests.requested_at <= bounds.until_at)
                or (requests.closed_at > bounds.since_at and requests.closed_at <= bounds.until_at)
            order by requests.departement_code, requests.period_code, requests.requested_at
        """, since_week=since_week, week=week)
    except duckdb.CatalogException:
        return []


def open_review_requests(connection) -> dict[str, int]:
    """Open correction requests per département (the reminder list mentions them)."""
    try:
        rows = fetch(connection, """
            select departement_code, count(*) as open_requests
            from marts.fct_review_requests
            where is_open
            group by departement_code
        """)
    except duckdb.CatalogException:
        return {}
    return {row["departement_code"]: row["open_requests"] for row in rows}


# --- Monthly --------------------------------------------------------------------------------

def monthly_by_departement(connection, month: str) -> list[Row]:
    return fetch(connection, """
        select
            reports.*,
            departements.departement_name,
            departements.region_name,
            fipd.fipd_engage_eur_year_to_date
        from marts.fct_monthly_reports as reports
        inner join marts.dim_departement as departements
            on departements.departement_code = reports.departement_code
        left join marts.fct_fipd as fipd
            on fipd.departement_code = reports.departement_code
            and fipd.month_code = reports.month_code
        where reports.month_code = $month
        order by reports.departement_code
    """, month=month)


def cell_partners(connection, month: str) -> list[Row]:
    return fetch(connection, """
        select *
        from marts.fct_cell_partners
        where month_code = $month
        order by partner_type_code
    """, month=month)


def good_practices(connection, month: str) -> list[Row]:
    return fetch(connection, """
        select *
        from marts.fct_good_practices
        where month_code = $month
        order by departement_code, titre
    """, month=month)


def fipd_by_region(connection, month: str) -> list[Row]:
    return fetch(connection, """
        with regions as (
            select distinct region_code, region_name from marts.dim_departement
        )
        select
            regions.region_name,
            cast(sum(fipd.fipd_engage_eur) as decimal(18,2)) as fipd_engage_eur,
            cast(sum(fipd.fipd_engage_eur_year_to_date) as decimal(18,2)) as fipd_engage_eur_year_to_date,
            cast(sum(case when fipd.is_received then 1 else 0 end) as integer) as departements_received
        from marts.fct_fipd as fipd
        inner join regions on regions.region_code = fipd.region_code
        where fipd.month_code = $month
        group by regions.region_code, regions.region_name
        order by regions.region_code
    """, month=month)
