import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import { recordJobRun } from "../../jobs/enqueue.ts";
import type { Clock } from "../../jobs/job-definition.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { JOB_NAMES } from "../../jobs/registry.ts";

/** Asks for the outbox to be delivered now rather than at its next minute (sign-in codes must arrive at once). */
export type DeliverMailSoon = () => void;

/**
 * Call it after the transaction that queued a mail has committed. Calls within COALESCE_MS share one run:
 * 200 sign-ins in a second start a handful of delivery runs, not 200. A run started after the commit always
 * sees the mail; if this process dies first, the every-minute run delivers it.
 */
export function createMailTrigger({
  db,
  queue,
  clock,
  log,
}: {
  db: Db;
  queue: Pick<JobQueue, "dispatch">;
  clock: Clock;
  log: FastifyBaseLogger;
}): DeliverMailSoon {
  const COALESCE_MS = 200;
  let pending: NodeJS.Timeout | null = null;
  return () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      recordJobRun(db, { name: JOB_NAMES.outbox, clock, trigger: "EVENT" })
        .then((run) => queue.dispatch(run.name, run.id))
        .catch((error: Error) => log.warn({ err: error }, "could not start mail delivery: the next run will send it"));
    }, COALESCE_MS);
    pending.unref();
  };
}
