{#- Same rule as int_weekly_reports_latest, per (département, month). -#}
with

monthly_reports as (

    select * from {{ ref('stg_monthly_reports') }}
    where {{ known_at_filter('received_at') }}

),

versions as (

    select
        departement_code,
        month_code,
        count(*) as version_count,
        min(received_at) as first_received_at,
        {{ latest_value('submission_id', 'received_at') }} as submission_id
    from monthly_reports
    group by departement_code, month_code

),

final as (

    select
        versions.version_count,
        versions.first_received_at,
        monthly_reports.*
    from versions
    inner join monthly_reports
        on monthly_reports.departement_code = versions.departement_code
        and monthly_reports.month_code = versions.month_code
        and monthly_reports.submission_id = versions.submission_id

)

select * from final
