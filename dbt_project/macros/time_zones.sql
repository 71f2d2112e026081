{#- Every *_at column is a naive UTC timestamp; deadlines are wall-clock times in Paris.
    The conversions live here only, so moving to PostgreSQL touches one file
    (both DuckDB with ICU and PostgreSQL understand `at time zone`). -#}

{% macro paris_to_utc(naive_paris_timestamp) -%}
    (({{ naive_paris_timestamp }}) at time zone 'Europe/Paris') at time zone 'UTC'
{%- endmacro %}

{% macro utc_to_paris(naive_utc_timestamp) -%}
    (({{ naive_utc_timestamp }}) at time zone 'UTC') at time zone 'Europe/Paris'
{%- endmacro %}

{#- A UTC instant given as text (naive = UTC, or ISO 8601 with an offset) → naive UTC timestamp. -#}
{% macro utc_literal(text) -%}
    (cast('{{ text }}' as timestamptz) at time zone 'UTC')
{%- endmacro %}
