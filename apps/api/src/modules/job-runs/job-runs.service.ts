import type { JobRunSummary, JobStatus } from "@medimail/contracts/jobs";
import type { Db, JobRun } from "@medimail/db/client";
import type { Clock, JobDefinition } from "../../jobs/job-definition.ts";
import type { JobTriggers } from "../../jobs/job-triggers.ts";
import { nextOccurrence } from "../../jobs/scheduler.ts";
import { notFound } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { createJobRunsRepository } from "./job-runs.repository.ts";

const toSummary = (run: JobRun): JobRunSummary => ({
  id: run.id,
  trigger: run.trigger,
  scheduledFor: run.scheduledFor.toISOString(),
  status: run.status,
  attempts: run.attempts,
  startedAt: run.startedAt?.toISOString() ?? null,
  finishedAt: run.finishedAt?.toISOString() ?? null,
  processed: run.processed,
  failed: run.failed,
  error: run.error,
});

/** The operators' view of the background jobs: last run, next run, failures, and "run now". */
export function createJobRunsService({
  db,
  definitions,
  triggers,
  clock,
}: {
  db: Db;
  definitions: JobDefinition[];
  triggers: Pick<JobTriggers, "withChange">;
  clock: Clock;
}) {
  const repository = createJobRunsRepository(db);
  const find = (name: string) => {
    const definition = definitions.find((candidate) => candidate.name === name);
    if (!definition) throw notFound("Tâche inconnue");
    return definition;
  };

  return {
    async list(): Promise<JobStatus[]> {
      const now = clock.now();
      const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
      const [latest, failures] = await Promise.all([repository.latestByName(), repository.failuresSince(weekAgo)]);
      return definitions.map((definition) => {
        const last = latest.find((run) => run.name === definition.name);
        return {
          name: definition.name,
          label: definition.label,
          description: definition.description,
          cron: definition.cron ?? null,
          nextRunAt: definition.cron ? nextOccurrence(definition.cron, now).toISOString() : null,
          lastRun: last ? toSummary(last) : null,
          failedRunsLast7Days: failures.find((row) => row.name === definition.name)?._count ?? 0,
        };
      });
    },

    async runs(name: string): Promise<JobRunSummary[]> {
      find(name);
      const runs = await repository.latestRuns(name, 20);
      return runs.map(toSummary);
    },

    /** "Lancer maintenant": records a manual run and hands it to the queue. */
    async runNow(name: string, actor: AuditActor): Promise<JobRunSummary> {
      find(name);
      const start = triggers.withChange(name, "MANUAL");
      const run = await db.$transaction(async (tx) => {
        const recorded = await start.record(tx, { requestedBy: actor.id });
        await recordAudit(tx, actor, { action: "jobs.run-requested", entityType: "job", entityId: name });
        return recorded;
      });
      await start.dispatch(run);
      return toSummary(run);
    },
  };
}
export type JobRunsService = ReturnType<typeof createJobRunsService>;
