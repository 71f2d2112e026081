with

departements as (

    select * from {{ reporting_units() }}

),

final as (

    select
        departement_code,
        departement_name,
        region_code,
        region_name,
        zone,
        chef_lieu as chef_lieu_code
    from departements

)

select * from final
