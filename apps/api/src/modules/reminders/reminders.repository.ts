import { type DbTx, Prisma } from "@medimail/db/client";
import type { AuditActor } from "../audit/audit.repository.ts";

/** The audit events of a "relancer tous" batch are about this entity (its id: the batch's). */
export const REMINDER_BATCH_ENTITY = "reminder-batch";

/** A reminder as the Actions menu and the export see it: a batch ("relancer tous"), or one account's. */
export interface ReminderRef {
  batchId: string | null;
  /** the single reminder's id (for a batch: one of its reminders) */
  reminderId: string;
  /** a batch's first reminder: when it was sent */
  sentAt: Date;
  /** accounts of these structures reminded by it */
  count: number;
}

const inStructures = (structureIds: string[]) =>
  structureIds.length === 1
    ? Prisma.sql`a.structure_id = ${structureIds[0]}::uuid`
    : Prisma.sql`a.structure_id = ANY(${structureIds}::uuid[])`;

export function createRemindersRepository(db: DbTx) {
  /** A batch's accounts among these structures: how many, its first and its latest reminder. */
  async function batch(batchId: string, structureIds: string[]) {
    const [row] = await db.$queryRaw<{ count: number; started_at: Date | null; last_at: Date | null }[]>`
      SELECT count(*)::int AS count, min(r.sent_at) AS started_at, max(r.sent_at) AS last_at
        FROM reminder r JOIN account a ON a.id = r.account_id
       WHERE r.batch_id = ${batchId}::uuid AND ${inStructures(structureIds)}`;
    return { count: row?.count ?? 0, startedAt: row?.started_at ?? null, lastAt: row?.last_at ?? null };
  }

  return {
    batch,

    /** The names of these structures, by id. */
    async structureNames(structureIds: string[]): Promise<Map<string, string>> {
      const structures = await db.structure.findMany({
        where: { id: { in: structureIds } },
        select: { id: true, name: true },
      });
      return new Map(structures.map((structure) => [structure.id, structure.name]));
    },

    /** Takes the structure's reminders lock until the end of the transaction: one batch decides at a time. */
    async lockStructure(structureId: string): Promise<void> {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`reminders:${structureId}`}))`;
    },

    /** Whether the batch was recorded as finished (its "account.reminded-all" event). */
    async batchFinished(batchId: string): Promise<boolean> {
      const finished = await db.auditEvent.findFirst({
        where: { entityType: REMINDER_BATCH_ENTITY, entityId: batchId, action: "account.reminded-all" },
        select: { id: true },
      });
      return finished !== null;
    },

    /** Records reminders, in one statement. */
    async insertReminders(
      reminders: readonly { id: string; accountId: string; batchId: string; sentById: string | null; sentAt: Date }[],
    ): Promise<void> {
      await db.reminder.createMany({ data: [...reminders] });
    },

    /** The "account.reminded" audit events of the accounts a batch reminded, in one statement. */
    async auditReminded(
      accounts: readonly { id: string; structureId: string }[],
      batchId: string,
      actor: AuditActor,
    ): Promise<void> {
      await db.auditEvent.createMany({
        data: accounts.map((account) => ({
          actorId: actor.id,
          actorLabel: actor.label.slice(0, 254),
          action: "account.reminded",
          entityType: "account",
          entityId: account.id,
          structureId: account.structureId,
          after: { batchId },
          ip: actor.ip,
          requestId: actor.requestId,
        })),
      });
    },

    /** The latest reminder sent to an account of these structures, batch or single; null when none. */
    async last(structureIds: string[]): Promise<ReminderRef | null> {
      const [latest] = await db.$queryRaw<{ id: string; batch_id: string | null; sent_at: Date }[]>`
        SELECT r.id::text AS id, r.batch_id::text AS batch_id, r.sent_at
          FROM reminder r JOIN account a ON a.id = r.account_id
         WHERE ${inStructures(structureIds)}
         ORDER BY r.sent_at DESC, r.id DESC
         LIMIT 1`;
      if (!latest) return null;
      if (!latest.batch_id) return { batchId: null, reminderId: latest.id, sentAt: latest.sent_at, count: 1 };
      const { count, startedAt } = await batch(latest.batch_id, structureIds);
      return { batchId: latest.batch_id, reminderId: latest.id, sentAt: startedAt ?? latest.sent_at, count };
    },

    /** The latest "relancer tous" batch that reached an account of these structures since `since`. */
    async recentBatch(structureIds: string[], since: Date): Promise<string | null> {
      const [row] = await db.$queryRaw<{ batch_id: string }[]>`
        SELECT r.batch_id::text AS batch_id
          FROM reminder r JOIN account a ON a.id = r.account_id
         WHERE ${inStructures(structureIds)} AND r.batch_id IS NOT NULL AND r.sent_at >= ${since}
         ORDER BY r.sent_at DESC
         LIMIT 1`;
      return row?.batch_id ?? null;
    },

    /**
     * The next pre-registered accounts a batch started at `startedAt` still has to remind: created before it and not
     * reminded since `notRemindedSince` (the batch's own reminders, and any other in the minute before it).
     */
    async toRemind(
      structureIds: string[],
      {
        startedAt,
        notRemindedSince,
        afterId,
        limit,
      }: { startedAt: Date; notRemindedSince: Date; afterId: string | null; limit: number },
    ): Promise<string[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT a.id::text AS id FROM account a
         WHERE ${inStructures(structureIds)} AND a.state = 'PREREGISTERED' AND a.created_at <= ${startedAt}
           AND (a.last_reminder_at IS NULL OR a.last_reminder_at < ${notRemindedSince})
           ${afterId ? Prisma.sql`AND a.id > ${afterId}::uuid` : Prisma.empty}
         ORDER BY a.id
         LIMIT ${limit}`;
      return rows.map((row) => row.id);
    },

    /**
     * Claims accounts for a reminder at `now`: sets last_reminder_at on those still pre-registered and not reminded
     * since `notRemindedSince`. A concurrent claim of the same account waits for this one, then finds it reminded:
     * each account is claimed once.
     */
    claim(ids: string[], now: Date, notRemindedSince: Date) {
      return db.$queryRaw<{ id: string; email: string; firstName: string; lastName: string; structureId: string }[]>`
        UPDATE account SET last_reminder_at = ${now}, updated_at = ${now}
         WHERE id = ANY(${ids}::uuid[]) AND state = 'PREREGISTERED'
           AND (last_reminder_at IS NULL OR last_reminder_at < ${notRemindedSince})
        RETURNING id::text AS id, email, first_name AS "firstName", last_name AS "lastName",
                  structure_id::text AS "structureId"`;
    },
  };
}
export type RemindersRepository = ReturnType<typeof createRemindersRepository>;
