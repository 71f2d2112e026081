{#- The current review state of each report that has review events (docs/steering.md):
    `correction_demandee` while a request is open; otherwise the latest of a check
    (`verifie`) and a closed request (`corrige` / `confirme`). Reports without events are
    `recu` in the marts. -#}
with

requests as (

    select * from {{ ref('int_review_requests') }}

),

checks as (

    select report_kind, departement_code, period_code, occurred_at as state_at, 'verifie' as review_state
    from {{ ref('stg_review_events') }}
    where review_action = 'verify' and {{ known_at_filter('occurred_at') }}

),

closures as (

    select report_kind, departement_code, period_code, closed_at as state_at, request_state as review_state
    from requests
    where not is_open

),

latest_settled as (

    select
        report_kind,
        departement_code,
        period_code,
        {{ latest_value('review_state', 'state_at') }} as review_state,
        max(state_at) as state_at
    from (select * from checks union all select * from closures) as settled
    group by report_kind, departement_code, period_code

),

open_requests as (

    select
        report_kind,
        departement_code,
        period_code,
        count(*) as open_request_count,
        max(requested_at) as state_at
    from requests
    where is_open
    group by report_kind, departement_code, period_code

),

final as (

    select
        coalesce(open_requests.report_kind, latest_settled.report_kind) as report_kind,
        coalesce(open_requests.departement_code, latest_settled.departement_code) as departement_code,
        coalesce(open_requests.period_code, latest_settled.period_code) as period_code,
        cast(case when open_requests.open_request_count > 0 then 'correction_demandee'
                  else latest_settled.review_state end as varchar) as review_state,
        cast(coalesce(open_requests.open_request_count, 0) as integer) as open_review_request_count
    from open_requests
    full outer join latest_settled
        on latest_settled.report_kind = open_requests.report_kind
        and latest_settled.departement_code = open_requests.departement_code
        and latest_settled.period_code = open_requests.period_code

)

select * from final
