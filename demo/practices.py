"""Good practices a demo département nominates: realistic actions, never about a person.

Texts describe a collective action (who organises it, for which public, with which partners,
what came out of it) and carry no name, date, phone number or e-mail address — the contract
refuses those, and a demo must show what a good nomination looks like.
"""

from __future__ import annotations

import random
from typing import Any

#: (titre, type_action, public_cible, partenaires, description, resultats)
CATALOGUE: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Groupe de parole pour parents inquiets", "parentalite", "familles",
     "Association de soutien aux parents, psychologue de la cellule, CAF",
     "Un groupe de parole mensuel, animé par une psychologue et une association de soutien à la "
     "parentalité, accueille les parents inquiets de la trajectoire d'un enfant. Les échanges "
     "portent sur le dialogue familial, les signes d'alerte et les ressources locales.",
     "Une dizaine de familles participent régulièrement ; les parents disent se sentir moins isolés "
     "et sollicitent plus tôt la cellule."),
    ("Atelier d'esprit critique face aux contenus en ligne", "educative", "mineurs",
     "Éducation nationale, Maison des adolescents, médiathèque départementale",
     "Des ateliers en petits groupes, co-animés par un éducateur et un professeur documentaliste, "
     "apprennent aux collégiens à repérer les mécanismes de manipulation des vidéos et des "
     "réseaux sociaux, à vérifier une source et à débattre sans invectives.",
     "Huit collèges touchés sur l'année ; les enseignants notent une meilleure qualité des débats "
     "en classe."),
    ("Formation des référents des collèges au repérage", "autre", "professionnels",
     "Éducation nationale, centre de ressources régional, préfecture",
     "Une journée de formation destinée aux référents des établissements scolaires : repérage des "
     "signaux faibles, circuit du signalement vers la cellule, articulation avec la protection de "
     "l'enfance et rôle de chacun après le signalement.",
     "Une quarantaine de professionnels formés ; les signalements reçus des établissements sont "
     "mieux documentés."),
    ("Accompagnement vers l'emploi avec la mission locale", "insertion", "majeurs",
     "Mission locale, France Travail, SPIP",
     "Un parcours renforcé d'accès à la formation et à l'emploi est proposé aux jeunes majeurs "
     "suivis par la cellule, avec un conseiller dédié, des entretiens réguliers et un lien direct "
     "avec le référent de suivi.",
     "La majorité des jeunes orientés sont entrés en formation qualifiante ou en emploi dans "
     "l'année."),
    ("Consultations de soutien psychologique sans délai", "psychologique", "mineurs",
     "Centre médico-psychologique, Maison des adolescents, ARS",
     "Une convention avec le centre médico-psychologique réserve des créneaux de consultation "
     "rapides aux situations orientées par la cellule, afin d'éviter des mois d'attente au moment "
     "où l'adolescent accepte d'être aidé.",
     "Délai de première consultation ramené à deux semaines environ ; très peu de rendez-vous "
     "manqués."),
    ("Chantiers citoyens et engagement associatif", "citoyennete", "mineurs",
     "Service civique, associations sportives, mairies",
     "Des chantiers collectifs et des missions dans des associations locales offrent aux jeunes "
     "suivis un cadre d'engagement, de rencontre et de responsabilité, encadré par des "
     "animateurs formés.",
     "Participation régulière des jeunes orientés ; plusieurs poursuivent en service civique."),
    ("Réseau de médiateurs santé en quartier prioritaire", "sante", "familles",
     "ARS, centres de santé, association de médiation",
     "Des médiateurs santé accompagnent les familles suivies vers les soins et les droits "
     "(couverture maladie, bilans, suivi psychologique), en lien avec la cellule et les "
     "travailleurs sociaux du secteur.",
     "Accès aux droits rétabli pour la plupart des familles accompagnées."),
    ("Cellule élargie aux acteurs du sport", "autre", "professionnels",
     "Service départemental de la jeunesse et des sports, clubs, ligues régionales",
     "Les dirigeants et éducateurs sportifs sont associés à la cellule une fois par trimestre : "
     "sensibilisation, circuit du signalement et retour d'expérience sur les situations "
     "rencontrées dans les clubs.",
     "Premiers signalements reçus du monde sportif, mieux qualifiés."),
    ("Visites à domicile conjointes avec l'aide sociale à l'enfance", "parentalite", "familles",
     "Conseil départemental (ASE), éducateurs de prévention spécialisée",
     "Lorsque la situation le justifie, un éducateur de la cellule et un travailleur social de "
     "l'ASE rencontrent ensemble la famille pour construire un accompagnement unique et lisible.",
     "Moins de ruptures de suivi et des familles qui identifient un interlocuteur principal."),
    ("Débats citoyens au lycée professionnel", "citoyennete", "mineurs",
     "Éducation nationale, association d'éducation populaire, délégué du préfet",
     "Un cycle de débats sur la laïcité, les libertés et l'engagement, préparé avec les élèves "
     "et animé par une association d'éducation populaire, dans les lycées professionnels du "
     "département.",
     "Forte participation des élèves ; les équipes demandent la reconduction du cycle."),
    ("Soutien aux professionnels après un suivi difficile", "psychologique", "professionnels",
     "Psychologue de la cellule, médecine du travail, préfecture",
     "Des temps d'analyse des pratiques sont proposés aux professionnels de la cellule et aux "
     "partenaires après un suivi éprouvant, pour prévenir l'épuisement et partager les "
     "enseignements.",
     "Les professionnels disent mieux tenir dans la durée ; le taux de participation est élevé."),
    ("Parcours de remobilisation scolaire", "educative", "mineurs",
     "Éducation nationale, protection judiciaire de la jeunesse, associations",
     "Un dispositif de quelques semaines accueille des collégiens décrocheurs suivis par la "
     "cellule : remise à niveau, projet personnel et retour progressif en classe.",
     "La plupart des élèves accueillis ont repris une scolarité régulière."),
)


def nominations(rng: random.Random, departement: str, month: str, rate: float) -> list[dict[str, Any]]:
    """The practices a département nominates for ``month`` (usually none, sometimes one or
    two), as contract rows. Titles are distinct within a month: they identify the rows."""
    draw, second, picks = rng.random(), rng.random(), rng.sample(range(len(CATALOGUE)), 2)
    if draw >= rate:
        return []
    count = 2 if second < 0.25 else 1
    rows = []
    for index in picks[:count]:
        titre, type_action, public_cible, partenaires, description, resultats = CATALOGUE[index]
        rows.append({
            "departement": departement, "mois": month, "titre": titre, "type_action": type_action,
            "public_cible": public_cible, "partenaires": partenaires, "description": description,
            "resultats": resultats,
        })
    return rows


AMENDMENT = " Bilan complété après la réunion suivante de la cellule, avec l'avis des partenaires."


def amended(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A re-sent nomination: the cell completes its first results a few days later."""
    return [dict(row, resultats=row["resultats"] + AMENDMENT) for row in rows]
