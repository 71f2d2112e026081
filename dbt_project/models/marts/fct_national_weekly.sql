-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['week_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- One row per ISO week over the 101 départements (macros/report_columns.sql). -#}
{{ weekly_coverage_summary(['week_code']) }}
