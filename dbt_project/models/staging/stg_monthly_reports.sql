with

source as (

    select * from {{ source('raw', 'monthly_reports') }}

),

renamed as (

    select

        ---------- ids
        submission_id,
        source_row,
        source_sha256,
        departement as departement_code,
        mois as month_code,

        ---------- timestamps
        received_at,

        ---------- follow-ups
        suivis_engages,
        suivis_actifs,
        suivis_clos_favorables,
        suivis_clos_autres,
        orientations_judiciaires,

        ---------- actions by type
        actions_educatives,
        actions_psychologiques,
        actions_insertion,
        actions_parentalite,
        actions_citoyennete,
        actions_sante,
        actions_autres,
        familles_accompagnees,
        reunions_cellule,

        ---------- partners mobilised
        partenaire_conseil_departemental,
        partenaire_spip,
        partenaire_psychologue,
        partenaire_association,
        partenaire_education_nationale,

        ---------- money and training
        fipd_engage_eur,
        professionnels_formes,

        ---------- text
        commentaire

    from source

)

select * from renamed
