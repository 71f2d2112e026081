-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'month_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Same rule as int_weekly_reports_latest, per (département, month). -#}
with

monthly_reports as (

    select * from {{ ref('stg_monthly_reports') }}
    where {{ known_at_filter('received_at') }}
    {%- if is_incremental() %}
        and {{ changed(['monthly'], [['departement_code', 'changes.departement_code'], ['month_code', 'changes.period_code']]) }}
    {%- endif %}

),

versions as (

    select
        departement_code,
        month_code,
        count(*) as version_count,
        min(received_at) as first_received_at,
        {{ latest_value('submission_id', 'received_at') }} as submission_id
    from monthly_reports
    group by departement_code, month_code

),

final as (

    select
        versions.version_count,
        versions.first_received_at,
        monthly_reports.*
    from versions
    inner join monthly_reports
        on monthly_reports.departement_code = versions.departement_code
        and monthly_reports.month_code = versions.month_code
        and monthly_reports.submission_id = versions.submission_id

)

select * from final
