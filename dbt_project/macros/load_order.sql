{#- Which submissions an incremental build has not seen yet (models/intermediate/int_report_changes.sql).

    DuckDB has one writer at a time (the file lock), so receipts load in wall-clock order and
    `loaded_at` tells what is new. On PostgreSQL loaders may run on several hosts and a load
    that commits late could carry an earlier `loaded_at` than one a build already read: it
    would be skipped forever. There the order is `raw.submissions.load_sequence`, a bigserial
    handed out in commit order (ingestion/postgres_writer.py). -#}
{% macro load_order_column() -%}
    {{ return(adapter.dispatch('load_order_column')()) }}
{%- endmacro %}

{% macro default__load_order_column() -%}
    loaded_at
{%- endmacro %}

{% macro postgres__load_order_column() -%}
    load_sequence
{%- endmacro %}

{#- The type of that order, and the value before any load. -#}
{% macro load_order_type() -%}
    {{ return(adapter.dispatch('load_order_type')()) }}
{%- endmacro %}

{% macro default__load_order_type() -%}
    timestamp
{%- endmacro %}

{% macro postgres__load_order_type() -%}
    bigint
{%- endmacro %}

{% macro load_order_floor() -%}
    {{ return(adapter.dispatch('load_order_floor')()) }}
{%- endmacro %}

{% macro default__load_order_floor() -%}
    cast('1900-01-01' as timestamp)
{%- endmacro %}

{% macro postgres__load_order_floor() -%}
    cast(0 as bigint)
{%- endmacro %}
