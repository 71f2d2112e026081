{#- A week belongs to the month of its Thursday (data_contracts.calendar.weeks_of_month), so
    week_count (4 or 5) counts the weeks whose Thursday falls in the month. -#}
with

week_deadlines as (

    select * from {{ ref('calendar_week_deadlines') }}
    where departement_scope = '*'

),

months as (

    select
        {{ month_code('thursday_date') }} as month_code,
        count(*) as week_count
    from week_deadlines
    group by {{ month_code('thursday_date') }}

),

final as (

    select
        month_code,
        cast(substring(month_code, 1, 4) as integer) as year,
        cast(substring(month_code, 6, 2) as integer) as month_number,
        cast(month_code || '-01' as date) as month_start_date,
        cast(week_count as integer) as week_count,
        {{ monthly_deadline_at("cast(month_code || '-01' as date)") }} as deadline_at,
        {{ monthly_deadline_at("cast(month_code || '-01' as date)") }} <= {{ as_of_utc() }} as is_past_deadline,
        month_code = {{ month_code(as_of_paris_date()) }} as is_current_month
    from months
    where month_code <= {{ month_code(as_of_paris_date()) }}

)

select * from final
