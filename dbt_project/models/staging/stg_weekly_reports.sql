with

source as (

    select * from {{ source('raw', 'weekly_reports') }}

),

renamed as (

    select

        ---------- ids
        submission_id,
        source_row,
        source_sha256,
        departement as departement_code,
        semaine as week_code,

        ---------- timestamps
        received_at,

        ---------- counts
        signalements_cnapr,
        signalements_locaux,
        signalements_cnapr + signalements_locaux as nouveaux_signalements,
        dont_mineurs,
        orientations_judiciaires,
        suivis_en_cours,
        suivis_clos,
        familles_accompagnees,

        ---------- text
        commentaire

    from source

)

select * from renamed
