import type { JobRunSummary, JobStatus } from "@medimail/contracts/jobs";
import type { Db, JobRun } from "@medimail/db/client";
import { recordJobRun } from "../../jobs/enqueue.ts";
import type { Clock, JobDefinition } from "../../jobs/job-definition.ts";
import { nextOccurrence } from "../../jobs/scheduler.ts";
import { notFound } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";

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
export function createJobsService({
  db,
  definitions,
  dispatch,
  clock,
}: {
  db: Db;
  definitions: JobDefinition[];
  dispatch: (name: string, runId: string) => Promise<void>;
  clock: Clock;
}) {
  const find = (name: string) => {
    const definition = definitions.find((candidate) => candidate.name === name);
    if (!definition) throw notFound("Tâche inconnue");
    return definition;
  };

  return {
    async list(): Promise<JobStatus[]> {
      const now = clock.now();
      const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
      const [latest, failures] = await Promise.all([
        db.$queryRaw<JobRun[]>`
          SELECT DISTINCT ON (name) id, name, trigger, scheduled_for AS "scheduledFor", requested_by AS "requestedBy",
                 status, attempts, started_at AS "startedAt", finished_at AS "finishedAt", processed, failed, error,
                 created_at AS "createdAt"
            FROM job_run ORDER BY name, created_at DESC`,
        db.jobRun.groupBy({ by: ["name"], where: { status: "FAILED", createdAt: { gte: weekAgo } }, _count: true }),
      ]);
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
      const runs = await db.jobRun.findMany({ where: { name }, orderBy: { createdAt: "desc" }, take: 20 });
      return runs.map(toSummary);
    },

    /** "Lancer maintenant": records a manual run and hands it to the queue. */
    async runNow(name: string, actor: AuditActor): Promise<JobRunSummary> {
      find(name);
      const run = await db.$transaction(async (tx) => {
        const recorded = await recordJobRun(tx, { name, clock, requestedBy: actor.id });
        await recordAudit(tx, actor, { action: "jobs.run-requested", entityType: "job", entityId: name });
        return recorded;
      });
      await dispatch(name, run.id);
      return toSummary(run);
    },
  };
}
export type JobsService = ReturnType<typeof createJobsService>;
