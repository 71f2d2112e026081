-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'month_code', 'titre'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
with

good_practices as (

    select * from {{ ref('int_good_practices_latest') }}
    {%- if is_incremental() %}
    -- its practices, or the month's indicators (monthly report, weeks of the month), changed
    where {{ changed(['weekly', 'monthly', 'practices'], [['departement_code', 'changes.departement_code'],
                                                          ['month_code', 'changes.month_code']]) }}
    {%- endif %}

),

departements as (

    select * from {{ ref('dim_departement') }}

),

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}

),

weeks_vs_month as (

    select * from {{ ref('fct_weekly_vs_monthly') }}

),

final as (

    select
        good_practices.departement_code,
        good_practices.month_code,
        good_practices.titre,
        departements.departement_name,
        departements.region_code,
        departements.region_name,
        good_practices.action_type_code,
        good_practices.target_public_code,
        good_practices.partenaires,
        good_practices.description,
        good_practices.resultats,
        good_practices.submission_id,
        cast(good_practices.version_count as integer) as version_count,
        good_practices.first_received_at,
        good_practices.received_at,
        monthly_reports.status as month_report_status,
        monthly_reports.suivis_engages,
        monthly_reports.suivis_actifs,
        monthly_reports.actions_total,
        monthly_reports.familles_accompagnees,
        monthly_reports.fipd_engage_eur,
        weeks_vs_month.weeks_received,
        weeks_vs_month.weeks_nouveaux_signalements
    from good_practices
    inner join departements
        on departements.departement_code = good_practices.departement_code
    left join monthly_reports
        on monthly_reports.departement_code = good_practices.departement_code
        and monthly_reports.month_code = good_practices.month_code
    left join weeks_vs_month
        on weeks_vs_month.departement_code = good_practices.departement_code
        and weeks_vs_month.month_code = good_practices.month_code

)

select * from final
