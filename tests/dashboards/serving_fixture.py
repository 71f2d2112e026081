"""A small hand-made ``serving.duckdb`` with the marts' documented columns.

Why by hand: it pins explicit rows, including a *canary* département (13, Bouches-du-Rhône)
whose detail values are unique numbers that must never reach a reader outside it. The
national and regional totals are computed from the rows below, like the dbt models do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from data_contracts import calendar
from data_contracts.referential import departements

CURRENT_WEEK = "2026-W48"
WEEKS = list(calendar.iter_weeks("2026-W01", CURRENT_WEEK))
MONTHS = list(calendar.iter_months("2026-01", "2026-11"))
CANARY = "13"
#: Values only the canary département carries (weekly stock, practice indicator, comment);
#: six digits, so they cannot occur inside the map's four-decimal coordinates.
CANARY_STOCK = 717_171
CANARY_FOLLOW_UPS = 313_373
CANARY_COMMENT = "canari-commentaire-13"
CANARY_PRACTICE = "Pratique canari des Bouches-du-Rhône"

#: département → (new signalements per week, follow-ups in progress, late weeks, missing weeks)
WEEKLY_PROFILE = {
    "01": (3, 40, {"2026-W45"}, {"2026-W48"}),
    "69": (9, 120, {"2026-W46"}, set()),
    "75": (12, 210, set(), {"2026-W44", "2026-W48"}),
    CANARY: (17, CANARY_STOCK, set(), set()),
}
WEEKLY_COUNTS = ("signalements_cnapr", "signalements_locaux", "nouveaux_signalements",
                 "dont_mineurs", "orientations_judiciaires", "suivis_en_cours", "suivis_clos",
                 "familles_accompagnees")
MONTHLY_ACTIONS = ("actions_educatives", "actions_psychologiques", "actions_insertion",
                   "actions_parentalite", "actions_citoyennete", "actions_sante", "actions_autres")
MONTHLY_COUNTS = ("suivis_engages", "suivis_actifs", "suivis_clos_favorables", "suivis_clos_autres",
                  "orientations_judiciaires", *MONTHLY_ACTIONS, "actions_total",
                  "familles_accompagnees", "reunions_cellule", "professionnels_formes")
PARTNERS = {"conseil_departemental": "partenaire_conseil_departemental", "spip": "partenaire_spip",
            "psychologue": "partenaire_psychologue", "association": "partenaire_association",
            "education_nationale": "partenaire_education_nationale"}


def _weekly_rows():
    deps = departements()
    for code, (new, stock, late, missing) in WEEKLY_PROFILE.items():
        for i, week in enumerate(WEEKS):
            deadline = calendar.weekly_deadline(week).replace(tzinfo=None)
            base = {"departement_code": code, "week_code": week, "region_code": deps[code].region_code,
                    "month_code": calendar.month_code(calendar.week_thursday(week)),
                    "week_start_date": calendar.week_monday(week), "deadline_at": deadline,
                    "holiday_name": None, "is_past_deadline": week != CURRENT_WEEK}
            if week in missing:
                yield {**base, "status": "missing", "timeliness": "missing", "is_received": False,
                       "is_nil": False, "version_count": 0, "first_received_at": None,
                       "received_at": None, "submission_id": None, "commentaire": None,
                       "has_stock_warning": False, **{c: None for c in WEEKLY_COUNTS}}
                continue
            received = deadline + (timedelta(days=1) if week in late else -timedelta(hours=20))
            weekly_new = new + i % 3
            counts = {"signalements_cnapr": weekly_new - 1, "signalements_locaux": 1,
                      "nouveaux_signalements": weekly_new, "dont_mineurs": 1,
                      "orientations_judiciaires": 1 + i % 2, "suivis_en_cours": stock + i,
                      "suivis_clos": 1, "familles_accompagnees": stock // 4}
            yield {**base, "status": "late" if week in late else "on_time",
                   "timeliness": "late" if week in late else "on_time", "is_received": True,
                   "is_nil": False, "version_count": 1 + (week == "2026-W47"),
                   "first_received_at": received, "received_at": received,
                   "submission_id": f"w-{code}-{week}",
                   "commentaire": CANARY_COMMENT if code == CANARY else None,
                   "has_stock_warning": code == "75" and week == "2026-W40", **counts}


def _monthly_rows():
    deps = departements()
    for code, (new, stock, _, _) in WEEKLY_PROFILE.items():
        for i, month in enumerate(MONTHS):
            deadline = calendar.monthly_deadline(month).replace(tzinfo=None)
            current = month == "2026-11"
            actions = {c: (new + j + i) % 7 for j, c in enumerate(MONTHLY_ACTIONS)}
            counts = {"suivis_engages": new * 2, "suivis_actifs": stock if code == CANARY else stock + i,
                      "suivis_clos_favorables": 2, "suivis_clos_autres": 1,
                      "orientations_judiciaires": 4, **actions,
                      "actions_total": sum(actions.values()), "familles_accompagnees": stock // 4,
                      "reunions_cellule": 2, "professionnels_formes": new}
            if code == CANARY:
                counts["suivis_actifs"] = CANARY_FOLLOW_UPS
            row = {"departement_code": code, "month_code": month,
                   "region_code": deps[code].region_code, "deadline_at": deadline,
                   "is_past_deadline": not current, "is_nil": False}
            if current:
                yield {**row, "status": "missing", "timeliness": "missing", "is_received": False,
                       "version_count": 0, "first_received_at": None, "received_at": None,
                       "submission_id": None, "fipd_engage_eur": None, "commentaire": None,
                       **{c: None for c in MONTHLY_COUNTS}, **{c: None for c in PARTNERS.values()}}
                continue
            received = deadline - timedelta(days=1)
            yield {**row, "status": "on_time", "timeliness": "on_time", "is_received": True,
                   "version_count": 1, "first_received_at": received, "received_at": received,
                   "submission_id": f"m-{code}-{month}", "fipd_engage_eur": 1500 + 250 * i,
                   "commentaire": None, **counts,
                   **{c: (k + i) % 2 == 0 for k, c in enumerate(PARTNERS.values())}}


def _practice_rows():
    deps = departements()
    practices = [
        ("69", "2026-09", "Groupe de parole pour les parents", "parentalite", "familles",
         "Association Parents Ensemble, ASE", "Un groupe mensuel animé par une psychologue.",
         "Douze familles accompagnées."),
        ("01", "2026-10", "Formation des référents scolaires", "educative", "professionnels",
         "Éducation nationale", "Deux sessions de formation.", "Quarante référents formés."),
        (CANARY, "2026-10", CANARY_PRACTICE, "insertion", "majeurs", "Mission locale, SPIP",
         "Parcours d'insertion accompagné.", "=1+1 premiers contrats signés."),
    ]
    for code, month, title, action, public, partners, description, results in practices:
        yield {"departement_code": code, "month_code": month, "titre": title,
               "departement_name": deps[code].name, "region_code": deps[code].region_code,
               "region_name": deps[code].region_name, "action_type_code": action,
               "target_public_code": public, "partenaires": partners, "description": description,
               "resultats": results, "submission_id": f"p-{code}-{month}", "version_count": 1,
               "first_received_at": datetime(2026, 11, 2, 9), "received_at": datetime(2026, 11, 2, 9),
               "month_report_status": "on_time",
               "suivis_engages": 5, "suivis_actifs": CANARY_FOLLOW_UPS if code == CANARY else 44,
               "actions_total": 9, "familles_accompagnees": 6, "fipd_engage_eur": 2000,
               "weeks_received": 4, "weeks_nouveaux_signalements": 30}


def _submission_rows():
    for row in _weekly_rows():
        if row["submission_id"]:
            yield {"submission_id": row["submission_id"], "kind": "weekly",
                   "departement_code": row["departement_code"], "period_code": row["week_code"],
                   "filename": f"hebdo_{row['departement_code']}_{row['week_code']}.csv",
                   "sha256": "0" * 64, "size_bytes": 512, "received_at": row["received_at"],
                   "status": "accepted", "row_count": 1, "is_on_time": row["timeliness"] == "on_time",
                   "duplicate_of": None, "error_count": 0, "warning_count": 0,
                   "errors_json": "[]", "warnings_json": "[]", "actor": "fixture", "version_number": 1}
    yield {"submission_id": "rejected-13", "kind": "weekly", "departement_code": CANARY,
           "period_code": None, "filename": "canari.csv", "sha256": "1" * 64, "size_bytes": 99,
           "received_at": datetime(2026, 11, 20, 8), "status": "rejected", "row_count": 0,
           "is_on_time": None, "duplicate_of": None, "error_count": 1, "warning_count": 0,
           "errors_json": '[{"row": 1, "column": "semaine", "message": "Semaine invalide"}]',
           "warnings_json": "[]", "actor": "fixture", "version_number": None}


def _create(con, name: str, rows: list[dict]) -> None:
    import polars as pl

    frame = pl.DataFrame(rows, infer_schema_length=None)  # noqa: F841 - read by DuckDB below
    con.execute(f"create table marts.{name} as select * from frame")


def build_serving(path: Path) -> Path:
    """Write the fixture serving database at ``path`` (its parent is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    _create(con, "dim_departement", [
        {"departement_code": d.code, "departement_name": d.name, "region_code": d.region_code,
         "region_name": d.region_name, "zone": d.zone} for d in departements().values()])
    _create(con, "dim_week", [{"week_code": w, "week_start_date": calendar.week_monday(w)} for w in WEEKS])
    _create(con, "fct_weekly_reports", list(_weekly_rows()))
    _create(con, "fct_monthly_reports", list(_monthly_rows()))
    _create(con, "fct_good_practices", list(_practice_rows()))
    _create(con, "fct_submissions", list(_submission_rows()))
    coverage = """
        count(*)::integer as departements_expected,
        count(*) filter (where is_received)::integer as departements_received,
        count(*) filter (where timeliness = 'on_time')::integer as departements_on_time,
        count(*) filter (where timeliness = 'late')::integer as departements_late,
        count(*) filter (where is_nil)::integer as departements_nil,
        count(*) filter (where not is_received)::integer as departements_missing,
        count(*) filter (where is_received) / count(*) as reporting_rate,
        count(*) filter (where timeliness = 'on_time') / count(*) as on_time_rate"""
    weekly_sums = ", ".join(f"sum({c})::bigint as {c}" for c in WEEKLY_COUNTS)
    monthly_sums = ", ".join(f"sum({c})::bigint as {c}" for c in MONTHLY_COUNTS)
    con.execute(f"""create table marts.fct_national_weekly as
        select week_code, min(week_start_date) as week_start_date, min(month_code) as month_code,
               {coverage}, {weekly_sums}
        from marts.fct_weekly_reports group by week_code""")
    con.execute(f"""create table marts.fct_regional_weekly as
        select week_code, region_code, min(week_start_date) as week_start_date,
               min(month_code) as month_code, {coverage}, {weekly_sums}
        from marts.fct_weekly_reports group by week_code, region_code""")
    con.execute(f"""create table marts.fct_national_monthly as
        select month_code, {coverage}, {monthly_sums},
               sum(fipd_engage_eur)::decimal(18,2) as fipd_engage_eur
        from marts.fct_monthly_reports group by month_code""")
    con.execute("""create table marts.fct_fipd as
        select departement_code, month_code, region_code, is_received,
               fipd_engage_eur::decimal(18,2) as fipd_engage_eur
        from marts.fct_monthly_reports""")
    partner_union = " union all ".join(
        f"select month_code, '{code}' as partner_type_code, is_received, {col} as is_mobilised "
        f"from marts.fct_monthly_reports" for code, col in PARTNERS.items())
    con.execute(f"""create table marts.fct_cell_partners as
        select month_code, partner_type_code,
               count(*) filter (where is_received)::integer as cells_reporting,
               count(*) filter (where is_mobilised)::integer as cells_mobilising,
               count(*) filter (where is_mobilised) / nullif(count(*) filter (where is_received), 0)
                   as mobilising_share
        from ({partner_union}) group by all""")
    con.execute("""create table marts.fct_weekly_vs_monthly as
        select m.departement_code, m.month_code, m.region_code, 4 as weeks_expected,
               4 as weeks_received, m.is_received as is_month_received,
               20::bigint as weeks_nouveaux_signalements, 5::bigint as weeks_orientations_judiciaires,
               m.suivis_engages as month_suivis_engages,
               m.orientations_judiciaires as month_orientations_judiciaires,
               m.is_received as is_comparable,
               m.orientations_judiciaires - 5 as orientations_gap,
               m.is_received and m.departement_code in ('13', '69') and m.month_code = '2026-10'
                   as has_inconsistency
        from marts.fct_monthly_reports as m""")
    con.close()
    return path
