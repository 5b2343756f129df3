import type { ActivityExportFormat } from "@medimail/contracts/activity";
import type { DbTx, ExportRequest } from "@medimail/db/client";

/** Waiting, or running under a lease that lapsed (its run died). */
function claimable(now: Date) {
  return {
    OR: [
      { status: "PENDING" as const },
      { status: "RUNNING" as const, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    ],
  };
}

/** Waiting or running: what counts against a user's limit. */
const ACTIVE = { kind: "ACTIVITY" as const, status: { in: ["PENDING" as const, "RUNNING" as const] } };

/**
 * The activity export requests: their history, the per-user limit, and the job's lease (status RUNNING,
 * claimed_by, lease_until) that lets a run take over the request of a run that died.
 */
export function createActivityExportsRepository(db: DbTx) {
  return {
    /** The structure's latest requests, newest first. */
    history(structureId: string, take: number): Promise<ExportRequest[]> {
      return db.exportRequest.findMany({
        where: { structureId, kind: "ACTIVITY" },
        orderBy: { requestedAt: "desc" },
        take,
      });
    },

    /** The user's requests waiting or running. */
    activeCountOf(accountId: string): Promise<number> {
      return db.exportRequest.count({ where: { requestedById: accountId, ...ACTIVE } });
    },

    /** Until the transaction ends, the user's other requests wait: counting then inserting cannot be raced. */
    async lockRequester(accountId: string): Promise<void> {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`activity-export:${accountId}`}, 0))`;
    },

    create(data: {
      format: ActivityExportFormat;
      structureId: string;
      requestedById: string;
      params: object;
      requestedAt: Date;
    }): Promise<ExportRequest> {
      return db.exportRequest.create({ data: { kind: "ACTIVITY", ...data } });
    },

    /** A request with its structure's name (the file's name), or null. */
    findWithStructure(id: string) {
      return db.exportRequest.findUnique({ where: { id }, include: { structure: { select: { name: true } } } });
    },

    /** The requesters' emails, by account id. */
    async emailsOf(ids: string[]): Promise<Map<string, string>> {
      const accounts = await db.account.findMany({
        where: { id: { in: [...new Set(ids)] } },
        select: { id: true, email: true },
      });
      return new Map(accounts.map((account) => [account.id, account.email]));
    },

    /** The oldest requests a run may take (waiting, or with a lapsed lease), except those already seen. */
    async claimableIds(except: string[], now: Date, take: number): Promise<string[]> {
      const rows = await db.exportRequest.findMany({
        where: { kind: "ACTIVITY", id: { notIn: except }, ...claimable(now) },
        orderBy: { requestedAt: "asc" },
        take,
        select: { id: true },
      });
      return rows.map((row) => row.id);
    },

    /** Takes the request under a new lease; false when it was done meanwhile or is held by a live run. */
    async claim(id: string, token: string, now: Date, leaseUntil: Date): Promise<boolean> {
      const claimed = await db.exportRequest.updateMany({
        where: { id, kind: "ACTIVITY", ...claimable(now) },
        data: { status: "RUNNING", claimedBy: token, leaseUntil, progress: 0, error: null },
      });
      return claimed.count > 0;
    },

    find(id: string): Promise<ExportRequest> {
      return db.exportRequest.findUniqueOrThrow({ where: { id } });
    },

    /** Shows progress and extends the lease; false when the run no longer holds the request. */
    async renewLease(id: string, token: string, progress: number, leaseUntil: Date): Promise<boolean> {
      const renewed = await db.exportRequest.updateMany({
        where: { id, claimedBy: token, status: "RUNNING" },
        data: { progress, leaseUntil },
      });
      return renewed.count > 0;
    },

    async isHeldBy(id: string, token: string): Promise<boolean> {
      return (await db.exportRequest.count({ where: { id, claimedBy: token, status: "RUNNING" } })) > 0;
    },

    /** The file is in place; false when the run no longer holds the request. */
    async markDone(
      id: string,
      token: string,
      done: { rowCount: number; filePath: string; processedAt: Date; expiresAt: Date },
    ): Promise<boolean> {
      const updated = await db.exportRequest.updateMany({
        where: { id, claimedBy: token, status: "RUNNING" },
        data: { status: "DONE", progress: 100, leaseUntil: null, ...done },
      });
      return updated.count > 0;
    },

    /** The run holding the request failed: the request says so (nothing happens if another run took it over). */
    async markFailed(id: string, token: string, error: string): Promise<void> {
      await db.exportRequest.updateMany({
        where: { id, claimedBy: token },
        data: { status: "FAILED", error, leaseUntil: null },
      });
    },

    /** Done requests whose file has expired. */
    expiredFiles(now: Date, take: number): Promise<{ id: string; filePath: string | null }[]> {
      return db.exportRequest.findMany({
        where: { kind: "ACTIVITY", status: "DONE", expiresAt: { lte: now } },
        take,
        select: { id: true, filePath: true },
      });
    },

    /** The request stays in the history, without its file. */
    async markExpired(id: string): Promise<void> {
      await db.exportRequest.updateMany({ where: { id, status: "DONE" }, data: { status: "EXPIRED", filePath: null } });
    },
  };
}
export type ActivityExportsRepository = ReturnType<typeof createActivityExportsRepository>;
