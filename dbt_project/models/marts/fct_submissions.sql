-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key='submission_id', incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Version numbers count accepted uploads of the same département, kind and periods, in
    order of receipt: the question a département asks is "is this my correction?". -#}
with

submissions as (

    select * from {{ ref('stg_submissions') }}
    where {{ known_at_filter('received_at') }}
    {%- if is_incremental() %}
        and {{ changed(['receipts'], [['departement_code', 'changes.departement_code']]) }}
    {%- endif %}

),

accepted_versions as (

    select
        submission_id,
        row_number() over (
            partition by departement_code, report_kind, period_codes
            order by received_at, submission_id
        ) as version_number
    from submissions
    where status = 'accepted'

),

final as (

    select
        submissions.submission_id,
        submissions.report_kind,
        submissions.departement_code,
        submissions.period_codes,
        submissions.status,
        cast(accepted_versions.version_number as integer) as version_number,
        submissions.received_at,
        submissions.is_on_time,
        submissions.filename,
        submissions.size_bytes,
        submissions.row_count,
        submissions.sha256,
        submissions.duplicate_of_submission_id,
        submissions.error_count,
        submissions.warning_count,
        submissions.errors_json,
        submissions.warnings_json,
        submissions.actor,
        submissions.loaded_at
    from submissions
    left join accepted_versions
        on accepted_versions.submission_id = submissions.submission_id

)

select * from final
