{#- Correction requests SG-CIPD made on weekly and monthly reports, with how and when each
    closed (docs/steering.md). Small: rebuilt whole on every build. -#}
with

requests as (

    select * from {{ ref('int_review_requests') }}

),

final as (

    select
        request_id,
        report_kind,
        departement_code,
        period_code,
        field_names,
        reason_code,
        message,
        requested_by,
        requested_at,
        request_state,
        is_open,
        closed_at,
        corrected_at,
        cast(corrected_version_number as integer) as corrected_version_number,
        confirmed_at,
        confirmation_message,
        cast({{ dbt.datediff('requested_at', 'coalesce(closed_at, ' ~ as_of_utc() ~ ')', 'hour') }} / 24.0
             as double precision) as age_days
    from requests

)

select * from final
