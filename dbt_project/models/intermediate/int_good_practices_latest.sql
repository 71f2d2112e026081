{#- A practice is identified by (département, month, title); a re-upload replaces it. -#}
with

good_practices as (

    select * from {{ ref('stg_good_practices') }}
    where {{ known_at_filter('received_at') }}

),

versions as (

    select
        departement_code,
        month_code,
        titre,
        count(*) as version_count,
        min(received_at) as first_received_at,
        {{ latest_value('submission_id', 'received_at') }} as submission_id
    from good_practices
    group by departement_code, month_code, titre

),

final as (

    select
        versions.version_count,
        versions.first_received_at,
        good_practices.*
    from versions
    inner join good_practices
        on good_practices.departement_code = versions.departement_code
        and good_practices.month_code = versions.month_code
        and good_practices.titre = versions.titre
        and good_practices.submission_id = versions.submission_id

)

select * from final
