"""Word lists the person-name rules use: first names, the vocabulary of institutions, and the
nouns that introduce a person.

Why hand-written lists: no PyPI package ships a maintained list of French first names (the
INSEE file is a download, not a package), and the NER model alone misses first names used
alone (« suivi de Kevin » reads as a place to it). The list holds the first names most given in
France over the last fifty years, the diminutives agents write, and leaves out the ones that are
also places, institutions or common words a description starts a sentence with (France,
Florence, Nancy, Marine, Rose, Claire, Noël…): those would reject clean texts.
"""

from __future__ import annotations

_FIRST_NAMES = """
Aaron Abdel Abdallah Abdelkader Abdoulaye Abel Abdou Achille Adam Adama Adel Adèle Adil Adrien
Adrienne Agathe Agnès Ahmed Aïcha Aïssa Aïssatou Aimé Alain Alan Albert Alexandra Alexandre
Alexis Alice Alicia Aline Alix Amandine Amadou Amaury Ambre Amel Amélie Amine Amira Anaïs
Anastasia Andréa André Andrée Anne Anna Annabelle Annie Anouk Anthony Antoine Antoinette Antonin
Apolline Ariane Arnaud Arthur Assia Assa Astrid Audrey Augustin Aurélie Aurélien Axel Axelle
Aya Ayoub Aziz Bastien Baptiste Béatrice Benjamin Benoît Bérénice Bernard Bernadette Bertrand
Bilal Billel Blandine Boris Boubacar Brahim Brice Brigitte Bruno Camille Capucine Carine
Carla Carole Caroline Cassandre Catherine Cécile Céline Chantal Charles Charlène Charlie
Chloé Christelle Christian Christine Christophe Cindy Clara Clarisse Claude Clément Clémence
Cléa Clémentine Colette Coline Corentin Cyril Cyrielle Cynthia Damien Daniel Danielle David
Delphine Denis Denise Diane Didier Dimitri Djamel Dominique Dorian Driss Dylan Eden Edgar
Edouard Édouard Élise Éléonore Eléonore Elena Eliott Élodie Elodie Éloïse Elsa Emma Emmanuel
Emmanuelle Émile Emilie Émilie Enzo Éric Eric Erwan Estelle Esteban Ethan Étienne Eugénie
Eva Evan Ève Fabien Fabienne Fabrice Farid Fatima Fatou Fatoumata Fanny Félix Fernand
Fernande Florian Florent Francis Francine Franck François Françoise Frédéric Frédérique
Gabriel Gabrielle Gaël Gaëlle Gaëtan Gaspard Geneviève Georges Gérard Géraldine Ghislaine
Gilbert Gilles Gisèle Grégoire Grégory Guillaume Guy Hafid Hakim Halima Hamid Hamza Hannah
Hassan Hélène Henri Henriette Hervé Hichem Hocine Hugo Hugues Ibrahim Ibrahima Idriss Ilan
Ilyes Ilyas Imane Inès Irène Isaac Isabelle Ismaël Issa Jacqueline Jacques Jade Jamel Jason
Jean Jeanne Jennifer Jérémie Jérémy Jérôme Jessica Joël Joëlle Johan Jonathan Jordan José
Joseph Josiane Josette Juliette Julie Julien Julia Justine Kader Kamel Karim Karima Karine
Kelly Kenza Kevin Kévin Khadija Killian Kylian Laetitia Lætitia Laura Laurence Laurent Léa
Léna Léo Léon Léonie Liam Lilian Liliane Lilou Lina Lisa Loïc Lola Lou Louis Louise Lounis
Luc Lucas Lucie Lucien Lucienne Ludovic Lyna Madeleine Mael Maël Maëlle Maëva Mamadou Manon
Marc Marcel Marcelle Margaux Margot Maria Marianne Marie Marion Marius Martine Mathéo
Mathias Mathieu Mathilde Mathis Matthieu Maxence Maxime Mehdi Mélanie Mélissa Michel Michèle
Micheline Mickaël Mila Mohamed Mohammed Mona Monique Morgane Moussa Mounir Mourad Myriam
Nabil Nadia Nadine Naël Naïm Naïma Nassim Nathalie Nathan Nicolas Nicole Nina Noah Noam
Noémie Nora Nordine Nour Océane Odette Odile Olivia Olivier Omar Ophélie Oscar Pascale Patrice
Patricia Patrick Paul Paule Pauline Perrine Philippe Pierre Pierrette Quentin Rachid Rachida
Rafael Raphaël Raphaëlle Rayan Raymond Rémi Rémy Renée René Richard Robert Robin Rodolphe
Romain Romane Romuald Ryan Sabine Sabrina Sacha Salomé Salma Samia Samir Samira Samuel Sandra
Sandrine Sarah Sara Séverine Sébastien Serge Simon Simone Sofia Sofiane Sophie Soraya
Stéphane Stéphanie Suzanne Sylvain Sylvie Tatiana Théo Théa Thérèse Thibault Thibaut Thierry
Thomas Timéo Timothée Tristan Valentin Valentine Valérie Vanessa Véronique Victor Vincent
Virginie Walid Wassim William Xavier Yacine Yanis Yann Yannick Yasmine Yassine Youssef
Younes Yves Yvette Yvonne Zakaria Zoé Zohra Zinedine
"""

