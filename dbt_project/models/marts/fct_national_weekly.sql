-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['week_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- One row per ISO week: the weekly grid of the 101 départements summarised (coverage and
    summed counts: macros/report_columns.sql). -#}
with

weekly_reports as (

    select * from {{ ref('fct_weekly_reports') }}
    {%- if is_incremental() %}
    where {{ changed_periods('weekly', 'week_code') }}
    {%- endif %}

),

final as (

    select
        week_code,
        min(week_start_date) as week_start_date,
        cast(min(month_code) as varchar) as month_code,
        {{ coverage_columns() }},
        {{ summed(weekly_count_columns()) }}
    from weekly_reports
    group by week_code

)

select * from final
