import { accountSearchText } from "@medimail/domain/text";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { emailChangedMail } from "../accounts/account-mails.ts";
import { markChanged } from "../directory/directory-changes.repository.ts";
import { queueMail } from "../mail/outbox.repository.ts";

/**
 * Nightly: applies the pending email change requests. One transaction per request, guarded by its
 * PENDING status, so a request is applied once however often the job runs or is retried.
 */
export async function applyEmailChanges({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  let processed = 0;
  let failed = 0;
  for (;;) {
    const batch = await db.emailChangeRequest.findMany({
      where: { status: "PENDING", requestedAt: { lte: now } },
      orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
      take: batchSize,
      select: { id: true, accountId: true, newEmail: true },
    });
    if (batch.length === 0) break;
    for (const request of batch) {
      const outcome = await db.$transaction(async (tx) => {
        const account = await tx.account.findUnique({ where: { id: request.accountId } });
        const claimed = await tx.emailChangeRequest.updateMany({
          where: { id: request.id, status: "PENDING" },
          data: { status: "DONE", doneAt: now, cancelTokenHash: null },
        });
        if (claimed.count === 0 || !account) return "skipped" as const;
        const newEmail = request.newEmail.toLowerCase();
        const holder = await tx.account.findUnique({ where: { email: newEmail }, select: { id: true } });
        if (holder && holder.id !== account.id) {
          await tx.emailChangeRequest.update({
            where: { id: request.id },
            data: { status: "FAILED", failureReason: "Adresse déjà utilisée par un autre compte" },
          });
          return "failed" as const;
        }
        await tx.account.update({
          where: { id: account.id },
          data: { email: newEmail, searchText: accountSearchText({ ...account, email: newEmail }) },
        });
        // the login is not part of the directory entry: the publication finds nothing to send unless something else
        // changed; marked all the same so that the directory's view of the holder is checked again tonight
        await markChanged(tx, account.id);
        await tx.auditEvent.create({
          data: {
            actorLabel: "Tâche nocturne",
            action: "account.email-changed",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
            before: { email: account.email },
            after: { email: newEmail },
          },
        });
        // the former address too: a change its holder did not want must not go unnoticed
        await queueMail(tx, emailChangedMail(account, { oldEmail: account.email, newEmail }, request.id));
        await queueMail(tx, {
          idempotencyKey: `email-change-applied:${request.id}`,
          to: [newEmail],
          subject: "Votre identifiant Medimail a changé",
          text: `Bonjour ${account.firstName} ${account.lastName},\n\nVotre identifiant de connexion Medimail est désormais ${newEmail} (auparavant ${account.email}).\nSi vous n'êtes pas à l'origine de cette demande, contactez l'administrateur de votre structure.\n`,
        });
        return "applied" as const;
      });
      if (outcome === "applied") processed++;
      if (outcome === "failed") failed++;
    }
  }
  return { processed, failed };
}

export const EMAIL_CHANGES_JOB_NAMES = { emailChanges: "email-changes.apply" } as const;

export function createEmailChangesJobDefinitions(): JobDefinition[] {
  return [
    {
      name: EMAIL_CHANGES_JOB_NAMES.emailChanges,
      label: "Changements d'adresse e-mail",
      description: "Applique les demandes de changement de mail en attente (identifiant de connexion, annuaire).",
      cron: "0 3 * * *",
      handler: applyEmailChanges,
    },
  ];
}
