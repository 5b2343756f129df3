import type { EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import type { DbTx } from "@medimail/db/client";

type Status = EmailChangeRequestSummary["status"];

/** The email change requests: made in the console, applied by the nightly job, cancelled by a mailed link. */
export function createEmailChangesRepository(db: DbTx) {
  return {
    pendingOfAccount: (accountId: string) =>
      db.emailChangeRequest.findFirst({ where: { accountId, status: "PENDING" } }),

    create: (data: { accountId: string; oldEmail: string; newEmail: string; requestedById: string | null }) =>
      db.emailChangeRequest.create({ data }),

    /** The request with what the permission check needs of its account. */
    findWithAccount: (id: string) =>
      db.emailChangeRequest.findUnique({
        where: { id },
        include: { account: { select: { structureId: true, email: true } } },
      }),

    /** Only the hash of a cancel link's secret is kept; a new link replaces the previous one. */
    async setCancelTokenHash(id: string, cancelTokenHash: string): Promise<void> {
      await db.emailChangeRequest.update({ where: { id }, data: { cancelTokenHash } });
    },

    /** Retargets a request still pending; false when it no longer is. */
    async retarget(id: string, newEmail: string): Promise<boolean> {
      const updated = await db.emailChangeRequest.updateMany({ where: { id, status: "PENDING" }, data: { newEmail } });
      return updated.count > 0;
    },

    /**
     * Cancels a request still pending (and, when given, still carrying this cancel link); false when it no longer
     * is. Its cancel link dies with it.
     */
    async cancel(id: string, now: Date, cancelTokenHash?: string | null): Promise<boolean> {
      const updated = await db.emailChangeRequest.updateMany({
        where: { id, status: "PENDING", ...(cancelTokenHash !== undefined ? { cancelTokenHash } : {}) },
        data: { status: "CANCELLED", doneAt: now, cancelTokenHash: null },
      });
      return updated.count > 0;
    },

    /** One page of the structures' requests, newest first, after (requested at, id); one more row tells of a next page. */
    page: (
      structureIds: string[],
      query: { status?: Status; after: { requestedAt: Date; id: string } | null; limit: number },
    ) =>
      db.emailChangeRequest.findMany({
        where: {
          account: { structureId: { in: structureIds } },
          ...(query.status ? { status: query.status } : {}),
          ...(query.after
            ? {
                OR: [
                  { requestedAt: { lt: query.after.requestedAt } },
                  { requestedAt: query.after.requestedAt, id: { lt: query.after.id } },
                ],
              }
            : {}),
        },
        include: { account: { select: { lastName: true, firstName: true } } },
        orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
        take: query.limit + 1,
      }),

    /** The job's next batch: pending requests made before the run. */
    dueBatch: (requestedBefore: Date, batchSize: number) =>
      db.emailChangeRequest.findMany({
        where: { status: "PENDING", requestedAt: { lte: requestedBefore } },
        orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
        take: batchSize,
        select: { id: true, accountId: true, newEmail: true },
      }),

    /** Marks a pending request done; false when it no longer was pending (applied once). */
    async claimDone(id: string, now: Date): Promise<boolean> {
      const claimed = await db.emailChangeRequest.updateMany({
        where: { id, status: "PENDING" },
        data: { status: "DONE", doneAt: now, cancelTokenHash: null },
      });
      return claimed.count > 0;
    },

    async markFailed(id: string, failureReason: string): Promise<void> {
      await db.emailChangeRequest.update({ where: { id }, data: { status: "FAILED", failureReason } });
    },

    /** The new login, and the search key that includes it. */
    async setAccountEmail(accountId: string, email: string, searchText: string): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { email, searchText } });
    },
  };
}
export type EmailChangesRepository = ReturnType<typeof createEmailChangesRepository>;
