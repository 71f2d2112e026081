with

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}

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
