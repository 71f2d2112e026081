{#- One row per ISO week per region (macros/report_columns.sql). -#}
{{ weekly_coverage_summary(['week_code', 'region_code']) }}
