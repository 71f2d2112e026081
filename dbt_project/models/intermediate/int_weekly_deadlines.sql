{#- The expected weekly grid: every département × every ISO week from 2014-W49 to the week
    of as_of, with the deadline that applies to that département under the holiday policy
    (a local holiday row overrides the national one). -#}
with

departements as (

    select * from {{ reporting_units() }}

),

week_deadlines as (

    select * from {{ ref('calendar_week_deadlines') }}

),

national_weeks as (

    select
        *,
        lag(week_code) over (order by week_start_date) as previous_week_code
    from week_deadlines
    where departement_scope = '*'
        and week_start_date <= {{ as_of_paris_date() }}

),

local_weeks as (

    select * from week_deadlines
    where departement_scope <> '*'

),

final as (

    select
        departements.departement_code,
        departements.region_code,
        national_weeks.week_code,
        national_weeks.week_start_date,
        national_weeks.previous_week_code,
        {{ month_code('national_weeks.thursday_date') }} as month_code,
        coalesce(local_weeks.{{ weekly_deadline_column() }},
                 national_weeks.{{ weekly_deadline_column() }}) as deadline_at,
        case when local_weeks.week_code is null then national_weeks.holiday_name
             else local_weeks.holiday_name end as holiday_name
    from departements
    cross join national_weeks
    left join local_weeks
        on local_weeks.week_code = national_weeks.week_code
        and local_weeks.departement_scope = departements.departement_code

)

select * from final
