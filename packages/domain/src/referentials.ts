// Small national nomenclatures the forms choose from. Codes are those of the ANS (professions, TRE_G15) and
// of the INSEE (régions); the labels are what French users read.

/** TRE_G15-ProfessionSante, the professions with an RPPS or ADELI number, plus a local code for the others. */
export const PROFESSIONS: Readonly<Record<string, string>> = {
  "10": "Médecin",
  "21": "Pharmacien",
  "26": "Audioprothésiste",
  "28": "Opticien-lunetier",
  "40": "Chirurgien-dentiste",
  "50": "Sage-femme",
  "60": "Infirmier",
  "69": "Infirmier psychiatrique",
  "70": "Masseur-kinésithérapeute",
  "80": "Pédicure-podologue",
  "81": "Orthoprothésiste",
  "82": "Podo-orthésiste",
  "83": "Orthopédiste-orthésiste",
  "84": "Oculariste",
  "85": "Épithésiste",
  "86": "Technicien de laboratoire médical",
  "91": "Orthophoniste",
  "92": "Orthoptiste",
  "93": "Psychologue",
  "94": "Ergothérapeute",
  "95": "Diététicien",
  "96": "Psychomotricien",
  "98": "Manipulateur ERM",
  /** not in TRE_G15: secretaries, administrative staff, students (MED accounts mostly) */
  AUTRE: "Autre profession",
};

/** The INSEE regions (2016 map). */
export const REGIONS: Readonly<Record<string, string>> = {
  "01": "Guadeloupe",
  "02": "Martinique",
  "03": "Guyane",
  "04": "La Réunion",
  "06": "Mayotte",
  "11": "Île-de-France",
  "24": "Centre-Val de Loire",
  "27": "Bourgogne-Franche-Comté",
  "28": "Normandie",
  "32": "Hauts-de-France",
  "44": "Grand Est",
  "52": "Pays de la Loire",
  "53": "Bretagne",
  "75": "Nouvelle-Aquitaine",
  "76": "Occitanie",
  "84": "Auvergne-Rhône-Alpes",
  "93": "Provence-Alpes-Côte d'Azur",
  "94": "Corse",
};

export const isProfession = (code: string): boolean => Object.hasOwn(PROFESSIONS, code);
export const isRegion = (code: string): boolean => Object.hasOwn(REGIONS, code);
