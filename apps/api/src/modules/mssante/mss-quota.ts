import type { AccountType } from "@medimail/contracts/enums";
import type { DbTx } from "@medimail/db/client";
import { quotaAllowsOneMore } from "@medimail/domain/mss-address";
import { conflict } from "../../lib/errors.ts";
import { createMssanteRepository } from "./mssante.repository.ts";

/** The quota an address of this type counts against: PER and INT share "Personnel et personnel Interne". */
export function quotaBucket(type: AccountType): "PER" | "ORG" | "APP" | null {
  if (type === "PER" || type === "INT") return "PER";
  if (type === "ORG" || type === "APP") return type;
  return null;
}

export const QUOTA_LABELS = {
  PER: "Personnel et personnel Interne",
  ORG: "Organisationnel",
  APP: "Applicatif",
} as const;

/**
 * 409 when the structure has no room left for one more MSSanté address of this type. Reads under the caller's
 * transaction; two admins racing for the last place are serialised by locking the structure row.
 */
export async function requireQuota(tx: DbTx, structureId: string, type: AccountType, what: string): Promise<void> {
  const bucket = quotaBucket(type);
  if (!bucket) return;
  const repository = createMssanteRepository(tx);
  await repository.lockStructure(structureId);
  const structure = await repository.structureQuotas(structureId);
  const quota = { PER: structure.quotaPer, ORG: structure.quotaOrg, APP: structure.quotaApp }[bucket];
  const used = (await repository.quotaUsage(structureId))[bucket];
  if (!quotaAllowsOneMore(quota, used)) {
    throw conflict(
      `${what} : le quota d'adresses MSSanté « ${QUOTA_LABELS[bucket]} » de ${structure.name} est atteint (${used} sur ${quota}).`,
    );
  }
}

/**
 * The quota as an activation preview applies it: per structure and bucket, the addresses already used plus those the
 * preview has promised so far. Returns the job's own refusal when there is no room left, else null (and counts it).
 */
export function createQuotaPlanner(tx: DbTx) {
  const repository = createMssanteRepository(tx);
  const structures = new Map<string, { name: string; quota: Record<"PER" | "ORG" | "APP", number> }>();
  const used = new Map<string, Record<"PER" | "ORG" | "APP", number>>();
  return async function take(structureId: string, type: AccountType): Promise<string | null> {
    const bucket = quotaBucket(type);
    if (!bucket) return null;
    let structure = structures.get(structureId);
    if (!structure) {
      const row = await repository.structureQuotas(structureId);
      structure = { name: row.name, quota: { PER: row.quotaPer, ORG: row.quotaOrg, APP: row.quotaApp } };
      structures.set(structureId, structure);
      used.set(structureId, { ...(await repository.quotaUsage(structureId)) });
    }
    const counts = used.get(structureId) as Record<"PER" | "ORG" | "APP", number>;
    const quota = structure.quota[bucket];
    if (!quotaAllowsOneMore(quota, counts[bucket])) {
      return `Quota atteint : le quota d'adresses MSSanté « ${QUOTA_LABELS[bucket]} » de ${structure.name} est atteint (${counts[bucket]} sur ${quota}).`;
    }
    counts[bucket]++;
    return null;
  };
}
