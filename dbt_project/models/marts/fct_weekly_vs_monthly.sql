-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'month_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Rules (fct_weekly_vs_monthly.yml): comparable only when the month and all its weeks are
    received; flagged when orientations differ by more than the tolerance (relative to the
    larger figure) or when more follow-ups started than new signalements (beyond tolerance). -#}
{%- set tolerance = var('consistency_tolerance') | float -%}
with

weekly_reports as (

    select * from {{ ref('fct_weekly_reports') }}
    {%- if is_incremental() %}
    where {{ changed(['weekly', 'monthly'], [['departement_code', 'changes.departement_code'],
                                             ['month_code', 'changes.month_code']]) }}
    {%- endif %}

),

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}
    {%- if is_incremental() %}
    where {{ changed(['weekly', 'monthly'], [['departement_code', 'changes.departement_code'],
                                             ['month_code', 'changes.month_code']]) }}
    {%- endif %}

),

months as (

    select * from {{ ref('dim_month') }}

),

weeks_by_month as (

    select
        departement_code,
        month_code,
        cast(sum(case when is_received then 1 else 0 end) as integer) as weeks_received,
        cast(sum(nouveaux_signalements) as bigint) as weeks_nouveaux_signalements,
        cast(sum(orientations_judiciaires) as bigint) as weeks_orientations_judiciaires
    from weekly_reports
    group by departement_code, month_code

),

compared as (

    select
        monthly_reports.departement_code,
        monthly_reports.month_code,
        monthly_reports.region_code,
        months.week_count as weeks_expected,
        coalesce(weeks_by_month.weeks_received, 0) as weeks_received,
        monthly_reports.is_received as is_month_received,
        weeks_by_month.weeks_nouveaux_signalements,
        weeks_by_month.weeks_orientations_judiciaires,
        monthly_reports.suivis_engages as month_suivis_engages,
        monthly_reports.orientations_judiciaires as month_orientations_judiciaires,
        monthly_reports.is_received
            and coalesce(weeks_by_month.weeks_received, 0) = months.week_count as is_comparable
    from monthly_reports
    inner join months
        on months.month_code = monthly_reports.month_code
    left join weeks_by_month
        on weeks_by_month.departement_code = monthly_reports.departement_code
        and weeks_by_month.month_code = monthly_reports.month_code

),

final as (

    select
        *,
        month_orientations_judiciaires - weeks_orientations_judiciaires as orientations_gap,
        case
            when not is_comparable then null
            else abs(month_orientations_judiciaires - weeks_orientations_judiciaires)
                    > {{ tolerance }} * greatest(month_orientations_judiciaires, weeks_orientations_judiciaires)
                or month_suivis_engages > (1 + {{ tolerance }}) * weeks_nouveaux_signalements
        end as has_inconsistency
    from compared

)

select * from final
