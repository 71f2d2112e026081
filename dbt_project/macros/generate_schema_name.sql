{#- Schemas are named for their layer (staging, intermediate, marts, reference) exactly, as
    docs/architecture.md and the publish step expect, not prefixed with the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
