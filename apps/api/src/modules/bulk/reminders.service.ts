import { randomUUID } from "node:crypto";
import type { LastReminder } from "@medimail/contracts/bulk";
import type { Db, DbTx } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import { conflict } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { preRegistrationMail } from "../accounts/account-mails.ts";
import { issueLinkToken } from "../accounts/account-tokens.ts";
import type { AccountsRepository } from "../accounts/accounts.repository.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { createRemindersRepository } from "./reminders.repository.ts";

export interface RemindersServiceDeps {
  db: Db;
  scope: Scope;
  accounts: AccountsRepository;
  deliverMailSoon: DeliverMailSoon;
  /** the console's address, for the links in mails */
  publicUrl: string;
  /** accounts reminded per transaction */
  chunkSize?: number;
}

/** A second "relancer tous" within this time of a finished one is refused (a double click, a second admin). */
export const DOUBLE_SEND_WINDOW_MS = 60_000;
/** An unfinished batch whose latest reminder is older than this has stopped (its request died): it may be resumed. */
export const STALLED_AFTER_MS = 15_000;
/** How long an interrupted batch may be resumed (with its id, without reminding its accounts again). */
export const RESUME_WINDOW_MS = 3_600_000;
const BATCH_ENTITY = "reminder-batch";

const time = new Intl.DateTimeFormat("fr-FR", { timeStyle: "medium", timeZone: "Europe/Paris" });

/**
 * "Relancer vos utilisateurs préinscrits": a fresh registration link, by mail, to every pre-registered account of a
 * structure (and its daughters), in bounded transactions that all carry the batch's id.
 *
 * - Each transaction claims its accounts with a guarded update (still pre-registered, not reminded since the minute
 *   before the batch started), writes their reminders, links, mails (outbox, one idempotency key per reminder) and
 *   audit events: what is committed is whole, and no account is reminded twice by a batch, even by two at once.
 * - The decision to start is taken under a per-structure lock together with the first transaction: a double click
 *   waits for it and is refused (409) — the batch is in progress, or finished less than a minute ago.
 * - The last transaction records the batch as finished (audit "account.reminded-all" with its count). A batch whose
 *   request died before (nothing sent for STALLED_AFTER_MS, no finish record) is resumed by the next request
 *   within the hour under the same id: it reminds the rest only.
 */
