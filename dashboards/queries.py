"""Page queries: small cached functions over the marts, one per thing a page shows.

Every function goes through :func:`dashboards.serving.fetch` (tenant filter, then disclosure
control), so no page can read a mart unfiltered; the connection and the filter live in
:mod:`dashboards.serving`, the module to audit.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import polars as pl

from accounts.roles import Role
from dashboards.serving import fetch, serving_file
from data_contracts import calendar
from data_contracts.settings import get_settings

# --- Freshness and calendar --------------------------------------------------------------------

def build_info() -> dict:
    """The published build's metadata row (``built_at``, ``published_at``, dbt version, node
    counts); empty when nothing is published or the file predates ``meta_build``."""
    if serving_file() is None:
        return {}
    try:
        rows = fetch("select * from {meta_build}", None).to_dicts()
    except duckdb.CatalogException:
        return {}
    return rows[0] if rows else {}


def published_at() -> datetime | None:
    """When the marts on screen were published (None: nothing published yet). Falls back to
    the file's mtime, which publish sets when it renames the new file into place."""
    published = build_info().get("published_at")
    if published is not None:
        return published.replace(tzinfo=timezone.utc) if published.tzinfo is None else published
    serving = serving_file()
    return serving.published_at if serving else None


def now() -> datetime:
    return calendar.now_utc(get_settings().now)


def current_week() -> str:
    return calendar.current_week(now())


def week_deadline(week: str) -> dict:
    """The week's national deadline and whether the published build's clock has passed it
    (``dim_week``): pages say « En attente » or « Manquants » as the marts do. Empty when the
    week is not in the published grid."""
    rows = fetch("select deadline_at, is_past_deadline from {dim_week} where week_code = $week",
                 None, week=week).to_dicts()
    return rows[0] if rows else {}


def current_month() -> str:
    return calendar.current_month(now())


def last_complete_month() -> str:
    """The latest month whose report is already due (the current month is still running)."""
    return calendar.shift_month(current_month(), -1)


# --- Reference ---------------------------------------------------------------------------------

def departements(role: Role) -> pl.DataFrame:
    """The départements whose detail ``role`` may open (for selectors)."""
    return fetch("""
        select d.departement_code, d.departement_name, d.region_code, d.region_name
        from {dim_departement} as d
        where d.departement_code in (select unnest($scope_departements::varchar[]))
        order by d.departement_code
    """, role, scope_departements=list(role.departements))


# --- Vue nationale -----------------------------------------------------------------------------

def national_weekly(role: Role, last_week: str, weeks: int) -> pl.DataFrame:
    """National totals over ``weeks`` weeks ending ``last_week`` (shared with every role)."""
    return fetch("""
        select * from {fct_national_weekly}
        where week_code between $first_week and $last_week
        order by week_code
    """, role, first_week=calendar.shift_week(last_week, 1 - weeks), last_week=last_week)


def regional_weekly(role: Role, week: str) -> pl.DataFrame:
    """One row per region the role may read, for one week."""
    return fetch("""
        select r.*, d.region_name
        from {fct_regional_weekly} as r
        left join (select distinct region_code, region_name from {dim_departement}) as d
            using (region_code)
        where r.week_code = $week
        order by r.region_code
    """, role, week=week)


def weekly_by_departement(role: Role, week: str) -> pl.DataFrame:
    """One row per visible département for one week, with names (map and tables)."""
    return fetch("""
        select w.*, d.departement_name, d.region_name
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.week_code = $week
        order by w.departement_code
    """, role, week=week)


# --- Remontées -------------------------------------------------------------------------------

def weekly_grid(role: Role, first_week: str, last_week: str) -> pl.DataFrame:
    """Département × week status grid of the role's départements."""
    return fetch("""
        select w.departement_code, d.departement_name, w.week_code,
               case when w.is_awaited then 'awaited' else w.status end as status,
               w.timeliness,
               w.is_received, w.is_nil, w.received_at, w.deadline_at
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.week_code between $first_week and $last_week
        order by w.departement_code, w.week_code
    """, role, first_week=first_week, last_week=last_week)


