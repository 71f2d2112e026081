{#- Figures are null exactly when the report is missing: a missing report must never read
    as 0, and a received one always carries its figures. -#}
select 'fct_weekly_reports' as model, departement_code, week_code as period_code, status
from {{ ref('fct_weekly_reports') }}
where is_received <> (nouveaux_signalements is not null and suivis_en_cours is not null)

union all

select 'fct_monthly_reports' as model, departement_code, month_code as period_code, status
from {{ ref('fct_monthly_reports') }}
where is_received <> (suivis_engages is not null and actions_total is not null)
