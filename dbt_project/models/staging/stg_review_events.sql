with

source as (

    select * from {{ source('raw', 'review_events') }}

),

renamed as (

    select

        ---------- ids
        event_id,
        report_kind,
        departement as departement_code,
        period_code,

        ---------- event
        action as review_action,
        field_names,
        reason_code,
        message,
        actor,

        ---------- timestamps
        occurred_at,
        loaded_at

    from source

)

select * from renamed
