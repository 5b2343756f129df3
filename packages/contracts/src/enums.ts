import { z } from "zod";
import { labelledEnum } from "./common.ts";

/** Mailbox kind ("type de BAL"). Same values as the database enum; French labels shown in the console. */
export const [AccountType, accountTypeLabels] = labelledEnum({
  MED: "MED — professionnel sans RPPS/ADELI",
  PER: "PER — professionnel de santé",
  INT: "INT — professionnel interne",
  ORG: "ORG — organisationnelle",
  APP: "APP — applicative",
});
export type AccountType = z.infer<typeof AccountType>;

export const [AccountState, accountStateLabels] = labelledEnum({
  PREREGISTERED: "Préinscrit",
  PENDING_VALIDATION: "À valider",
  VALIDATED: "Validé",
  REJECTED: "Rejeté",
});
export type AccountState = z.infer<typeof AccountState>;

export const StructureIdentifierType = z.enum(["FINESS", "SIREN", "SIRET"]);
export type StructureIdentifierType = z.infer<typeof StructureIdentifierType>;
