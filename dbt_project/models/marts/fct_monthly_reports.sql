-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'month_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Same status rules as fct_weekly_reports; "nil" here means no follow-up started in the
    month (documented in fct_monthly_reports.yml). -#}
{%- set partner_and_money_columns = [
    'partenaire_conseil_departemental', 'partenaire_spip', 'partenaire_psychologue',
    'partenaire_association', 'partenaire_education_nationale', 'fipd_engage_eur', 'commentaire'] -%}
{%- set report_columns = monthly_count_columns() | reject('equalto', 'actions_total') | list
                         + partner_and_money_columns -%}
with

departements as (

    select * from {{ ref('dim_departement') }}
    {%- if is_incremental() %}
    where {{ changed(['monthly'], [['departement_code', 'changes.departement_code']]) }}
    {%- endif %}

),

months as (

    select * from {{ ref('dim_month') }}
    {%- if is_incremental() %}
    where {{ changed_periods('monthly', 'month_code') }}
    {%- endif %}

),

latest_reports as (

    select * from {{ ref('int_monthly_reports_latest') }}
    {%- if is_incremental() %}
    where {{ changed(['monthly'], [['departement_code', 'changes.departement_code'],
                                   ['month_code', 'changes.period_code']]) }}
    {%- endif %}

),

{#- The review state of each report (docs/steering.md); int_report_changes lists a report
    whose review events are new, so an incremental build refreshes it. -#}
review_states as (

    select * from {{ ref('int_report_review_states') }}
    where report_kind = 'monthly'

),

reports_on_grid as (

    select
        departements.departement_code,
        months.month_code,
        departements.region_code,
        months.deadline_at,
        latest_reports.submission_id,
        latest_reports.version_count,
        latest_reports.first_received_at,
        latest_reports.received_at,
        {%- for column in report_columns %}
        latest_reports.{{ column }},
        {%- endfor %}
        {% for column in monthly_action_columns() -%}
        latest_reports.{{ column }}{{ ' + ' if not loop.last }}
        {%- endfor %} as actions_total,
        review_states.review_state,
        review_states.open_review_request_count
    from departements
    cross join months
    left join latest_reports
        on latest_reports.departement_code = departements.departement_code
        and latest_reports.month_code = months.month_code
    left join review_states
        on review_states.departement_code = departements.departement_code
        and review_states.period_code = months.month_code
    {%- if is_incremental() %}
    where {{ changed_periods('monthly', 'months.month_code') }}
        and {{ changed(['monthly'], [['departements.departement_code', 'changes.departement_code'],
                                     ['months.month_code', 'changes.period_code']]) }}
    {%- endif %}

),

final as (

    select
        departement_code,
        month_code,
        region_code,
        {{ report_status_columns('suivis_engages = 0') }},
        first_received_at,
        received_at,
        deadline_at,
        submission_id,
        {%- for column in report_columns %}
        {{ column }},
        {%- endfor %}
        actions_total,
        -- the review state (data_contracts.review.REVIEW_STATES): none for a missing report
        cast(case when submission_id is not null then coalesce(review_state, 'recu') end as varchar)
            as review_state,
        cast(coalesce(open_review_request_count, 0) as integer) as open_review_request_count
    from reports_on_grid

)

select * from final