def rates_by_week(role: Role, first_week: str, last_week: str) -> pl.DataFrame:
    """Reporting and on-time rates per week over the role's départements, as the marts count
    them (``coverage_columns``, macros/report_columns.sql): the regional facts summed over the
    role's regions (all of them for the national role); a département role's group is its own
    département, whose report flags are the count."""
    if role.kind == "departement":
        coverage = """
            select week_code, count(*) as expected,
                   count(*) filter (where is_received) as received,
                   count(*) filter (where timeliness = 'on_time') as on_time
            from {fct_weekly_reports}
            where week_code between $first_week and $last_week
            group by week_code"""
    else:
        coverage = """
            select week_code, sum(departements_expected) as expected,
                   sum(departements_received) as received, sum(departements_on_time) as on_time
            from {fct_regional_weekly}
            where week_code between $first_week and $last_week
            group by week_code"""
    return fetch(f"""
        select week_code,
               expected as departements_attendus,
               received as departements_recus,
               on_time as departements_a_l_heure,
               round(received / expected, 4) as taux_remontee,
               round(on_time / expected, 4) as taux_a_l_heure
        from ({coverage}) as coverage
        order by week_code
    """, role, first_week=first_week, last_week=last_week)


def rates_by_departement(role: Role, first_week: str, last_week: str) -> pl.DataFrame:
    """Reporting and on-time rates per département over a span of weeks."""
    return fetch("""
        select w.departement_code, d.departement_name, d.region_name,
               count(*) as semaines,
               count(*) filter (where w.is_received) as rapports_recus,
               count(*) filter (where w.timeliness = 'late') as rapports_en_retard,
               count(*) filter (where w.status = 'missing') as rapports_manquants,
               round(count(*) filter (where w.is_received) / count(*), 4) as taux_remontee,
               round(count(*) filter (where w.timeliness = 'on_time') / count(*), 4) as taux_a_l_heure
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.week_code between $first_week and $last_week
        group by all
        order by taux_remontee, w.departement_code
    """, role, first_week=first_week, last_week=last_week)


def missing_reports(role: Role, week: str) -> pl.DataFrame:
    """The role's départements with no report yet for ``week``, with their deadline."""
    return fetch("""
        select w.departement_code, d.departement_name, d.region_name, w.deadline_at
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.week_code = $week and w.status = 'missing'
        order by w.departement_code
    """, role, week=week)


# --- Fiche département ---------------------------------------------------------------------------

def departement_weekly(role: Role, departement: str, last_week: str, weeks: int) -> pl.DataFrame:
    return fetch("""
        select * from {fct_weekly_reports}
        where departement_code = $departement and week_code between $first_week and $last_week
        order by week_code
    """, role, departement=departement,
        first_week=calendar.shift_week(last_week, 1 - weeks), last_week=last_week)


def departement_monthly(role: Role, departement: str, last_month: str, months: int) -> pl.DataFrame:
    return fetch("""
        select * from {fct_monthly_reports}
        where departement_code = $departement and month_code between $first_month and $last_month
        order by month_code
    """, role, departement=departement,
        first_month=calendar.shift_month(last_month, 1 - months), last_month=last_month)


def submissions(role: Role, departement: str | None = None, limit: int = 500) -> pl.DataFrame:
    """Receipts (accepted and rejected), newest first; one département or all visible ones."""
    return fetch("""
        select * from {fct_submissions}
        where $departement::varchar is null or departement_code = $departement
        order by received_at desc
        limit $limit
    """, role, departement=departement, limit=limit)


def inconsistencies(role: Role, departement: str | None = None) -> pl.DataFrame:
    """Months where the weekly reports and the monthly report disagree."""
    return fetch("""
        select c.*, d.departement_name
        from {fct_weekly_vs_monthly} as c
        join {dim_departement} as d using (departement_code)
        where c.has_inconsistency and ($departement::varchar is null or c.departement_code = $departement)
        order by c.month_code desc, c.departement_code
    """, role, departement=departement)


def stock_warnings(role: Role, departement: str | None = None) -> pl.DataFrame:
    """Weekly reports whose stock does not carry over from the previous week (the mart's
    ``has_stock_warning``: the rule the receipt applies too, data_contracts.quality_rules)."""
    return fetch("""
        select w.departement_code, d.departement_name, w.week_code, w.suivis_en_cours,
               w.expected_suivis_en_cours, w.previous_week_suivis_en_cours,
               w.nouveaux_signalements, w.suivis_clos, w.submission_id
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.has_stock_warning and ($departement::varchar is null or w.departement_code = $departement)
        order by w.week_code desc, w.departement_code
    """, role, departement=departement)


