{#- The reporting-compliance rules, in one place for weekly and monthly reports (documented in
    the `report_status` doc block): `missing` until a version arrives; `nil` when the latest
    version reports nothing new (`nil_condition`); otherwise `on_time` when the FIRST version
    arrived by the deadline (corrections never change timeliness), else `late`.
    Reads columns submission_id, first_received_at, deadline_at and version_count.
    The codes are cast to varchar: PostgreSQL types a CASE of literals `text`, which an
    incremental run's schema check (`on_schema_change='fail'`) refuses against the contract. -#}
{% macro report_status_columns(nil_condition) -%}
    cast(case
        when submission_id is null then 'missing'
        when {{ nil_condition }} then 'nil'
        when first_received_at <= deadline_at then 'on_time'
        else 'late'
    end as varchar) as status,
    cast(case
        when submission_id is null then 'missing'
        when first_received_at <= deadline_at then 'on_time'
        else 'late'
    end as varchar) as timeliness,
    submission_id is not null as is_received,
    coalesce({{ nil_condition }}, false) as is_nil,
    deadline_at <= {{ as_of_utc() }} as is_past_deadline,
    cast(coalesce(version_count, 0) as integer) as version_count,
    {#- « En attente »: not received and not yet due, by the build's clock (as_of) -#}
    submission_id is null and deadline_at > {{ as_of_utc() }} as is_awaited
{%- endmacro %}
