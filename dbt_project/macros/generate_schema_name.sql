{#- Schemas are named for their layer (staging, intermediate, marts, reference) exactly, as
    docs/architecture.md and the publish step expect, not prefixed with the target schema.
    On PostgreSQL the marts are built into `marts_build`: publish copies them into
    `serving_next` and renames that to `marts` (storage/engine.py), the schema readers read. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'postgres' and custom_schema_name | trim == 'marts' -%}
        marts_build
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
