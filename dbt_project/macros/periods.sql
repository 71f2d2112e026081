{#- Period codes as the contracts write them: month `YYYY-MM`. -#}

{% macro month_code(date_expression) -%}
    {{ return(adapter.dispatch('month_code')(date_expression)) }}
{%- endmacro %}

{#- varchar, not to_char's text: month codes feed contract and incremental columns. -#}
{% macro default__month_code(date_expression) -%}
    cast(to_char({{ date_expression }}, 'YYYY-MM') as varchar)
{%- endmacro %}

{% macro duckdb__month_code(date_expression) -%}
    strftime({{ date_expression }}, '%Y-%m')
{%- endmacro %}