# --- Suivis et actions (monthly) ------------------------------------------------------------------

def national_monthly(role: Role, last_month: str, months: int) -> pl.DataFrame:
    return fetch("""
        select * from {fct_national_monthly}
        where month_code between $first_month and $last_month
        order by month_code
    """, role, first_month=calendar.shift_month(last_month, 1 - months), last_month=last_month)


def monthly_by_departement(role: Role, month: str) -> pl.DataFrame:
    return fetch("""
        select m.*, d.departement_name, d.region_code, d.region_name
        from {fct_monthly_reports} as m
        join {dim_departement} as d using (departement_code)
        where m.month_code = $month
        order by m.departement_code
    """, role, month=month)


def monthly_by_region(role: Role, month: str, measures: tuple[str, ...]) -> pl.DataFrame:
    """Monthly measures summed per region over the role's départements."""
    sums = ", ".join(f"sum(m.{_identifier(c)}) as {_identifier(c)}" for c in measures)
    return fetch(f"""
        select d.region_code, d.region_name,
               count(*) filter (where m.is_received) as departements_recus,
               count(*) as departements_attendus, {sums}
        from {{fct_monthly_reports}} as m
        join {{dim_departement}} as d using (departement_code)
        where m.month_code = $month
        group by all
        order by d.region_code
    """, role, month=month)


def fipd_by_month(role: Role, last_month: str, months: int) -> pl.DataFrame:
    """FIPD credits per month and region over the role's départements."""
    return fetch("""
        select f.month_code, f.region_code, sum(f.fipd_engage_eur) as fipd_engage_eur,
               count(*) filter (where f.is_received) as departements_recus,
               count(*) as departements_attendus
        from {fct_fipd} as f
        where f.month_code between $first_month and $last_month
        group by all
        order by f.month_code, f.region_code
    """, role, first_month=calendar.shift_month(last_month, 1 - months), last_month=last_month)


def cell_partners(role: Role, month: str) -> pl.DataFrame:
    """National share of cells mobilising each partner type in ``month``."""
    return fetch("""
        select * from {fct_cell_partners} where month_code = $month order by partner_type_code
    """, role, month=month)


# --- Bonnes pratiques ----------------------------------------------------------------------------

def _practice_filters(text: str, action_types: tuple[str, ...], publics: tuple[str, ...],
                      regions: tuple[str, ...], partner: str, departement: str | None) -> tuple[str, dict]:
    """The ``where`` clause of the catalogue's search and its parameters, with only the filters
    in use: a ``$text = '' or …`` kept for an empty search still costs DuckDB the accent folding
    of every text of the catalogue (200 000 at ×100 volume), on every page render."""
    conditions, parameters = ["true"], {}
    if text.strip():
        conditions.append("strip_accents(lower(concat_ws(' ', titre, description, resultats, partenaires)))"
                          " like '%' || strip_accents(lower($text)) || '%'")
        parameters["text"] = text.strip()
    for column, name, values in (("action_type_code", "action_types", action_types),
                                 ("target_public_code", "publics", publics),
                                 ("region_code", "regions", regions)):
        if values:
            conditions.append(f"{column} in (select unnest(${name}::varchar[]))")
            parameters[name] = list(values)
    if partner.strip():
        conditions.append("strip_accents(lower(partenaires)) like '%' || strip_accents(lower($partner)) || '%'")
        parameters["partner"] = partner.strip()
    if departement is not None:
        conditions.append("departement_code = $departement")
        parameters["departement"] = departement
    return "where " + "\n          and ".join(conditions), parameters


def practices(role: Role, text: str = "", action_types: tuple[str, ...] = (),
              publics: tuple[str, ...] = (), regions: tuple[str, ...] = (),
              partner: str = "", departement: str | None = None,
              limit: int | None = None) -> pl.DataFrame:
    """The catalogue: every département's practices, searched and filtered; indicators of
    départements outside the role are nulled by :func:`scoped`. ``limit``: the first ones
    only (the page shows a few; at ×100 volume the whole catalogue is 200 000 texts)."""
    where, parameters = _practice_filters(text, action_types, publics, regions, partner, departement)
    return fetch(f"""
        select * from {{fct_good_practices}}
        {where}
        order by month_code desc, departement_code, titre
        limit $limit
    """, role, limit=limit, **parameters)


