{#- The monthly report's partner columns and their partner type codes, read from the
    generated source (meta.partner_type, from data_contracts.codes.PARTNER_COLUMNS), so the
    list lives in the contract only. Empty at parse time, when the graph is not loaded. -#}

{% macro partner_columns() -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for source in graph.sources.values()
                if source.source_name == 'raw' and source.name == 'monthly_reports' -%}
            {%- for column in source.columns.values() if column.meta.get('partner_type') -%}
                {%- do found.append({'column': column.name, 'partner_type': column.meta['partner_type']}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if not found -%}
            {{ exceptions.raise_compiler_error(
                "no partner columns in source raw.monthly_reports: regenerate _sources.yml (cipd dbt-sources)") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}
