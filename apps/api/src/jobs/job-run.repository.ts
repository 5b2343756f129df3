import type { DbTx, JobRun } from "@medimail/db/client";
import type { Clock } from "./job-definition.ts";

/**
 * Records a run of `name` in the caller's transaction: the job exists if and only if the change that
 * causes it commits. Hand it to the queue after the commit (see job-triggers.ts); if the process dies in
 * between, the scheduler's next tick dispatches the stranded run.
 */
export function recordJobRun(
  tx: DbTx,
  {
    name,
    clock,
    requestedBy = null,
    trigger = "MANUAL",
  }: { name: string; clock: Clock; requestedBy?: string | null; trigger?: "MANUAL" | "EVENT" },
): Promise<JobRun> {
  return tx.jobRun.create({ data: { name, trigger, scheduledFor: clock.now(), requestedBy } });
}

/** The job runs' table as the jobs infrastructure uses it: the runner's bookkeeping, the scheduler's records. */
export function createJobRunRepository(db: DbTx) {
  return {
    record: (options: Parameters<typeof recordJobRun>[1]) => recordJobRun(db, options),

    find: (runId: string) => db.jobRun.findUnique({ where: { id: runId } }),

    async markRunning(runId: string, startedAt: Date): Promise<void> {
      await db.jobRun.update({
        where: { id: runId },
        data: { status: "RUNNING", startedAt, attempts: { increment: 1 }, error: null },
      });
    },

    async markDone(runId: string, finishedAt: Date, result: { processed: number; failed: number }): Promise<void> {
      await db.jobRun.update({
        where: { id: runId },
        data: { status: "DONE", finishedAt, processed: result.processed, failed: result.failed },
      });
    },

    async markFailed(runId: string, finishedAt: Date, error: string): Promise<void> {
      await db.jobRun.update({ where: { id: runId }, data: { status: "FAILED", finishedAt, error } });
    },

    /** Records the cron occurrence unless an instance already did (unique name, scheduled_for): its id, or null. */
    async recordOccurrence(name: string, scheduledFor: Date): Promise<string | null> {
      const recorded = await db.$queryRaw<{ id: string }[]>`
        INSERT INTO job_run (id, name, trigger, scheduled_for)
        VALUES (gen_random_uuid(), ${name}, 'CRON', ${scheduledFor})
        ON CONFLICT (name, scheduled_for) DO NOTHING
        RETURNING id`;
      return recorded[0]?.id ?? null;
    },

    /** Runs still PENDING since before `before`: recorded by an instance that crashed before enqueueing them. */
    strandedSince: (before: Date, limit: number) =>
      db.jobRun.findMany({
        where: { status: "PENDING", createdAt: { lt: before } },
        select: { id: true, name: true },
        take: limit,
      }),

    async deleteDoneBefore(before: Date): Promise<void> {
      await db.jobRun.deleteMany({ where: { status: "DONE", finishedAt: { lt: before } } });
    },
  };
}
export type JobRunRepository = ReturnType<typeof createJobRunRepository>;
