{#- Period codes as the contracts write them: month `YYYY-MM`. -#}

{% macro month_code(date_expression) -%}
    {{ return(adapter.dispatch('month_code')(date_expression)) }}
{%- endmacro %}

{% macro default__month_code(date_expression) -%}
    to_char({{ date_expression }}, 'YYYY-MM')
{%- endmacro %}

{% macro duckdb__month_code(date_expression) -%}
    strftime({{ date_expression }}, '%Y-%m')
{%- endmacro %}
