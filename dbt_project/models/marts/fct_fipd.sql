-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'month_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
with

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}
    {%- if is_incremental() %}
    -- the whole year of a changed month: the year-to-date total runs through it
    where {{ changed(['monthly'], [['departement_code', 'changes.departement_code'],
                                   ['substring(month_code, 1, 4)', 'substring(changes.period_code, 1, 4)']]) }}
    {%- endif %}

),

final as (

    select
        departement_code,
        month_code,
        region_code,
        cast(substring(month_code, 1, 4) as integer) as year,
        is_received,
        fipd_engage_eur,
        cast(sum(fipd_engage_eur) over (
            partition by departement_code, substring(month_code, 1, 4)
            order by month_code
            rows between unbounded preceding and current row
        ) as decimal(18,2)) as fipd_engage_eur_year_to_date
    from monthly_reports

)

select * from final
