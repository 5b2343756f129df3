import type { Prisma } from "@medimail/db/client";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { AppError } from "../../lib/errors.ts";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";
import { recordAudit } from "../audit/audit.repository.ts";
import { markChanged } from "../directory/directory-changes.repository.ts";
import { planAddress } from "./mss-planning.ts";
import { requireQuota } from "./mss-quota.ts";

type Failure = { accountId: string; email: string; reason: string };
const MAX_FAILURES_KEPT = 2_000;

/**
 * "Activer tous les utilisateurs compatibles": every waiting request gives an address to each validated PER, INT,
 * ORG and APP account of its structure (and daughters) that has none. One account per transaction, the request's
 * counter in the same one: a crash loses at most the account in flight, and a rerun skips those that got an
 * address (they no longer match), so nobody gets two. Failures are kept by account, so a rerun does not list one
 * twice.
 */
export async function runMssActivations({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  let processed = 0;
  let failed = 0;
  for (;;) {
    const activation = await db.mssActivation.findFirst({
      where: { status: { in: ["PENDING", "RUNNING"] } },
      orderBy: { requestedAt: "asc" },
    });
    if (!activation) break;
    await db.mssActivation.update({ where: { id: activation.id }, data: { status: "RUNNING" } });
    const structureIds = await createStructureTreeRepository(db).subtreeIds(
      activation.structureId,
      activation.daughters,
    );
    const failures = new Map(
      (activation.failures as Failure[]).map((failure) => [failure.accountId, failure] as const),
    );
    let after: string | undefined;
    for (;;) {
      const batch = await db.account.findMany({
        where: {
          structureId: { in: structureIds },
          state: "VALIDATED",
          type: { not: "MED" },
          mssAddress: null,
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take: batchSize,
        include: { structure: { select: { mssDomain: true } } },
      });
      if (batch.length === 0) break;
      for (const account of batch) {
        const outcome = await db
          .$transaction(async (tx) => {
            const plan = await planAddress(tx, account, account.structure.mssDomain);
            if ("reason" in plan) return plan.reason;
            await requireQuota(tx, account.structureId, account.type, "Quota atteint");
            const inserted = await tx.mssAddress.createMany({
              data: [{ accountId: account.id, address: plan.address, listed: !account.unlisted }],
              skipDuplicates: true,
            });
            if (inserted.count === 0) return "L'adresse proposée vient d'être prise : relancez l'activation.";
            await markChanged(tx, account.id);
            await tx.mssActivation.update({ where: { id: activation.id }, data: { created: { increment: 1 } } });
            return null;
          })
          .catch((error: unknown) => {
            if (error instanceof AppError) return error.message;
            throw error;
          });
        if (outcome === null) {
          processed++;
          failures.delete(account.id);
        } else {
          failed++;
          failures.set(account.id, { accountId: account.id, email: account.email, reason: outcome });
        }
      }
      after = batch.at(-1)?.id;
      const kept = [...failures.values()].slice(0, MAX_FAILURES_KEPT);
      await db.mssActivation.update({
        where: { id: activation.id },
        data: { failures: kept as unknown as Prisma.InputJsonValue, failed: failures.size },
      });
    }
    await db.$transaction(async (tx) => {
      const done = await tx.mssActivation.update({
        where: { id: activation.id },
        data: { status: "DONE", finishedAt: clock.now() },
      });
      await recordAudit(
        tx,
        { id: null, label: "système", ip: null, requestId: null },
        {
          action: "mss.activation-done",
          entityType: "structure",
          entityId: activation.structureId,
          structureId: activation.structureId,
          after: { created: done.created, failed: done.failed },
        },
      );
    });
  }
  return { processed, failed };
}

export const MSSANTE_JOB_NAMES = { mssActivations: "mssante.activation" } as const;

export function createMssanteJobDefinitions(): JobDefinition[] {
  return [
    {
      name: MSSANTE_JOB_NAMES.mssActivations,
      label: "Activation MSSanté des comptes compatibles",
      description:
        "Crée une correspondance MSSanté pour chaque compte compatible des structures qui l'ont demandé (« Activer tous les utilisateurs compatibles »).",
      // started at once by each request; the quarter-hourly run picks up a request whose start was lost
      cron: "*/15 * * * *",
      handler: runMssActivations,
    },
  ];
}
