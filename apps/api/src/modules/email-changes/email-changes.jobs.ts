import { accountSearchText } from "@medimail/domain/text";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { createAccountsRepository } from "../accounts/accounts.repository.ts";
import { recordAudit } from "../audit/audit.repository.ts";
import { markChanged } from "../directory/directory-changes.repository.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { emailChangeAppliedMail, emailChangedMail } from "./email-change-mails.ts";
import { createEmailChangesRepository } from "./email-changes.repository.ts";

const NIGHTLY_JOB = { id: null, label: "Tâche nocturne", ip: null, requestId: null };

/**
 * Nightly: applies the pending email change requests. One transaction per request, guarded by its
 * PENDING status, so a request is applied once however often the job runs or is retried.
 */
export async function applyEmailChanges({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  let processed = 0;
  let failed = 0;
  for (;;) {
    const batch = await createEmailChangesRepository(db).dueBatch(now, batchSize);
    if (batch.length === 0) break;
    for (const request of batch) {
      const outcome = await db.$transaction(async (tx) => {
        const requests = createEmailChangesRepository(tx);
        const accounts = createAccountsRepository(tx);
        const account = await accounts.findById(request.accountId);
        const claimed = await requests.claimDone(request.id, now);
        if (!claimed || !account) return "skipped" as const;
        const newEmail = request.newEmail.toLowerCase();
        const holder = await accounts.findByEmail(newEmail);
        if (holder && holder.id !== account.id) {
          await requests.markFailed(request.id, "Adresse déjà utilisée par un autre compte");
          return "failed" as const;
        }
        await requests.setAccountEmail(account.id, newEmail, accountSearchText({ ...account, email: newEmail }));
        // the login is not part of the directory entry: the publication finds nothing to send unless something else
        // changed; marked all the same so that the directory's view of the holder is checked again tonight
        await markChanged(tx, account.id);
        await recordAudit(tx, NIGHTLY_JOB, {
          action: "account.email-changed",
          entityType: "account",
          entityId: account.id,
          structureId: account.structureId,
          before: { email: account.email },
          after: { email: newEmail },
        });
        // the former address too: a change its holder did not want must not go unnoticed
        await queueMail(tx, emailChangedMail(account, { oldEmail: account.email, newEmail }, request.id));
        await queueMail(tx, emailChangeAppliedMail(account, { oldEmail: account.email, newEmail }, request.id));
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
