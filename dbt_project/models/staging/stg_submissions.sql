with

source as (

    select * from {{ source('raw', 'submissions') }}

),

renamed as (

    select

        ---------- ids
        submission_id,
        kind as report_kind,
        departement as departement_code,
        duplicate_of as duplicate_of_submission_id,
        sha256,

        ---------- file
        filename,
        size_bytes,
        row_count,
        periods as period_codes,

        ---------- outcome
        status,
        is_on_time,
        error_count,
        warning_count,
        errors_json,
        warnings_json,
        actor,

        ---------- timestamps
        received_at,
        loaded_at,
        -- what incremental builds order loads by (macros/load_order.sql)
        {{ load_order_column() }} as load_order

    from source

)

select * from renamed
