// "Loaduser": the columns of the user file, one list for the template, the exports and the import, so that an
// export edited in a spreadsheet re-imports as a mass edit. A row becomes the same CreateAccountRequest the form
// sends, and is validated by the same zod schema.
import type { AccountType } from "@medimail/domain/account-states";
import { PROFESSIONS, REGIONS } from "@medimail/domain/referentials";
import { foldForSearch } from "@medimail/domain/text";
import type { CreateAccountInput } from "./accounts.ts";

export type LoaduserKey =
  | "type"
  | "email"
  | "lastName"
  | "firstName"
  | "profession"
  | "regionCode"
  | "nationalId"
  | "finessSite"
  | "phone"
  | "addressLine"
  | "postcode"
  | "city"
  | "connectionAccounts"
  | "description"
  | "responsibleLastName"
  | "responsibleFirstName"
  | "responsibleProfession"
  | "responsibleId"
  | "returnAddress"
  | "unlisted"
  | "dematerialisation";

export interface LoaduserColumn {
  key: LoaduserKey;
  /** the header in the file (the import finds columns by it, in any order) */
  header: string;
  /** for the "Consignes" sheet */
  meaning: string;
  requiredFor: readonly AccountType[];
  /** allowed values, when the column takes a list (the template turns them into a drop-down) */
  allowed?: readonly string[];
  example: string;
}

const ALL: readonly AccountType[] = ["MED", "PER", "INT", "ORG", "APP"];
const SHARED: readonly AccountType[] = ["ORG", "APP"];
const YES_NO = ["oui", "non"] as const;

/** "10 - Médecin": what the drop-downs show; the import also takes the code alone or the label alone. */
export const professionChoices = Object.entries(PROFESSIONS).map(([code, label]) => `${code} - ${label}`);
export const regionChoices = Object.entries(REGIONS).map(([code, label]) => `${code} - ${label}`);

