/** Lower case without accents: "Élodie D'Aubigné" → "elodie d'aubigne". The search key of accounts. */
export function foldForSearch(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .trim();
}

/** The text an account is found by: email, nom, prénom, RPPS, ADELI. */
export function accountSearchText(fields: {
  email: string;
  lastName: string;
  firstName: string;
  rpps?: string | null;
  adeli?: string | null;
}): string {
  return foldForSearch(
    [fields.email, fields.lastName, fields.firstName, fields.rpps ?? "", fields.adeli ?? ""].filter(Boolean).join(" "),
  );
}

/** The order of account lists: "nom prénom", folded, so "Élodie" sorts with "Elodie" whatever the collation. */
export function accountSortName(fields: { lastName: string; firstName: string }): string {
  return foldForSearch(`${fields.lastName} ${fields.firstName}`).slice(0, 210);
}
