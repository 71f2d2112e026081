-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'week_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Latest version wins, first receipt decides timeliness. One aggregate pass over raw
    (no window over every version), then a join back to the winning rows only. -#}
with

weekly_reports as (

    select * from {{ ref('stg_weekly_reports') }}
    where {{ known_at_filter('received_at') }}
    {%- if is_incremental() %}
        and {{ changed(['weekly'], [['departement_code', 'changes.departement_code'], ['week_code', 'changes.period_code']]) }}
    {%- endif %}

),

versions as (

    select
        departement_code,
        week_code,
        count(*) as version_count,
        min(received_at) as first_received_at,
        {{ latest_value('submission_id', 'received_at') }} as submission_id
    from weekly_reports
    group by departement_code, week_code

),

final as (

    select
        versions.version_count,
        versions.first_received_at,
        weekly_reports.*
    from versions
    inner join weekly_reports
        on weekly_reports.departement_code = versions.departement_code
        and weekly_reports.week_code = versions.week_code
        and weekly_reports.submission_id = versions.submission_id

)

select * from final
