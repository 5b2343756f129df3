import type { AccountState, DbTx, DeletionReason, Prisma } from "@medimail/db/client";

/** Only people's own mailboxes expire; ORG/APP mailboxes and console staff accounts do not. */
export const EXPIRING: Prisma.AccountWhereInput = {
  state: "VALIDATED",
  type: { in: ["MED", "PER", "INT"] },
  platformRole: null,
};

/** The nightly end of accounts: inactivity notices and deletions, definitive rejections (accounts.jobs.ts). */
export function createAccountLifecycleRepository(db: DbTx) {
  return {
    /** Active again since their notice: the notice is forgotten. The number of accounts cleared. */
    clearNoticesOfReturned: () =>
      db.$executeRaw`
        UPDATE account SET inactivity_notice_at = NULL
         WHERE inactivity_notice_at IS NOT NULL AND last_activity_at > inactivity_notice_at`,

    /** Expiring accounts not used since `before` (never used: created before it) and not yet notified. */
    toNotify: (before: Date, batchSize: number) =>
      db.account.findMany({
        where: {
          ...EXPIRING,
          inactivityNoticeAt: null,
          OR: [{ lastActivityAt: { lt: before } }, { lastActivityAt: null, createdAt: { lt: before } }],
        },
        orderBy: { id: "asc" },
        take: batchSize,
      }),

    /** Records the notice; false when another run already did. */
    async markNotified(accountId: string, now: Date): Promise<boolean> {
      const marked = await db.account.updateMany({
        where: { id: accountId, inactivityNoticeAt: null },
        data: { inactivityNoticeAt: now },
      });
      return marked.count > 0;
    },

    /** Notified before `notifiedBefore` and not used since the notice (never used counts as not used). */
    stillInactive: (notifiedBefore: Date, batchSize: number) =>
      db.account.findMany({
        where: {
          ...EXPIRING,
          inactivityNoticeAt: { lt: notifiedBefore },
          OR: [{ lastActivityAt: null }, { lastActivityAt: { lte: db.account.fields.inactivityNoticeAt } }],
        },
        include: { mssAddress: true },
        orderBy: { id: "asc" },
        take: batchSize,
      }),

    /** Rejected before `rejectedBefore`. */
    rejectedBefore: (rejectedBefore: Date, batchSize: number) =>
      db.account.findMany({
        where: { state: "REJECTED", rejectedAt: { lt: rejectedBefore } },
        include: { mssAddress: true },
        orderBy: { id: "asc" },
        take: batchSize,
      }),

    /**
     * Deletes the account (and, by cascade, its address, sessions, delegations…); false when it was already gone
     * (or no longer in `onlyIfState`).
     */
    async delete(accountId: string, onlyIfState?: AccountState): Promise<boolean> {
      const deleted = await db.account.deleteMany({
        where: { id: accountId, ...(onlyIfState ? { state: onlyIfState } : {}) },
      });
      return deleted.count > 0;
    },

    /** What remains of a deleted account: for the export of deleted accounts and the directory withdrawal. */
    async recordDeletion(data: {
      id: string;
      reason: DeletionReason;
      structureId: string;
      type: Prisma.DeletedAccountUncheckedCreateInput["type"];
      email?: string;
      lastName?: string;
      firstName?: string;
      lastActivityAt: Date | null;
      mssAddress: string | null;
      deletedAt: Date;
    }): Promise<void> {
      await db.deletedAccount.create({ data });
    },
  };
}
