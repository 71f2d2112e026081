{#- Incremental builds keyed by (reporting unit, period): see models/intermediate/int_report_changes.sql.

    An incremental model declares `-- depends_on: {{ ref('int_report_changes') }}` (so dbt
    builds the change list first) and filters its inputs with changed(...) when
    is_incremental(); the delete+insert strategy then replaces exactly those keys. -#}

{#- True for a row whose key is in this build's change list. `kinds`: report kinds whose
    changes count; `match`: pairs [expression on the row, expression on `changes`]. -#}
{% macro changed(kinds, match) -%}
    exists (
        select 1
        from {{ ref('int_report_changes') }} as changes
        where changes.report_kind in ('{{ kinds | join("', '") }}')
        {%- for row_expression, change_expression in match %}
            and {{ change_expression }} = {{ row_expression }}
        {%- endfor %}
    )
{%- endmacro %}

{#- The periods (single column) touched by this build, for national or regional summaries
    that rebuild whole periods. -#}
{% macro changed_periods(kind, period_column, changes_column='period_code') -%}
    {{ period_column }} in (
        select changes.{{ changes_column }}
        from {{ ref('int_report_changes') }} as changes
        where changes.report_kind = '{{ kind }}'
    )
{%- endmacro %}

{#- Data tests on incremental models check what this build wrote: a test configured with
    `where: "changed:<kind>:<unit column>:<period column>"` (or `changed:<kind>::<period
    column>` for a per-period summary) sees only the changed keys, unless the build is a
    full refresh. Any other `where` behaves as dbt's own. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and where.startswith('changed:') -%}
        {%- set parts = where.split(':') -%}
        {%- if flags.FULL_REFRESH -%}
            {%- do return(relation) -%}
        {%- endif -%}
        {%- set changes = api.Relation.create(database=relation.database, schema='intermediate',
                                              identifier='int_report_changes') -%}
        {%- set unit_match -%}
            {%- if parts[2] %} and changes.departement_code = scoped.{{ parts[2] }}{% endif -%}
        {%- endset -%}
        {%- set filtered -%}
            (select * from {{ relation }} as scoped where exists (
                select 1 from {{ changes }} as changes
                where changes.report_kind = '{{ parts[1] }}'
                    and changes.period_code = scoped.{{ parts[3] }}{{ unit_match }}
            )) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) -%}
{%- endmacro %}