def practices_found(role: Role, text: str = "", action_types: tuple[str, ...] = (),
                    publics: tuple[str, ...] = (), regions: tuple[str, ...] = (),
                    partner: str = "", departement: str | None = None) -> tuple[int, int]:
    """How many practices :func:`practices` finds, and from how many départements."""
    where, parameters = _practice_filters(text, action_types, publics, regions, partner, departement)
    row = fetch(f"""
        select count(*) as practices, count(distinct departement_code) as departements
        from {{fct_good_practices}}
        {where}
    """, role, **parameters).row(0)
    return int(row[0]), int(row[1])


# --- Qualité des données ---------------------------------------------------------------------------

def unusual_values(role: Role, week: str) -> pl.DataFrame:
    """Reports of ``week`` with a count far above the département's own history (the mart's
    ``has_unusual_value``: the rule of the receipt's warning, data_contracts.quality_rules)."""
    return fetch("""
        select w.departement_code, d.departement_name, w.week_code, w.unusual_value_columns,
               w.signalements_cnapr, w.signalements_locaux, w.dont_mineurs,
               w.orientations_judiciaires, w.suivis_en_cours, w.suivis_clos,
               w.familles_accompagnees, w.submission_id
        from {fct_weekly_reports} as w
        join {dim_departement} as d using (departement_code)
        where w.week_code = $week and w.has_unusual_value
        order by w.departement_code
    """, role, week=week)


def rejected_submissions(role: Role, limit: int = 200) -> pl.DataFrame:
    return fetch("""
        select * from {fct_submissions}
        where status = 'rejected'
        order by received_at desc
        limit $limit
    """, role, limit=limit)


def test_results() -> pl.DataFrame:
    """The dbt data and unit tests of the published build, failures first."""
    return fetch("""
        select test_name, model_name, column_name, status, failures, message, resource_type,
               round(execution_seconds, 2) as execution_seconds
        from {meta_test_results}
        order by status in ('pass', 'success'), model_name, test_name
    """, None)


def audit_journal_refusal() -> dict | None:
    """The loader's latest check of the audit journal when it refused it (None: intact, or
    never refused)."""
    rows = fetch("""
        select checked_at, bad_file, bad_line, message_fr
        from {fct_audit_integrity}
        where is_latest and not is_intact
    """, None).to_dicts()
    return rows[0] if rows else None


def _identifier(name: str) -> str:
    """Column names interpolated into SQL must be plain identifiers (they come from code)."""
    if not name.isidentifier():
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


# --- Review of reports (docs/steering.md) -------------------------------------------------------

def review_requests(role: Role, departement: str | None = None, open_only: bool = True) -> pl.DataFrame:
    """Correction requests, newest first: the open ones by default, or all of them."""
    try:
        return fetch("""
            select r.*, d.departement_name
            from {fct_review_requests} as r
            join {dim_departement} as d using (departement_code)
            where (not $open_only or r.is_open)
                and ($departement::varchar is null or r.departement_code = $departement)
            order by r.requested_at desc
        """, role, departement=departement, open_only=open_only)
    except duckdb.CatalogException:  # a file published before the mart existed
        return pl.DataFrame()


def open_review_request_count(role: Role) -> int:
    """How many correction requests the role's départements have open (the banner)."""
    return review_requests(role).height


def review_indicators(role: Role, week: str) -> dict:
    """The steering indicators: open requests and their median age, median days to correct,
    and the share of ``week``'s received reports SG-CIPD marked verified."""
    try:
        return fetch("""
            select
                (select count(*) from {fct_review_requests} where is_open) as open_requests,
                (select median(age_days) from {fct_review_requests} where is_open) as median_open_age_days,
                (select median(age_days) from {fct_review_requests} where request_state = 'corrige')
                    as median_days_to_correct,
                (select avg(case when review_state = 'verifie' then 1.0 else 0.0 end)
                 from {fct_weekly_reports} where week_code = $week and is_received) as share_verified
        """, role, week=week).to_dicts()[0]
    except duckdb.CatalogException:  # a file published before the mart existed
        return {}
