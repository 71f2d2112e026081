{#- Every accepted version of every weekly and monthly report, numbered in order of receipt:
    what closes a correction request (the first version received after it) and the number
    the request shows (« corrigé en version 3 »). Honours var `known_at`. -#}
with

weekly_reports as (

    select distinct departement_code, week_code as period_code, submission_id, received_at
    from {{ ref('stg_weekly_reports') }}
    where {{ known_at_filter('received_at') }}

),

monthly_reports as (

    select distinct departement_code, month_code as period_code, submission_id, received_at
    from {{ ref('stg_monthly_reports') }}
    where {{ known_at_filter('received_at') }}

),

versions as (

    select 'weekly' as report_kind, * from weekly_reports
    union all
    select 'monthly' as report_kind, * from monthly_reports

),

final as (

    select
        report_kind,
        departement_code,
        period_code,
        submission_id,
        received_at,
        cast(row_number() over (
            partition by report_kind, departement_code, period_code
            order by received_at, submission_id) as integer) as version_number
    from versions

)

select * from final
