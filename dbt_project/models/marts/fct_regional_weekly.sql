with

weekly_reports as (

    select * from {{ ref('fct_weekly_reports') }}

),

final as (

    select
        week_code,
        region_code,
        min(week_start_date) as week_start_date,
        min(month_code) as month_code,
        {{ coverage_columns() }},
        {{ summed(weekly_count_columns()) }}
    from weekly_reports
    group by week_code, region_code

)

select * from final