export const LOADUSER_COLUMNS: readonly LoaduserColumn[] = [
  {
    key: "type",
    header: "Type de BAL",
    meaning:
      "Le type de boîte : MED (sans RPPS/ADELI), PER (RPPS ou ADELI), INT (interne), ORG (organisationnelle), APP (applicative)",
    requiredFor: ALL,
    allowed: ALL,
    example: "PER",
  },
  {
    key: "email",
    header: "Adresse mail",
    meaning: "Identifiant de connexion ; une ligne dont l'adresse existe déjà met ce compte à jour",
    requiredFor: ALL,
    example: "jeanne.dupont@chu-toulouse.fr",
  },
  {
    key: "lastName",
    header: "Nom",
    meaning: "Nom de l'utilisateur (ou de la boîte ORG/APP)",
    requiredFor: ALL,
    example: "Dupont",
  },
  { key: "firstName", header: "Prénom", meaning: "Prénom de l'utilisateur", requiredFor: ALL, example: "Jeanne" },
  {
    key: "profession",
    header: "Profession",
    meaning: "Code de la nomenclature TRE_G15 (ex. 10 pour Médecin), seul ou suivi du libellé",
    requiredFor: ALL,
    allowed: professionChoices,
    example: "10 - Médecin",
  },
  {
    key: "regionCode",
    header: "Région",
    meaning: "Code INSEE de la région (ex. 76 pour Occitanie), seul ou suivi du nom",
    requiredFor: ALL,
    allowed: regionChoices,
    example: "76 - Occitanie",
  },
  {
    key: "nationalId",
    header: "RPPS / ADELI",
    meaning: "RPPS (11 chiffres) ou ADELI (9 chiffres)",
    requiredFor: ["PER"],
    example: "10101234564",
  },
  {
    key: "finessSite",
    header: "FINESS géographique",
    meaning: "FINESS géographique de la structure de rattachement (9 caractères, clé vérifiée)",
    requiredFor: ["INT", "ORG", "APP"],
    example: "310783048",
  },
  { key: "phone", header: "Téléphone", meaning: "Numéro français", requiredFor: [], example: "05 61 77 22 33" },
  { key: "addressLine", header: "Adresse", meaning: "Numéro et voie", requiredFor: [], example: "1 place du Capitole" },
  { key: "postcode", header: "Code postal", meaning: "5 chiffres", requiredFor: [], example: "31000" },
  { key: "city", header: "Commune", meaning: "Commune", requiredFor: [], example: "Toulouse" },
  {
    key: "connectionAccounts",
    header: "Comptes de connexion",
    meaning: "Adresses de comptes MED, PER ou INT existants qui ouvrent la boîte, séparées par des points-virgules",
    requiredFor: SHARED,
    example: "jeanne.dupont@chu-toulouse.fr;paul.martin@chu-toulouse.fr",
  },
  {
    key: "description",
    header: "Description",
    meaning: "Service ou usage de la boîte ORG/APP (500 caractères au plus)",
    requiredFor: SHARED,
    example: "Secrétariat de cardiologie",
  },
  {
    key: "responsibleLastName",
    header: "Nom du responsable",
    meaning: "Professionnel habilité responsable de la boîte",
    requiredFor: SHARED,
    example: "Durand",
  },
  { key: "responsibleFirstName", header: "Prénom du responsable", meaning: "", requiredFor: SHARED, example: "Anne" },
  {
    key: "responsibleProfession",
    header: "Profession du responsable",
    meaning: "Code TRE_G15, seul ou suivi du libellé",
    requiredFor: SHARED,
    allowed: professionChoices,
    example: "10 - Médecin",
  },
  {
    key: "responsibleId",
    header: "RPPS / ADELI du responsable",
    meaning: "RPPS (11 chiffres) ou ADELI (9 chiffres) du responsable",
    requiredFor: SHARED,
    example: "10001234565",
  },
  {
    key: "returnAddress",
    header: "Adresse retour MSSanté",
    meaning: "Adresse MSSanté d'une boîte PER, ORG ou INT où arrivent les réponses",
    requiredFor: ["APP"],
    example: "secretariat.cardio@chu-toulouse.mssante.fr",
  },
  {
    key: "unlisted",
    header: "Liste rouge",
    meaning: "oui : masqué dans l'annuaire Medimail (non par défaut)",
    requiredFor: [],
    allowed: YES_NO,
    example: "non",
  },
  {
    key: "dematerialisation",
    header: "Dématérialisation",
    meaning: "oui / non (MED, PER, INT ; non par défaut)",
    requiredFor: [],
    allowed: YES_NO,
    example: "non",
  },
];

export type LoaduserRow = Record<LoaduserKey, string>;

// --- formula injection ----------------------------------------------------------------------------------------

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet would run as a formula (= + - @, tab, carriage return) is written with a leading
 * apostrophe, which spreadsheets show as text. Every export cell goes through this.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The import undoes it, so that "+33 5 61…" exported as "'+33 5 61…" comes back as typed. */
export function unneutraliseCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

// --- rows ↔ accounts --------------------------------------------------------------------------------------------

/** Each table's codes by folded label, built once (an import looks up every row's profession and région). */
const codesByLabel = new WeakMap<Readonly<Record<string, string>>, Map<string, string>>();

/** "10", "10 - Médecin" or "Médecin" → "10"; anything else is returned as typed (the schema then refuses it). */
function codeOf(value: string, table: Readonly<Record<string, string>>): string {
  const trimmed = value.trim();
  if (trimmed === "") return "";
  const code = trimmed.split(/\s+-\s+/)[0]?.trim() ?? "";
  if (Object.hasOwn(table, code)) return code;
  if (Object.hasOwn(table, trimmed.toUpperCase())) return trimmed.toUpperCase();
  let byLabel = codesByLabel.get(table);
  if (!byLabel) {
    byLabel = new Map();
    for (const [key, label] of Object.entries(table)) {
      if (!byLabel.has(foldForSearch(label))) byLabel.set(foldForSearch(label), key);
    }
    codesByLabel.set(table, byLabel);
  }
  return byLabel.get(foldForSearch(trimmed)) ?? trimmed;
}

