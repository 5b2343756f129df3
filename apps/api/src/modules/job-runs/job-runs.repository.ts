import type { DbTx, JobRun } from "@medimail/db/client";

/** The status screen's reads of the job runs. */
export function createJobRunsRepository(db: DbTx) {
  return {
    /** The latest run of each job name. */
    latestByName: () =>
      db.$queryRaw<JobRun[]>`
        SELECT DISTINCT ON (name) id, name, trigger, scheduled_for AS "scheduledFor", requested_by AS "requestedBy",
               status, attempts, started_at AS "startedAt", finished_at AS "finishedAt", processed, failed, error,
               created_at AS "createdAt"
          FROM job_run ORDER BY name, created_at DESC`,

    /** Failed runs since `since`, counted by job name. */
    failuresSince: (since: Date) =>
      db.jobRun.groupBy({ by: ["name"], where: { status: "FAILED", createdAt: { gte: since } }, _count: true }),

    /** The latest `limit` runs of one job, newest first. */
    latestRuns: (name: string, limit: number) =>
      db.jobRun.findMany({ where: { name }, orderBy: { createdAt: "desc" }, take: limit }),
  };
}
