// "Gestion des utilisateurs MSSanté": the structure's MSSanté counters, the accounts by address type, each account's
// correspondence, and "Activer tous les utilisateurs compatibles".
import { z } from "zod";
import { booleanQuery, labelledEnum, PageCursor, pageOf, SearchText, Uuid } from "./common.ts";
import { AccountState, AccountType } from "./enums.ts";

export const QuotaBucket = z.enum(["PER", "ORG", "APP"]);
export type QuotaBucket = z.infer<typeof QuotaBucket>;

export const [PublicationStatus, publicationStatusLabels] = labelledEnum({
  PENDING: "Publication cette nuit",
  PUBLISHED: "Publiée",
  HELD: "Bloquée (rapport d'alimentation)",
  WITHDRAWN: "Retirée de l'annuaire",
  REJECTED: "Refusée par l'annuaire",
});
export type PublicationStatus = z.infer<typeof PublicationStatus>;

/** The status as administrators read it: a published liste rouge address is *En liste rouge* (published, hidden). */
export function publicationStatusText(status: PublicationStatus, listed: boolean | null): string {
  return status === "PUBLISHED" && listed === false ? "En liste rouge" : publicationStatusLabels[status];
}

export const MssOverview = z.object({
  /** null while the operator has not set the structure's MSSanté domain */
  domain: z.string().nullable(),
  quotas: z.array(
    z.object({
      bucket: QuotaBucket,
      label: z.string(),
      used: z.number().int(),
      /** -1 unlimited ("Illimité") */
      quota: z.number().int(),
    }),
  ),
  counts: z.object({ PER: z.number().int(), ORG: z.number().int(), APP: z.number().int(), NONE: z.number().int() }),
  permissions: z.object({ administer: z.boolean() }),
});
export type MssOverview = z.infer<typeof MssOverview>;

/** The tabs: addresses of PER and INT accounts, of ORG, of APP, and the accounts without one ("Non MSSanté"). */
export const MssTab = z.enum(["PER", "ORG", "APP", "NONE"]);
export type MssTab = z.infer<typeof MssTab>;

export const MssListQuery = z.object({
  tab: MssTab.default("PER"),
  q: SearchText(200).optional(),
  daughters: booleanQuery(),
  /** opaque cursor of the previous page */
  after: PageCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MssListQuery = z.input<typeof MssListQuery>;

export const MssListItem = z.object({
  accountId: Uuid,
  structureId: Uuid,
  structureName: z.string(),
  email: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  type: AccountType,
  state: AccountState,
  address: z.string().nullable(),
  listed: z.boolean().nullable(),
  publicationStatus: PublicationStatus.nullable(),
  publishedAt: z.iso.datetime().nullable(),
});
export type MssListItem = z.infer<typeof MssListItem>;

export const MssListResponse = pageOf(MssListItem);

/** An account's correspondence, and what the dialog needs to create or modify it. */
export const MssAddressDetail = z.object({
  accountId: Uuid,
  type: AccountType,
  domain: z.string().nullable(),
  address: z.string().nullable(),
  listed: z.boolean(),
  publicationStatus: PublicationStatus.nullable(),
  /** the address the console proposes when there is none (null for MED or without a domain) */
  proposal: z.string().nullable(),
  /** the rule of the type, to show above the field */
  rule: z.string(),
});
export type MssAddressDetail = z.infer<typeof MssAddressDetail>;

export const MssAddressInput = z.object({
  /** the part before @: the domain is always the structure's */
  prefix: z
    .string({ error: "Saisissez le début de l'adresse" })
    .trim()
    .toLowerCase()
    .min(1, "Saisissez le début de l'adresse")
    .max(64, "64 caractères au plus avant @"),
  listed: z.boolean({ error: "Indiquez la visibilité dans l'annuaire" }),
});
export type MssAddressInput = z.input<typeof MssAddressInput>;

export const MssActivationRequest = z.object({ daughters: z.boolean().default(false) });

/** What "Activer tous les utilisateurs compatibles" would create, before confirming. */
export const MssActivationPreview = z.object({
  proposals: z.array(
    z.object({ accountId: Uuid, email: z.string(), name: z.string(), type: AccountType, address: z.string() }),
  ),
  /** accounts it would not give an address to, and why (MED, quota, no domain, a name without letters…) */
  refusals: z.array(
    z.object({ accountId: Uuid, email: z.string(), name: z.string(), type: AccountType, reason: z.string() }),
  ),
  /** more compatible accounts than listed */
  truncated: z.boolean(),
});
export type MssActivationPreview = z.infer<typeof MssActivationPreview>;

export const MssActivation = z.object({
  id: Uuid,
  status: z.enum(["PENDING", "RUNNING", "DONE", "FAILED", "EXPIRED"]),
  created: z.number().int(),
  failed: z.number().int(),
  failures: z.array(z.object({ accountId: Uuid, email: z.string(), reason: z.string() })),
  requestedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type MssActivation = z.infer<typeof MssActivation>;
export const MssActivationParams = z.object({ id: Uuid, activationId: Uuid });