function yesNo(value: string, byDefault: boolean): boolean | string {
  const folded = foldForSearch(value);
  if (folded === "") return byDefault;
  if (["oui", "o", "yes", "y", "1", "vrai", "true", "x"].includes(folded)) return true;
  if (["non", "n", "no", "0", "faux", "false"].includes(folded)) return false;
  return value; // refused by the schema, with its French message
}

/**
 * A file row as the body the creation form would send. Options that are not in the file (notifications) come from
 * `defaults` (the structure's for a new account, the account's own for an update).
 */
export function rowToAccountInput(
  row: LoaduserRow,
  defaults: { notifyOnReception: boolean; notifyDailyDigest: boolean; notifyOnOpening: boolean },
): CreateAccountInput {
  const text = (key: LoaduserKey) => unneutraliseCell(row[key] ?? "").trim();
  return {
    type: text("type").toUpperCase() as AccountType,
    email: text("email"),
    lastName: text("lastName"),
    firstName: text("firstName"),
    profession: codeOf(text("profession"), PROFESSIONS),
    regionCode: codeOf(text("regionCode"), REGIONS),
    nationalId: text("nationalId"),
    finessSite: text("finessSite"),
    phone: text("phone"),
    addressLine: text("addressLine"),
    postcode: text("postcode"),
    city: text("city"),
    connectionAccounts: text("connectionAccounts")
      .split(/[;,\n]/)
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
    description: text("description"),
    responsible: {
      lastName: text("responsibleLastName"),
      firstName: text("responsibleFirstName"),
      profession: codeOf(text("responsibleProfession"), PROFESSIONS),
      rpps: text("responsibleId"),
    },
    returnAddress: text("returnAddress"),
    unlisted: yesNo(text("unlisted"), false),
    dematerialisation: yesNo(text("dematerialisation"), false),
    ...defaults,
  } as unknown as CreateAccountInput;
}

/** What an export writes for an account (the same columns, the lists' "code - label" forms). */
export function accountToRow(account: {
  type: AccountType;
  email: string;
  lastName: string;
  firstName: string;
  profession: string | null;
  regionCode: string | null;
  rpps: string | null;
  adeli: string | null;
  finessSite: string | null;
  phone: string | null;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  connectionAccounts: readonly string[];
  description: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  responsibleProfession: string | null;
  responsibleNationalId: string | null;
  returnAddress: string | null;
  unlisted: boolean;
  dematerialisation: boolean;
}): LoaduserRow {
  const choice = (code: string | null, table: Readonly<Record<string, string>>) =>
    code ? (table[code] ? `${code} - ${table[code]}` : code) : "";
  return {
    type: account.type,
    email: account.email,
    lastName: account.lastName,
    firstName: account.firstName,
    profession: choice(account.profession, PROFESSIONS),
    regionCode: choice(account.regionCode, REGIONS),
    nationalId: account.rpps ?? account.adeli ?? "",
    finessSite: account.finessSite ?? "",
    phone: account.phone ?? "",
    addressLine: account.addressLine ?? "",
    postcode: account.postcode ?? "",
    city: account.city ?? "",
    connectionAccounts: account.connectionAccounts.join(";"),
    description: account.description ?? "",
    responsibleLastName: account.responsibleLastName ?? "",
    responsibleFirstName: account.responsibleFirstName ?? "",
    responsibleProfession: choice(account.responsibleProfession, PROFESSIONS),
    responsibleId: account.responsibleNationalId ?? "",
    returnAddress: account.returnAddress ?? "",
    unlisted: account.unlisted ? "oui" : "non",
    dematerialisation: account.dematerialisation ? "oui" : "non",
  };
}

/** The column a validation issue is about (its zod path), for the import report: "Nom du responsable". */
export function columnOfIssue(path: readonly PropertyKey[]): LoaduserColumn | null {
  const [first, second] = path.map(String);
  const key: LoaduserKey | undefined =
    first === "responsible"
      ? (
          {
            lastName: "responsibleLastName",
            firstName: "responsibleFirstName",
            profession: "responsibleProfession",
            rpps: "responsibleId",
          } as const
        )[second as "lastName" | "firstName" | "profession" | "rpps"]
      : (first as LoaduserKey);
  return LOADUSER_COLUMNS.find((column) => column.key === key) ?? null;
}
