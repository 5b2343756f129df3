import type { DbTx, JobRun } from "@medimail/db/client";
import type { Clock } from "./job-definition.ts";

/**
 * Records a run of `name` in the caller's transaction: the job exists if and only if the change that
 * causes it commits. Hand it to the queue after the commit (`queue.dispatch(name, run.id)`); if the
 * process dies in between, the scheduler's next tick dispatches the stranded run.
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
