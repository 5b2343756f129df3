import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import { recordJobRun } from "../../jobs/enqueue.ts";
import type { Clock } from "../../jobs/job-definition.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { ACTIVITY_JOB_NAMES } from "./activity.jobs.ts";
import type { StartExportsSoon } from "./activity.service.ts";

/**
 * Starts the export job right after a request committed, instead of at its next minute. Requests within
 * COALESCE_MS share one run (a run takes every waiting request); if this process dies first, the every-minute
 * run picks the request up.
 */
export function createExportTrigger({
  db,
  queue,
  clock,
  log,
}: {
  db: Db;
  queue: Pick<JobQueue, "dispatch">;
  clock: Clock;
  log: FastifyBaseLogger;
}): StartExportsSoon {
  const COALESCE_MS = 200;
  let pending: NodeJS.Timeout | null = null;
  return () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      recordJobRun(db, { name: ACTIVITY_JOB_NAMES.exports, clock, trigger: "EVENT" })
        .then((run) => queue.dispatch(run.name, run.id))
        .catch((error: Error) => log.warn({ err: error }, "could not start the export job: its next run will"));
    }, COALESCE_MS);
    pending.unref();
  };
}
