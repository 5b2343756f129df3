// MSSanté addresses ("correspondances MSSanté"): `prefix@<structure's MSSanté domain>`, with a prefix whose shape
// depends on the mailbox type (guide 2.4): PER/INT nominative (nom.prenom or prenom.nom), ORG generic, APP starting
// with noreply or nepasrepondre, MED never. Pure: the API adds uniqueness and quotas, which need the database.
import type { AccountType } from "./account-states.ts";

export interface PersonName {
  lastName: string;
  firstName: string;
}

/**
 * A name as an address part: lower case, accents removed, spaces and apostrophes to hyphens, anything else that an
 * address cannot hold dropped. "Jean-Éric D'Aubigné" → "jean-eric" / "d-aubigne".
 */
export function addressPart(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[œŒ]/g, "oe")
    .replace(/[æÆ]/g, "ae")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[\s'’`]+/g, "-")
    .replace(/[^a-z0-9-]/g, "")
    .replace(/-{2,}/g, "-")
    .replace(/^-|-$/g, "");
}

/** The two nominative prefixes of a person, "nom.prenom" first. */
export function nominativePrefixes(name: PersonName): [string, string] {
  const last = addressPart(name.lastName);
  const first = addressPart(name.firstName);
  return [`${last}.${first}`, `${first}.${last}`];
}

const LOCAL_PART = /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/;
const APP_PREFIXES = ["noreply", "nepasrepondre"] as const;

/** Splits "prefix@domain"; null when it is not one address. */
export function splitAddress(address: string): { prefix: string; domain: string } | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at !== address.indexOf("@")) return null;
  return { prefix: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * "nom.prenom", "prenom.nom", or either followed by a number (homonyms: "martin.jean2"). The number is what follows
 * a whole nominative prefix, not any trailing digits: a name may itself end with digits ("jean.dupont3" is the
 * holder's own prefix when the name typed is "Dupont3").
 */
function isNominativeOf(prefix: string, name: PersonName): boolean {
  return nominativePrefixes(name).some((nominative) => {
    if (!prefix.startsWith(nominative)) return false;
    return /^\d*$/.test(prefix.slice(nominative.length));
  });
}

/**
 * Why an address cannot be this account's MSSanté address (in French, the rule that is broken), or null.
 * `people`: for an ORG mailbox, the persons whose name pattern it must not take (its responsible, its connection
 * accounts): a generic address names a service, not someone.
 */
export function addressError(
  type: AccountType,
  address: string,
  context: { domain: string | null; holder: PersonName; people?: readonly PersonName[] },
): string | null {
  if (type === "MED") return "Un compte MED ne peut pas avoir de correspondance MSSanté.";
  if (!context.domain) return "La structure n'a pas de domaine MSSanté : l'opérateur doit le renseigner d'abord.";
  const parts = splitAddress(address.trim().toLowerCase());
  if (!parts) return `Adresse attendue de la forme xxxxx@${context.domain}`;
  if (parts.domain !== context.domain) return `L'adresse doit être en @${context.domain}, le domaine de la structure.`;
  if (!LOCAL_PART.test(parts.prefix) || parts.prefix.includes("..")) {
    return "Le préfixe ne peut contenir que des lettres sans accent, des chiffres, des points, des tirets et des soulignés (64 caractères au plus).";
  }
  switch (type) {
    case "PER":
    case "INT": {
      if (isNominativeOf(parts.prefix, context.holder)) return null;
      const [lastFirst, firstLast] = nominativePrefixes(context.holder);
      return `Les comptes ${type} ont une adresse nominative : ${lastFirst}@${context.domain} ou ${firstLast}@${context.domain} (suivie d'un numéro pour un homonyme).`;
    }
    case "ORG": {
      const person = (context.people ?? []).find((candidate) => isNominativeOf(parts.prefix, candidate));
      if (person) {
        return `Les comptes ORG ont une adresse générique (ex. secretariat.cardiologie) : « ${parts.prefix} » est le nom de ${person.firstName} ${person.lastName}.`;
      }
      return null;
    }
    case "APP":
      return APP_PREFIXES.some((start) => parts.prefix.startsWith(start))
        ? null
        : "Les comptes APP ont une adresse qui commence par noreply ou nepasrepondre.";
  }
}

/**
 * The address proposed for an account ("Activer tous les utilisateurs compatibles"): nom.prenom (then prenom.nom,
 * then numbered) for PER/INT, a slug of the mailbox name for ORG, noreply-<name> for APP; the first one not taken.
 * null for MED, or when no domain.
 */
export function proposeAddress(
  type: AccountType,
  holder: PersonName,
  domain: string | null,
  isTaken: (address: string) => boolean,
): string | null {
  if (type === "MED" || !domain) return null;
  const candidates: string[] = [];
  if (type === "PER" || type === "INT") {
    const [lastFirst, firstLast] = nominativePrefixes(holder);
    if (!addressPart(holder.lastName) || !addressPart(holder.firstName)) return null;
    candidates.push(lastFirst, firstLast);
    for (let n = 2; n < 100; n++) candidates.push(`${lastFirst}${n}`);
  } else {
    const base = addressPart(type === "APP" ? `noreply ${holder.lastName}` : holder.lastName).replace(/-/g, ".");
    if (!base) return null;
    candidates.push(base);
    for (let n = 2; n < 100; n++) candidates.push(`${base}${n}`);
  }
  // a prefix longer than an address allows is not cut (it would no longer be the name): nothing is proposed
  for (const prefix of candidates.filter((candidate) => candidate.length <= 64)) {
    const address = `${prefix}@${domain}`;
    if (!isTaken(address)) return address;
  }
  return null;
}

/** A type's quota of MSSanté addresses: -1 unlimited, 0 none, n at most n. */
export function quotaAllowsOneMore(quota: number, used: number): boolean {
  return quota === -1 || used < quota;
}
