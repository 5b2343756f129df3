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
