-- depends_on: {{ ref('int_report_changes') }}
{{ config(materialized='incremental', unique_key=['month_code', 'partner_type_code'], incremental_strategy='delete+insert',
          on_schema_change='fail') }}
{#- One branch per partner column of the contract (meta.partner_type in the generated source). -#}
with

monthly_reports as (

    select * from {{ ref('fct_monthly_reports') }}
    {%- if is_incremental() %}
    where {{ changed_periods('monthly', 'month_code') }}
    {%- endif %}

),

mobilisations as (

    {% for partner in partner_columns() -%}
    select
        month_code,
        cast('{{ partner.partner_type }}' as varchar) as partner_type_code,
        is_received,
        {{ partner.column }} as is_mobilised
    from monthly_reports
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        month_code,
        partner_type_code,
        cast(sum(case when is_received then 1 else 0 end) as integer) as cells_reporting,
        cast(sum(case when is_mobilised then 1 else 0 end) as integer) as cells_mobilising,
        cast(sum(case when is_mobilised then 1 else 0 end) as double precision)
            / nullif(sum(case when is_received then 1 else 0 end), 0) as mobilising_share
    from mobilisations
    group by month_code, partner_type_code

)

select * from final
