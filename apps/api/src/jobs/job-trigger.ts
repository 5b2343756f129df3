import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import { recordJobRun } from "./enqueue.ts";
import type { Clock } from "./job-definition.ts";
import type { JobQueue } from "./queue.ts";

/** Asks for a job to run now rather than at its next scheduled time. */
export type StartJobSoon = () => void;

/**
 * Call it after the transaction that created the work has committed. Calls within COALESCE_MS share one run (a run
 * takes every waiting item); a run started after the commit always sees the work; if this process dies first, the
 * job's next scheduled run (or the scheduler's catch-up of stranded runs) does it.
 */
export function createJobTrigger({
  db,
  queue,
  clock,
  log,
  name,
}: {
  db: Db;
  queue: Pick<JobQueue, "dispatch">;
  clock: Clock;
  log: FastifyBaseLogger;
  name: string;
}): StartJobSoon {
  const COALESCE_MS = 200;
  let pending: NodeJS.Timeout | null = null;
  return () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      recordJobRun(db, { name, clock, trigger: "EVENT" })
        .then((run) => queue.dispatch(run.name, run.id))
        .catch((error: Error) => log.warn({ err: error, job: name }, "could not start the job now: its next run will"));
    }, COALESCE_MS);
    pending.unref();
  };
}
