{#- The reporting units of the expected grids: the 101 départements of the seed.

    Benchmarks only: a warehouse filled by `cipd demo --scale N` (ingestion/demo_scale.py)
    also holds N-1 synthetic twins of each département (`01-002` … `01-100`), and
    orchestration.build passes var benchmark_units_per_departement = N so that the grids
    expect their reports too. With the default (1) this is exactly ref('ref_departements'). -#}
{% macro reporting_units() -%}
    {%- set units = var('benchmark_units_per_departement', 1) | int -%}
    {#- A unit test gives its own département rows: never add twins to those. -#}
    {%- if units <= 1 or model.resource_type == 'unit_test' -%}
        {{ ref('ref_departements') }}
    {%- else -%}
        (
            select departement_code, departement_name, region_code, region_name, zone, chef_lieu
            from {{ ref('ref_departements') }}
            union all
            select
                departement_code || '-' || lpad(cast(units.unit as varchar), 3, '0'),
                departement_name || ' (unité synthétique ' || cast(units.unit as varchar) || ')',
                region_code, region_name, zone, chef_lieu
            from {{ ref('ref_departements') }}
            cross join generate_series(2, {{ units }}) as units(unit)
        )
    {%- endif -%}
{%- endmacro %}
