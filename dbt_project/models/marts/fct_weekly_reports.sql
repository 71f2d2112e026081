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

{#- Each received week beside the largest of each count over the weeks received in the
    history window before it (the unusual-value rule, macros/quality_rules.sql). Incremental:
    every week of the départements whose reports changed (a changed week is history for the
    weeks after it, which int_report_changes lists too). -#}
report_history as (

    select
        latest.departement_code,
        latest.week_code,
        {%- for column in unusual_value_weekly_columns() %}
        max(latest.{{ column }}) over previous_weeks as highest_{{ column }},
        {%- endfor %}
        count(*) over previous_weeks as history_weeks_received
    from {{ ref('int_weekly_reports_latest') }} as latest
    inner join {{ ref('int_weekly_deadlines') }} as weeks
        on weeks.departement_code = latest.departement_code and weeks.week_code = latest.week_code
    {%- if is_incremental() %}
    where latest.departement_code in (
        select changes.departement_code from {{ ref('int_report_changes') }} as changes
        where changes.report_kind = 'weekly')
    {%- endif %}
    window previous_weeks as (
        partition by latest.departement_code
        order by weeks.week_start_date
        range between interval '{{ 7 * unusual_value_history_weeks() }} days' preceding
            and interval '1 day' preceding)

),

{#- The review state of each report (docs/steering.md); int_report_changes lists a report
    whose review events are new, so an incremental build refreshes it. -#}
review_states as (

    select * from {{ ref('int_report_review_states') }}
    where report_kind = 'weekly'

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
        {%- for column in unusual_value_weekly_columns() %}
        {{ is_unusual_value('latest_reports.' ~ column, 'report_history.highest_' ~ column,
                            'report_history.history_weeks_received') }} as is_unusual_{{ column }},
        {%- endfor %}
        previous_reports.suivis_en_cours as previous_week_suivis_en_cours,
        review_states.review_state,
        review_states.open_review_request_count
    from expected_weeks
    left join latest_reports
        on latest_reports.departement_code = expected_weeks.departement_code
        and latest_reports.week_code = expected_weeks.week_code
    -- a join rather than a window over the grid: an incremental build sees only some weeks
    left join latest_reports as previous_reports
        on previous_reports.departement_code = expected_weeks.departement_code
        and previous_reports.week_code = expected_weeks.previous_week_code
    left join report_history
        on report_history.departement_code = expected_weeks.departement_code
        and report_history.week_code = expected_weeks.week_code
    left join review_states
        on review_states.departement_code = expected_weeks.departement_code
        and review_states.period_code = expected_weeks.week_code

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
        {{ is_stock_discontinuous('previous_week_suivis_en_cours') }} as has_stock_warning,
        -- the unusual-value rule (data_contracts.quality_rules.UNUSUAL_VALUE)
        {%- set flagged = [] %}
        {%- for column in unusual_value_weekly_columns() %}{% do flagged.append('is_unusual_' ~ column) %}{% endfor %}
        ({{ flagged | join(' or ') }}) as has_unusual_value,
        cast(nullif(concat_ws(', '
            {%- for column in unusual_value_weekly_columns() %},
            case when is_unusual_{{ column }} then '{{ column }}' end
            {%- endfor %}), '') as varchar) as unusual_value_columns,
        -- the review state (data_contracts.review.REVIEW_STATES): none for a missing report
        cast(case when submission_id is not null then coalesce(review_state, 'recu') end as varchar)
            as review_state,
        cast(coalesce(open_review_request_count, 0) as integer) as open_review_request_count
    from reports_on_grid

)

select * from final