#: What agents write instead of the full first name.
_DIMINUTIVES = """
Alex Ben Béa Cathy Chris Christo Dédé Domi Fab Fabi Flo Fred Fredo Gégé Jojo Juju Kiki Lulu
Mado Manu Max Mimi Momo Nanou Nico Pat Polo Sam Seb Séb Stef Steph Titi Tom Tonio Vivi
Zizou Loulou Nath Caro Alex Isa Marco Jeannot Pierrot Jacquot Nono Riri Toto
"""

FIRST_NAMES = frozenset((_FIRST_NAMES + _DIMINUTIVES).split())

#: First names left out above because they are also common words or places, but that are
#: names beyond doubt as the second part of a compound (« Marie-Claire », « Anne-France »).
COMPOUND_ONLY_NAMES = frozenset("""
Claire Rose France Florence Marine Blanche Aurore Noël Pascal Constance Grâce Violette Ange
Laure Hélène Christine Line Lise Josée Reine Paule Dominique Emmanuelle Victoire
""".split())

#: Words that make the names around them an institution, a place or a programme
#: (« collège Jean Moulin », « centre social Louise Michel », « association Génération
#: Médiateurs »), folded to lower case without accents.
INSTITUTION_WORDS = frozenset("""
association associations asso collectif federation fondation institut centre centres maison
maisons college colleges lycee lycees ecole ecoles universite faculte mediatheque bibliotheque
gymnase stade salle espace complexe hopital chu clinique foyer residence club clubs ligue
comite conseil mairie ville commune prefecture sous-prefecture tribunal parquet cour
rectorat academie departement region metropole agglomeration quartier cite programme
dispositif plan projet operation prix reseau cellule service services mission mouvement
union syndicat compagnie theatre musee cinema festival groupe caisse agence office
entreprise societe campus pole cabinet maison-relais etablissement internat epide
""".split())

#: Words written with a capital that name institutions, bodies and programmes, not people
#: (folded). A name-like entity made only of these is not a person.
INSTITUTIONAL_VOCABULARY = frozenset("""
pjj ase spip caf cpam ars mdph mda cmp cmpp cnapr cipdr sg-cipdr sgcipd sg-cipd cipd
education nationale travail france emploi pole mission locale protection judiciaire jeunesse
aide sociale enfance conseil departemental regional prefecture prefet prefete police
gendarmerie nationale justice parquet tribunal republique etat ministere interieur sante
maison adolescents adolescent centre medico-psychologique medico psychologique hopital
universite academie rectorat dasen drajes sdjes jeunesse sports sport service civique
croix-rouge croix rouge secours populaire catholique restos coeur emmaus apprentis auteuils
ligue enseignement cemea francas ufcv fol udaf unaf cidff planning familial generation
mediateurs mediation adultes relais cites educatives cite educative quartiers politique
ville contrat contrats programme plan national strategie prevention radicalisation
delinquance cnpd cisp fipd fipdr crip prij caf msa pmi clspd cisp cls chrs cada cph ofii
ofpra epide e2c missions locales apec cap emploi afpa greta cfa cio psyen infirmier
scolaire samu smur sos amitie fil sante jeunes ecoute phare enfants parents reaap clas
laep pif paej csapa caarud ddets dreets deets dets dgscgc fpr fsprt uclat dgsi dgpn
dggn sdao crt sgdsn ocrvp atelier ateliers formation formations reunion reunions groupe
parole bilan suivi suivis cellule familles famille partenaires partenaire action actions
dispositif projet referent referents educateur educateurs educatrice psychologue
psychologues mairie mairies ville villes commune communes metropole region regions
departement departements collectivite collectivites ccas cias
""".split())

#: Nouns that introduce a person: « le jeune K. », « un garçon de 15 ans », « sa mère ».
PERSON_NOUNS = frozenset("""
jeune jeunes garcon garcons fille filles adolescent adolescente adolescents adolescentes
mineur mineure mineurs mineures majeur majeure enfant enfants eleve eleves collegien
collegienne collegiens lyceen lyceenne lyceens etudiant etudiante homme femme hommes femmes
frere soeur freres soeurs fils pere mere oncle tante cousin cousine individu personne
intéressé interesse interessee beneficiaire usager usagere patient patiente detenu detenue
mis-en-cause prevenu prevenue
""".split())

#: Titles before a surname: « Mme Dupont », « M. Benali », « Dr Martin ».
CIVILITIES = ("M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Monsieur", "Madame", "Mademoiselle",
              "Messieurs", "Mesdames", "Dr", "Dr.", "Docteur", "Pr", "Pr.", "Me", "Maître")
