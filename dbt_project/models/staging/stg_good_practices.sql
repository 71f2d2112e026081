with

source as (

    select * from {{ source('raw', 'good_practices') }}

),

renamed as (

    select

        ---------- ids
        submission_id,
        source_row,
        source_sha256,
        departement as departement_code,
        mois as month_code,
        titre,

        ---------- timestamps
        received_at,

        ---------- codes
        type_action as action_type_code,
        public_cible as target_public_code,

        ---------- text
        partenaires,
        description,
        resultats

    from source

)

select * from renamed
