with

week_deadlines as (

    select * from {{ ref('calendar_week_deadlines') }}

),

final as (

    select
        week_code,
        cast(substring(week_code, 1, 4) as integer) as iso_year,
        cast(substring(week_code, 7, 2) as integer) as iso_week_number,
        week_start_date,
        thursday_date,
        {{ month_code('thursday_date') }} as month_code,
        {{ weekly_deadline_column() }} as deadline_at,
        holiday_name,
        {{ weekly_deadline_column() }} <= {{ as_of_utc() }} as is_past_deadline,
        week_start_date + 7 > {{ as_of_paris_date() }} as is_current_week
    from week_deadlines
    where departement_scope = '*'
        and week_start_date <= {{ as_of_paris_date() }}

)

select * from final
