import type { DbTx } from "@medimail/db/client";

export interface MailToSend {
  /** the same key never produces a second mail: a retried job re-using it is a no-op */
  idempotencyKey: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

/**
 * Queues a mail in the caller's transaction: it exists if and only if the change that causes it is
 * committed. The outbox delivery job sends it. Returns false when that key was already queued.
 */
export async function queueMail(tx: DbTx, mail: MailToSend): Promise<boolean> {
  const result = await tx.outboxMail.createMany({
    data: [{ ...mail, html: mail.html ?? null }],
    skipDuplicates: true,
  });
  return result.count === 1;
}

/** A mail claimed for delivery by one run. */
export interface ClaimedMail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

/** What a delivered or abandoned mail keeps of its body: nothing. */
const PURGED_BODY = { text: "", html: null };

/** The outbox as its delivery job works it: claims, then each mail sent, retried later or given up. */
export function createOutboxRepository(db: DbTx) {
  return {
    /**
     * Claims up to `limit` due mails for `runId` until `claimUntil` (SKIP LOCKED: concurrent workers never take the
     * same one), and first this run's own claims left by a crash (its retry resumes them at once).
     */
    claimBatch: (runId: string, now: Date, claimUntil: Date, limit: number) =>
      db.$queryRaw<ClaimedMail[]>`
        UPDATE outbox_mail SET attempts = attempts + 1, next_attempt_at = ${claimUntil}, claimed_by = ${runId}::uuid
         WHERE id IN (SELECT id FROM outbox_mail
                       WHERE status = 'PENDING' AND (next_attempt_at <= ${now} OR claimed_by = ${runId}::uuid)
                       ORDER BY next_attempt_at, created_at
                       LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING id, "to", subject, text, html, attempts`,

    /** Accepted by SMTP: SENT, its body emptied. */
    async markSent(id: string, sentAt: Date, messageId: string): Promise<void> {
      await db.outboxMail.update({
        where: { id },
        data: { status: "SENT", sentAt, ...PURGED_BODY, lastError: null, claimedBy: null, messageId },
      });
    },

    /** Refused or unreachable: tried again at `retryAt`, or given up (FAILED, its body emptied) when null. */
    async markFailed(id: string, retryAt: Date | null, lastError: string): Promise<void> {
      await db.outboxMail.update({
        where: { id },
        data: retryAt
          ? { nextAttemptAt: retryAt, claimedBy: null, lastError }
          : { status: "FAILED", claimedBy: null, lastError, ...PURGED_BODY },
      });
    },
  };
}
