import type { Prisma } from "@medimail/db/client";
import {
  definitiveRejectionThreshold,
  inactivityDeletionDate,
  inactivityDeletionThreshold,
  inactivityNoticeThreshold,
} from "@medimail/domain/lifecycle";
import type { JobContext, JobResult } from "../../jobs/job-definition.ts";
import { queueMail } from "../mail/outbox.ts";

const SYSTEM_ACTOR = "Tâche nocturne";

/** Only people's own mailboxes expire; ORG/APP mailboxes and console staff accounts do not. */
const EXPIRING: Prisma.AccountWhereInput = {
  state: "VALIDATED",
  type: { in: ["MED", "PER", "INT"] },
  platformRole: null,
};

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

/**
 * Nightly: accounts inactive for six months get a notice; those still inactive thirty days after it are
 * deleted and listed (DeletedAccount) for the export and the directory withdrawal; an account used again
 * after its notice is cleared of it. Every step is a guarded update in its own transaction.
 */
export async function processInactiveAccounts({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  let processed = 0;

  // 1. Active again since the notice: forget the notice.
  const cleared = await db.$executeRaw`
    UPDATE account SET inactivity_notice_at = NULL
     WHERE inactivity_notice_at IS NOT NULL AND last_activity_at > inactivity_notice_at`;
  processed += cleared;

  // 2. Notices.
  const noticeBefore = inactivityNoticeThreshold(now);
  for (;;) {
    const batch = await db.account.findMany({
      where: {
        ...EXPIRING,
        inactivityNoticeAt: null,
        OR: [{ lastActivityAt: { lt: noticeBefore } }, { lastActivityAt: null, createdAt: { lt: noticeBefore } }],
      },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) break;
    for (const account of batch) {
      await db.$transaction(async (tx) => {
        const marked = await tx.account.updateMany({
          where: { id: account.id, inactivityNoticeAt: null },
          data: { inactivityNoticeAt: now },
        });
        if (marked.count === 0) return;
        const lastSeen = account.lastActivityAt ?? account.createdAt;
        await queueMail(tx, {
          idempotencyKey: `inactivity-notice:${account.id}:${lastSeen.toISOString()}`,
          to: [account.email],
          subject: "Votre compte Medimail va être supprimé",
          text: `Bonjour ${account.firstName} ${account.lastName},\n\nVotre compte Medimail ${account.email} n'a pas été utilisé depuis le ${dateFormat.format(lastSeen)}.\nSans connexion de votre part d'ici le ${dateFormat.format(inactivityDeletionDate(now))}, il sera supprimé.\n`,
        });
        await tx.auditEvent.create({
          data: {
            actorLabel: SYSTEM_ACTOR,
            action: "account.inactivity-notice",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
          },
        });
      });
      processed++;
    }
  }

  // 3. Deletions: notified long enough ago and not used since.
  const notifiedBefore = inactivityDeletionThreshold(now);
  for (;;) {
    const batch = await db.account.findMany({
      where: { ...EXPIRING, inactivityNoticeAt: { lt: notifiedBefore } },
      include: { mssAddress: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    const stillInactive = batch.filter(
      (account) => (account.lastActivityAt ?? account.createdAt) <= (account.inactivityNoticeAt as Date),
    );
    if (stillInactive.length === 0) break;
    for (const account of stillInactive) {
      await db.$transaction(async (tx) => {
        await tx.deletedAccount.createMany({
          data: [
            {
              id: account.id,
              reason: "INACTIVITY",
              structureId: account.structureId,
              type: account.type,
              email: account.email,
              lastName: account.lastName,
              firstName: account.firstName,
              lastActivityAt: account.lastActivityAt,
              mssAddress: account.mssAddress?.publishedAddress ?? account.mssAddress?.address ?? null,
              deletedAt: now,
            },
          ],
          skipDuplicates: true,
        });
        const deleted = await tx.account.deleteMany({ where: { id: account.id } });
        if (deleted.count === 0) return;
        await tx.auditEvent.create({
          data: {
            actorLabel: SYSTEM_ACTOR,
            action: "account.deleted-inactive",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
            before: { email: account.email, type: account.type, lastActivityAt: account.lastActivityAt },
          },
        });
      });
      processed++;
    }
  }
  return { processed, failed: 0 };
}

/**
 * Nightly: accounts rejected over a year ago are definitively rejected. Their personal data is purged
 * (the account row goes); what remains is an audit trace without personal data and, when the account
 * had a published MSSanté address, the address to withdraw from the directory.
 */
export async function purgeDefinitiveRejections({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  const rejectedBefore = definitiveRejectionThreshold(now);
  let processed = 0;
  for (;;) {
    const batch = await db.account.findMany({
      where: { state: "REJECTED", rejectedAt: { lt: rejectedBefore } },
      include: { mssAddress: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) break;
    for (const account of batch) {
      await db.$transaction(async (tx) => {
        await tx.deletedAccount.createMany({
          data: [
            {
              id: account.id,
              reason: "REJECTION_PURGE",
              structureId: account.structureId,
              type: account.type,
              mssAddress: account.mssAddress?.publishedAddress ?? null,
              deletedAt: now,
            },
          ],
          skipDuplicates: true,
        });
        const deleted = await tx.account.deleteMany({ where: { id: account.id, state: "REJECTED" } });
        if (deleted.count === 0) return;
        await tx.auditEvent.create({
          data: {
            actorLabel: SYSTEM_ACTOR,
            action: "account.definitively-rejected",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
            before: { type: account.type, rejectedAt: account.rejectedAt },
          },
        });
      });
      processed++;
    }
  }
  return { processed, failed: 0 };
}
