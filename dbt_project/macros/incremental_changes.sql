{#- Incremental builds keyed by (reporting unit, period): see models/intermediate/int_report_changes.sql.

    An incremental model declares `-- depends_on: {{ ref('int_report_changes') }}` (so dbt
    builds the change list first) and filters its inputs with changed(...) when
    is_incremental(); the delete+insert strategy then replaces exactly those keys. -#}

{#- True for a row whose key is in this build's change list. `kinds`: report kinds whose
    changes count; `match`: pairs [expression on the row, expression on `changes`]. -#}
{% macro changed(kinds, match) -%}
    {#- A row-value IN, not a correlated EXISTS: the row's columns share names with the change
        list's (departement_code, month_code), and inside EXISTS they would bind to it. -#}
    ({% for row_expression, _ in match %}{{ row_expression }}{{ ', ' if not loop.last }}{% endfor %}) in (
        select {% for _, change_expression in match %}{{ change_expression }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ ref('int_report_changes') }} as changes
        where changes.report_kind in ('{{ kinds | join("', '") }}')
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

{#- Data tests on incremental models check what this build wrote. A test configured with
    `where: "changed:<kinds>:<unit column>:<period column>[:<changes column>]"` (kinds joined
    by '+'; an empty unit column for a per-period model; the changes column defaults to
    period_code) sees only the changed keys, unless the build is a full refresh. -#}
{% macro changed_scope_condition(alias) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- if not where.startswith('changed:') or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parts = (where ~ '::::').split(':') -%}
    {%- set changes = api.Relation.create(database=target.database, schema='intermediate',
                                          identifier='int_report_changes') -%}
    {%- set condition -%}
        exists (
            select 1 from {{ changes }} as changes
            where changes.report_kind in ('{{ parts[1].split('+') | join("', '") }}')
                and changes.{{ parts[4] or 'period_code' }} = {{ alias }}.{{ parts[3] }}
                {%- if parts[2] %}
                and changes.departement_code = {{ alias }}.{{ parts[2] }}
                {%- endif %}
        )
    {%- endset -%}
    {{ return(condition) }}
{%- endmacro %}

{#- dbt's hook for a test's `where`: scoped as above, or dbt's own behaviour. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- if where.startswith('changed:') -%}
        {%- set condition = changed_scope_condition('scoped') -%}
        {%- if condition is none -%}
            {{ return(relation) }}
        {%- endif -%}
        {{ return('(select * from ' ~ relation ~ ' as scoped where ' ~ condition ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}
