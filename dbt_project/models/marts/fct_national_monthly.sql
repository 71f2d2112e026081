-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['month_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
with

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}
    {%- if is_incremental() %}
    where {{ changed_periods('monthly', 'month_code') }}
    {%- endif %}

),

final as (

    select
        month_code,
        {{ coverage_columns() }},
        {{ summed(monthly_count_columns()) }},
        {{ summed(['fipd_engage_eur'], 'decimal(18,2)') }}
    from monthly_reports
    group by month_code

)

select * from final
