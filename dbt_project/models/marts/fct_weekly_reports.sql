-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['departement_code', 'week_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- Statuses come from report_status_columns (macros/report_status.sql), shared with the
    monthly reports; documented in fct_weekly_reports.yml. -#}
with

expected_weeks as (

    select * from {{ ref('int_weekly_deadlines') }}
    {%- if is_incremental() %}
    where {{ changed_periods('weekly', 'week_code') }}
        and {{ changed(['weekly'], [['departement_code', 'changes.departement_code'],
                                    ['week_code', 'changes.period_code']]) }}
    {%- endif %}

),

latest_reports as (

    select * from {{ ref('int_weekly_reports_latest') }}
    {%- if is_incremental() %}
    -- the changed keys, and the weeks before them (has_stock_warning compares with those)
    where {{ changed(['weekly'], [['departement_code', 'changes.departement_code'],
                                  ['week_code', 'changes.period_code']]) }}
        or {{ changed(['weekly'], [['departement_code', 'changes.departement_code'],
                                   ['week_code', 'changes.previous_period_code']]) }}
    {%- endif %}

),

reports_on_grid as (

    select
        expected_weeks.departement_code,
        expected_weeks.week_code,
        expected_weeks.region_code,
        expected_weeks.month_code,
        expected_weeks.week_start_date,
        expected_weeks.deadline_at,
        expected_weeks.holiday_name,
        latest_reports.submission_id,
        latest_reports.version_count,
        latest_reports.first_received_at,
        latest_reports.received_at,
        latest_reports.signalements_cnapr,
        latest_reports.signalements_locaux,
        latest_reports.nouveaux_signalements,
        latest_reports.dont_mineurs,
        latest_reports.orientations_judiciaires,
        latest_reports.suivis_en_cours,
        latest_reports.suivis_clos,
        latest_reports.familles_accompagnees,
        latest_reports.commentaire,
        previous_reports.suivis_en_cours as previous_week_suivis_en_cours
    from expected_weeks
    left join latest_reports
        on latest_reports.departement_code = expected_weeks.departement_code
        and latest_reports.week_code = expected_weeks.week_code
    -- a join rather than a window over the grid: an incremental build sees only some weeks
    left join latest_reports as previous_reports
        on previous_reports.departement_code = expected_weeks.departement_code
        and previous_reports.week_code = expected_weeks.previous_week_code

),

final as (

    select
        departement_code,
        week_code,
        region_code,
        month_code,
        week_start_date,
        {{ report_status_columns('nouveaux_signalements = 0') }},
        first_received_at,
        received_at,
        deadline_at,
        holiday_name,
        submission_id,
        signalements_cnapr,
        signalements_locaux,
        nouveaux_signalements,
        dont_mineurs,
        orientations_judiciaires,
        suivis_en_cours,
        suivis_clos,
        familles_accompagnees,
        commentaire,
        previous_week_suivis_en_cours,
        -- the stock rule (data_contracts.quality_rules.STOCK, macros/quality_rules.sql)
        {{ expected_stock('previous_week_suivis_en_cours') }} as expected_suivis_en_cours,
        {{ is_stock_discontinuous('previous_week_suivis_en_cours') }} as has_stock_warning
    from reports_on_grid

)

select * from final
