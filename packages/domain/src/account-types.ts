// What each mailbox type ("type de BAL") asks for and allows. The zod contracts, the API and the forms all
// read these rules, so a type's fields are decided in one place.
import type { AccountType } from "./account-states.ts";

export const ACCOUNT_TYPES: readonly AccountType[] = ["MED", "PER", "INT", "ORG", "APP"];

export interface TypeRules {
  /** PER: an RPPS (11 digits) or ADELI (9 digits) number */
  nationalId: boolean;
  /** INT, ORG, APP: the FINESS géographique of the site */
  finessSite: boolean;
  /** ORG, APP: the individual accounts allowed into the mailbox, its responsible professional, a description */
  sharedMailbox: boolean;
  /** APP: the MSSanté address replies go to */
  returnAddress: boolean;
  /** MED, PER, INT: the email is the holder's login, so it must be a real address; ORG/APP may use a fictitious one */
  personal: boolean;
  /** MED never gets an MSSanté address */
  mssAddress: boolean;
}

export const TYPE_RULES: Readonly<Record<AccountType, TypeRules>> = {
  MED: {
    nationalId: false,
    finessSite: false,
    sharedMailbox: false,
    returnAddress: false,
    personal: true,
    mssAddress: false,
  },
  PER: {
    nationalId: true,
    finessSite: false,
    sharedMailbox: false,
    returnAddress: false,
    personal: true,
    mssAddress: true,
  },
  INT: {
    nationalId: false,
    finessSite: true,
    sharedMailbox: false,
    returnAddress: false,
    personal: true,
    mssAddress: true,
  },
  ORG: {
    nationalId: false,
    finessSite: true,
    sharedMailbox: true,
    returnAddress: false,
    personal: false,
    mssAddress: true,
  },
  APP: {
    nationalId: false,
    finessSite: true,
    sharedMailbox: true,
    returnAddress: true,
    personal: false,
    mssAddress: true,
  },
};

/** Connection accounts ("comptes de connexion") of an ORG/APP mailbox are individual accounts. */
export function canBeConnectionAccount(type: AccountType): boolean {
  return type === "MED" || type === "PER" || type === "INT";
}

/** An APP's return address is the MSSanté address of a PER, ORG or INT mailbox. */
export function canOwnReturnAddress(type: AccountType): boolean {
  return type === "PER" || type === "ORG" || type === "INT";
}

/** A delegate receives a copy of every message; a MED delegate cannot answer to mssante.fr addresses. */
export function delegationWarning(delegateType: AccountType): string | null {
  return delegateType === "MED"
    ? "Un compte MED ne peut pas envoyer de message aux adresses en mssante.fr : ce délégué pourra lire les copies sans pouvoir y répondre par MSSanté."
    : null;
}

/** RPPS (11 digits) or ADELI (9 digits), from one "identifiant" field. */
export function classifyNationalId(value: string): "RPPS" | "ADELI" | null {
  if (/^\d{11}$/.test(value)) return "RPPS";
  if (/^\d{9}$/.test(value)) return "ADELI";
  return null;
}
