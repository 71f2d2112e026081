{#- The grid ends at the week of as_of; if the calendar seed stops before it, the current
    weeks would silently vanish. Fix: `cipd calendar-seed --last-year <later year>`. -#}
select max(week_start_date) as last_seeded_week_start
from {{ ref('calendar_week_deadlines') }}
having max(week_start_date) < {{ as_of_paris_date() }}
