{#- The model holds every combination of the dimensions' keys exactly once, and nothing else:
    fails with each missing combination, each duplicated one and each key unknown to its
    dimension. `dimensions` maps the model's key column to the dimension model listing its
    values. With a `changed:` where (macros/incremental_changes.sql), only the changed keys are
    expected. -#}
{% test complete_grid(model, dimensions) %}
{%- set columns = dimensions.keys() | list -%}

with

expected as (

    select
        {%- for column in columns %}
        dimension_{{ loop.index }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from
        {%- for column in columns %}
        {{ ref(dimensions[column]) }} as dimension_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}

),
{%- set scope = changed_scope_condition('expected') %}
{%- if scope is not none %}

expected_changed as (

    select * from expected where {{ scope }}

),
{%- endif %}

actual as (

    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}

)

select
    {%- for column in columns %}
    coalesce(expected.{{ column }}, actual.{{ column }}) as {{ column }},
    {%- endfor %}
    expected.{{ columns[0] }} is not null as is_expected,
    coalesce(actual.occurrences, 0) as occurrences
from {{ 'expected_changed as expected' if scope is not none else 'expected' }}
full outer join actual
    on {% for column in columns -%}
        expected.{{ column }} = actual.{{ column }}{{ ' and ' if not loop.last }}
    {%- endfor %}
where expected.{{ columns[0] }} is null or coalesce(actual.occurrences, 0) <> 1

{% endtest %}
