import { nextOutboxAttempt } from "@medimail/domain/lifecycle";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import type { StartJobSoon } from "../../jobs/job-triggers.ts";
import type { Mailer } from "./mailer.ts";
import { createOutboxRepository } from "./outbox.repository.ts";

/** How long a claimed mail is reserved for the worker that claimed it before another may try. */
const CLAIM_SECONDS = 120;

/**
 * Delivers the outbox. Each batch is claimed in a short statement (SKIP LOCKED, marked with the run and
 * pushed forward by CLAIM_SECONDS) and sent outside any transaction, so concurrent workers never send the same mail and
 * a slow SMTP server never holds a database lock. A mail is marked SENT as soon as SMTP accepts it.
 * The one unavoidable window — a crash after SMTP accepted and before SENT is written — is covered by a
 * Message-ID derived from the outbox row, so a receiver can recognise the re-delivery.
 * Once a mail is delivered (or given up), its body is emptied: it held sign-in codes and registration or reset
 * links, which have no business staying in the database (and its backups). The row keeps what the audit needs:
 * recipients, subject, idempotency key, Message-ID, dates, attempts and the last error.
 */
export function createOutboxDeliveryJob({ mailer, domain }: { mailer: Mailer; domain: string }) {
  return async function deliverOutbox({ db, clock, batchSize, log, runId }: JobContext): Promise<JobResult> {
    const outbox = createOutboxRepository(db);
    let processed = 0;
    let failed = 0;
    for (;;) {
      const now = clock.now();
      const batch = await outbox.claimBatch(runId, now, new Date(now.getTime() + CLAIM_SECONDS * 1000), batchSize);
      if (batch.length === 0) break;
      let sentInBatch = 0;
      for (const mail of batch) {
        try {
          await mailer.send({ ...mail, messageId: `<${mail.id}@${domain}>` });
          await outbox.markSent(mail.id, clock.now(), `<${mail.id}@${domain}>`);
          processed++;
          sentInBatch++;
        } catch (error) {
          failed++;
          const retryAt = nextOutboxAttempt(clock.now(), mail.attempts);
          log.warn({ mailId: mail.id, attempts: mail.attempts, err: error }, "mail delivery failed");
          await outbox.markFailed(mail.id, retryAt, String((error as Error).message).slice(0, 1000));
        }
      }
      // a batch without a single success means the SMTP server is down: stop rather than claim the next ones
      if (sentInBatch === 0) break;
    }
    return { processed, failed };
  };
}

export const OUTBOX_JOB_NAMES = { outbox: "mail.outbox" } as const;

/** Asks for the outbox to be delivered now rather than at its next minute (sign-in codes must arrive at once). */
export type DeliverMailSoon = StartJobSoon;

export function createOutboxJobDefinitions({ mailer, domain }: { mailer: Mailer; domain: string }): JobDefinition[] {
  return [
    {
      name: OUTBOX_JOB_NAMES.outbox,
      label: "Envoi des e-mails",
      description: "Envoie les e-mails en attente, avec nouvelles tentatives espacées en cas d'échec du serveur SMTP.",
      cron: "* * * * *",
      handler: createOutboxDeliveryJob({ mailer, domain }),
    },
  ];
}
