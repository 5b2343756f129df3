import type { Account, AccountState, DeletionReason, MssAddress, Prisma } from "@medimail/db/client";
import {
  definitiveRejectionThreshold,
  inactivityDeletionDate,
  inactivityDeletionThreshold,
  inactivityNoticeThreshold,
} from "@medimail/domain/lifecycle";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { queueMail } from "../mail/outbox.repository.ts";

const SYSTEM_ACTOR = "Tâche nocturne";

/** Only people's own mailboxes expire; ORG/APP mailboxes and console staff accounts do not. */
export const EXPIRING: Prisma.AccountWhereInput = {
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
    // not used since the notice (never used at all counts as not used)
    const stillInactive = await db.account.findMany({
      where: {
        ...EXPIRING,
        inactivityNoticeAt: { lt: notifiedBefore },
        OR: [{ lastActivityAt: null }, { lastActivityAt: { lte: db.account.fields.inactivityNoticeAt } }],
      },
      include: { mssAddress: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (stillInactive.length === 0) break;
    for (const account of stillInactive) {
      const removed = await db.$transaction((tx) =>
        removeAccount(tx, account, {
          reason: "INACTIVITY",
          action: "account.deleted-inactive",
          now,
          // kept for the export of deleted accounts
          personal: { email: account.email, lastName: account.lastName, firstName: account.firstName },
          before: { email: account.email, type: account.type, lastActivityAt: account.lastActivityAt },
        }),
      );
      if (removed) processed++;
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
      const removed = await db.$transaction((tx) =>
        removeAccount(tx, account, {
          reason: "REJECTION_PURGE",
          action: "account.definitively-rejected",
          now,
          personal: null, // purged: nothing personal survives
          before: { type: account.type, rejectedAt: account.rejectedAt },
          onlyIfState: "REJECTED",
        }),
      );
      if (removed) processed++;
    }
  }
  return { processed, failed: 0 };
}

/**
 * Deletes an account (and, by cascade, its address, sessions, delegations…) and records it in
 * `deleted_account` — with the address the directory must withdraw — and in the audit log. False when the
 * account was already gone (or no longer in `onlyIfState`): then nothing is written.
 */
async function removeAccount(
  tx: Prisma.TransactionClient,
  account: Account & { mssAddress: MssAddress | null },
  options: {
    reason: DeletionReason;
    action: string;
    now: Date;
    personal: { email: string; lastName: string; firstName: string } | null;
    before: Prisma.InputJsonObject;
    onlyIfState?: AccountState;
  },
): Promise<boolean> {
  const deleted = await tx.account.deleteMany({
    where: { id: account.id, ...(options.onlyIfState ? { state: options.onlyIfState } : {}) },
  });
  if (deleted.count === 0) return false;
  await tx.deletedAccount.create({
    data: {
      id: account.id,
      reason: options.reason,
      structureId: account.structureId,
      type: account.type,
      ...options.personal,
      lastActivityAt: options.personal ? account.lastActivityAt : null,
      mssAddress:
        account.mssAddress?.publishedAddress ?? (options.personal ? account.mssAddress?.address : null) ?? null,
      deletedAt: options.now,
    },
  });
  await tx.auditEvent.create({
    data: {
      actorLabel: SYSTEM_ACTOR,
      action: options.action,
      entityType: "account",
      entityId: account.id,
      structureId: account.structureId,
      before: options.before,
    },
  });
  return true;
}

export const ACCOUNTS_JOB_NAMES = {
  inactivity: "accounts.inactivity",
  definitiveRejection: "accounts.definitive-rejection",
} as const;

export function createAccountsJobDefinitions(): JobDefinition[] {
  return [
    {
      name: ACCOUNTS_JOB_NAMES.inactivity,
      label: "Comptes inactifs",
      description:
        "Avertit les comptes inactifs depuis six mois, puis supprime ceux restés inactifs 30 jours après l'avertissement.",
      cron: "30 3 * * *",
      handler: processInactiveAccounts,
    },
    {
      name: ACCOUNTS_JOB_NAMES.definitiveRejection,
      label: "Rejets définitifs",
      description:
        "Purge les données personnelles des comptes rejetés depuis plus d'un an (une trace d'audit est conservée).",
      cron: "0 4 * * *",
      handler: purgeDefinitiveRejections,
    },
  ];
}
