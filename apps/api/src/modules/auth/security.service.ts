import type { LockedAccountListResponse } from "@medimail/contracts/auth";
import type { Db } from "@medimail/db/client";
import type { z } from "zod";
import { notFound } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { createSecurityRepository } from "./security.repository.ts";

/** Accounts locked after too many wrong passwords, and the operator's "Déverrouiller". */
export function createSecurityService({ db }: { db: Db }) {
  return {
    async lockedAccounts(): Promise<z.infer<typeof LockedAccountListResponse>> {
      // temporary locks still running, and the older permanent ones
      const rows = await createSecurityRepository(db).lockedAccounts(new Date());
      return {
        items: rows.map(({ structure, lockedAt, lockedUntil, ...row }) => ({
          ...row,
          structureName: structure.name,
          lockedUntil: lockedAt ? null : (lockedUntil as Date).toISOString(),
        })),
      };
    },

    async unlock(id: string, actor: AuditActor): Promise<void> {
      await db.$transaction(async (tx) => {
        const accounts = createSecurityRepository(tx);
        const before = await accounts.findLock(id);
        const temporarilyLocked = before?.lockedUntil != null && before.lockedUntil > new Date();
        if (!before || (!before.lockedAt && !temporarilyLocked)) {
          throw notFound("Aucun compte verrouillé avec cet identifiant");
        }
        await accounts.unlock(id);
        await recordAudit(tx, actor, {
          action: "auth.account-unlocked",
          entityType: "account",
          entityId: id,
          structureId: before.structureId,
          before: {
            lockedAt: before.lockedAt?.toISOString() ?? null,
            lockedUntil: before.lockedUntil?.toISOString() ?? null,
            failedLoginCount: before.failedLoginCount,
            lockCount: before.lockCount,
          },
          after: { lockedAt: null, lockedUntil: null, failedLoginCount: 0, lockCount: 0 },
        });
      });
    },
  };
}
export type SecurityService = ReturnType<typeof createSecurityService>;
