{#- One row per ISO week over the 101 départements (macros/report_columns.sql). -#}
{{ weekly_coverage_summary(['week_code']) }}
