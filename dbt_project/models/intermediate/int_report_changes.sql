-- depends_on: {{ ref('stg_weekly_reports') }}, {{ ref('stg_monthly_reports') }}, {{ ref('stg_good_practices') }}, {{ ref('stg_review_events') }}, {{ ref('ref_departements') }}
{# What this build must recompute: the (reporting unit, period) keys whose figures or grid
    row may have changed since the previous build. The incremental models delete and rebuild
    exactly these keys (macros/incremental_changes.sql), so a build costs what changed, not
    what the history holds.

    A key changes when (1) a submission loaded since the previous build carries rows for it
    (its load order after the previous build's loaded_until: loaded_at on DuckDB, the load
    sequence on PostgreSQL, macros/load_order.sql), (2) for weekly keys,
    the previous week changed (has_stock_warning compares with it) or one of the weeks in its
    unusual-value history (has_unusual_value), (3) a review event loaded since the previous
    build (reviews_loaded_until) names it (review_state, docs/steering.md), or (4) the build's clock
    (var as_of) moved past the week's or month's start or deadline (new grid rows,
    is_past_deadline). A full refresh (orchestration.build decides when: first build, vars,
    project files, a failed or moved-back build) recomputes everything and lists no key.

    The 'build' row records how far this build read (loaded_until, as_of_at). #}
{{ config(materialized='table') }}
{% set previous = none if flags.FULL_REFRESH else adapter.get_relation(this.database, this.schema, this.identifier) %}
with

submissions as (

    select * from {{ ref('stg_submissions') }}

),

weeks as (

    select * from {{ ref('calendar_week_deadlines') }}
    where departement_scope = '*'

),

this_build as (

    select
        (select max(load_order) from submissions) as loaded_until,
        {{ as_of_utc() }} as as_of_at,
        (select max(loaded_at) from {{ ref('stg_review_events') }}) as reviews_loaded_until

),

{%- if previous is none %}

keys as (

    select
        cast(null as varchar) as report_kind,
        cast(null as varchar) as departement_code,
        cast(null as varchar) as period_code
    where false

),

{%- else %}

previous_build as (

    select loaded_until, as_of_at, reviews_loaded_until from {{ previous }}
    where report_kind = 'build'

),

reviewed_keys as (

    select distinct report_kind, departement_code, period_code
    from {{ ref('stg_review_events') }}
    where loaded_at > coalesce((select max(reviews_loaded_until) from previous_build),
                               cast('1900-01-01' as timestamp))

),

new_submissions as (

    select submission_id from submissions
    where load_order > coalesce((select max(loaded_until) from previous_build), {{ load_order_floor() }})

),

loaded_weekly as (

    select distinct departement_code, week_code
    from {{ ref('stg_weekly_reports') }}
    where submission_id in (select submission_id from new_submissions)

),

{#- The clock moved: weeks whose start or (national, ± 4 days for local holidays) deadline lies
    between the previous build's as_of and this one's, for every reporting unit. -#}
clock_weeks as (

    select weeks.week_code
    from weeks
    cross join this_build
    cross join previous_build
    where this_build.as_of_at <> previous_build.as_of_at
        and ((weeks.{{ weekly_deadline_column() }} > previous_build.as_of_at - interval '4 days'
              and weeks.{{ weekly_deadline_column() }} <= this_build.as_of_at + interval '4 days')
          or (weeks.week_start_date > cast(previous_build.as_of_at as date) - 1
              and weeks.week_start_date <= cast(this_build.as_of_at as date) + 1))

),

clock_months as (

    select distinct {{ month_code('weeks.thursday_date') }} as month_code
    from weeks
    cross join this_build
    cross join previous_build
    where this_build.as_of_at <> previous_build.as_of_at
        and weeks.thursday_date > cast(previous_build.as_of_at as date) - 40
        and weeks.thursday_date <= cast(this_build.as_of_at as date) + 7

),

units as (

    select departement_code from {{ reporting_units() }} as units

),

changed_weeks as (

    select departement_code, week_code from loaded_weekly
    union
    -- the weeks after it whose quality rules read it: the next one (stock) and those whose
    -- unusual-value history it is in, up to the grid's last week
    select loaded_weekly.departement_code, following.week_code
    from loaded_weekly
    inner join weeks as changed on changed.week_code = loaded_weekly.week_code
    inner join weeks as following
        on following.week_start_date between changed.week_start_date + 7
            and changed.week_start_date + {{ 7 * unusual_value_history_weeks() }}
        and (following.week_start_date = changed.week_start_date + 7
             or following.week_start_date <= {{ as_of_paris_date() }})
    union
    select units.departement_code, clock_weeks.week_code
    from units cross join clock_weeks
    union
    select departement_code, period_code from reviewed_keys where report_kind = 'weekly'

),

changed_months as (

    select distinct departement_code, month_code
    from {{ ref('stg_monthly_reports') }}
    where submission_id in (select submission_id from new_submissions)
    union
    select units.departement_code, clock_months.month_code
    from units cross join clock_months
    union
    select departement_code, period_code from reviewed_keys where report_kind = 'monthly'

),

changed_practices as (

    select distinct departement_code, month_code
    from {{ ref('stg_good_practices') }}
    where submission_id in (select submission_id from new_submissions)

),

{#- Receipts (accepted or not) are numbered per département: its new ones renumber its own. #}
receipt_departements as (

    select distinct departement_code
    from submissions
    where submission_id in (select submission_id from new_submissions)

),

keys as (

    select 'weekly' as report_kind, departement_code, week_code as period_code from changed_weeks
    union all
    select 'monthly' as report_kind, departement_code, month_code as period_code from changed_months
    union all
    select 'practices' as report_kind, departement_code, month_code as period_code from changed_practices
    union all
    select 'receipts' as report_kind, departement_code, cast(null as varchar) as period_code
    from receipt_departements

),

{%- endif %}

final as (

    select
        keys.report_kind,
        keys.departement_code,
        keys.period_code,
        case when keys.report_kind = 'weekly' then {{ month_code('weeks.thursday_date') }}
             else keys.period_code end as month_code,
        previous_week.week_code as previous_period_code,
        cast(null as {{ load_order_type() }}) as loaded_until,
        cast(null as timestamp) as as_of_at,
        cast(null as timestamp) as reviews_loaded_until
    from keys
    left join weeks
        on keys.report_kind = 'weekly' and weeks.week_code = keys.period_code
    left join weeks as previous_week
        on previous_week.week_start_date = weeks.week_start_date - 7
    union all
    select 'build', null, null, null, null, loaded_until, as_of_at, reviews_loaded_until
    from this_build

)

select * from final
