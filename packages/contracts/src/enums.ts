import { z } from "zod";

/** Mailbox kind ("type de BAL"). Same values as the database enum. */
export const AccountType = z.enum(["MED", "PER", "INT", "ORG", "APP"]);
export type AccountType = z.infer<typeof AccountType>;

export const AccountState = z.enum(["PREREGISTERED", "PENDING_VALIDATION", "VALIDATED", "REJECTED"]);
export type AccountState = z.infer<typeof AccountState>;

export const StructureIdentifierType = z.enum(["FINESS", "SIREN", "SIRET"]);
export type StructureIdentifierType = z.infer<typeof StructureIdentifierType>;

/** French labels shown in the console. */
export const accountTypeLabels: Record<AccountType, string> = {
  MED: "MED — professionnel sans RPPS/ADELI",
  PER: "PER — professionnel de santé",
  INT: "INT — professionnel interne",
  ORG: "ORG — organisationnelle",
  APP: "APP — applicative",
};

export const accountStateLabels: Record<AccountState, string> = {
  PREREGISTERED: "Préinscrit",
  PENDING_VALIDATION: "À valider",
  VALIDATED: "Validé",
  REJECTED: "Rejeté",
};
