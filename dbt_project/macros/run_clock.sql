{#- The two instants a build is relative to (dbt vars, UTC):
    - as_of: where the expected grid ends (the "current week/month"); default: when the run
      started, so every model of one run agrees on "now". Tests and demos pin it.
    - known_at: rebuild "as known at" an instant by ignoring raw rows received after it. -#}

{% macro as_of_utc() -%}
    {%- set as_of = var('as_of', none) or var('known_at', none) -%}
    {{ utc_literal(as_of or run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
{%- endmacro %}

{#- The Paris calendar day of as_of: weeks and months are Paris periods. -#}
{% macro as_of_paris_date() -%}
    cast({{ utc_to_paris(as_of_utc()) }} as date)
{%- endmacro %}

{% macro known_at_filter(received_at_column) -%}
    {%- if var('known_at', none) -%}
        {{ received_at_column }} <= {{ utc_literal(var('known_at')) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
