with

checks as (

    select * from {{ ref('stg_audit_integrity') }}

),

final as (

    select
        checked_at,
        is_intact,
        checked_up_to_sequence,
        bad_file,
        bad_line,
        message_fr,
        message_en,
        checked_at = max(checked_at) over () as is_latest
    from checks

)

select * from final
