with

source as (

    select * from {{ source('raw', 'audit_integrity') }}

),

renamed as (

    select

        ---------- when
        checked_at,

        ---------- outcome
        is_intact,
        checked_up_to_seq as checked_up_to_sequence,
        bad_file,
        bad_line,
        message_fr,
        message_en

    from source

)

select * from renamed
