{#- The value of `value` on the row with the greatest `ordering` within a group: how "latest
    version wins" is picked in one aggregate pass (no window over all raw rows). -#}

{% macro latest_value(value, ordering) -%}
    {{ return(adapter.dispatch('latest_value')(value, ordering)) }}
{%- endmacro %}

{% macro default__latest_value(value, ordering) -%}
    (array_agg({{ value }} order by {{ ordering }} desc, {{ value }} desc))[1]
{%- endmacro %}

{#- Ties on `ordering` go to the greatest value, so a rebuild picks the same row. -#}
{% macro duckdb__latest_value(value, ordering) -%}
    arg_max({{ value }}, ({{ ordering }}, {{ value }}))
{%- endmacro %}
