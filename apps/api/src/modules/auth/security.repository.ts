import type { DbTx } from "@medimail/db/client";

/** Locked accounts, as the operators' security screen reads and unlocks them. */
export function createSecurityRepository(db: DbTx) {
  return {
    /** Temporary locks still running (at `now`), and the older permanent ones. */
    lockedAccounts: (now: Date) =>
      db.account.findMany({
        where: { OR: [{ lockedAt: { not: null } }, { lockedUntil: { gt: now } }] },
        orderBy: [{ lockedUntil: { sort: "desc", nulls: "first" } }, { email: "asc" }],
        take: 500,
        select: {
          id: true,
          email: true,
          firstName: true,
          lastName: true,
          lockedAt: true,
          lockedUntil: true,
          lockCount: true,
          structure: { select: { name: true } },
        },
      }),

    findLock: (id: string) =>
      db.account.findUnique({
        where: { id },
        select: { lockedAt: true, lockedUntil: true, failedLoginCount: true, lockCount: true, structureId: true },
      }),

    async unlock(id: string): Promise<void> {
      await db.account.update({
        where: { id },
        data: { lockedAt: null, lockedUntil: null, failedLoginCount: 0, lockCount: 0 },
      });
    },
  };
}