export function createRemindersService({
  db,
  scope,
  accounts,
  deliverMailSoon,
  publicUrl,
  chunkSize = 200,
}: RemindersServiceDeps) {
  const registrationLink = (token: string) => `${publicUrl}/inscription/finaliser?jeton=${encodeURIComponent(token)}`;

  interface Batch {
    id: string;
    startedAt: Date;
    structureId: string;
    structureIds: string[];
    daughters: boolean;
    names: Map<string, string>;
  }

  /** Sends the batch's next chunk after `afterId`; finishes the batch when no account is left. */
  async function sendChunk(tx: DbTx, batch: Batch, afterId: string | null, actor: AuditActor) {
    const repository = createRemindersRepository(tx);
    // not reminded since the minute before the batch: neither by it (resumed) nor by anyone just before it
    const notRemindedSince = new Date(batch.startedAt.getTime() - DOUBLE_SEND_WINDOW_MS);
    const ids = await repository.toRemind(batch.structureIds, {
      startedAt: batch.startedAt,
      notRemindedSince,
      afterId,
      limit: chunkSize,
    });
    const now = new Date();
    const claimed = ids.length > 0 ? await repository.claim(ids, now, notRemindedSince) : [];
    if (claimed.length > 0) {
      const reminders = claimed.map((account) => ({
        id: randomUUID(),
        accountId: account.id,
        batchId: batch.id,
        sentById: actor.id,
        sentAt: now,
      }));
      await tx.reminder.createMany({ data: reminders });
      for (const [index, account] of claimed.entries()) {
        const reminderId = reminders[index]?.id ?? randomUUID();
        const token = await issueLinkToken(tx, account.id, "REGISTRATION", now);
        const structureName = batch.names.get(account.structureId) ?? "";
        await queueMail(tx, preRegistrationMail(account, registrationLink(token), structureName, reminderId, true));
      }
      await tx.auditEvent.createMany({
        data: claimed.map((account) => ({
          actorId: actor.id,
          actorLabel: actor.label.slice(0, 254),
          action: "account.reminded",
          entityType: "account",
          entityId: account.id,
          structureId: account.structureId,
          after: { batchId: batch.id },
          ip: actor.ip,
          requestId: actor.requestId,
        })),
      });
    }
    const finished = ids.length < chunkSize;
    let count = 0;
    if (finished) {
      count = (await repository.batch(batch.id, batch.structureIds)).count;
      if (count > 0) {
        await recordAudit(tx, actor, {
          action: "account.reminded-all",
          entityType: BATCH_ENTITY,
          entityId: batch.id,
          structureId: batch.structureId,
          after: { daughters: batch.daughters, count, startedAt: batch.startedAt.toISOString() },
        });
      }
    }
    return { sent: claimed.length, lastId: ids.at(-1) ?? null, finished, count };
  }

  return {
    async remindAll(
      principal: Principal,
      structureId: string,
      daughters: boolean,
      actor: AuditActor,
    ): Promise<{ count: number; batchId: string | null }> {
      await scope.require(principal, "administer", structureId);
      const structureIds = await accounts.structureIds(structureId, daughters);
      const names = new Map(
        (await db.structure.findMany({ where: { id: { in: structureIds } }, select: { id: true, name: true } })).map(
          (structure) => [structure.id, structure.name],
        ),
      );

      // Decide under the structure's lock, and send the first chunk before letting a second request decide.
      let batch: Batch | undefined;
      let step = await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`reminders:${structureId}`}))`;
        const repository = createRemindersRepository(tx);
        const now = new Date();
        const recent = await repository.recentBatch(structureIds, new Date(now.getTime() - RESUME_WINDOW_MS));
        let resumed: { id: string; startedAt: Date } | null = null;
        if (recent) {
          const [state, finished] = await Promise.all([
            repository.batch(recent, structureIds),
            tx.auditEvent.findFirst({
              where: { entityType: BATCH_ENTITY, entityId: recent, action: "account.reminded-all" },
              select: { id: true },
            }),
          ]);
          const startedAt = state.startedAt ?? now;
          const lastAt = state.lastAt ?? now;
          if (finished && now.getTime() - lastAt.getTime() < DOUBLE_SEND_WINDOW_MS) {
            throw conflict(
              `Vos utilisateurs préinscrits ont été relancés à ${time.format(startedAt)}, il y a moins d'une minute : attendez avant de les relancer à nouveau.`,
            );
          }
          if (!finished && now.getTime() - lastAt.getTime() < STALLED_AFTER_MS) {
            throw conflict(
              `Une relance de vos utilisateurs préinscrits est en cours depuis ${time.format(startedAt)} : attendez qu'elle se termine.`,
            );
          }
          if (!finished) resumed = { id: recent, startedAt };
        }
        batch = {
          id: resumed?.id ?? randomUUID(),
          startedAt: resumed?.startedAt ?? now,
          structureId,
          structureIds,
          daughters,
          names,
        };
        return sendChunk(tx, batch, null, actor);
      });
      if (!batch) throw new Error("unreachable: the batch is decided in the first transaction");
      const current = batch;
      if (step.sent > 0) deliverMailSoon();
      while (!step.finished) {
        const afterId = step.lastId;
        step = await db.$transaction((tx) => sendChunk(tx, current, afterId, actor));
        if (step.sent > 0) deliverMailSoon();
      }
      return { count: step.count, batchId: step.count > 0 ? current.id : null };
    },

    async last(principal: Principal, structureId: string, daughters: boolean): Promise<LastReminder> {
      await scope.require(principal, "read", structureId);
      const reminder = await createRemindersRepository(db).last(await accounts.structureIds(structureId, daughters));
      return reminder
        ? { lastReminderAt: reminder.sentAt.toISOString(), count: reminder.count }
        : { lastReminderAt: null, count: 0 };
    },
  };
}
export type RemindersService = ReturnType<typeof createRemindersService>;
