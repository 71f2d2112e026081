{#- Reporting deadlines. Weekly ones come precomputed from the calendar seed (Python's
    data_contracts.calendar: holidays per département, DST); the var picks the policy. -#}

{% macro weekly_deadline_column() -%}
    {%- set policy = deadline_var('holiday_policy') -%}
    {%- if policy not in holiday_policies() -%}
        {{ exceptions.raise_compiler_error(
            "holiday_policy must be one of " ~ holiday_policies() | join(', ') ~ ", not '" ~ policy ~ "'") }}
    {%- endif -%}
    deadline_at_{{ policy }}
{%- endmacro %}

{#- Monthly report of the month starting at month_start_date: due on day
    monthly_deadline_day of the next month at monthly_deadline_hour, Paris time, as UTC. -#}
{% macro monthly_deadline_at(month_start_date) -%}
    {%- set day = deadline_var('monthly_deadline_day') | int -%}
    {%- set hour = deadline_var('monthly_deadline_hour') | int -%}
    {{ paris_to_utc(
        "cast(" ~ month_start_date ~ " as timestamp) + interval '1 month' + interval '"
        ~ (day - 1) ~ " days' + interval '" ~ hour ~ " hours'") }}
{%- endmacro %}
