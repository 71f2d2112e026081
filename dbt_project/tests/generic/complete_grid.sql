{#- The model holds every combination of the dimensions' keys exactly once: fails with each
    missing combination and each combination present more than once. `dimensions` maps the
    model's key column to the dimension model that lists its values. -#}
{% test complete_grid(model, dimensions) %}

with

expected as (

    select
        {%- for column, dimension in dimensions.items() %}
        dimension_{{ loop.index }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from
        {%- for column, dimension in dimensions.items() %}
        {{ ref(dimension) }} as dimension_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}

),

actual as (

    select {{ dimensions.keys() | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ dimensions.keys() | join(', ') }}

)

select
    {%- for column in dimensions.keys() %}
    coalesce(expected.{{ column }}, actual.{{ column }}) as {{ column }},
    {%- endfor %}
    coalesce(actual.occurrences, 0) as occurrences
from expected
full outer join actual
    on {% for column in dimensions.keys() -%}
        expected.{{ column }} = actual.{{ column }}{{ ' and ' if not loop.last }}
    {%- endfor %}
where coalesce(actual.occurrences, 0) <> 1

{% endtest %}
