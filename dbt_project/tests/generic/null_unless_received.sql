{#- Figures are null exactly when the report is missing: a missing report must never read as
    0, and a received one always carries its figures. Fails with each row that breaks this. -#}
{% test null_unless_received(model, columns) %}

select *
from {{ model }}
where is_received <> (
    {%- for column in columns %}
    {{ column }} is not null{{ ' and' if not loop.last }}
    {%- endfor %}
)

{% endtest %}
