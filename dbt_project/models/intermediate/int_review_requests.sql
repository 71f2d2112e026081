{#- One row per correction request, with what closed it: the first version of the report
    received after the request (`corrige`, with its version number) or the préfecture's first
    confirmation after it (`confirme`), whichever came first; open otherwise. -#}
with

review_events as (

    select * from {{ ref('stg_review_events') }}
    where {{ known_at_filter('occurred_at') }}

),

versions as (

    select * from {{ ref('int_report_versions') }}

),

requests as (

    select * from review_events
    where review_action = 'request'

),

confirmations as (

    select * from review_events
    where review_action = 'confirm'

),

first_corrections as (

    select
        requests.event_id,
        min(versions.received_at) as corrected_at,
        min(versions.version_number) as corrected_version_number
    from requests
    inner join versions
        on versions.report_kind = requests.report_kind
        and versions.departement_code = requests.departement_code
        and versions.period_code = requests.period_code
        and versions.received_at > requests.occurred_at
    group by requests.event_id

),

ranked_confirmations as (

    select
        requests.event_id,
        confirmations.occurred_at as confirmed_at,
        confirmations.message as confirmation_message,
        row_number() over (
            partition by requests.event_id
            order by confirmations.occurred_at, confirmations.event_id) as confirmation_rank
    from requests
    inner join confirmations
        on confirmations.report_kind = requests.report_kind
        and confirmations.departement_code = requests.departement_code
        and confirmations.period_code = requests.period_code
        and confirmations.occurred_at > requests.occurred_at

),

first_confirmations as (

    select event_id, confirmed_at, confirmation_message
    from ranked_confirmations
    where confirmation_rank = 1

),

closings as (

    select
        requests.event_id as request_id,
        requests.report_kind,
        requests.departement_code,
        requests.period_code,
        requests.field_names,
        requests.reason_code,
        requests.message,
        requests.actor as requested_by,
        requests.occurred_at as requested_at,
        cast(case
            when first_corrections.corrected_at is not null
                and (first_confirmations.confirmed_at is null
                     or first_corrections.corrected_at <= first_confirmations.confirmed_at)
                then 'corrige'
            when first_confirmations.confirmed_at is not null then 'confirme'
            else 'correction_demandee'
        end as varchar) as request_state,
        first_corrections.corrected_at,
        first_corrections.corrected_version_number,
        first_confirmations.confirmed_at,
        first_confirmations.confirmation_message
    from requests
    left join first_corrections on first_corrections.event_id = requests.event_id
    left join first_confirmations on first_confirmations.event_id = requests.event_id

),

final as (

    select
        *,
        request_state = 'correction_demandee' as is_open,
        case request_state when 'corrige' then corrected_at when 'confirme' then confirmed_at end as closed_at
    from closings

)

select * from final
