// Common French surnames and given names, with their accents, for generated accounts. Combined at random they
// give a million accounts whose names repeat as in a region: a surname is found a few times in one site, a few
// thousand times region-wide (a little more for the most common ones, which the generator draws more often).

/** 320 surnames: the most frequent in France, then frequent ones in Occitanie. */
// biome-ignore format: a table of names, ten a line
export const LAST_NAMES = [
  "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
  "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
  "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
  "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
  "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
  "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
  "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
  "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
  "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe",
  "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte",
  "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin",
  "Louis", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet",
  "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier",
  "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet",
  "Léger", "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
  "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré",
  "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez",
  "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva",
  "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret",
  "Barthélemy", "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte",
  "Azéma", "Cazals", "Bousquet", "Delmas", "Teyssier", "Rouquette", "Calmettes", "Castan", "Costes", "Salvan",
  "Sabatier", "Soulié", "Maurel", "Granier", "Bonnafous", "Cabrol", "Alary", "Rigal", "Vergnes", "Pujol",
  "Bru", "Mas", "Serres", "Puech", "Cros", "Carrière", "Lacombe", "Laffont", "Combes", "Couderc",
  "Lafon", "Mazars", "Cayrol", "Bories", "Andrieu", "Arnal", "Astruc", "Barthe", "Bastide", "Bénézech",
  "Boudou", "Bourrel", "Bouissou", "Cabanes", "Calvet", "Canal", "Carles", "Cassan", "Cazes", "Chabert",
  "Clavel", "Coste", "Crouzet", "Daurès", "Delpech", "Dufau", "Escande", "Espinasse", "Estève", "Fabregat",
  "Farré", "Ferrand", "Fraysse", "Gaubert", "Gineste", "Gleizes", "Guiraud", "Jalabert", "Jammes", "Labat",
  "Lacoste", "Lagarde", "Lapeyre", "Lasserre", "Laurens", "Lavergne", "Malet", "Marcou", "Massol", "Miquel",
  "Molinier", "Montel", "Nègre", "Pagès", "Pech", "Pons", "Pradel", "Rieu", "Roques", "Rouanet",
  "Roustan", "Salles", "Sarda", "Sicard", "Soulier", "Tournier", "Vaissière", "Valette", "Vayssière", "Verdier",
  "Viguier", "Bourdin", "Cathala", "Dedieu", "Falguières", "Galy", "Izard", "Lafforgue", "Mercadier", "Ournac",
  "D'Aubigné", "De La Roche", "Saint-Martin", "Le Corre", "N'Diaye", "Nguyen", "Benali", "Haddad", "Diallo", "Traoré",
];

/** 220 given names, women's and men's, of every generation of professionals. */
// biome-ignore format: a table of names, ten a line
export const FIRST_NAMES = [
  "Marie", "Jean", "Pierre", "Michel", "André", "Philippe", "Nathalie", "Isabelle", "Sylvie", "Catherine",
  "Françoise", "Christine", "Monique", "Valérie", "Sandrine", "Stéphane", "Laurent", "Christophe", "Frédéric", "Olivier",
  "Nicolas", "Julien", "Sébastien", "David", "Thomas", "Alexandre", "Guillaume", "Camille", "Léa", "Manon",
  "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura", "Pauline", "Marion", "Lucie", "Céline",
  "Aurélie", "Émilie", "Élodie", "Hélène", "Anne", "Sophie", "Caroline", "Virginie", "Delphine", "Claire",
  "Mathilde", "Charlotte", "Margaux", "Océane", "Juliette", "Clara", "Louise", "Alice", "Jade", "Zoé",
  "Lola", "Anaïs", "Morgane", "Audrey", "Mélanie", "Stéphanie", "Karine", "Véronique", "Patricia", "Martine",
  "Brigitte", "Dominique", "Claude", "Bernard", "Gérard", "Daniel", "Alain", "Patrick", "Jacques", "Éric",
  "François", "Thierry", "Pascal", "Didier", "Bruno", "Yves", "Serge", "Hervé", "Jérôme", "Vincent",
  "Fabrice", "Cédric", "Arnaud", "Mathieu", "Romain", "Maxime", "Kévin", "Florian", "Benjamin", "Antoine",
  "Hugo", "Lucas", "Louis", "Gabriel", "Léo", "Raphaël", "Arthur", "Jules", "Adam", "Nathan",
  "Théo", "Paul", "Tom", "Enzo", "Clément", "Quentin", "Baptiste", "Damien", "Jérémy", "Anthony",
  "Rémi", "Loïc", "Yannick", "Grégory", "Ludovic", "Xavier", "Joël", "Régis", "Gilles", "Marc",
  "Luc", "Denis", "Benoît", "Sylvain", "Emmanuel", "Cyril", "Mickaël", "Franck", "Jean-Pierre", "Jean-Marc",
  "Jean-Luc", "Jean-François", "Marie-Claire", "Anne-Sophie", "Marie-Hélène", "Agnès", "Annie", "Josiane", "Chantal", "Danielle",
  "Nicole", "Jacqueline", "Colette", "Odile", "Geneviève", "Florence", "Corinne", "Laurence", "Béatrice", "Muriel",
  "Nadine", "Évelyne", "Fabienne", "Amandine", "Justine", "Marine", "Laetitia", "Jessica", "Vanessa", "Élise",
  "Agathe", "Noémie", "Gaëlle", "Solène", "Maëlle", "Elsa", "Lina", "Mila", "Rose", "Ambre",
  "Romane", "Capucine", "Victoire", "Apolline", "Héloïse", "Constance", "Bérénice", "Ophélie", "Coralie", "Fanny",
  "Estelle", "Sabrina", "Nadia", "Samia", "Fatima", "Karima", "Mohamed", "Karim", "Rachid", "Mehdi",
  "Yacine", "Samir", "Nabil", "Sofiane", "Bilal", "Youssef", "Ibrahim", "Moussa", "Amadou", "Mamadou",
  "Jean-Baptiste", "Pierre-Louis", "Marie-Christine", "Anne-Laure", "Marie-Pierre", "Guy", "Roland", "Henri", "Robert", "Georges",
];

/** Services that shared (ORG) and application (APP) mailboxes are named after ("nom"; the "prénom" is the site). */
// biome-ignore format: a table of names
export const SERVICE_NAMES = [
  "Secrétariat", "Accueil", "Cardiologie", "Pneumologie", "Pédiatrie", "Radiologie", "Urgences", "Maternité",
  "Oncologie", "Gériatrie", "Psychiatrie", "Laboratoire", "Pharmacie", "Bloc opératoire", "Consultations",
  "Imagerie médicale", "Médecine interne", "Neurologie", "Rhumatologie", "Dermatologie", "Néphrologie",
  "Hémodialyse", "Soins de suite", "Direction des soins", "Admissions", "Service social", "Diététique",
  "Kinésithérapie", "Ophtalmologie", "Chirurgie viscérale",
];
