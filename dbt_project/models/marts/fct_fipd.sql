with

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}

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
