{#- The measures each report carries, named as in the contracts: listed once here for the
    models that carry or sum them (the staging models spell them out as they cast them). -#}

{% macro weekly_count_columns() -%}
    {{ return([
        'signalements_cnapr', 'signalements_locaux', 'nouveaux_signalements', 'dont_mineurs',
        'orientations_judiciaires', 'suivis_en_cours', 'suivis_clos', 'familles_accompagnees']) }}
{%- endmacro %}

{% macro monthly_action_columns() -%}
    {{ return([
        'actions_educatives', 'actions_psychologiques', 'actions_insertion', 'actions_parentalite',
        'actions_citoyennete', 'actions_sante', 'actions_autres']) }}
{%- endmacro %}

{% macro monthly_count_columns() -%}
    {{ return(
        ['suivis_engages', 'suivis_actifs', 'suivis_clos_favorables', 'suivis_clos_autres',
         'orientations_judiciaires']
        + monthly_action_columns()
        + ['actions_total', 'familles_accompagnees', 'reunions_cellule', 'professionnels_formes']) }}
{%- endmacro %}

{#- Totals over received reports only: a group with no report sums to null, never 0. -#}
{% macro summed(columns, data_type='bigint') -%}
    {%- for column in columns %}
    cast(sum({{ column }}) as {{ data_type }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Coverage of a group of grid rows (département × period): how many reports were expected,
    received, on time... Rates divide by expected, so they never exceed 1. -#}
{% macro coverage_columns() -%}
    cast(count(*) as integer) as departements_expected,
    cast(sum(case when is_received then 1 else 0 end) as integer) as departements_received,
    cast(sum(case when timeliness = 'on_time' then 1 else 0 end) as integer) as departements_on_time,
    cast(sum(case when timeliness = 'late' then 1 else 0 end) as integer) as departements_late,
    cast(sum(case when is_nil then 1 else 0 end) as integer) as departements_nil,
    cast(sum(case when is_received then 0 else 1 end) as integer) as departements_missing,
    cast(sum(case when is_awaited then 1 else 0 end) as integer) as departements_awaited,
    cast(sum(case when is_received then 1 else 0 end) as double precision) / count(*) as reporting_rate,
    cast(sum(case when timeliness = 'on_time' then 1 else 0 end) as double precision) / count(*) as on_time_rate
{%- endmacro %}
